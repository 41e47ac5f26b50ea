"""Search spaces as data: a YAML file -> a validated :class:`SearchSpace` -> KerasTuner.

A space file looks like::

    name: fast
    description: A small space for smoke runs.
    hyperparameters:
      n_layers: {type: int, min: 1, max: 3, default: 2}
      learning_rate: {type: float, min: 1.0e-4, max: 1.0e-2, sampling: log, default: 1.0e-3}
      activation: {type: choice, values: [relu, tanh], default: relu}
      batch_norm: {type: bool, default: false}
      optimizer: {type: fixed, value: adam}

Each name must be one the model knows (:mod:`autotune.vocabulary`), and every value it can
take must be allowed for that name. Validation happens on load, so a bad file fails before
any training, with a message that names the file, the key and the fix.
No TensorFlow at import; :meth:`SearchSpace.to_hyperparameters` imports KerasTuner.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from autotune.errors import SearchSpaceError
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
DEFAULT_SPACE = "mlp"


@dataclass
class SearchSpace:
    """A validated search space: ``hyperparameters`` maps each name to its spec."""

    name: str
    description: str
    hyperparameters: dict[str, dict[str, Any]]
    source: str

    def to_hyperparameters(self):
        """A ``keras_tuner.HyperParameters`` holding every entry of this space."""
        from autotune.backend import kt

        hp = kt.HyperParameters()
        for name, spec in self.hyperparameters.items():
            kind = spec["type"]
            if kind == "int":
                hp.Int(
                    name,
                    spec["min"],
                    spec["max"],
                    step=spec.get("step"),
                    sampling=spec.get("sampling", "linear"),
                    default=spec.get("default"),
                )
            elif kind == "float":
                hp.Float(
                    name,
                    spec["min"],
                    spec["max"],
                    step=spec.get("step"),
                    sampling=spec.get("sampling", "linear"),
                    default=spec.get("default"),
                )
            elif kind == "choice":
                hp.Choice(name, spec["values"], default=spec.get("default"))
            elif kind == "bool":
                hp.Boolean(name, default=spec.get("default", False))
            else:
                hp.Fixed(name, spec["value"])
        return hp

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "hyperparameters": self.hyperparameters,
        }


def _shipped_folder():
    try:
        return resources.files("autotune.search_spaces")
    except ModuleNotFoundError:
        # Running from a source checkout that is not installed: the top-level folder.
        return Path(__file__).resolve().parent.parent / "search_spaces"


def shipped_spaces() -> dict[str, Path]:
    """The spaces that ship with autotune, by name."""
    folder = _shipped_folder()
    return {
        Path(entry.name).stem: Path(str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    }


def load_space(name_or_path: str | Path = DEFAULT_SPACE) -> SearchSpace:
    """Load a shipped space by name, or a user's YAML file by path, and validate it.

    Raises:
        SearchSpaceError: unknown name, unreadable file, or any invalid entry.
    """
    text = str(name_or_path)
    shipped = shipped_spaces()
    if text in shipped:
        path = shipped[text]
    elif text.endswith((".yaml", ".yml")) or Path(text).exists():
        path = Path(text)
        if not path.is_file():
            raise SearchSpaceError(f"{path}: no such search-space file; check the path")
    else:
        raise SearchSpaceError(
            f"no search space named {text!r}; the shipped ones are {', '.join(shipped)}, "
            "or pass a path to your own .yaml file"
        )
    return validate_space(_read_yaml(path), source=str(path))


def _read_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error names the line and column."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SearchSpaceError(
            f"{path}: YAML syntax error{where}: {problem}; fix the file"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchSpaceError(f"{path}: cannot be read ({exc}); check the file") from exc


def _check_known(name: str, where: str) -> None:
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
    unknown_top = set(data) - {"name", "description", "hyperparameters"}
    if unknown_top:
        raise SearchSpaceError(
            f"{source}: unknown top-level key(s) {', '.join(sorted(map(str, unknown_top)))}; "
            "allowed are name, description, hyperparameters"
        )
    specs = {}
    for name, spec in data["hyperparameters"].items():
        specs[name] = _validate_entry(str(name), spec, source)
    return SearchSpace(
        name=str(data.get("name", Path(source).stem)),
        description=str(data.get("description", "")),
        hyperparameters=specs,
        source=source,
    )


def _validate_entry(name: str, spec: Any, source: str) -> dict[str, Any]:
    where = f"{source}: hyperparameters.{name}"
    _check_known(name, where)
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


def _default_of(spec: dict[str, Any]) -> Any:
    """The value KerasTuner starts from for a spec (its default, else its first value)."""
    if spec["type"] == "fixed":
        return spec["value"]
    if "default" in spec:
        return spec["default"]
    if spec["type"] == "choice":
        return spec["values"][0]
    return False if spec["type"] == "bool" else spec["min"]


def load_config(path: str | Path) -> SearchSpace:
    """A ``diagnose`` configuration: a YAML mapping of hyperparameter name -> fixed value.

    Names it leaves out take the default space's defaults (``autotune spaces mlp``), then the
    model's own defaults. The result is a space of fixed entries: a one-trial search.

    Raises:
        SearchSpaceError: unreadable file, YAML error, unknown name or value not allowed.
    """
    path = Path(path)
    if not path.is_file():
        raise SearchSpaceError(f"{path}: no such configuration file; check the path")
    data = _read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SearchSpaceError(
            f"{path}: a configuration is a mapping of hyperparameter name -> value, "
            "e.g. `n_layers: 10` and `activation: sigmoid` on separate lines"
        )
    values = {
        name: _default_of(spec) for name, spec in load_space(DEFAULT_SPACE).hyperparameters.items()
    }
    for name, value in data.items():
        name = str(name)
        _check_known(name, f"{path}: {name}")
        problem = check_value(name, value, PARAMS)
        if problem:
            raise SearchSpaceError(f"{path}: {name}: {problem}")
        values[name] = value
    return SearchSpace(
        name=path.stem,
        description=f"fixed configuration from {path.name}",
        hyperparameters={n: {"type": "fixed", "value": v} for n, v in values.items()},
        source=str(path),
    )
