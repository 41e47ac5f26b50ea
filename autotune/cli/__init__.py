"""The ``autotune`` command line: parses flags, calls the library, maps errors to exit codes.

Exit codes (:func:`autotune.errors.exit_status`): 0 success; 2 bad input or usage (one line on
stderr, no traceback); 1 internal error (or every trial failed); 130 interrupted. ``--debug``
(on any command) shows tracebacks. The ``tune`` command's options are generated from their
one declaration (:mod:`autotune.options`, :mod:`autotune.cli.params`). TensorFlow is imported
only by the commands that need it. The top of the package: may import anything below.
"""

from autotune.cli import commands  # noqa: F401  (registers the commands on the app)
from autotune.cli.app import app, main

__all__ = ["app", "main"]
