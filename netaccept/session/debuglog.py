"""Debug logging that cannot leak: every log record is masked when it is created.

`netaccept run --debug` logs netaccept, netmiko and paramiko at DEBUG to stderr. Whatever
prints a record (this handler, pytest's `--log-cli-level`, caplog, a handler of the
user's own), it gets the masked text, because the masking happens in the record factory:

- netmiko's `read_channel:` / `write_channel:` records carry raw router I/O (the running
  configuration, the enable secret as typed): their payload is replaced by its length;
  the outputs themselves are kept, masked, as evidence files;
- every message goes through `mask_secrets`, the masking of the evidence;
- the current values of the credential variables (passwords, enable secrets, the signing
  passphrase) are replaced by `MASK` wherever they appear.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from collections.abc import Iterable
from typing import IO, Any

from netaccept.session.masking import MASK, mask_secrets

LOGGERS = ("netaccept", "netmiko", "paramiko")
SECRET_VARIABLES = ("NETACCEPT_PASSWORD", "NETACCEPT_SECRET", "NETACCEPT_SIGN_PASSPHRASE")
_CHANNEL_IO = ("read_channel:", "write_channel:")

_lock = threading.Lock()
_variables: set[str] = set(SECRET_VARIABLES)
_installed = False


def mask_message(name: str, message: str) -> str:
    """`message` of logger `name` as it may be shown: no router I/O, no secret."""
    if name.startswith("netmiko") and message.startswith(_CHANNEL_IO):
        head, _, payload = message.partition(":")
        message = (
            f"{head}: <{len(payload.strip())} characters not logged: router I/O can carry "
            "secrets; the outputs are in the evidence files, masked>"
        )
    message = mask_secrets(message)
    for variable in list(_variables):
        value = os.environ.get(variable)
        if value and len(value) >= 4:  # a 1-3 character "secret" would blank common words
            message = message.replace(value, MASK)
    return message


def install_masking(secret_variables: Iterable[str] = ()) -> None:
    """Mask every log record of this process from now on (idempotent).

    `secret_variables` adds environment variables whose values must never be logged (the
    inventory's password and enable secret variables).
    """
    global _installed
    with _lock:
        _variables.update(secret_variables)
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def masked(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a malformed call must not crash its caller here
                message = f"{record.msg} {record.args}"
            if record.exc_info:
                message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
                record.exc_info = None
            record.msg, record.args, record.exc_text = mask_message(record.name, message), (), None
            return record

        logging.setLogRecordFactory(masked)
        _installed = True


def enable_debug_logging(stream: IO[str] | None = None) -> logging.Handler:
    """Log netaccept, netmiko and paramiko at DEBUG, masked, to `stream` (default: stderr).

    The default stream is a duplicate of the process's stderr taken now, so that the log
    still reaches the terminal while pytest captures the output of the checks.
    """
    install_masking()
    if stream is None:
        stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-5s %(name)s [%(threadName)s] %(message)s")
    )
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        logger.propagate = False  # shown once, here; not again through the root logger
    return handler
