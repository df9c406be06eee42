"""A port that speaks TCP but not SSH (issue 14): a message that says so, tried once.

Each server runs on 127.0.0.1 in this test's process, and stops when the test ends.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LAB_INVENTORY, netaccept

DEVICE = "nyc-gsr-01"


class NotSsh:
    """Answers every connection with `reply`, then closes it; counts the connections."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                try:
                    conn.recv(256)  # the client's SSH version line
                    conn.sendall(self.reply)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def web_server() -> Iterator[NotSsh]:
    server = NotSsh(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    yield server
    server.close()


def test_a_web_server_on_the_ssh_port_is_said_to_be_no_ssh_and_tried_once(
    web_server: NotSsh, tmp_path: Path
) -> None:
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--device", DEVICE, "--check", "ios_version",
        "--endpoint", f"{DEVICE}=127.0.0.1:{web_server.port}", "--host-key-policy", "insecure",
        "--no-progress", out=tmp_path, env={"NETACCEPT_PASSWORD": "x", "NETACCEPT_USERNAME": "x",
                                            "NETACCEPT_SECRET": "x"},
    )  # fmt: skip
    assert result.code == 6, result.stdout + result.stderr
    message = result.certificate(DEVICE)["checks"][0]["message"]
    assert "No existing session" not in message and "SSHException" not in message
    assert "not SSH" in message and "HTTP/1.1 400 Bad Request" in message
    assert web_server.connections == 1  # a port that is not SSH will not become SSH
