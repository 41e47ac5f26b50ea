"""Cost of the gradient-health probe: wall time of a trial with diagnostics vs without.

A trial here is what the search does for one configuration: build the network, fit it for a
fixed number of epochs (no early stopping) with validation. The two arms alternate within
each repeat, so machine noise hits both alike. Reported: the ratios of the medians and of
the minima (the least disturbed runs), and the time the probe itself measured in its
set-up and ``on_epoch_end`` (tracing included) per trial, per epoch once set up, and as a
share of the trial: the direct, low-noise figures. The probe's cost is a fixed set-up per
trial plus a fixed pass over at most 256 rows per epoch, so its share of a trial depends on
how long the trial's epochs are: large on a small table, small on a large one.
"""

from __future__ import annotations

import platform
import statistics
import time
from pathlib import Path

from autotune.backend import keras

from autotune.data.tabular import load_table
from autotune.models.fitting import FitNotes
from autotune.models.mlp import MLPHyperModel
from autotune.problems.table_encoding import build_preprocessor, encode

CASES = {
    "default net [128-64] relu": {"n_layers": 2, "units": 128, "shrink": 0.5},
    "10-layer net [64 x 10] relu": {"n_layers": 10, "units": 64, "shrink": 1.0},
}


class _Hp:
    def __init__(self, values):
        self.values = values


def _trial(arrays, targets, spec, values, epochs, diagnostics) -> float:
    keras.utils.set_random_seed(0)
    hypermodel = MLPHyperModel(
        arrays["train"].shape[1], spec.n_outputs, spec.task, diagnostics=diagnostics
    )
    started = time.perf_counter()
    hp = _Hp(values)
    model = hypermodel.build(hp)
    notes = FitNotes()
    hypermodel.fit(
        hp,
        model,
        arrays["train"],
        targets["train"],
        epochs=epochs,
        verbose=0,
        validation_data=(arrays["val"], targets["val"]),
        notes=notes,
    )
    seconds = time.perf_counter() - started
    keras.backend.clear_session()  # as KerasTuner does between trials
    return seconds, notes.diagnostics["seconds"] if notes.diagnostics else 0.0


def run(data: Path, repeats: int = 5, epochs: int = 10) -> str:
    table = load_table(data)
    spec = table.preprocessing
    preprocessor = build_preprocessor(spec)
    arrays = {n: encode(preprocessor, table.splits[n].features, spec) for n in ("train", "val")}
    targets = {n: spec.encode_target(table.splits[n].target) for n in ("train", "val")}
    _trial(arrays, targets, spec, CASES[next(iter(CASES))], 1, True)  # warm-up
    lines = [
        f"Diagnostics overhead: {data.name} ({len(arrays['train'])} training rows), {epochs} "
        f"epochs per trial, batch 32, {repeats} repeats, arms alternated; "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "",
        "| case | median s without | median s with | ratio of medians | ratio of minima "
        "| probe's own ms per trial (set-up and tracing included) | of which per epoch, ms "
        "| probe's own time / trial time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, values in CASES.items():
        off, on, share, own = [], [], [], []
        for repeat in range(repeats):
            for diagnostics in (False, True) if repeat % 2 == 0 else (True, False):
                seconds, probe = _trial(arrays, targets, spec, values, epochs, diagnostics)
                (on if diagnostics else off).append(seconds)
                if diagnostics:
                    share.append(probe / seconds)
                    own.append(probe)
        ratio = statistics.median(on) / statistics.median(off)
        lines.append(
            f"| {name} | {statistics.median(off):.2f} | {statistics.median(on):.2f} "
            f"| {ratio:.3f} | {min(on) / min(off):.3f} | {1000 * statistics.median(own):.0f} "
            f"| {_per_epoch(arrays, targets, spec, values, epochs):.1f} "
            f"| {statistics.median(share):.3f} |"
        )
    return "\n".join(lines)


def _per_epoch(arrays, targets, spec, values, epochs: int) -> float:
    """The probe's own milliseconds per epoch once set up: the difference between an
    ``epochs``-epoch trial's probe time and a 1-epoch trial's, over the extra epochs."""
    one = statistics.median(_trial(arrays, targets, spec, values, 1, True)[1] for _ in range(3))
    many = statistics.median(
        _trial(arrays, targets, spec, values, epochs, True)[1] for _ in range(3)
    )
    return 1000 * (many - one) / max(epochs - 1, 1)


__all__ = ["run"]
