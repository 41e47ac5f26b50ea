"""The CLI's parameters, made from their declarations: ``tune``'s options
(:mod:`autotune.options`), the data argument, and ``--debug``."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from autotune.options import TuneOptions, declarations, option_types
from autotune.spaces import SearchSpace


class Debug:
    """Whether ``--debug`` was given (set while the command line is parsed)."""

    on = False


def _debug(value: bool) -> None:
    if value:
        Debug.on = True


DebugOpt = Annotated[
    bool,
    typer.Option(
        "--debug", help="Show the traceback of an error.", callback=_debug, show_default=False
    ),
]


def typer_option(name: str, default: Any) -> Any:
    """The Typer parameter of one declared ``tune`` option."""
    declared = declarations()[name]
    kind = option_types()[name]
    kind = str if kind is SearchSpace else kind
    metavar = declared.metavar
    if declared.choices is not None and metavar is None:  # a long list names them in its help
        metavar = "[" + "|".join(map(str, declared.choices)) + "]"
    text = declared.help + (
        f"  [default: {declared.default_text}]" if declared.default_text else ""
    )
    info = typer.Option(
        *declared.flags,
        help=text,
        metavar=metavar,
        show_default=default is not None and not declared.default_text,
    )
    return Annotated[kind if default is not None else kind | None, info]


def tune_signature() -> inspect.Signature:
    """``tune``'s parameters: the data argument, every declared option, ``--debug``."""
    argument = TuneOptions.__dataclass_fields__["data"].metadata["argument"]
    params = [
        inspect.Parameter(
            "data",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[Path, typer.Argument(help=argument, metavar="DATA")],
        )
    ]
    for name in declarations():
        default = TuneOptions.__dataclass_fields__[name].default
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=typer_option(name, default),
            )
        )
    params.append(
        inspect.Parameter(
            "debug", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=DebugOpt
        )
    )
    return inspect.Signature(params)


DataArg = Annotated[
    Path,
    typer.Argument(
        help=TuneOptions.__dataclass_fields__["data"].metadata["argument"], metavar="DATA"
    ),
]


def shared(name: str) -> Any:
    """A ``tune`` option that ``diagnose`` takes too, as declared once."""
    return typer_option(name, TuneOptions.__dataclass_fields__[name].default)
