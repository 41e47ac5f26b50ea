"""The rounds of a ``diagnose --repair`` run as its trial records hold them: each round's
record names the round it repaired (``repair_of``) and the remedy it applied (``remedy``)."""

from __future__ import annotations

from typing import Any

from autotune.vocabulary import resolve


def change_text(before: dict[str, Any], change: dict[str, Any]) -> str:
    """``activation sigmoid → relu, initializer glorot_uniform → he_normal``."""
    params = resolve(before)
    return ", ".join(
        f"{name} {_value(params.get(name))} → {_value(v)}" for name, v in change.items()
    )


def _value(value: Any) -> str:
    """As a configuration's YAML writes it (``true``, ``0.001``)."""
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:g}" if isinstance(value, float) else str(value)


def chain(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rounds of a repaired run in order (round 0 first), each record once; [] when the
    run has no repair rounds."""
    by_id = {r["trial_id"]: r for r in records}
    later = [r for r in records if r.get("repair_of") in by_id]
    if not later:
        return []
    rounds = [by_id[min(later, key=lambda r: r["trial_id"])["repair_of"]]]
    following = {r["repair_of"]: r for r in later}
    while rounds[-1]["trial_id"] in following:
        rounds.append(following[rounds[-1]["trial_id"]])
    return rounds
