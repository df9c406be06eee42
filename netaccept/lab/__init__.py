"""The simulated lab: routers served over real SSH on loopback, their DNS, their faults.

- :mod:`netaccept.lab.spec`: the spec file, routers, transport faults, recordings (no SSH);
- :mod:`netaccept.lab.keys`: host keys and known_hosts lines;
- :mod:`netaccept.lab.session`: the CLI of one SSH session;
- :mod:`netaccept.lab.server`: the SSH server, :func:`~netaccept.lab.server.serve` and the
  lab process's ``main``;
- :mod:`netaccept.lab.process`: :class:`~netaccept.lab.process.LabProcess`, the lab in a
  child process;
- :mod:`netaccept.lab.dns`, :mod:`netaccept.lab.zone`: its DNS;
- :mod:`netaccept.lab.faults`: the check fault catalogue (recordings that break checks).

Nothing is imported here: ``python -m netaccept.lab`` runs this file before ``__main__``
silences the libraries' warnings and imports asyncssh.
"""
