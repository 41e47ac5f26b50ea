"""A parsed space file checked entry by entry; an error names the file, the key and the fix."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from autotune.errors import SearchSpaceError
from autotune.spaces.space import SearchSpace
from autotune.vocabulary import PARAMS, check_value

TYPES = ("int", "float", "choice", "bool", "fixed")
SAMPLINGS = ("linear", "log", "reverse_log")
KEYS = {
    "int": {"type", "min", "max", "step", "sampling", "default"},
    "float": {"type", "min", "max", "step", "sampling", "default"},
    "choice": {"type", "values", "default"},
    "bool": {"type", "default"},
    "fixed": {"type", "value"},
}


def check_known(name: str, where: str) -> None:
    """Refuse a name the model does not use, with the closest known one as a hint."""
    if name in PARAMS:
        return
    close = difflib.get_close_matches(name, PARAMS, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "the model does not use it"
    raise SearchSpaceError(
        f"{where}: unknown hyperparameter ({hint}); known names: {', '.join(PARAMS)}"
    )


def validate_space(data: Any, source: str) -> SearchSpace:
    """Check a parsed space; return it or raise a :class:`SearchSpaceError` naming the key."""
    if not isinstance(data, dict) or not isinstance(data.get("hyperparameters"), dict):
        raise SearchSpaceError(
            f"{source}: a search space is a mapping with a 'hyperparameters' mapping inside; "
            "see `autotune spaces mlp` for an example"
        )
    unknown_top = set(data) - {"name", "description", "hyperparameters", "portfolio"}
    if unknown_top:
        raise SearchSpaceError(
            f"{source}: unknown top-level key(s) {', '.join(sorted(map(str, unknown_top)))}; "
            "allowed are name, description, hyperparameters, portfolio"
        )
    specs = {}
    for name, spec in data["hyperparameters"].items():
        specs[name] = _validate_entry(str(name), spec, source)
    return SearchSpace(
        name=str(data.get("name", Path(source).stem)),
        description=str(data.get("description", "")),
        hyperparameters=specs,
        source=source,
        portfolio=_validate_portfolio(data.get("portfolio") or [], specs, source),
    )


def _validate_portfolio(portfolio: Any, specs: dict[str, dict], source: str) -> list[dict]:
    """The configurations tried right after the defaults: each a mapping of some of the
    space's names to values the space allows."""
    if not isinstance(portfolio, list):
        raise SearchSpaceError(
            f"{source}: portfolio: give a list of configurations, e.g. - {{n_layers: 3}}"
        )
    for position, entry in enumerate(portfolio):
        where = f"{source}: portfolio[{position}]"
        if not isinstance(entry, dict) or not entry:
            raise SearchSpaceError(f"{where}: a configuration is a mapping of name -> value")
        for name, value in entry.items():
            if name not in specs:
                raise SearchSpaceError(
                    f"{where}.{name}: not an entry of this space; add it under hyperparameters "
                    "or drop it from the configuration"
                )
            outside = _outside(specs[name], value)
            problem = f"{value!r} {outside}" if outside else check_value(name, value, PARAMS)
            if problem:
                raise SearchSpaceError(f"{where}.{name}: {problem}")
    return [dict(entry) for entry in portfolio]


def _outside(spec: dict[str, Any], value: Any) -> str | None:
    """Why the space's entry ``spec`` cannot take ``value``, or None."""
    kind = spec["type"]
    if kind == "fixed":
        return None if value == spec["value"] else f"is not the fixed value {spec['value']!r}"
    if kind == "choice":
        return None if value in spec["values"] else f"is not one of {spec['values']}"
    if kind == "bool":
        return None if isinstance(value, bool) else "is not true or false"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "is not a number"
    if not spec["min"] <= value <= spec["max"]:
        return f"is outside [{spec['min']}, {spec['max']}]"
    if kind == "int" and value != int(value):
        return "is not a whole number"
    return None


def _validate_entry(name: str, spec: Any, source: str) -> dict[str, Any]:
    where = f"{source}: hyperparameters.{name}"
    check_known(name, where)
    if not isinstance(spec, dict) or "type" not in spec:
        raise SearchSpaceError(
            f"{where}: must be a mapping with a 'type' ({', '.join(TYPES)}), "
            "e.g. {type: int, min: 1, max: 4}"
        )
    kind = spec["type"]
    if kind not in TYPES:
        raise SearchSpaceError(f"{where}.type: {kind!r} is not one of {', '.join(TYPES)}")
    extra = set(spec) - KEYS[kind]
    if extra:
        raise SearchSpaceError(
            f"{where}: key(s) {', '.join(sorted(map(str, extra)))} do not apply to type {kind}; "
            f"allowed: {', '.join(sorted(KEYS[kind]))}"
        )

    def check(value: Any, key: str) -> None:
        problem = check_value(name, value, PARAMS)
        if problem:
            raise SearchSpaceError(f"{where}.{key}: {problem}")

    if kind in ("int", "float"):
        _check_range(where, kind, spec, check)
    elif kind == "choice":
        values = spec.get("values")
        if not isinstance(values, list) or not values:
            raise SearchSpaceError(f"{where}.values: give a non-empty list, e.g. [relu, tanh]")
        for value in values:
            check(value, "values")
        if "default" in spec and spec["default"] not in values:
            raise SearchSpaceError(
                f"{where}.default: {spec['default']!r} is not among its values {values}"
            )
    elif kind == "bool":
        if "default" in spec and not isinstance(spec["default"], bool):
            raise SearchSpaceError(f"{where}.default: {spec['default']!r} is not true or false")
        check(spec.get("default", False), "default")
    else:
        if "value" not in spec:
            raise SearchSpaceError(f"{where}: type fixed needs 'value'")
        check(spec["value"], "value")
    return dict(spec)


def _check_range(where: str, kind: str, spec: dict[str, Any], check) -> None:
    """An int or float entry: its bounds, sampling, step and default."""
    for key in ("min", "max"):
        if key not in spec:
            raise SearchSpaceError(f"{where}: type {kind} needs '{key}'")
        if isinstance(spec[key], bool) or not isinstance(spec[key], int | float):
            raise SearchSpaceError(f"{where}.{key}: {spec[key]!r} is not a number")
        if kind == "int" and not isinstance(spec[key], int):
            raise SearchSpaceError(
                f"{where}.{key}: {spec[key]!r} is not a whole number; use type float "
                "for fractional values"
            )
        check(spec[key], key)
    if spec["min"] > spec["max"]:
        raise SearchSpaceError(
            f"{where}: min ({spec['min']}) is greater than max ({spec['max']}); swap them"
        )
    sampling = spec.get("sampling", "linear")
    if sampling not in SAMPLINGS:
        raise SearchSpaceError(
            f"{where}.sampling: {sampling!r} is not one of {', '.join(SAMPLINGS)}"
        )
    if sampling != "linear" and spec["min"] <= 0:
        raise SearchSpaceError(
            f"{where}: {sampling} sampling needs min > 0 (got {spec['min']}); use a "
            "positive min, or a choice with 0 among its values"
        )
    step = spec.get("step")
    if step is not None and (
        isinstance(step, bool) or not isinstance(step, int | float) or step <= 0
    ):
        raise SearchSpaceError(f"{where}.step: {step!r} must be a positive number")
    if "default" in spec:
        check(spec["default"], "default")
        if not spec["min"] <= spec["default"] <= spec["max"]:
            raise SearchSpaceError(
                f"{where}.default: {spec['default']} is outside [{spec['min']}, {spec['max']}]"
            )
