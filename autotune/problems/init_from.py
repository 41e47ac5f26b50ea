"""``--init-from RUN_DIR``: may this run reuse that run's first hidden layers? No TensorFlow.

A hidden layer's weights mean something only for the input vector they were trained on, so
the new table must encode to the same vector: the same numeric columns in the same order,
the same categorical columns with the same category levels. The scales may differ (each run
standardises with its own training rows' statistics; a column's meaning stays). Everything
is checked from the two runs' ``run.json`` before the new run folder is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autotune.data.tabular import Preprocessing
from autotune.errors import UsageError
from autotune.runs import RunFolder, read_json


def check_init_from(run_dir: Path, here: Preprocessing, layers: int) -> dict[str, Any]:
    """The source run's figures (``run_dir``, ``best_model``, ``source_trial``,
    ``source_layers``, ``layers``) when ``layers`` of its hidden layers can start this run's
    networks.

    Raises:
        UsageError: no finished tabular run there, or inputs that do not match.
    """
    flag = f"--init-from {run_dir}"
    folder = RunFolder(run_dir)
    if not folder.run_json.is_file():
        raise UsageError(f"{flag}: no run.json there; pass a folder that `autotune tune` wrote")
    info = read_json(folder.run_json)
    if info.get("status") != "completed" or not folder.best_model.is_file():
        raise UsageError(
            f"{flag}: the run did not finish (status {info.get('status')!r}, no best model); "
            "pass a completed run"
        )
    if info.get("dataset", {}).get("kind") == "images" or "preprocessing" not in info:
        raise UsageError(f"{flag}: an image run; --init-from reuses a table run's layers")
    there = Preprocessing.from_dict(info["preprocessing"])
    _same_inputs(flag, there, here)
    ensemble = info.get("ensemble") or {}
    members = {m["trial_id"] for m in ensemble.get("members", [])}
    if ensemble.get("status") == "done" and info["best_trial"]["trial_id"] not in members:
        raise UsageError(
            f"{flag}: its shipped ensemble does not hold its best trial, whose layers "
            "--init-from reuses; rerun that search with --ensemble none"
        )
    params = info["best_trial"]["hyperparameters"]
    hidden = int(params.get("n_layers", 0))
    if hidden < 1:
        raise UsageError(f"{flag}: its best model has no hidden layer to reuse")
    if not 1 <= layers <= hidden:
        raise UsageError(
            f"--init-layers {layers}: the best model of {run_dir} has {hidden} hidden "
            f"layer(s); pass 1 to {hidden}"
        )
    return {
        "run_dir": str(folder.path.resolve()),
        "best_model": str(folder.best_model.resolve()),
        "source_trial": info["best_trial"]["trial_id"],
        "source_layers": hidden,
        "layers": layers,
        "hyperparameters": params,
    }


def _kinds(spec: Preprocessing) -> dict[str, str]:
    """Each feature column's kind, ``numeric`` or ``categorical``, in the encoding's order."""
    kinds = {c.column: "numeric" for c in spec.numeric}
    kinds.update({c.column: "categorical" for c in spec.categorical})
    return kinds


def _same_inputs(flag: str, there: Preprocessing, here: Preprocessing) -> None:
    """Refuse, naming the first column that differs, when the encoded inputs differ."""
    if there.scaling != here.scaling:
        raise UsageError(
            f"{flag}: its model took {there.scaling}-scaled numbers, this run scales them "
            f"{here.scaling}; add --scaling {there.scaling}"
        )
    old, new = _kinds(there), _kinds(here)
    missing = [c for c in old if c not in new]
    if missing:
        raise UsageError(
            f"{flag}: its model takes column(s) {', '.join(missing[:5])} that this data does "
            "not have (or drops); transfer needs the same input columns"
        )
    extra = [c for c in new if c not in old]
    if extra:
        raise UsageError(
            f"{flag}: this data has column(s) {', '.join(extra[:5])} that its model does not "
            "take; drop them from the CSV, or search without --init-from"
        )
    for column, kind in new.items():
        if old[column] != kind:
            raise UsageError(
                f"{flag}: column {column!r} is {kind} here but was {old[column]} there; "
                "transfer needs the same input columns"
            )
    if list(old) != list(new):
        raise UsageError(
            f"{flag}: the same columns in another order; put the CSV's columns in the order "
            "of the earlier run's data"
        )
    for a, b in zip(there.categorical, here.categorical, strict=True):
        if a.levels != b.levels:
            only_there = sorted(set(a.levels) - set(b.levels))[:3]
            only_here = sorted(set(b.levels) - set(a.levels))[:3]
            raise UsageError(
                f"{flag}: column {b.column!r} has other categories here (here only: "
                f"{', '.join(only_here) or '-'}; there only: {', '.join(only_there) or '-'}); "
                "the reused layers' inputs would not line up"
            )
