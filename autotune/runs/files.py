"""Atomic files: a reader sees the old file or the new one, never half of one.

Every file autotune writes (``run.json``, trial records, ``trials.csv``, the saved model,
cached features, heartbeats, the report) goes through :func:`atomic_path`: it is written
under a unique temporary name in the same folder, then renamed into place. No TensorFlow here.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from autotune.errors import RunFolderError


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to; moved into place on success.

    Args:
        path: the file to (re)place; its folder is created.
        suffix: the temporary name's ending, for writers that go by it (``.keras``, ``.npy``).

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # the permissions of a file made the usual way
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically; NaN and infinity become null, numpy values plain ones."""
    text = json.dumps(_clean(data), indent=2, default=str, allow_nan=False)
    write_text(path, text + "\n")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RunFolderError(
            f"{path}: missing; is {path.parent} a complete autotune run folder?"
        ) from exc
    except json.JSONDecodeError as exc:
        raise RunFolderError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc


def clean_number(value: Any) -> Any:
    """NaN / infinity -> None, so JSON stays standard and CSV cells stay empty."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _clean(data: Any) -> Any:
    """Plain JSON values: numpy scalars and arrays become Python ones, NaN becomes None."""
    if hasattr(data, "tolist") and not isinstance(data, str):
        data = data.tolist()  # numpy scalar -> number, numpy array -> (nested) list
    if isinstance(data, dict):
        return {str(k): _clean(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_clean(v) for v in data]
    return clean_number(data)
