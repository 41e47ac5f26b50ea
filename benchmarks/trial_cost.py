"""What each part of a trial costs: the same trials, timed with one feature of autotune's
training loop switched back to Keras' / KerasTuner's default at a time.

Arms (each trains the same configurations, drawn at random from the ``mlp`` space with a
fixed seed, through the real tuner, a fixed number of epochs, no early stopping):

- ``Keras / KerasTuner defaults``: numpy arrays into ``fit`` (Keras builds its input pipeline
  every epoch) and KerasTuner's ``SaveBestEpoch`` (an ``.h5`` file at every improving epoch);
- ``+ tf.data pipelines``: the batches of :mod:`autotune.models.batches`;
- ``+ best epoch kept in memory``: :class:`autotune.callbacks.best_epoch.KeepBestEpoch`;
- ``+ compiled epochs (autotune)``: :func:`autotune.models.in_memory.fit_in_memory` instead of
  Keras' ``fit`` (the three arms before it train through ``fit``);
- ``autotune, diagnostics off``: autotune without the per-epoch gradient probe.

(``python -m benchmarks trial_profile`` splits one trial's time into its parts.)

For each configuration the arms run back to back, their order reversed from one
configuration to the next, so that a slow minute of the machine hits every arm alike; a cell
is the median over repeats of an arm's total.
"""

from __future__ import annotations

import platform
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

from benchmarks.switches import keras_fit

ARMS = (
    "Keras / KerasTuner defaults",
    "+ tf.data pipelines",
    "+ best epoch kept in memory",
    "+ compiled epochs (autotune)",
    "autotune, diagnostics off",
)
# (trials, epochs) per table: small tables are dominated by per-epoch costs, large ones by
# the arithmetic.
WORK = {"penguins.csv": (6, 20), "adult.csv": (4, 5)}


def configurations(count: int, seed: int = 0) -> list[dict]:
    """``count`` configurations drawn at random from the ``mlp`` space (seeded)."""
    from autotune.spaces import load_space

    space = load_space("mlp").to_hyperparameters()
    return [
        {hp.name: hp.random_sample(seed * 1000 + n * 100 + i) for i, hp in enumerate(space.space)}
        for n in range(count)
    ]


def _trial_seconds(problem, values: dict, arm: str, epochs: int, workdir: Path) -> float:
    """One trial of ``values`` through the real tuner (a space fixed to those values)."""
    import keras_tuner as kt
    from keras_tuner.src.engine.tuner_utils import SaveBestEpoch

    from autotune.tuning.tuner import make_tuner

    fixed = kt.HyperParameters()
    for name, value in values.items():
        fixed.Fixed(name, value)
    hypermodel = problem.hypermodel(fit_callbacks=[])
    hypermodel.diagnostics = arm != ARMS[4]
    with ExitStack() as patches:
        if arm in ARMS[:3]:
            keras_fit(patches)
        if arm == ARMS[0]:
            numpy_arrays = mock.patch("autotune.models.fitting.worth_a_pipeline", lambda x: False)
            patches.enter_context(numpy_arrays)
        if arm in ARMS[:2]:
            every_epoch = mock.patch("autotune.tuning.tuner.KeepBestEpoch", SaveBestEpoch)
            patches.enter_context(every_epoch)
        tuner = make_tuner(
            "random",
            hypermodel,
            fixed,
            objective=problem.objective,
            max_trials=1,
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


def run(data: Path, repeats: int = 3, trials: int | None = None, epochs: int | None = None) -> str:
    from autotune.data.tabular import load_table
    from autotune.problems.table import TabularProblem

    paths = [data] if data.is_file() else [data / name for name in WORK]
    lines = [
        f"Cost of a trial's parts: configurations drawn from the `mlp` space (seeded), each "
        f"trained through the real tuner for a fixed number of epochs in every arm, the arms "
        f"back to back per configuration in alternating order; {repeats} repeats (median of "
        f"the totals); {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}. Seconds are machine-dependent; the ratios are "
        "the figures to compare.",
        "",
        "| table | trials x epochs | arm | seconds | ms per epoch (tracing included) "
        "| speed-up vs defaults |",
        "|---|---|---|---:|---:|---:|",
    ]
    for path in paths:
        default_trials, default_epochs = WORK.get(path.name, (4, 10))
        n_trials, n_epochs = trials or default_trials, epochs or default_epochs
        table = load_table(path)
        problem = TabularProblem(table)
        totals: dict[str, list[float]] = {arm: [] for arm in ARMS}
        with tempfile.TemporaryDirectory() as tmp:
            for repeat in range(repeats):
                spent = dict.fromkeys(ARMS, 0.0)
                for n, values in enumerate(configurations(n_trials)):
                    order = ARMS if (repeat + n) % 2 == 0 else ARMS[::-1]
                    for arm in order:
                        workdir = Path(tmp) / f"{repeat}-{n}-{ARMS.index(arm)}"
                        spent[arm] += _trial_seconds(problem, values, arm, n_epochs, workdir)
                for arm in ARMS:
                    totals[arm].append(spent[arm])
        base = statistics.median(totals[ARMS[0]])
        rows = len(table.splits["train"].target)
        for arm in ARMS:
            median = statistics.median(totals[arm])
            lines.append(
                f"| {path.stem} ({rows} training rows) | {n_trials} x {n_epochs} | {arm} "
                f"| {median:.1f} | {1000 * median / (n_trials * n_epochs):.0f} "
                f"| {base / median:.2f}x |"
            )
    return "\n".join(lines)
