"""Where a trial's wall time goes: one search's trials split into their parts, per arm.

Each arm trains the same configurations (the ``mlp`` space's defaults, then configurations
drawn from it with a fixed seed) through the real tuner for a fixed number of epochs
(early stopping watches but never stops: its patience is the epoch limit), writing every
trial's record into a run folder as ``autotune tune`` does. Timers wrapped around the parts
(for this benchmark only) measure each part's *own* time, less the parts inside it:

- ``KerasTuner's clear_session + gc``: what KerasTuner does before building each model;
- ``model build``: the hypermodel's layers and ``compile``;
- ``function tracing``: TensorFlow turning Python into graphs (every ``tf.function``);
- ``first calls (graph set-up)``: each compiled function's first call, less its tracing;
- ``train steps`` / ``validation``: the calls that train and score, later calls;
- ``gradient probe``, ``best-epoch copy``: those callbacks' own hooks;
- ``other callbacks``: every other callback hook (early stopping, NaN, deadline, schedule);
- ``fit loop``: ``fit``'s own work between those (data iterators, logs, epoch set-up);
- ``record writing``: the trial's record, ``trials/<id>.json`` and ``trials.csv``;
- ``KerasTuner bookkeeping``: the rest of the search (oracle, trial files, checkpoints).

The arms alternate order between repeats, and a cell is the median over repeats.
"""

from __future__ import annotations

import gc
import platform
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

PARTS = (
    "KerasTuner's clear_session + gc",
    "model build",
    "function tracing",
    "first calls (graph set-up)",
    "train steps",
    "validation",
    "gradient probe",
    "best-epoch copy",
    "other callbacks",
    "fit loop",
    "record writing",
    "KerasTuner bookkeeping",
)
CALLBACK_HOOKS = (
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
)  # fmt: skip
# The parts paid every epoch (the others are paid once per trial: tracing, first calls, build).
EPOCH_PARTS = PARTS[4:10]
# Arm name -> switches: trials through compiled epochs, start-up objects frozen.
ARMS = {
    "Keras fit (before)": {"in_memory": False, "freeze": False},
    "compiled epochs": {"in_memory": True, "freeze": False},
    "+ frozen start-up objects (autotune)": {"in_memory": True, "freeze": True},
}
# The tables: penguins (344 rows) and the first 3,000 rows of adult.
TABLES = {"penguins": ("penguins.csv", None), "adult, 3,000 rows": ("adult.csv", 3000)}


