"""The ``autotune`` application object, its root options and the exit-code mapping."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from autotune import __version__
from autotune.cli.params import Debug, DebugOpt
from autotune.errors import exit_status

app = typer.Typer(
    help="Keras AutoML: tune a network on a CSV table or an image folder with KerasTuner, keep "
    "the best model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"autotune {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Keras AutoML: tune a network on a CSV table or an image folder with KerasTuner."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``autotune`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    Debug.on = False
    try:
        # Typer itself handles --help, usage errors (exit 2) and Ctrl-C (exit 130).
        app(args=args, prog_name="autotune")
    except Exception as exc:  # noqa: BLE001  (an AutotuneError says what to do; anything else is our bug)
        _exit(exc)
    except KeyboardInterrupt as exc:
        _exit(exc)


def _exit(exc: BaseException) -> None:
    code, line = exit_status(exc)
    if Debug.on and not isinstance(exc, KeyboardInterrupt):
        traceback.print_exc()
    print(line, file=sys.stderr)
    sys.exit(code)
