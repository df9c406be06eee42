"""The read-only allow-list: only show/ping/traceroute/dir/verify /md5/terminal length|width."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netaccept.session.commands import ForbiddenCommand, ensure_read_only

ALLOWED_VERBS = (
    "show ",
    "ping ",
    "traceroute ",
    "dir",
    "verify /md5 ",
    "terminal length ",
    "terminal width ",
)

READ_ONLY_COMMANDS = [
    "show version",
    "show ip bgp summary",
    "show bgp summary",
    "show isis neighbors",
    "dir disk0:",
    "dir",
    "verify /md5 disk0:c12kprp-k4p-mz.120-32.SY8.bin",
    "show md5 file disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm",
    "ping 10.0.0.2 repeat 100 size 1500 source Loopback0",
    "traceroute 10.0.0.2",
    "terminal length 0",
    "terminal width 511",
]

FORBIDDEN_COMMANDS = {
    "configure terminal": "configure terminal",
    "conf t": "conf t",
    "reload": "reload",
    "write memory": "write memory",
    "copy running-config startup-config": "copy running-config startup-config",
    "delete": "delete disk0:x",
    "clear ip bgp": "clear ip bgp *",
    "debug all": "debug all",
    "pipe to redirect": "show run | redirect disk0:x",
    "newline then reload": "show version\nreload",
    "carriage return then reload": "show version\rreload",
    "semicolon then reload": "show version; reload",
    "hash comment": "show ver # comment",
    "bang comment": "show version ! x",
    "leading space": " show version",
    "trailing space": "show version ",
    "double space": "show  version",
    "tab instead of space": "show\tversion",
    "terminal monitor": "terminal monitor",
    "verify without /md5": "verify disk0:x",
    "format": "format disk0:",
    "empty": "",
    "show alone": "show",
    "ping alone": "ping",
    "NUL": "show version\x00reload",
    "ESC": "show version\x1b[2K",
    "DEL": "show version\x7f",
    "upper case verb": "SHOW VERSION",
    "verb without separator": "showversion",
    "dir glued to another word": "dirx",
    "terminal length too long": "terminal length 1000",
    "terminal length with non-ASCII digit": "terminal length \u0663",
    "terminal width with full-width digit": "terminal width \uff15",
    "non-ASCII letter": "show versi\u00f3n",
    "no-break space": "show\u00a0version",
    "line separator": "show version\u2028reload",
    "backtick": "show `reload`",
    "dollar": "show $(reload)",
    "redirect": "show run > disk0:x",
}


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS)
def test_read_only_command_is_returned_unchanged(command: str) -> None:
    assert ensure_read_only(command) == command


@pytest.mark.parametrize("command", list(FORBIDDEN_COMMANDS.values()), ids=list(FORBIDDEN_COMMANDS))
def test_command_outside_the_allow_list_is_refused(command: str) -> None:
    with pytest.raises(ForbiddenCommand):
        ensure_read_only(command)


def test_forbidden_command_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        ensure_read_only("reload")


@pytest.mark.parametrize("command", ["reload", "configure terminal", "show", "verify disk0:x"])
def test_refusal_names_the_command_and_says_which_commands_are_allowed(command: str) -> None:
    with pytest.raises(ForbiddenCommand) as caught:
        ensure_read_only(command)
    message = str(caught.value)
    assert repr(command) in message
    assert "only show, ping, traceroute, dir, verify /md5, terminal length/width and enable" in (
        message
    )


def test_refusal_for_a_separator_character_names_the_forbidden_characters() -> None:
    with pytest.raises(ForbiddenCommand) as caught:
        ensure_read_only("show version; reload")
    assert "| ;" in str(caught.value)


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(),
        st.tuples(st.sampled_from(ALLOWED_VERBS), st.text()).map("".join),
    )
)
def test_anything_accepted_is_unchanged_starts_with_an_allowed_verb_and_cannot_chain(
    command: str,
) -> None:
    try:
        result = ensure_read_only(command)
    except ForbiddenCommand:
        return
    assert result == command
    assert command.startswith(ALLOWED_VERBS)
    assert not any(char in command for char in "\n\r|;")
