"""What a trained run *is*, measured from its series, independently of autotune's rules.

The labels of the diagnosis benchmark come from here: each pathology is defined by the
quantity that makes it one, read the simple way (over the second half of the run, or at its
last epoch), with the thresholds of the literature where there is one; slow convergence next
to a serious pathology is labelled by the pathology, its cause. autotune's checks are
written differently (a checked window after the first 30% of epochs, majorities of epochs,
guards against noise), so the two can disagree; where they do, the benchmark counts a miss
or a false alarm. Nothing here imports autotune's diagnostics.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

# Labelled by their cause: a slow fall next to one of these is its symptom.
SERIOUS = {"exploding_gradients", "vanishing_gradients", "dying_relu", "stagnant_loss"}


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and math.isfinite(v)


def _second_half(rows: list) -> list:
    return rows[len(rows) // 2 :] or rows


def _median(values: list[float]) -> float | None:
    values = [v for v in values if _finite(v)]
    return statistics.median(values) if values else None


def labels(record: dict[str, Any], loss_key: str) -> set[str]:
    """The pathologies a trial's record shows (its history and probe series)."""
    history = record.get("history") or {}
    loss = history.get(loss_key) or history.get("loss") or []
    val = history.get(f"val_{loss_key}") or []
    s = record.get("diagnostics") or {}
    baseline = s.get("baseline_loss")
    if any(not _finite(v) for v in history.get("loss", []) + val):
        exploded = _explodes(s, loss, val, baseline, record)
        return {"nan_loss"} | ({"exploding_gradients"} if exploded else set())
    found = {name for name, test in _TESTS.items() if test(s, loss, val, baseline, record)}
    if found & SERIOUS:
        found.discard("slow_convergence")  # a symptom of the serious cause, labelled by it
    return found


def _explodes(s, loss, val, baseline, _):
    if any(any(row) for row in s.get("nonfinite") or []):
        return True
    if _finite(baseline) and any(_finite(v) and v > 100 * baseline for v in loss):
        return True
    ratio = _median(_second_half(_ratios(s)))
    return ratio is not None and ratio > 100


def _ratios(s) -> list[float | None]:
    """First Dense layer's RMS gradient over the output layer's, per epoch."""
    kinds = s.get("kinds") or []
    start = next((i for i, k in enumerate(kinds) if k != "conv"), 0)
    out = []
    for row in s.get("grad_rms") or []:
        first, last = (row[start], row[-1]) if len(row) - start >= 2 else (None, None)
        out.append(first / last if _finite(first) and _finite(last) and last > 0 else None)
    return out


def _vanishes(s, *_):
    kinds = s.get("kinds") or []
    dense = len([k for k in kinds if k != "conv"]) or len(s.get("layers") or [])
    if dense < 3:  # two hidden layers at least
        return False
    ratio = _median(_second_half(_ratios(s)))
    return ratio is not None and ratio < 1e-3


def _layer_share_above(s, key, share) -> bool:
    rows = [r for r in s.get(key) or [] if r]
    return bool(rows) and any(_finite(v) and v > share for v in rows[-1])


def _dying(s, *_):
    return s.get("activation") == "relu" and _layer_share_above(s, "dead_fraction", 0.5)


def _saturated(s, *_):
    return _layer_share_above(s, "saturated_fraction", 0.5)


def _unlearned(loss, baseline, share) -> bool:
    return bool(loss) and _finite(loss[-1]) and _finite(baseline) and loss[-1] >= share * baseline


def _stalled(s, loss, val, baseline, _):
    rows = _second_half(s.get("update_ratio") or [])
    if not rows or not _unlearned(loss, baseline, 0.5):
        return False
    hidden = range(len(rows[0]) - 1)
    return any((_median([r[i] for r in rows]) or 1.0) < 1e-5 for i in hidden)


def _stagnant(s, loss, val, baseline, _):
    half = _second_half(loss)
    if len(loss) < 3 or not _unlearned(loss, baseline, 0.9) or not _finite(half[0]):
        return False
    return abs(half[0] - half[-1]) < 0.01 * abs(half[0])


def _oscillating(s, loss, *_):
    steps = [(a, b) for a, b in zip(loss, loss[1:], strict=False) if _finite(a) and _finite(b)]
    rises = [1 for a, b in steps if a > 0 and (b - a) / a > 0.1]
    return len(steps) >= 4 and len(rises) >= max(2, 0.2 * len(steps))


def _slow(s, loss, val, baseline, _):
    """Cut short while far from learned: the validation loss was still falling (its best
    epoch among the last tenth, at least the last 2; 5% or more below the middle third's mean
    over the last third) and ends at half the constant prediction's loss or more. Read on the
    validation loss, which dropout does not inflate."""
    finite = [(v, e) for e, v in enumerate(val) if _finite(v)]
    if len(val) < 6 or len(finite) < len(val) or not _unlearned(val, baseline, 0.5):
        return False
    if min(finite)[1] < len(val) - max(2, math.ceil(0.1 * len(val))):
        return False
    third = len(val) // 3
    middle, last = val[third : 2 * third], val[2 * third :]
    return statistics.fmean(last) < 0.95 * statistics.fmean(middle)


def _overfits(s, loss, val, baseline, _):
    finite = [(v, e) for e, v in enumerate(val) if _finite(v)]
    if len(finite) < 6 or not _finite(baseline):
        return False
    best, at = min(finite)
    end = statistics.fmean(v for v, _ in finite[-3:])
    return (
        at <= 0.7 * len(val)
        and end >= 1.1 * best
        and end - best >= 0.02 * baseline
        and loss[-1] < loss[at]
    )


_TESTS = {
    "exploding_gradients": _explodes,
    "vanishing_gradients": _vanishes,
    "dying_relu": _dying,
    "saturation": _saturated,
    "stalled_weights": _stalled,
    "stagnant_loss": _stagnant,
    "oscillating_loss": _oscillating,
    "slow_convergence": _slow,
    "overfitting": _overfits,
}
