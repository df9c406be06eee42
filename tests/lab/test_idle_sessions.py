"""An open session waiting on a slow router costs (almost) nothing.

With every router in flight, a run holds hundreds of sessions open while their routers
work (a 100-packet ping, `verify /md5`). paramiko's transport thread wakes up every 0.1 s
of an idle connection (its socket timeout) to look for a close: with 1,000 sessions that is
10,000 wake-ups, and as many hand-overs of the interpreter lock, a second, which made CPU
grow with the time routers took. Once the session is up it wakes once a second at most; a
command's output still arrives at once, and closing still ends the session at once.
"""

from __future__ import annotations

import threading
import time

import pytest

from netaccept.inventory import load_inventory
from netaccept.platforms import registry
from netaccept.session.transport import HostKeySettings, NetmikoSession, SshTransport
from tests.conftest import LAB_INVENTORY, Lab

IOS, XR = "nyc-gsr-01", "nyc-gsr-02"


def _open(lab: Lab, name: str, monkeypatch: pytest.MonkeyPatch) -> NetmikoSession:
    for variable, value in lab.env().items():
        monkeypatch.setenv(variable, value)
    inventory = load_inventory(LAB_INVENTORY).with_endpoints({name: ("127.0.0.1", lab.ports[name])})
    transport = SshTransport(registry.CLI, HostKeySettings(known_hosts=lab.known_hosts))
    return transport.open(inventory.device(name))


@pytest.mark.parametrize("name", [IOS, XR])
def test_an_established_session_wakes_at_most_once_a_second(
    lab: Lab, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _open(lab, name, monkeypatch)
    try:
        ssh = session._conn.remote_conn.get_transport()
        assert ssh.sock.gettimeout() >= 1.0
        # ...and an answer is still read as soon as it comes.
        started = time.monotonic()
        output = session.run("show clock")
        assert time.monotonic() - started < 0.9
        assert output.strip()
    finally:
        session.close()


def test_closing_an_idle_session_ends_its_transport_thread(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _open(lab, IOS, monkeypatch)
    ssh = session._conn.remote_conn.get_transport()
    assert isinstance(ssh, threading.Thread) and ssh.is_alive()
    time.sleep(0.3)  # idle: the transport thread sits in its read
    session.close()
    ssh.join(3.0)  # its read ends at its next wake-up at the latest
    assert not ssh.is_alive()
