"""What each part of a trial costs: the same trials, timed with one feature of autotune's
training loop switched back to Keras' / KerasTuner's default at a time.

Arms (each runs the same configurations, drawn by a seeded random search over the ``mlp``
space, through the real tuner, a fixed number of epochs, no early stopping):

- ``Keras / KerasTuner defaults``: numpy arrays into ``fit`` (Keras builds its input pipeline
  every epoch) and KerasTuner's ``SaveBestEpoch`` (an ``.h5`` file at every improving epoch);
- ``+ tf.data pipelines``: the batches of :mod:`autotune.models.batches`;
- ``+ best epoch kept in memory``: :class:`autotune.search.tuner.KeepBestEpoch` (autotune);
- ``autotune, diagnostics off``: autotune without the per-epoch gradient probe.

The arms run one after the other within each repeat, their order reversed on every other
repeat, so machine noise hits them alike; a cell is the median over repeats.
"""

from __future__ import annotations

import platform
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

ARMS = (
    "Keras / KerasTuner defaults",
    "+ tf.data pipelines",
    "+ best epoch kept in memory (autotune)",
    "autotune, diagnostics off",
)
# (trials, epochs) per table: small tables are dominated by per-epoch costs, large ones by
# the arithmetic.
WORK = {"penguins.csv": (6, 20), "adult.csv": (3, 4)}


def _search_seconds(data, arm: str, trials: int, epochs: int, workdir: Path) -> float:
    from keras_tuner.src.engine.tuner_utils import SaveBestEpoch

    from autotune.search.tables import TabularProblem
    from autotune.search.tuner import make_tuner
    from autotune.spaces import load_space

    problem = TabularProblem(data)
    hypermodel = problem.hypermodel(fit_callbacks=[])
    hypermodel.diagnostics = arm != ARMS[3]
    with ExitStack() as patches:
        if arm == ARMS[0]:
            numpy_arrays = mock.patch("autotune.models.mlp.worth_a_pipeline", lambda x: False)
            patches.enter_context(numpy_arrays)
        if arm in ARMS[:2]:
            every_epoch = mock.patch("autotune.search.tuner.KeepBestEpoch", SaveBestEpoch)
            patches.enter_context(every_epoch)
        tuner = make_tuner(
            "random",
            hypermodel,
            load_space("mlp").to_hyperparameters(),
            objective=problem.objective,
            max_trials=trials,
            max_epochs=epochs,
            seed=0,
            directory=str(workdir),
            on_trial_done=lambda record: None,
            on_trial_start=lambda trial: None,
            deadline=None,
        )
        started = time.perf_counter()
        tuner.search(*problem.train, validation_data=problem.val, epochs=epochs, verbose=0)
        return time.perf_counter() - started


def run(data: Path, repeats: int = 2, trials: int | None = None, epochs: int | None = None) -> str:
    from autotune.data.tabular import load_table

    paths = [data] if data.is_file() else [data / name for name in WORK]
    lines = [
        f"Cost of a trial's parts: the same seeded configurations from the `mlp` space through "
        f"the real tuner, a fixed number of epochs, {repeats} repeats (median), arms "
        f"alternated; {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}. Seconds are machine-dependent; the ratios are "
        "the figures to compare.",
        "",
        "| table | trials x epochs | arm | seconds | ms per epoch | speed-up vs defaults |",
        "|---|---|---|---:|---:|---:|",
    ]
    for path in paths:
        default_trials, default_epochs = WORK.get(path.name, (4, 10))
        trials, epochs = trials or default_trials, epochs or default_epochs
        table = load_table(path)
        seconds: dict[str, list[float]] = {arm: [] for arm in ARMS}
        with tempfile.TemporaryDirectory() as tmp:
            for repeat in range(repeats):
                for i, arm in enumerate(ARMS if repeat % 2 == 0 else ARMS[::-1]):
                    workdir = Path(tmp) / f"{repeat}-{i}"
                    seconds[arm].append(_search_seconds(table, arm, trials, epochs, workdir))
        base = statistics.median(seconds[ARMS[0]])
        rows = len(table.splits["train"].target)
        for arm in ARMS:
            median = statistics.median(seconds[arm])
            lines.append(
                f"| {path.stem} ({rows} training rows) | {trials} x {epochs} | {arm} "
                f"| {median:.1f} | {1000 * median / (trials * epochs):.0f} | {base / median:.2f}x |"
            )
    return "\n".join(lines)
