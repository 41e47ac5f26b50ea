"""Diagnosis across trials: how often each finding occurred and which region of the space
shares it, with advice for the next search.

The region is read off a depth-2 decision tree (scikit-learn) fitted to "this trial had the
finding" from the trials' hyperparameters; the counts quoted are then recounted exactly.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from autotune.report.remedies import leading_remedies
from autotune.report.run_data import RunData

# A finding seen in fewer trials than this is listed but not explained.
MIN_TRIALS = 2
# A region is worth dropping when at least this share of its trials had the finding.
DROP_SHARE = 0.75
# ... and is reported at all when at least this share had it.
TIED_SHARE = 0.5


class Feature:
    """One column the tree sees: a numeric hyperparameter, a boolean, or one choice of a
    text hyperparameter (1 when the trial chose it)."""

    def __init__(self, name: str, spec: dict[str, Any], choice: Any = None):
        self.name, self.spec, self.choice = name, spec, choice
        self.log = spec.get("sampling") == "log"

    def value(self, params: dict[str, Any]) -> float:
        raw = params.get(self.name)
        if self.choice is not None:
            return float(raw == self.choice)
        if raw is None:
            return math.nan
        raw = float(raw)
        return math.log10(raw) if self.log and raw > 0 else raw

    def condition(self, above: bool, threshold: float, seen: list[float]) -> dict[str, Any]:
        """The readable side of a split ``value <= threshold`` (``above``: the other side),
        bounded by the values the trials actually took (``seen``): ``n_layers >= 6``, not the
        tree's midpoint ``4.5``."""
        n, spec = self.name, self.spec
        if self.choice is not None:
            return {"name": n, "op": "is" if above else "is not", "value": self.choice}
        if spec["type"] == "bool":
            return {"name": n, "op": "is", "value": above}
        side = [v for v in seen if (v > threshold) == above]
        bound = min(side) if above else max(side)
        if self.log:
            bound = 10**bound
        elif spec["type"] == "int" or float(bound).is_integer():
            bound = int(bound)
        return {"name": n, "op": ">=" if above else "<=", "value": bound}


def _features(space: dict[str, dict[str, Any]]) -> list[Feature]:
    features = []
    for name, spec in space.items():
        values = spec.get("values") or []
        if spec["type"] == "choice" and any(isinstance(v, str) for v in values):
            features += [Feature(name, spec, v) for v in values]
        else:
            features.append(Feature(name, spec))
    return features


def _matches(condition: dict[str, Any], params: dict[str, Any]) -> bool:
    value = params.get(condition["name"])
    if value is None:
        return False
    op, bound = condition["op"], condition["value"]
    if op == "is":
        return value == bound
    if op == "is not":
        return value != bound
    if op == "in":
        return value in bound
    return value >= bound if op == ">=" else value <= bound


def _simplify(conditions: list[dict[str, Any]], space) -> list[dict[str, Any]]:
    """One condition per hyperparameter: ``is not a`` and ``is not b`` -> ``in {c, d}``."""
    out: list[dict[str, Any]] = []
    for name in dict.fromkeys(c["name"] for c in conditions):
        mine = [c for c in conditions if c["name"] == name]
        chosen = [c for c in mine if c["op"] == "is"]
        if chosen:
            out.append(chosen[0])
        elif all(c["op"] == "is not" for c in mine):
            excluded = {c["value"] for c in mine}
            left = [v for v in space[name]["values"] if v not in excluded]
            out.append(
                {"name": name, "op": "is", "value": left[0]}
                if len(left) == 1
                else {"name": name, "op": "in", "value": left}
            )
        else:  # numeric bounds: keep the tightest of each direction
            for op, pick in ((">=", max), ("<=", min)):
                bounds = [c["value"] for c in mine if c["op"] == op]
                if bounds:
                    out.append({"name": name, "op": op, "value": pick(bounds)})
    return out


def describe_region(conditions: list[dict[str, Any]]) -> str:
    """``learning_rate ≥ 0.001`` and ``≤ 0.01`` read as one band: ``learning_rate 0.001-0.01``."""
    parts = []
    for name in dict.fromkeys(c["name"] for c in conditions):
        mine = {c["op"]: c for c in conditions if c["name"] == name}
        if ">=" in mine and "<=" in mine:
            parts.append(f"{name} {mine['>=']['value']:.3g}–{mine['<=']['value']:.3g}")
        else:
            parts += [describe(c) for c in mine.values()]
    return " and ".join(parts)


def describe(condition: dict[str, Any]) -> str:
    name, op, value = condition["name"], condition["op"], condition["value"]
    if isinstance(value, bool):
        return f"{name} {'on' if value else 'off'}"
    if op == "is":
        return f"{name} {value}"
    if op == "in":
        return f"{name} {' or '.join(map(str, value))}"
    return f"{name} {'≥' if op == '>=' else '≤'} {value:.3g}"