class PartClock:
    """Exclusive wall time per part: a part's time less the parts timed inside it."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._stack: list[list[Any]] = []

    @contextmanager
    def part(self, name: str):
        started = time.perf_counter()
        self._stack.append([name, 0.0])
        try:
            yield
        finally:
            _, inner = self._stack.pop()
            elapsed = time.perf_counter() - started
            self.totals[name] += elapsed - inner
            if self._stack:
                self._stack[-1][1] += elapsed

    def wrap(self, stack: ExitStack, owner: Any, attribute: str, name) -> None:
        """Time ``owner.attribute`` (a function) as part ``name`` (or ``name(*args)``, None:
        not timed) until ``stack`` closes."""
        original = getattr(owner, attribute)
        clock = self

        def timed(*args, **kwargs):
            part = name(*args) if callable(name) else name
            if part is None:  # not timed this call
                return original(*args, **kwargs)
            with clock.part(part):
                return original(*args, **kwargs)

        setattr(owner, attribute, timed)
        stack.callback(setattr, owner, attribute, original)


def _instrument(clock: PartClock, stack: ExitStack) -> None:
    """Wrap every part's functions (the module's list) in ``clock``'s timers."""
    import keras
    import keras_tuner as kt
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer
    from keras.src.trainers.trainer import Trainer
    from tensorflow.python.eager.polymorphic_function import polymorphic_function as pf
    from tensorflow.python.eager.polymorphic_function import tracing_compilation

    from autotune.callbacks.best_epoch import KeepBestEpoch
    from autotune.callbacks.gradient_probe import GradientProbe
    from autotune.models import in_memory, mlp

    seen: set[int] = set()

    def first_call(function, *args):
        if id(function) in seen:
            return None
        seen.add(id(function))
        return "first calls (graph set-up)"

    clock.wrap(stack, keras.backend, "clear_session", "KerasTuner's clear_session + gc")
    clock.wrap(stack, gc, "collect", "KerasTuner's clear_session + gc")
    clock.wrap(stack, kt.HyperModel, "_build_wrapper", "model build")
    clock.wrap(stack, tracing_compilation, "_create_concrete_function", "function tracing")
    clock.wrap(stack, pf.Function, "__call__", first_call)
    for maker, part in (
        ("make_train_function", "train steps"),
        ("make_test_function", "validation"),
    ):
        _wrap_made_function(clock, stack, TensorFlowTrainer, maker, part)
    clock.wrap(stack, Trainer, "evaluate", "validation")
    clock.wrap(stack, TensorFlowTrainer, "evaluate", "validation")
    clock.wrap(stack, in_memory.CompiledSteps, "train", "train steps")
    clock.wrap(stack, in_memory.CompiledSteps, "validate", "validation")
    for hook in ("on_train_begin", "on_epoch_end"):
        clock.wrap(stack, GradientProbe, hook, "gradient probe")
    for hook in ("on_epoch_end", "on_train_end"):
        clock.wrap(stack, KeepBestEpoch, hook, "best-epoch copy")
    for hook in CALLBACK_HOOKS:
        clock.wrap(stack, keras.callbacks.CallbackList, hook, "other callbacks")
    clock.wrap(stack, mlp, "fit_trial", "fit loop")


def _wrap_made_function(clock, stack, trainer_class, maker: str, part: str) -> None:
    """Time the function Keras' ``make_train_function`` / ``make_test_function`` makes."""
    original = getattr(trainer_class, maker)
    attribute = "train_function" if "train" in maker else "test_function"

    def make(self, force=False):
        made = original(self, force=force)
        function = getattr(self, attribute)
        if function is not None and not getattr(function, "_timed", False):

            def timed(*args, **kwargs):
                with clock.part(part):
                    return function(*args, **kwargs)

            timed._timed = True
            setattr(self, attribute, timed)
        return made

    setattr(trainer_class, maker, make)
    stack.callback(setattr, trainer_class, maker, original)


def configurations(count: int, seed: int = 0) -> list[dict]:
    """The space's defaults, then ``count - 1`` configurations drawn from it (seeded)."""
    from benchmarks.trial_cost import configurations as drawn

    return [{}] + drawn(count - 1, seed)


def profile_search(problem, configs: list[dict], epochs: int, switches, workdir: Path):
    """Run ``configs`` through one real search; ``(seconds per part, trials, wall)``."""
    from autotune.backend import keras

    from autotune.callbacks.nan import StopOnNaN
    from autotune.runner.run_info import DIRECTION
    from autotune.runs.folder import RunFolder
    from autotune.spaces import load_space
    from autotune.tuning.tuner import make_tuner
    from benchmarks.switches import keras_fit

    folder = RunFolder(workdir)
    folder.create()
    records: list[dict] = []
    clock = PartClock()

    def record_written(record):
        with clock.part("record writing"):
            folder.write_trial(record)
            records.append(record)
            folder.write_trials_csv(records, DIRECTION)

    keras.utils.set_random_seed(0)
    stack = ExitStack()
    _instrument(clock, stack)
    tuner = make_tuner(
        "random", problem.hypermodel(fit_callbacks=[]), load_space("mlp").to_hyperparameters(),
        objective=problem.objective, max_trials=len(configs), max_epochs=epochs, seed=0,
        directory=str(workdir), portfolio=configs[1:], on_trial_done=record_written,
        on_trial_start=lambda trial: None, deadline=None,
    )  # fmt: skip
    stopping = keras.callbacks.EarlyStopping(problem.objective, patience=epochs, mode="min")
    with stack:
        if not switches["in_memory"]:
            keras_fit(stack)
        if switches["freeze"]:
            gc.freeze()  # as autotune's search does before its first trial
        started = time.perf_counter()
        with clock.part("KerasTuner bookkeeping"):
            tuner.search(
                *problem.train, validation_data=problem.val, epochs=epochs,
                callbacks=[StopOnNaN(), stopping], verbose=0,
            )  # fmt: skip
        wall = time.perf_counter() - started
    gc.unfreeze()
    return dict(clock.totals), len(records), wall


