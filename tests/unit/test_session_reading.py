"""Reading a command's output from what a router's terminal prints, chunk by chunk (no SSH).

The chunks are what routers send: the echo (wrapped at 80 columns, or scrolled behind `$`),
pages behind ` --More-- ` erased with backspaces, or `<--- More --->` erased with CR and
ESC [K, the prompt inside an output, CR and LF in separate reads. `OutputReading` must find
the output, press only a space (to a pager) or an empty line (to confirm the end), and give
the output as if unpaged; `NetmikoSession._read` must stop at its deadline even when the
router never stops printing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from netaccept.session import transport
from netaccept.session.screen import (
    EMPTY_LINE,
    SPACE,
    OutputReading,
    find_echo,
    normalise_line_ends,
)

IOS = "nyc-gsr-01#"
XR = "RP/0/RP0/CPU0:chi-xr-01#"
PING = "ping 10.2.0.5 count 100 size 1500 source GigabitEthernet0/2/0/0"
PING_OUTPUT = (
    "Type escape sequence to abort.\r\n"
    "Sending 100, 1500-byte ICMP Echos to 10.2.0.5, timeout is 2 seconds:\r\n"
    "!!!!!!!!!!\r\n"
    "Success rate is 100 percent (100/100), round-trip min/avg/max = 1/1/4 ms\r\n"
)
PING_EVIDENCE = normalise_line_ends(PING_OUTPUT).removesuffix("\n")
ANSWERS_IOS = ("\r\n" + IOS) * 2  # the prompt again, once for each empty line sent


def read(command: str, prompt: str, chunks: Sequence[str]) -> tuple[OutputReading, str, list[str]]:
    """Feed `chunks` one read at a time until the reading is done: (reading, text, keys)."""
    keys: list[str] = []
    reading = OutputReading(command, prompt, keys.append)
    text = ""
    for number, chunk in enumerate(chunks, start=1):
        text += chunk
        if reading.done(text):
            assert number == len(chunks), f"done after chunk {number} of {len(chunks)}"
            return reading, text, keys
    raise AssertionError(f"not done after {len(chunks)} chunks; keys sent: {keys}")


def not_done(command: str, prompt: str, chunks: Sequence[str]) -> list[str]:
    keys: list[str] = []
    reading = OutputReading(command, prompt, keys.append)
    text = ""
    for chunk in chunks:
        text += chunk
        assert not reading.done(text), text
    return keys


# ---------------------------------------------------------------- the end: prompt, confirmed


def test_the_prompt_ends_the_output_once_an_empty_line_brings_it_back() -> None:
    keys = not_done(
        "show clock", IOS, ["show clock\r\n*10:00:00.000 UTC Sun Nov 22 2026\r\n" + IOS]
    )
    assert keys == [EMPTY_LINE, EMPTY_LINE]
    reading, text, keys = read(
        "show clock",
        IOS,
        ["show clock\r\n*10:00:00.000 UTC Sun Nov 22 2026\r\n" + IOS, "\r\n" + IOS, "\r\n" + IOS],
    )
    assert keys == [EMPTY_LINE, EMPTY_LINE]
    assert reading.prompt == IOS
    assert reading.output(text) == "*10:00:00.000 UTC Sun Nov 22 2026"


def test_an_empty_output_is_empty() -> None:
    reading, text, _ = read("show users", IOS, ["show users\r\n" + IOS, ANSWERS_IOS])
    assert reading.output(text) == ""


def test_a_prompt_line_inside_the_output_then_a_pause_does_not_end_it() -> None:
    log = "Nov 22 09:12:01.118 UTC: %SYS-5-CONFIG_I: Configured from console\r\n"
    severe = "Nov 22 09:30:00.000 UTC: %SYS-2-MALLOCFAIL: Memory allocation failed\r\n"
    chunks = [
        "show logging\r\n" + log + IOS,  # the router pauses here, mid-output
        "\r\n" + severe + IOS,  # the rest; the empty lines are still queued
        ANSWERS_IOS,  # ... and answered once the command is over
    ]
    reading, text, keys = read("show logging", IOS, chunks)
    assert keys == [EMPTY_LINE, EMPTY_LINE]
    assert reading.output(text) == normalise_line_ends(log + IOS + "\r\n" + severe)[:-1]


def test_two_prompt_lines_in_a_row_inside_the_output_do_not_end_it() -> None:
    # Each prompt line in a read of its own, after a pause: with one empty line sent, the
    # second would pass for its answer and cut the log before the failure that follows.
    severe = "Nov 22 09:30:00.000 UTC: %SYS-2-MALLOCFAIL: Memory allocation failed\r\n"
    chunks = [
        "show logging\r\nlog line 1\r\n" + IOS,
        "\r\n" + IOS,
        "\r\n" + severe + IOS,
        ANSWERS_IOS,
    ]
    reading, text, keys = read("show logging", IOS, chunks)
    assert keys == [EMPTY_LINE, EMPTY_LINE]
    assert reading.output(text) == normalise_line_ends(
        "log line 1\r\n" + IOS + "\r\n" + IOS + "\r\n" + severe
    ).removesuffix("\n")


def test_answers_to_two_empty_lines_arriving_together_all_follow_the_output() -> None:
    log = "Nov 22 09:12:01.118 UTC: %SYS-5-CONFIG_I: Configured from console\r\n"
    chunks = [
        "show logging\r\n" + log + IOS,  # a prompt line inside the output, then a pause
        "\r\nlast line\r\n" + IOS,  # the end
        "\r\n" + IOS,  # the first empty line answered
        "\r\n" + IOS,  # ... and the second
    ]
    reading, text, keys = read("show logging", IOS, chunks)
    assert keys == [EMPTY_LINE, EMPTY_LINE]
    assert reading.output(text) == normalise_line_ends(log + IOS + "\r\nlast line")


def test_a_prompt_that_changed_after_the_output_never_confirms_it() -> None:
    keys = not_done("show clock", IOS, ["show clock\r\n10:00\r\n" + IOS, "\r\nnyc-gsr-09#"])
    assert keys == [EMPTY_LINE, EMPTY_LINE]


def test_privileged_mode_lost_ends_the_output_with_the_user_mode_prompt() -> None:
    reading, _, _ = read(
        "show clock", IOS, ["show clock\r\n10:00\r\nnyc-gsr-01>", "\r\nnyc-gsr-01>" * 2]
    )
    assert reading.prompt == "nyc-gsr-01>"


def test_a_stale_prompt_before_the_echo_ends_nothing() -> None:
    # The answer to an earlier empty line, still on its way when the command was sent.
    chunks = ["\r\n" + IOS, "show clock\r\n10:00\r\n" + IOS, ANSWERS_IOS]
    reading, text, keys = read("show clock", IOS, chunks)
    assert keys == [EMPTY_LINE, EMPTY_LINE]
    assert reading.output(text) == "10:00"


# ---------------------------------------------------------------- line ends


def test_cr_and_lf_in_separate_reads_are_one_line_end() -> None:
    chunks = ["show clock\r", "\n", "line 1\r", "\n", "line 2\r", "\n", IOS, "\r", "\n", IOS]
    chunks += ["\r", "\n" + IOS]
    reading, text, _ = read("show clock", IOS, chunks)
    assert reading.output(text) == "line 1\nline 2"


# ---------------------------------------------------------------- pagers


def test_an_ios_pager_gets_a_space_and_leaves_no_trace() -> None:
    erase = "\b" * 10 + " " * 10 + "\b" * 10
    chunks = [
        "show isis neighbors\r\n\r\nSystem Id      Type Interface\r\nnyc-gsr-02     L2   Gi2/0\r\n",
        " --More-- ",
        erase + "nyc-gsr-03     L2   Gi2/1\r\n --More-- ",
        erase + "chi-gsr-01     L2   PO3/0\r\n" + IOS,
        ANSWERS_IOS,
    ]
    reading, text, keys = read("show isis neighbors", IOS, chunks)
    assert keys == [SPACE, SPACE, EMPTY_LINE, EMPTY_LINE]
    assert reading.output(text) == (
        "\nSystem Id      Type Interface\nnyc-gsr-02     L2   Gi2/0\n"
        "nyc-gsr-03     L2   Gi2/1\nchi-gsr-01     L2   PO3/0"
    )


def test_an_xr_pager_erased_with_ansi_codes_leaves_no_trace() -> None:
    chunks = [
        "show isis neighbors\r\nIS-IS CORE neighbors:\r\n<--- More --->",
        "\r\x1b[Kchi-gsr-01     Gi0/2/0/0\r\n\r\n<--- More --->",
        "\r\x1b[KTotal neighbor count: 3\r\n" + XR,
        ("\r\n" + XR) * 2,
    ]
    reading, text, keys = read("show isis neighbors", XR, chunks)
    assert keys == [SPACE, SPACE, EMPTY_LINE, EMPTY_LINE]
    assert reading.output(text) == (
        "IS-IS CORE neighbors:\nchi-gsr-01     Gi0/2/0/0\n\nTotal neighbor count: 3"
    )


def test_more_inside_a_line_is_not_a_pager() -> None:
    keys = not_done("show logging", IOS, ["show logging\r\nuser typed --More-- "])
    assert keys == []


# ---------------------------------------------------------------- the echo, wrapped or scrolled


@pytest.mark.parametrize(
    "echo",
    [
        PING,
        # CR LF inserted at column 80 (the prompt takes 24).
        PING[:56] + "\r\n" + PING[56:],
        # A space and a CR, as line editors force the wrap.
        PING[:56] + " \r" + PING[56:],
        # The wrap falls on a space, and the continuation is indented.
        PING[: PING.index(" source")] + "\r\n  " + PING[PING.index("source") :],
        # Scrolled: the first 55 columns, back over them, `$` and the window shifted by 10.
        PING[:55] + "\b" * 55 + "$" + PING[10:56] + " " * 8 + "\b" * 8 + PING[56:],
        # Scrolled and redrawn from the start of the line, prompt included.
        PING[:55] + "\r" + XR + "$" + PING[9:],
        # Shown from its start with `$` at the margin, as when the line is sent.
        PING[:55] + "\b" * 55 + PING[:54] + "$",
    ],
    ids=["plain", "crlf", "space-cr", "at-a-space", "scroll", "scroll-cr", "scroll-right"],
)
def test_a_wrapped_or_scrolled_echo_is_found_and_left_out(echo: str) -> None:
    text = echo + "\r\n" + PING_OUTPUT
    assert find_echo(text, PING, XR) == len(echo) + 2
    reading, full, _ = read(PING, XR, [echo + "\r\n", PING_OUTPUT + XR, ("\r\n" + XR) * 2])
    assert reading.output(full) == PING_EVIDENCE


def test_an_echo_after_a_long_login_banner_is_found() -> None:
    # A legal banner of 20 kB that ends in lines of "#", read before the first prompt.
    banner = "".join(f"{'#' * 70}\r\nAuthorised access only, line {n}\r\n" for n in range(200))
    text = banner + IOS + "terminal length 0\r\n" + IOS
    assert find_echo(text, "terminal length 0") == len(banner + IOS) + len("terminal length 0\r\n")


def test_an_echo_without_its_line_end_is_not_found_yet() -> None:
    assert find_echo(PING[:56] + "\r\n" + PING[56:], PING) is None
    assert find_echo("ping 10.2.0.5 count 100\r\n", PING) is None


def test_a_short_window_or_another_command_is_not_an_echo() -> None:
    assert find_echo("$/0/0\r\n", PING) is None
    assert find_echo("$ping 10.2.0.9 count 100 size 1500 source Gig\r\n", PING) is None


# ---------------------------------------------------------------- the session's reads


class _EndlessChannel:
    """A channel that always has more to give, for `seconds`; then it is closed."""

    def __init__(self, seconds: float) -> None:
        self._until = time.monotonic() + seconds
        self.eof_received = False
        self.RETURN = "\n"
        self.written: list[str] = []

    @property
    def closed(self) -> bool:
        return time.monotonic() >= self._until

    def read_channel(self) -> str:
        return "" if self.closed else "%LINEPROTO-5-UPDOWN: Line protocol changed state\r\n"

    def write_channel(self, data: str) -> None:
        self.written.append(data)


def _session(channel: _EndlessChannel) -> Any:
    session: Any = object.__new__(transport.NetmikoSession)
    session._conn = channel
    session._channel = channel
    session._ready = threading.Event()
    return session


def test_a_read_stops_at_its_deadline_even_if_data_never_stops() -> None:
    session = _session(_EndlessChannel(seconds=5))
    started = time.monotonic()
    with pytest.raises(transport._Timeout) as excinfo:
        session._read(lambda text: False, time.monotonic() + 0.3)
    assert time.monotonic() - started < 1.5
    assert excinfo.value.printing  # data was still arriving when the time was up
    assert excinfo.value.partial.startswith("%LINEPROTO-5-UPDOWN")


def test_only_a_space_or_an_empty_line_is_pressed() -> None:
    channel = _EndlessChannel(seconds=0)
    session = _session(channel)
    session._press(SPACE)
    session._press(EMPTY_LINE)
    assert channel.written == [" ", "\n"]
    with pytest.raises(ValueError, match="refusing to send 'q'"):
        session._press("q")
