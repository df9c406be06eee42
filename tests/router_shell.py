"""A Cisco CLI that serves one lab recording, run by a real sshd as its ForceCommand.

`python -I router_shell.py SESSION_FILE`. SESSION_FILE (JSON, written by tests/sshd.py, mode
0600 in sshd's private temporary directory) holds the recording's path, the prompt, user
mode and the enable secret: sshd clears the environment, and a secret on a command line
would be visible to every user of the machine.

It plays a router as netaccept's asyncssh lab does (netaccept/lab/session.py): the login
banner is a prompt; typed characters are echoed by the CLI, not the tty (whose echo is off);
`terminal ...` is accepted silently; `enable` asks for the secret; an unknown command gets
the caret and `% Invalid input detected at '^' marker.`; every line ends in CRLF. With
`ssh host CMD` (sshd's SSH_ORIGINAL_COMMAND) it answers once, without echo or prompt.
Only the standard library is imported: each login starts this program afresh.
"""

from __future__ import annotations

import codecs
import contextlib
import hmac
import json
import os
import re
import sys
import termios
import tty
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_WS = re.compile(r"\s+")
_READ_SIZE = 4096
_MAX_BAD_SECRETS = 3


def _normalise(command: str) -> str:
    return _WS.sub(" ", command).strip()


class RouterCli:
    """The CLI state of one session: mode, the line being typed, enable attempts."""

    def __init__(self, session: dict[str, Any], outputs: dict[str, str]) -> None:
        self._prompt: str = session["prompt"].format(hostname=session["hostname"])
        self._user_mode_commands: list[str] = session["user_mode_commands"]
        self._secret: str = session["secret"]
        self._exact = outputs
        self._loose: dict[str, str] = {}
        for command, text in outputs.items():
            self._loose.setdefault(_normalise(command), text)
        self._user_mode: bool = session["user_mode"]
        self._privileged = not self._user_mode
        self._line: list[str] = []
        self._reading_secret = False
        self._bad_secrets = 0
        self._after_cr = False
        self._escape = 0  # 1 after ESC, 2 inside a CSI sequence (arrow keys)
        self.closed = False

    @property
    def prompt(self) -> str:
        return self._prompt if self._privileged else f"{self._prompt[:-1]}>"

    def feed(self, chunk: str) -> str:
        """What the router prints in answer to the typed characters `chunk`."""
        out: list[str] = []
        for char in chunk:
            if self.closed:
                break
            if self._swallowed(char):
                continue
            if char in "\r\n":
                self._after_cr = char == "\r"
                line = "".join(self._line)
                self._line.clear()
                out.append("\r\n" + self._end_line(line))
            elif char in "\x7f\x08":
                if self._line:
                    self._line.pop()
                    out.append("" if self._reading_secret else "\b \b")
            elif char == "\x03":  # Ctrl-C abandons the line
                self._line.clear()
                self._reading_secret = False
                out.append("\r\n" + self.prompt)
            elif char == "\x1b":
                self._escape = 1
            elif char.isprintable():
                self._line.append(char)
                out.append("" if self._reading_secret else char)
        return "".join(out)

    def _swallowed(self, char: str) -> bool:
        """Whether `char` is the LF of a CRLF or part of an escape sequence."""
        if self._after_cr:
            self._after_cr = False
            if char == "\n":
                return True
        if self._escape:
            if self._escape == 1:
                self._escape = 2 if char in "[O" else 0
            elif "@" <= char <= "~":
                self._escape = 0
            return True
        return False

    def _end_line(self, line: str) -> str:
        if self._reading_secret:
            self._reading_secret = False
            return self._check_secret(line)
        command = _normalise(line)
        keyword = command.split(" ")[0].lower()
        if not command:
            return self.prompt
        if command.lower() in ("exit", "logout", "quit"):
            self.closed = True
            return ""
        if len(keyword) >= 4 and "terminal".startswith(keyword):
            return self.prompt  # terminal length/width: accepted, silent
        if command == "enable":
            if self._privileged:
                return self.prompt
            self._reading_secret = True
            return "Password: "
        if command == "disable" and self._user_mode:
            self._privileged = False
            return self.prompt
        return self.answer(line, with_prompt=True)

    def _check_secret(self, attempt: str) -> str:
        if hmac.compare_digest(attempt.encode(), self._secret.encode()):
            self._privileged = True
            self._bad_secrets = 0
            return self.prompt
        self._bad_secrets += 1
        if self._bad_secrets >= _MAX_BAD_SECRETS:
            self._bad_secrets = 0
            return "% Bad secrets\r\n\r\n" + self.prompt
        return "% Access denied\r\n\r\n" + self.prompt

    def answer(self, line: str, *, with_prompt: bool) -> str:
        """The recorded output of `line` in CRLF lines, or the CLI's rejection of it."""
        prompt = self.prompt if with_prompt else ""
        command = _normalise(line)
        allowed = self._privileged or any(
            command == c or command.startswith(c + " ") for c in self._user_mode_commands
        )
        text = self._exact.get(line, self._loose.get(command)) if allowed else None
        if text is None:
            indent = len(line) - len(line.lstrip()) + len(prompt)
            return " " * indent + "^\r\n% Invalid input detected at '^' marker.\r\n\r\n" + prompt
        if not text:
            return prompt
        lines = text.replace("\r\n", "\n").split("\n")
        return "".join(part + "\r\n" for part in lines) + prompt


@contextlib.contextmanager
def _raw_tty(fd: int) -> Iterator[None]:
    """The pty sshd allocated, with its echo and line editing off: the CLI does both."""
    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    tty.setraw(fd)
    try:
        yield
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _write(text: str) -> None:
    if text:
        os.write(sys.stdout.fileno(), text.encode("utf-8", "surrogateescape"))


def _serve(cli: RouterCli) -> None:
    stdin = sys.stdin.fileno()
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    with _raw_tty(stdin):
        _write("\r\n" + cli.prompt)
        while not cli.closed:
            data = os.read(stdin, _READ_SIZE)
            if not data:
                break  # the client sent EOF
            _write(cli.feed(decoder.decode(data)))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: router_shell.py SESSION_FILE\n")
        return 2
    session = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    recording = json.loads(Path(session["recording"]).read_text(encoding="utf-8"))
    cli = RouterCli(session, recording["outputs"])
    command = os.environ.get("SSH_ORIGINAL_COMMAND")
    if command is not None:
        _write(cli.answer(command, with_prompt=False))
        return 0
    with contextlib.suppress(OSError):  # the client hung up mid-write
        _serve(cli)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
