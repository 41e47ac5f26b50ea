"""The lines a run opens with: what it understood of the data, the split, the warnings, the run
folder, and what the search starts from."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def announce_data(progress, summary: dict[str, Any], warnings: list[str], run_dir: Path) -> None:
    """``data: ...``, ``task: ...``, ``split: ...``, the warnings and ``run folder: ...``."""
    s = summary
    images = s.get("kind") == "images"
    if images:
        classes = ", ".join(f"{c['label']} {c['rows']}" for c in s["classes"])
        modes = ", ".join(f"{n} {mode}" for mode, n in s["modes"].items())
        progress.log(
            f"data: {s['source']} ({s['images']} images in {len(s['classes'])} classes: "
            f"{classes}; modes {modes})"
        )
        progress.log(
            f"images: resized to {s['image_size']}x{s['image_size']}, {s['channels']} "
            f"channel(s) ({s['image_size_reason']})"
        )
    else:
        feats = s["features"]
        progress.log(
            f"data: {s['source']} ({s['rows']} rows, {s['columns']} columns; "
            f"{len(feats['numeric'])} numeric and {len(feats['categorical'])} categorical "
            "features)"
        )
    progress.log(f"task: {s['task']} ({s['task_reason']})")
    split = s["split_rows"]
    held_out = f" (test {'images' if images else 'rows'} are held out from the search)"
    progress.log(
        "split: "
        + ", ".join(f"{name} {n}" for name, n in split.items())
        + (held_out if "test" in split else "")
    )
    for warning in warnings:
        progress.log(f"[yellow]warning:[/] {warning}")
    progress.log(f"run folder: {run_dir}")


def announce_start(
    progress,
    space: Any,
    space_note: str | None,
    init_from: dict[str, Any] | None,
    pretrain: str | None,
    resumed_trials: int | None,
) -> None:
    """What the search starts from: the space of an image run, reused layers, pre-training,
    the trials a resumed run keeps."""
    if space_note:
        progress.log(f"space: {space.name} ({space_note})")
    if init_from:
        progress.log(
            f"starting from: the first {init_from['layers']} hidden layer(s) of "
            f"{init_from['run_dir']} (trial {init_from['source_trial']}), frozen first, then "
            "fine-tuned"
        )
    if pretrain:
        progress.log(f"pre-training: {pretrain}, greedy, layer by layer, every trial")
    if resumed_trials is not None:
        progress.log(
            f"resuming: {resumed_trials} finished trial(s) kept; a trial cut short is run again"
        )


def announce_objective(progress, info: dict[str, Any]) -> None:
    """What the search ranks by (``metric: ...``) and what ``--class-weight`` did."""
    chosen, key = info.get("selection_metric"), info["metric"]
    if chosen:
        rows = info["dataset"]["split_rows"]["val"]
        searched = f", searched as {key}, lower is better" if key.endswith("_error") else ""
        progress.log(f"metric: {chosen} on the {rows} validation rows{searched}")
    weighting = info.get("class_weight")
    if weighting and weighting["mode"] != "none":
        verdict = "balanced" if weighting["balanced"] else "equal"
        progress.log(f"class weights: {verdict} ({weighting['why']})")
