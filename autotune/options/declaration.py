"""How an option is declared: its help, how the CLI shows it, and the check of its value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autotune.checks import OneOf
from autotune.errors import UsageError


@dataclass(frozen=True)
class Option:
    """How one option reads on the command line, and the check of its value.

    Attributes:
        help: one paragraph, as ``--help`` prints it.
        metavar: the value's placeholder (``N``, ``RUN_DIR``); choices are shown as
            ``[a|b|c]``.
        choices: the values allowed, when they are a fixed list.
        check: a check from :mod:`autotune.checks`, called with the flag and the value.
        default_text: what ``--help`` says the default is, when it is derived (``None`` in
            the field).
        flags: the CLI's own spelling (``--guided/--unguided``); else ``--name``.
    """

    help: str
    metavar: str | None = None
    choices: tuple[Any, ...] | None = None
    check: Any = None
    default_text: str | None = None
    flags: tuple[str, ...] = ()

    def validate(self, flag: str, value: Any) -> None:
        if value is None:
            return  # None means "derive it" (or "off", for patience); never checked
        if self.choices is not None:
            OneOf(self.choices)(flag, value)
        if self.check is not None:
            self.check(flag, value)


def option(default: Any, help: str, **how: Any) -> Any:
    """A :class:`TuneOptions` field: its default and its :class:`Option` declaration."""
    return field(default=default, metadata={"option": Option(help, **how)})


def flag_of(name: str) -> str:
    """``max_trials`` -> ``--max-trials``."""
    return "--" + name.replace("_", "-")


def parse_address(text: str, flag: str = "--oracle") -> tuple[str, int]:
    """``HOST:PORT`` -> (host, port); a clear error otherwise."""
    host, sep, port = str(text).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(
            f"{flag} {text!r}: expected HOST:PORT, e.g. 10.0.0.5:8000 (a port from 0 to 65535)"
        )
    return host.strip("[]"), int(port)
