"""One SSH session with a simulated router: its CLI, line by line, and its faults.

:class:`RouterSession` is the state machine behind one shell (or one ``ssh host CMD``):
it echoes and edits the typed line (backspace, Ctrl-C, arrow keys ignored), answers each
command from the router's recording (:class:`CommandTable`), asks for the enable secret,
and applies the router's :class:`~netaccept.lab.spec.LabFault` to the answers - cut,
replaced, rejected, hung or dropped mid-output, paged, paused after a prompt line, sent with
CR and LF apart, or never ended - to the echo (wrapped or scrolled) and to the prompt.

The prompt and user mode come from the platform's lab persona
(:mod:`netaccept.platforms.registry`); nothing here depends on a platform's name.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import random
from collections.abc import Mapping
from typing import Literal

import asyncssh

from netaccept.lab.spec import LabCredentials, LabRouter, normalise
from netaccept.platforms.registry import platform as registered

__all__ = ["CommandTable", "RouterSession"]

_READ_SIZE = 4096
# Wrong enable secrets in a row before the CLI answers "% Bad secrets".
_MAX_BAD_SECRETS = 3


class CommandTable:
    """Recorded outputs with exact and whitespace-insensitive lookup."""

    def __init__(self, outputs: Mapping[str, str]) -> None:
        self._exact = dict(outputs)
        self._loose: dict[str, str] = {}
        for command, text in outputs.items():
            # First recording wins if two keys collapse to the same command.
            self._loose.setdefault(normalise(command), text)

    def lookup(self, line: str) -> str | None:
        if line in self._exact:
            return self._exact[line]
        return self._loose.get(normalise(line))


# Faults that act on the answer to one command, and what follows that answer.
_ANSWER_FAULTS = frozenset(
    {"disconnect_mid_output", "hang", "truncated", "garbage", "invalid_input", "endless_output"}
)
# Faults that act on how an answer goes out on the wire (its text is the recorded one).
_DELIVERY_FAULTS = frozenset({"pager", "prompt_in_output", "split_crlf"})
_Then = Literal["prompt", "hang", "drop", "endless"]
# Pager prompts and what erases them once a key is pressed, per ``pager`` style.
_PAGERS = {
    "backspace": (" --More-- ", "\b" * 10 + " " * 10 + "\b" * 10),
    "ansi": ("<--- More --->", "\r\x1b[K"),
}
_DEFAULT_PAGE_LINES = 24
_DEFAULT_WIDTH = 80
_SCROLL_STEP = 10  # columns a scrolling line editor shifts its window by
_PROMPT_PAUSE = 0.5
_CRLF_PAUSE = 0.01
# How long a dropped connection waits for its last output to leave the socket buffers.
_DROP_SETTLE = 0.1
# Text that makes any garbage invalid UTF-8 and binary, whatever the random bytes are.
_GARBAGE_SEED_BYTES = b"\x00\xff\xfe\xc3\x28\x00\x80"


def _surrogates(data: bytes) -> str:
    # The session's streams encode with surrogateescape: these come out as exactly `data`.
    return data.decode("utf-8", "surrogateescape")


def _first_bytes(text: str, count: int | None) -> str:
    data = text.encode("utf-8", "surrogateescape")
    cut = len(data) // 2 if count is None else min(count, len(data))
    return _surrogates(data[:cut])


class RouterSession:
    """The CLI state of one SSH session (mode, pending line, enable attempts, fault)."""

    def __init__(
        self,
        router: LabRouter,
        table: CommandTable,
        credentials: LabCredentials,
        process: asyncssh.SSHServerProcess[str],
    ) -> None:
        self._router = router
        self._table = table
        self._secret = credentials.secret
        self._process = process
        self._persona = registered(router.platform).lab
        # A platform without user mode (IOS-XR) logs straight into exec mode.
        self._privileged = not self._persona.user_mode
        self._hostname = router.name
        self._reading_secret = False
        self._bad_secrets = 0
        self._line: list[str] = []
        self._after_cr = False  # so "\r\n" counts as one line end even across reads
        self._escape = 0  # 1 after ESC, 2 inside a CSI sequence (arrow keys from humans)
        self._pending: list[str] = []
        self._closing = False
        self._fault = router.fault
        self._commands = 0  # commands answered (or rejected) in this session
        self._hung = False  # a "hang" fault struck: nothing more is read or written
        self._drop = False  # a "disconnect_mid_output" fault struck: drop the connection
        self._endless = False  # an "endless_output" fault struck: print until the client goes
        self._later: list[tuple[float, str]] = []  # (pause, text): the rest of an answer
        self._page_rest: list[str] = []  # lines a pager still holds back
        self._page_tail: str | None = None  # what follows them (the prompt); None: no pager
        self._offset = 0  # where the echo's visible window starts (echo_wrap "scroll")

    @property
    def prompt(self) -> str:
        prompt = self._persona.prompt.format(hostname=self._hostname)
        return prompt if self._privileged else f"{prompt[:-1]}>"

    async def run(self) -> None:
        try:
            command = self._process.command
            if command is not None:
                # `ssh host "show version"`: answer once without echo or prompt.
                await self._exec(command)
                return
            self._emit("\r\n" + self.prompt)
            await self._flush()
            while not self._closing:
                try:
                    chunk = await self._process.stdin.read(_READ_SIZE)
                except (
                    asyncssh.TerminalSizeChanged,
                    asyncssh.BreakReceived,
                    asyncssh.SignalReceived,
                ):
                    continue  # window resizes etc. are not input
                if not chunk:
                    break  # client sent EOF
                await self._feed(chunk)
                if self._drop:
                    await self._drop_connection()
                    return
                if self._endless:
                    await self._flood()
                    return
        except (OSError, asyncssh.Error):
            pass  # client vanished mid-command; only this session is affected
        finally:
            if not self._drop:
                with contextlib.suppress(OSError, asyncssh.Error):
                    self._process.exit(0)

    async def _exec(self, command: str) -> None:
        delay = self._router.delay_for(normalise(command))
        if delay > 0:
            await asyncio.sleep(delay)
        self._commands += 1
        text, then = self._respond(command, with_prompt=False)
        self._emit(text)
        await self._flush()
        if then == "drop":
            self._drop = True
        elif then == "endless":
            await self._flood()
        elif then == "hang":
            while await self._process.stdin.read(_READ_SIZE):
                pass  # say nothing more until the client gives up

    async def _drop_connection(self) -> None:
        """Close the TCP connection without an SSH disconnect or channel close."""
        await asyncio.sleep(_DROP_SETTLE)
        conn = self._process.get_extra_info("connection")
        if conn is not None:
            conn.abort()
        self._closing = True

    def _emit(self, text: str) -> None:
        self._pending.append(text)

    async def _flush(self) -> None:
        # One write per burst keeps echo, output and prompt in as few packets as possible.
        if self._pending:
            data = "".join(self._pending)
            self._pending.clear()
            self._process.stdout.write(data)
            await self._process.stdout.drain()

    async def _feed(self, chunk: str) -> None:
        for char in chunk:
            if self._closing or self._hung or self._drop or self._endless:
                break  # a hung CLI neither echoes nor answers; a dropped one is gone
            if self._swallowed(char):
                continue
            if self._page_tail is not None:
                self._page_key(char)
            elif char in "\r\n":
                self._after_cr = char == "\r"
                line = "".join(self._line)
                self._line.clear()
                await self._end_line(line)
                await self._play_later()
            else:
                self._edit(char)
        await self._flush()

    async def _play_later(self) -> None:
        """Send the rest of an answer that pauses on the way (prompt_in_output, split_crlf)."""
        while self._later:
            pause, text = self._later.pop(0)
            await self._flush()
            await asyncio.sleep(pause)
            self._emit(text)
        await self._flush()

    async def _flood(self) -> None:
        """Log lines without end and without a pause (endless_output), until the client goes."""
        await self._flush()
        block = "".join(
            f"{self._hostname}: %LINEPROTO-5-UPDOWN: Line protocol on Interface "
            f"GigabitEthernet0/{n % 8}, changed state to {('up', 'down')[n % 2]}\r\n"
            for n in range(64)
        )
        while not self._process.channel.is_closing():
            self._process.stdout.write(block)
            await self._process.stdout.drain()

    def _swallowed(self, char: str) -> bool:
        """Whether `char` is the LF of a CRLF or part of an escape sequence (not input)."""
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

    def _edit(self, char: str) -> None:
        """Apply one character other than a line end to the pending line."""
        if char in "\x7f\x08":
            if self._line:
                self._line.pop()
                if not self._reading_secret:
                    self._emit("\b \b")
        elif char == "\x03":  # Ctrl-C abandons the line, as on a router
            self._line.clear()
            self._reading_secret = False
            self._emit("\r\n" + self.prompt)
        elif char == "\x1b":
            self._escape = 1
        elif char.isprintable():
            self._line.append(char)
            if not self._reading_secret:
                self._echo(char)
        # Other control characters (and undecodable bytes) are ignored.

    def _echo(self, char: str) -> None:
        """Echo the character just typed; an ``echo_wrap`` terminal wraps or scrolls it."""
        fault = self._fault
        if fault is None or fault.kind != "echo_wrap":
            self._emit(char)
            return
        width = fault.width or _DEFAULT_WIDTH
        column = len(self.prompt) + len(self._line) - 1
        style = fault.style or "crlf"
        if style == "scroll":
            self._scroll(char, max(12, width - len(self.prompt) - 1))
        elif column > 0 and column % width == 0:
            self._emit(("\r\n" if style == "crlf" else " \r") + char)
        else:
            self._emit(char)

    def _scroll(self, char: str, room: int) -> None:
        """Echo as a scrolling line editor: when the line reaches the margin, back up over
        it and redraw it as ``$`` and a window shifted by _SCROLL_STEP columns."""
        count = len(self._line)
        if count == 1:
            self._offset = 0
        marker = 1 if self._offset else 0
        if marker + count - self._offset <= room:
            self._emit(char)
            return
        shown = marker + count - 1 - self._offset
        while 1 + count - self._offset > room:
            self._offset += _SCROLL_STEP
        window = "$" + "".join(self._line[self._offset :])
        pad = max(0, shown - len(window))
        self._emit("\b" * shown + window + " " * pad + "\b" * pad)

    async def _end_line(self, line: str) -> None:
        self._emit("\r\n")
        if self._reading_secret:
            self._reading_secret = False
            self._check_secret(line)
            return
        command = normalise(line)
        if not command:
            self._emit(self.prompt)
            return
        delay = self._router.delay_for(command)
        if delay > 0:
            await self._flush()  # the echo goes out at once; only the answer is slow
            await asyncio.sleep(delay)
        self._run_command(line, command)

    def _check_secret(self, attempt: str) -> None:
        matches = hmac.compare_digest(attempt.encode(), self._secret.encode())
        if self._fault is not None and self._fault.kind == "enable_wrong":
            matches = False
        if matches:
            self._privileged = True
            self._bad_secrets = 0
        else:
            self._bad_secrets += 1
            if self._bad_secrets >= _MAX_BAD_SECRETS:
                self._bad_secrets = 0
                self._emit("% Bad secrets\r\n\r\n")
            else:
                self._emit("% Access denied\r\n\r\n")
        self._emit(self.prompt)

    def _run_command(self, line: str, command: str) -> None:
        words = command.split(" ")
        keyword = words[0].lower()
        if len(words) == 1 and keyword in ("exit", "logout", "quit"):
            self._closing = True
            return
        if len(keyword) >= 4 and "terminal".startswith(keyword):
            self._emit(self.prompt)  # terminal length/width/...: accepted, silent
            return
        if command == "enable":
            if self._privileged:
                self._emit(self.prompt)
            else:
                self._emit("Password: ")
                self._reading_secret = True
            return
        if self._persona.user_mode and command == "disable":
            self._privileged = False
            self._emit(self.prompt)
            return
        self._commands += 1
        text, then = self._respond(line, with_prompt=True)
        if then == "prompt":
            self._deliver(line, text)
        else:
            self._emit(text)
        if then == "hang":
            self._hung = True
        elif then == "drop":
            self._drop = True
        elif then == "endless":
            self._endless = True
        else:
            self._maybe_change_prompt()

    def _deliver(self, line: str, text: str) -> None:
        """Send an answer as the router's terminal does: paged, paused or split."""
        fault = self._fault
        if (
            fault is None
            or fault.kind not in _DELIVERY_FAULTS
            or not fault.selects(line, self._commands)
        ):
            self._emit(text)
            return
        lines = text.split("\r\n")  # the output's lines, then the prompt
        if fault.kind == "pager":
            self._page(lines, (fault.lines or _DEFAULT_PAGE_LINES) - 1)
        elif fault.kind == "prompt_in_output":
            if self.prompt not in lines[:-1]:
                lines.insert((len(lines) - 1) // 2, self.prompt)
            at = lines.index(self.prompt) + 1
            self._emit("\r\n".join(lines[:at]))
            pause = _PROMPT_PAUSE if fault.pause is None else fault.pause
            self._later.append((pause, "\r\n" + "\r\n".join(lines[at:])))
        else:  # split_crlf: each CR and each LF on its own, a pause apart
            pause = _CRLF_PAUSE if fault.pause is None else fault.pause
            self._later.append((pause, lines[0] + "\r"))
            for number, part in enumerate(lines[1:], start=2):
                self._later.append((pause, "\n"))
                self._later.append((pause, part + ("\r" if number < len(lines) else "")))

    def _pager(self) -> tuple[str, str]:
        fault = self._fault
        return _PAGERS[(fault.style if fault is not None else None) or "backspace"]

    def _page(self, lines: list[str], page: int) -> None:
        """Print the first page of an answer and hold the rest behind the pager prompt."""
        output = [text + "\r\n" for text in lines[:-1]]
        if len(output) <= page:
            self._emit("".join(output) + lines[-1])
            return
        self._emit("".join(output[:page]) + self._pager()[0])
        self._page_rest, self._page_tail = output[page:], lines[-1]

    def _page_key(self, char: str) -> None:
        """A key pressed at the pager prompt: space a page, RETURN a line, others quit."""
        self._after_cr = char == "\r"
        prompt, erase = self._pager()
        fault = self._fault
        page = ((fault.lines if fault is not None else None) or _DEFAULT_PAGE_LINES) - 1
        count = page if char == " " else 1 if char in "\r\n" else 0
        shown, self._page_rest = self._page_rest[:count], self._page_rest[count:]
        self._emit(erase + "".join(shown))
        if count and self._page_rest:
            self._emit(prompt)
            return
        tail, self._page_tail, self._page_rest = self._page_tail or "", None, []
        self._emit(tail)

    def _respond(self, line: str, *, with_prompt: bool) -> tuple[str, _Then]:
        """What the router prints for `line` (the session's current command), and then what."""
        output = self._answer(line)
        prompt = self.prompt if with_prompt else ""
        fault = self._fault
        if (
            fault is None
            or fault.kind not in _ANSWER_FAULTS
            or not fault.selects(line, self._commands)
        ):
            if output is None:
                return self._invalid(line, with_prompt=with_prompt), "prompt"
            return output + prompt, "prompt"
        if fault.kind == "invalid_input":
            return self._invalid(line, with_prompt=with_prompt), "prompt"
        if fault.kind == "endless_output":
            return output or "", "endless"
        if fault.kind in ("hang", "disconnect_mid_output"):
            text = output if output is not None else self._invalid(line, with_prompt=False)
            then: _Then = "hang" if fault.kind == "hang" else "drop"
            return _first_bytes(text, fault.after_bytes), then
        if output is None:
            return self._invalid(line, with_prompt=with_prompt), "prompt"
        if fault.kind == "truncated":
            text = output[: len(output) // 2]
            if text and not text.endswith("\n"):
                text = text.rstrip("\r") + "\r\n"  # the prompt starts a line, as usual
            return text + prompt, "prompt"
        # garbage
        size = fault.size or max(64, len(output.encode("utf-8", "surrogateescape")))
        seed = fault.seed if fault.seed is not None else f"{self._router.name}:{line}"
        noise = random.Random(seed).randbytes(max(0, size - len(_GARBAGE_SEED_BYTES)))
        data = (_GARBAGE_SEED_BYTES + noise)[:size]
        return _surrogates(data) + "\r\n" + prompt, "prompt"

    def _maybe_change_prompt(self) -> None:
        fault = self._fault
        if fault is None or fault.kind != "prompt_change":
            return
        if self._commands == fault.after_commands:
            if fault.mode == "unprivileged":
                self._privileged = False
            else:
                self._hostname = fault.new_hostname or f"{self._router.name}-new"

    def _answer(self, line: str) -> str | None:
        """The recorded output with CRLF line ends, or None if the CLI would reject it."""
        command = normalise(line)
        if not self._privileged and not any(
            command == allowed or command.startswith(allowed + " ")
            for allowed in self._persona.user_mode_commands
        ):
            return None
        text = self._table.lookup(line)
        if text is None:
            return None
        if not text:
            return ""
        return "".join(part + "\r\n" for part in text.replace("\r\n", "\n").split("\n"))

    def _invalid(self, line: str, *, with_prompt: bool) -> str:
        # The caret sits under the start of the command, offset by the prompt it follows.
        indent = len(line) - len(line.lstrip()) + (len(self.prompt) if with_prompt else 0)
        text = " " * indent + "^\r\n% Invalid input detected at '^' marker.\r\n\r\n"
        return text + (self.prompt if with_prompt else "")
