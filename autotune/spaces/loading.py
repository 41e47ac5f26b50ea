"""Spaces by name or path: the shipped ones, a user's YAML file, a ``diagnose`` configuration."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from autotune.errors import SearchSpaceError
from autotune.spaces.space import DEFAULT_SPACE, SearchSpace
from autotune.spaces.validation import check_known, validate_space
from autotune.vocabulary import PARAMS, check_value


def _shipped_folder():
    try:
        return resources.files("autotune.search_spaces")
    except ModuleNotFoundError:
        # Running from a source checkout that is not installed: the top-level folder.
        return Path(__file__).resolve().parents[2] / "search_spaces"


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
    return validate_space(read_yaml(path), source=str(path))


def read_yaml(path: Path) -> Any:
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


def _default_of(spec: dict[str, Any]) -> Any:
    """The value KerasTuner starts from for a spec (its default, else its first value)."""
    if spec["type"] == "fixed":
        return spec["value"]
    if "default" in spec:
        return spec["default"]
    if spec["type"] == "choice":
        return spec["values"][0]
    return False if spec["type"] == "bool" else spec["min"]


def load_config(path: str | Path, base: str = DEFAULT_SPACE) -> SearchSpace:
    """A ``diagnose`` configuration: a YAML mapping of hyperparameter name -> fixed value.

    Names it leaves out take the defaults of the space ``base`` (tables: ``mlp``; image
    folders: ``image_cnn`` or ``image_transfer``), then the model's own defaults. The result
    is a space of fixed entries: a one-trial search.

    Raises:
        SearchSpaceError: unreadable file, YAML error, unknown name or value not allowed.
    """
    path = Path(path)
    if not path.is_file():
        raise SearchSpaceError(f"{path}: no such configuration file; check the path")
    data = read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SearchSpaceError(
            f"{path}: a configuration is a mapping of hyperparameter name -> value, "
            "e.g. `n_layers: 10` and `activation: sigmoid` on separate lines"
        )
    values = {name: _default_of(spec) for name, spec in load_space(base).hyperparameters.items()}
    for name, value in data.items():
        name = str(name)
        check_known(name, f"{path}: {name}")
        problem = check_value(name, value, PARAMS, fixed=True)
        if problem:
            raise SearchSpaceError(f"{path}: {name}: {problem}")
        values[name] = value
    return SearchSpace(
        name=path.stem,
        description=f"fixed configuration from {path.name}",
        hyperparameters={n: {"type": "fixed", "value": v} for n, v in values.items()},
        source=str(path),
    )
