"""What two processes of one run must agree on: a resumed run and the run it continues, a
distributed worker and its chief. No TensorFlow here."""

from __future__ import annotations

from typing import Any

from autotune.errors import RunFolderError
from autotune.runs.folder import RunFolder

# What a resumed run must share with the run it continues (the splits, the space, the order
# of the tuner's trials depend on them), and how to name each in a message.
RESUME_MUST_MATCH = (
    (("dataset", "sha256"), "the data file's content"),
    (("dataset", "target"), "--target"),
    (("dataset", "task"), "--task"),
    (("options", "test_size"), "--test-size"),
    (("dataset", "image_size"), "--image-size"),
    (("options", "weights"), "--weights"),
    (("seed",), "--seed"),
    (("tuner",), "--tuner"),
    (("space", "hyperparameters"), "the search space"),
    (("options", "pretrain"), "--pretrain"),
    (("options", "scaling"), "--scaling"),
    (("init_from",), "--init-from / --init-layers"),
)


def first_difference(
    previous: dict[str, Any], now: dict[str, Any], keys: tuple
) -> tuple[str, str, str] | None:
    """The first of ``keys`` (``((path...), name)`` pairs) whose values differ between two
    ``run.json``-shaped dicts: (name, value in previous, value now), shortened; or None."""
    for path, name in keys:
        old, new = previous, now
        for key in path:
            old = old.get(key) if isinstance(old, dict) else None
            new = new.get(key) if isinstance(new, dict) else None
        if old != new:
            return name, _short(old), _short(new)
    return None


def check_resumable(previous: dict[str, Any], now: dict[str, Any], folder: RunFolder) -> None:
    """Refuse to resume a run with different data, space or splits (nothing is written)."""
    options = previous.get("options") or {}
    if "options" in previous and "scaling" not in options:  # a run from before --scaling
        previous = {**previous, "options": {**options, "scaling": "standard"}}
    differs = first_difference(previous, now, RESUME_MUST_MATCH)
    if differs:
        name, old, new = differs
        raise RunFolderError(
            f"--resume {folder.path}: {name} differs from the run's ({old} then, {new} now); "
            "resume with the same one, or start a new run with --overwrite or another --out"
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