def yaml_hint(condition: dict[str, Any]) -> str:
    """How to leave the region out of a search-space YAML."""
    name, op, value = condition["name"], condition["op"], condition["value"]
    if isinstance(value, bool):
        return f"fix {name} to {str(not value).lower()}"
    if op == "is":
        return f"remove {value} from {name}'s values"
    if op == "in":
        return f"remove {', '.join(map(str, value))} from {name}'s values"
    return f"set {name}'s {'max below' if op == '>=' else 'min above'} {value:.3g}"


def _region(features, X, y, space) -> list[dict[str, Any]] | None:
    """The conditions of the tree leaf that holds the finding most purely, or None."""
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=2, min_samples_leaf=2, random_state=0).fit(X, y)
    t = tree.tree_
    best, best_key = None, None

    def walk(node: int, path: list[dict[str, Any]]) -> None:
        nonlocal best, best_key
        if t.children_left[node] == -1:
            n = t.n_node_samples[node]
            positives = round(t.value[node][0][-1] * n) if t.value[node].shape[1] == 2 else 0
            key = ((positives + 1) / (n + 2), positives)  # Laplace: 5 of 6 beats 1 of 1
            if path and positives >= MIN_TRIALS and (best_key is None or key > best_key):
                best, best_key = path, key
            return
        column, threshold = t.feature[node], t.threshold[node]
        seen = [row[column] for row in X]
        feature = features[column]
        walk(t.children_left[node], path + [feature.condition(False, threshold, seen)])
        walk(t.children_right[node], path + [feature.condition(True, threshold, seen)])

    walk(0, [])
    return _simplify(best, space) if best else None


def _general(text: str) -> str:
    """A remedy's text without the trial's own numbers: "Lower the learning rate"."""
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


def across_info(run: RunData) -> dict[str, Any]:
    space = run.searched
    trials = [t for t in run.trials if t.get("hyperparameters")]
    features = _features(space)
    X = [[f.value(t["hyperparameters"]) for f in features] for t in trials]
    X = [[0.0 if math.isnan(v) else v for v in row] for row in X]
    counts = Counter(f["name"] for t in trials for f in t.get("findings") or [])
    # Each finding's severity, as its records state it.
    severity = {
        f["name"]: f.get("severity", "warning") for t in trials for f in t.get("findings") or []
    }
    findings = []
    for name in sorted(counts, key=lambda n: (severity[n] != "serious", -counts[n], n)):
        has = [any(f["name"] == name for f in t.get("findings") or []) for t in trials]
        entry: dict[str, Any] = {
            "name": name,
            "severity": severity[name],
            "trials": counts[name],
            "of": len(trials),
            "trial_ids": sorted(t["trial_id"] for t, h in zip(trials, has, strict=True) if h),
            "region": None,
            "where": "",  # when no region is found: why
            "advice": [],
        }
        if counts[name] >= MIN_TRIALS and features and counts[name] < len(trials):
            _place(entry, _region(features, X, has, space), trials, has)
        if entry["region"] is None:
            entry["where"] = (
                "too few trials to tie to a region"
                if counts[name] < MIN_TRIALS
                else "every trial"
                if counts[name] == len(trials)
                else "spread over the space: no region explains it"
            )
        entry["advice"] += _remedy_advice(trials, name, counts[name])
        findings.append(entry)
    healthy = sum(1 for t in run.trials if not t.get("findings") and t.get("status") == "completed")
    return {"trials": len(run.trials), "healthy": healthy, "findings": findings}


def _place(entry: dict[str, Any], region, trials, has) -> None:
    """Tie the finding to ``region`` when the region holds it more than the search does;
    advise dropping the region when most of its trials had it."""
    if not region:
        return
    count = entry["trials"]
    inside = [
        h
        for t, h in zip(trials, has, strict=True)
        if all(_matches(c, t["hyperparameters"]) for c in region)
    ]
    share = sum(inside) / len(inside) if inside else 0.0
    if sum(inside) < MIN_TRIALS or share < TIED_SHARE or share <= count / len(trials):
        return
    entry["region"] = {
        "conditions": region,
        "text": describe_region(region),
        "hits": sum(inside),
        "trials": len(inside),
        "outside_hits": count - sum(inside),
        "outside_trials": len(trials) - len(inside),
    }
    if share >= DROP_SHARE:
        hints = [yaml_hint(c) for c in region]
        entry["advice"].append(
            f"Drop the region {entry['region']['text']} from the next search ("
            + (" or ".join(hints) if len(hints) > 1 else hints[0])
            + ")"
        )


def _remedy_advice(trials, name: str, count: int) -> list[str]:
    """The remedies that came first for the finding, in general words."""
    these = [f for t in trials for f in t.get("findings") or [] if f["name"] == name]
    advice = []
    for remedy, n in leading_remedies(these)[:2]:
        share = (
            "the trial's first remedy"
            if count == 1
            else f"the first remedy in {n} of {count} trials"
        )
        advice.append(f"{_general(remedy['text'])} ({share})")
    return advice
