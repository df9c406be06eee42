"""The benchmark behind `make bench` and the soak behind `make soak`: see bench/run.py,
bench/soak.py and bench/RESULTS.md.

Both are entry points of their own (`python -m bench.run`, `python -m bench.soak`): the
warnings netaccept's libraries raise are silenced here, before any of them is imported,
as the `netaccept` command does (netaccept.core.libwarnings).
"""

from netaccept.core.libwarnings import quiet_library_warnings

quiet_library_warnings()