def run(data: Path, repeats: int = 2, trials: int | None = None, epochs: int | None = None) -> str:
    import pandas as pd

    from autotune.data.tabular import load_table
    from autotune.problems.table import TabularProblem

    n_trials, n_epochs = trials or 4, epochs or 20
    configs = configurations(n_trials)
    lines = [_header(repeats, n_trials, n_epochs)]
    with tempfile.TemporaryDirectory() as tmp:
        for label, (name, rows) in TABLES.items():
            path = data / name
            if rows is not None:
                path = Path(tmp) / f"{path.stem}_{rows}.csv"
                pd.read_csv(data / name, nrows=rows).to_csv(path, index=False)
            problem = TabularProblem(load_table(path))
            seconds = {arm: defaultdict(list) for arm in ARMS}
            for repeat in range(repeats):
                order = list(ARMS) if repeat % 2 == 0 else list(ARMS)[::-1]
                for arm in order:
                    workdir = Path(tmp) / f"{label}-{repeat}-{list(ARMS).index(arm)}"
                    parts, done, wall = profile_search(
                        problem, configs, n_epochs, ARMS[arm], workdir
                    )
                    for part in PARTS:
                        seconds[arm][part].append(parts.get(part, 0.0) / done)
                    seconds[arm]["trial"].append(wall / done)
            lines += _table(label, len(problem.train[1]), n_epochs, seconds)
    return "\n".join(lines)


def _header(repeats: int, trials: int, epochs: int) -> str:
    return (
        f"Where a trial's time goes (`python -m benchmarks trial_profile`): {trials} "
        f"configurations of the `mlp` space (its defaults, then seeded draws) through the real "
        f"tuner, {epochs} epochs each (no early stop), records written; milliseconds per "
        f"trial, each part's own time (less the parts inside it), median of {repeats} runs per "
        f"arm in alternating order; {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}. Milliseconds are machine-dependent; the ratios are "
        "the figures to compare."
    )


def _table(label: str, rows: int, epochs: int, seconds) -> list[str]:
    arms = list(seconds)
    median = {arm: {k: statistics.median(v) for k, v in seconds[arm].items()} for arm in arms}
    lines = [
        "",
        f"**{label}** ({rows} training rows)",
        "",
        "| part | " + " | ".join(arms) + " |",
        "|---|" + "---:|" * len(arms),
    ]
    for part in PARTS:
        cells = [f"{1000 * median[arm][part]:.0f}" for arm in arms]
        lines.append(f"| {part} | " + " | ".join(cells) + " |")
    trial = [median[arm]["trial"] for arm in arms]
    lines.append("| **trial** | " + " | ".join(f"**{1000 * t:.0f}**" for t in trial) + " |")
    per_epoch = [f"{1000 * t / epochs:.1f}" for t in trial]
    lines.append("| ms per epoch, all included | " + " | ".join(per_epoch) + " |")
    steady = [sum(median[arm][part] for part in EPOCH_PARTS) / epochs for arm in arms]
    cells = " | ".join(f"{1000 * t:.1f}" for t in steady)
    lines.append(f"| ms per epoch, once traced and set up (the epochs' own parts) | {cells} |")
    lines.append("| speed-up | " + " | ".join(f"{trial[0] / t:.2f}x" for t in trial) + " |")
    return lines
