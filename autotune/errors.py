"""Errors that autotune reports to the user.

Every :class:`AutotuneError` is a problem with the user's input or request; its message is
one line that names the file, column or value and says what to do. The CLI prints it and
exits with code 2. Anything else that escapes is an internal error (exit code 1).
"""

from __future__ import annotations


class AutotuneError(Exception):
    """A problem the user can fix; the message says how."""

    exit_code = 2


class DataError(AutotuneError):
    """The data file or folder cannot be used as given."""


class SearchSpaceError(AutotuneError):
    """A search-space YAML file is malformed or names something the model does not know."""


class RunFolderError(AutotuneError):
    """A run folder is missing, incomplete, or would be overwritten."""


class UsageError(AutotuneError):
    """A flag or argument has a value that cannot work."""


class SearchFailedError(AutotuneError):
    """Every trial of a search failed: nothing to keep (exit code 1)."""

    exit_code = 1


def exit_status(exc: BaseException) -> tuple[int, str]:
    """How a command that ends with ``exc`` exits: its code and its one line for stderr.

    0 is success; 2 bad input or usage; 1 every trial failed, or an internal error (autotune's
    bug: ``--debug`` shows the traceback); 130 interrupted (Ctrl-C).
    """
    if isinstance(exc, KeyboardInterrupt):
        return 130, "autotune: interrupted"
    if isinstance(exc, AutotuneError):
        return exc.exit_code, f"autotune: error: {exc}"
    return 1, (
        f"autotune: internal error: {type(exc).__name__}: {exc} "
        "(rerun with --debug for the traceback)"
    )
