"""The benchmark behind `make bench`: see bench/run.py and bench/RESULTS.md."""
