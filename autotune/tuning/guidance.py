"""Diagnosis-guided search: what earlier trials' findings change in the next trial.

The oracle (random or Bayesian) proposes a trial's values; before the trial starts,
:class:`Guide` reads the finished trials' records (``trials/<id>.json``, whichever process
wrote them) and applies four rules, each one of the remedies the diagnostics suggest
(:mod:`autotune.diagnostics.remedies`), applied for the finding's next occurrence:

- ``avoid_saturating_depth``: a trial with ``vanishing_gradients`` whose activation
  saturates (sigmoid, tanh) at depth ``d >= DEEP`` bans that region: a later trial with a
  saturating activation and at least ``d`` hidden layers gets a non-saturating activation
  from the space instead.
- ``clip_exploding``: after ``exploding_gradients`` or ``nan_loss`` at learning rate ``lr``,
  a later trial at ``lr / 2`` or above without clipping gets the space's smallest positive
  ``clipnorm``.
- ``leaky_after_dying``: after ``dying_relu`` with ``relu`` at learning rate ``lr``, a later
  ``relu`` trial at ``lr / 2`` or above gets ``leaky_relu`` (its units keep a gradient below
  zero, so they cannot die), when the space offers it.
- ``floor_regularisation``: once ``OVERFIT_TRIALS`` trials overfit, later trials get
  dropout >= ``DROPOUT_FLOOR`` and L2 >= ``L2_FLOOR`` (the nearest values the space allows).

A rule only touches names the space searches (a ``fixed`` entry is the user's decision) and
only moves a value to one the space allows, so the oracle's history stays inside its space.
Every intervention (which trial, which finding in which earlier trials, what changed) is
appended to ``guidance.json`` in the run folder, which a resumed run reads back. No
TensorFlow here.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

from autotune.runs import read_json, write_json
from autotune.vocabulary import SATURATING, describe_change, resolve

# A saturating activation's vanishing gradients at this depth or deeper ban the region.
DEEP = 4
# Clipping reaches trials at or above this share of a learning rate that blew up.
LR_REACH = 0.5
# Overfitting in this many trials floors the regularisation.
OVERFIT_TRIALS = 2
DROPOUT_FLOOR = 0.2
L2_FLOOR = 1e-4

RULES = {
    "avoid_saturating_depth": (
        f"vanishing_gradients with sigmoid/tanh at depth >= {DEEP}: later trials with a "
        "saturating activation at that depth or deeper get a non-saturating activation"
    ),
    "clip_exploding": (
        "exploding_gradients or nan_loss at learning rate lr: later trials at "
        f"lr x {LR_REACH:g} or above get gradient clipping (clipnorm)"
    ),
    "leaky_after_dying": (
        f"dying_relu with relu at learning rate lr: later relu trials at lr x {LR_REACH:g} or "
        "above get leaky_relu"
    ),
    "floor_regularisation": (
        f"overfitting in {OVERFIT_TRIALS} trials: later trials get dropout >= "
        f"{DROPOUT_FLOOR:g} and L2 >= {L2_FLOOR:g}"
    ),
}


def _raise_to(hp, floor: float) -> Any:
    """The smallest value ``hp`` allows that is at least ``floor`` (else its largest)."""
    if hasattr(hp, "values"):  # Choice
        numbers = sorted(v for v in hp.values if isinstance(v, int | float))
        above = [v for v in numbers if v >= floor]
        return above[0] if above else numbers[-1]
    low, high = hp.min_value, hp.max_value
    if floor <= low:
        return low
    if getattr(hp, "step", None):
        floor = low + math.ceil((floor - low) / hp.step - 1e-9) * hp.step
    return min(high, round(floor, 12))


def _smallest_positive(hp) -> Any:
    if hasattr(hp, "values"):
        positive = sorted(v for v in hp.values if isinstance(v, int | float) and v > 0)
        return positive[0] if positive else None
    return _raise_to(hp, 1.0) if hp.max_value > 0 else None


def _reached(lr: float, evidence: list[tuple]) -> list[tuple]:
    """The ``(trial_id, learning_rate, ...)`` evidence whose learning rate ``lr`` reaches
    (at least ``LR_REACH`` times it)."""
    return [hit for hit in evidence if lr >= hit[1] * LR_REACH]


class Guide:
    """Reads the finished trials' findings and steers the values of the next trial.

    Args:
        run_dir: the run folder (``trials/`` is read, ``guidance.json`` written).
        hyperparameters: the space (a ``keras_tuner.HyperParameters``).
        seed: seeds the choice of a replacement activation.
        on_intervention: called with each intervention (a dict), e.g. to print it.
    """

    def __init__(self, run_dir, hyperparameters, seed: int = 0, on_intervention=None):
        self.trials_dir = Path(run_dir) / "trials"
        self.log = Path(run_dir) / "guidance.json"
        self.searched = {
            hp.name: hp for hp in hyperparameters.space if type(hp).__name__ != "Fixed"
        }
        self.interventions: list[dict[str, Any]] = (
            read_json(self.log)["interventions"] if self.log.exists() else []
        )
        self.rng = random.Random(seed + len(self.interventions))
        self.on_intervention = on_intervention
        self._records: dict[str, tuple[float, dict[str, Any]]] = {}

    def evidence(self) -> dict[str, list]:
        """What the finished trials showed, by rule: ``(trial_id, value)`` pairs."""
        found: dict[str, list] = {name: [] for name in RULES}
        for record in self._read_records():
            names = {f["name"] for f in record.get("findings") or []}
            if record.get("stopped_by") == "nan_loss":
                names.add("nan_loss")
            p = resolve(record.get("hyperparameters", {}))
            tid = record["trial_id"]
            if "vanishing_gradients" in names and p["activation"] in SATURATING:
                if p["n_layers"] >= DEEP:
                    found["avoid_saturating_depth"].append((tid, p["n_layers"]))
            for name in ("exploding_gradients", "nan_loss"):
                if name in names:
                    found["clip_exploding"].append((tid, p["learning_rate"], name))
                    break
            if "dying_relu" in names and p["activation"] == "relu":
                found["leaky_after_dying"].append((tid, p["learning_rate"]))
            if "overfitting" in names:
                found["floor_regularisation"].append((tid,))
        return found

    def _read_records(self) -> list[dict[str, Any]]:
        """Every finished trial's record; a file is parsed again only when it changed."""
        if self.trials_dir.is_dir():
            for path in sorted(self.trials_dir.glob("*.json")):
                mtime = path.stat().st_mtime
                if self._records.get(path.name, (None,))[0] != mtime:
                    try:
                        self._records[path.name] = (mtime, read_json(path))
                    except Exception:  # noqa: BLE001  (a record being replaced: next time)
                        continue
        return [record for _, record in self._records.values()]

    def steer(self, trial_id: str, values: dict[str, Any]) -> list[dict[str, Any]]:
        """Apply the rules to a new trial's ``values`` (changed in place); return what
        changed, also appended to ``guidance.json``."""
        found = self.evidence()
        made = []
        for rule, act in (
            ("avoid_saturating_depth", self._avoid_saturating_depth),
            ("clip_exploding", self._clip_exploding),
            ("leaky_after_dying", self._leaky_after_dying),
            ("floor_regularisation", self._floor_regularisation),
        ):
            if not found[rule]:
                continue
            change = act(values, found[rule])
            if change:
                made.append({"trial_id": trial_id, "rule": rule, **change})
        if made:
            self.interventions.extend(made)
            write_json(self.log, {"rules": RULES, "interventions": self.interventions})
            for intervention in made:
                if self.on_intervention:
                    self.on_intervention(intervention)
        return made

    def _set(self, values, name, new) -> dict[str, list] | None:
        old = values.get(name)
        if old == new:
            return None
        values[name] = new
        return {name: [old, new]}

    def _avoid_saturating_depth(self, values, evidence) -> dict[str, Any] | None:
        act, depth = values.get("activation"), values.get("n_layers")
        if act not in SATURATING or depth is None or "activation" not in self.searched:
            return None
        hits = [(tid, d) for tid, d in evidence if depth >= d]
        if not hits:
            return None
        options = [v for v in self.searched["activation"].values if v not in SATURATING]
        if not options:
            return None
        changed = self._set(values, "activation", self.rng.choice(options))
        return {
            "finding": "vanishing_gradients",
            "evidence": [tid for tid, _ in hits],
            "changed": changed,
            "why": (
                f"trial {hits[0][0]} had vanishing gradients with a saturating activation at "
                f"{hits[0][1]} hidden layers; this trial has {act} at {depth}"
            ),
        }

    def _clip_exploding(self, values, evidence) -> dict[str, Any] | None:
        hp = self.searched.get("clipnorm")
        lr = values.get("learning_rate")
        if hp is None or lr is None or values.get("clipnorm"):
            return None
        hits = _reached(lr, evidence)
        clip = _smallest_positive(hp)
        if not hits or clip is None:
            return None
        tid, rate, name = min(hits, key=lambda h: h[1])
        return {
            "finding": name,
            "evidence": [h[0] for h in hits],
            "changed": self._set(values, "clipnorm", clip),
            "why": (
                f"trial {tid} had {name.replace('_', ' ')} at learning rate {rate:.2g}; this "
                f"trial's is {lr:.2g}"
            ),
        }

    def _leaky_after_dying(self, values, evidence) -> dict[str, Any] | None:
        hp = self.searched.get("activation")
        lr = values.get("learning_rate")
        if values.get("activation") != "relu" or lr is None or hp is None:
            return None
        if "leaky_relu" not in hp.values:
            return None
        hits = _reached(lr, evidence)
        if not hits:
            return None
        tid, rate = min(hits, key=lambda h: h[1])
        return {
            "finding": "dying_relu",
            "evidence": [h[0] for h in hits],
            "changed": self._set(values, "activation", "leaky_relu"),
            "why": (
                f"trial {tid}'s ReLUs died at learning rate {rate:.2g}; this trial's is {lr:.2g}"
            ),
        }

    def _floor_regularisation(self, values, evidence) -> dict[str, Any] | None:
        if len(evidence) < OVERFIT_TRIALS:
            return None
        changed = {}
        for name, floor in (("dropout", DROPOUT_FLOOR), ("l2", L2_FLOOR)):
            hp = self.searched.get(name)
            if hp is not None and (values.get(name) or 0) < floor:
                changed.update(self._set(values, name, _raise_to(hp, floor)) or {})
        if not changed:
            return None
        return {
            "finding": "overfitting",
            "evidence": [e[0] for e in evidence],
            "changed": changed,
            "why": f"{len(evidence)} earlier trials overfit",
        }


def describe_intervention(intervention: dict[str, Any]) -> str:
    """``trial 0007: clipnorm 0 -> 1 (trial 0003 had exploding gradients at ...)``."""
    changes = describe_change(intervention["changed"])
    return f"trial {intervention['trial_id']}: {changes} ({intervention['why']})"


class Guided:
    """An oracle mixin: the values the oracle proposes pass through :attr:`guide` first.

    KerasTuner's extension point for a trial's values is ``Oracle.populate_space``; the
    steered values are the trial's values, so a Bayesian oracle learns from what really ran.
    """

    guide: Guide | None = None

    def populate_space(self, trial_id):
        result = super().populate_space(trial_id)
        if self.guide is not None and result.get("status") == "RUNNING" and result.get("values"):
            self.guide.steer(trial_id, result["values"])
        return result
