"""The options of ``autotune tune`` (:class:`TuneOptions`) and the plan they resolve to
(:class:`TunePlan`), with the clock of its time budget (:class:`Budget`)."""

from __future__ import annotations

import dataclasses
import functools
import time
import typing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from autotune.checks import IMAGE_SIDE, TEST_SIZE, AtLeast, PositiveSeconds
from autotune.errors import UsageError
from autotune.options.combinations import check_combinations
from autotune.options.declaration import Option, flag_of, option, parse_address
from autotune.spaces import DEFAULT_SPACE, SearchSpace
from autotune.vocabulary import BACKBONE_CHOICES, METRICS, SCALINGS, TASKS

TUNERS = ("refine", "random", "bayesian", "hyperband")
PRETRAIN_METHODS = ("autoencoder",)
ROLES = ("chief", "worker")
REFITS = ("all", "none")
ENSEMBLES = ("bagged", "greedy", "none")
METRIC_CHOICES = ("auto", *METRICS["classification"], *METRICS["regression"])
CLASS_WEIGHTS = ("auto", "balanced", "none")
# Without --max-trials or --time-budget a search runs this many trials; with a budget only,
# trials go on until the budget is spent.
DEFAULT_MAX_TRIALS = 20


@dataclass(frozen=True)
class TuneOptions:
    """The options of ``autotune tune``, as given (see each field's help)."""

    data: Path = field(
        metadata={
            "argument": "CSV file (header row; target column), or a folder with one sub-folder "
            "of images per class."
        }
    )
    target: str | None = option(None, "Target column.", metavar="COL", default_text="last column")
    task: str = option("auto", "What to learn; auto infers it from the target.", choices=TASKS)
    space: str | SearchSpace | None = option(
        None,
        "Shipped space name (see `autotune spaces`) or a YAML file.",
        metavar="NAME|FILE.yaml",
        default_text="mlp for a CSV; image_transfer or image_cnn for images, see --backbone",
    )
    tuner: str = option(
        "refine",
        "Search strategy. Each starts from the space's defaults and its portfolio of proven "
        "configurations; then refine moves two values of the best trial so far every second "
        "trial and draws the others at random, random draws every one, bayesian fits a "
        "Gaussian process; hyperband runs its brackets instead.",
        choices=TUNERS,
    )
    max_trials: int | None = option(
        None,
        "Most trials to run.",
        metavar="N",
        check=AtLeast(1),
        default_text=f"{DEFAULT_MAX_TRIALS}; no limit with --time-budget",
    )
    max_epochs: int = option(
        50, "Most epochs per trial (early stopping usually ends sooner).", metavar="N",
        check=AtLeast(1),
    )  # fmt: skip
    time_budget: float | None = option(
        None,
        "Seconds for the whole search: no trial starts after it and the running one is stopped.",
        metavar="SECONDS",
        check=PositiveSeconds(),
    )
    metric: str = option(
        "auto",
        "What the search ranks trials by, early stopping watches and the ensemble is chosen "
        "on, on the validation rows. Classification: log_loss, accuracy, balanced_accuracy, "
        "macro_f1, and for two classes roc_auc and f1 (of the second class in sorted order); "
        "regression: mse, rmse, r2 (these three order trials alike), mae.",
        choices=METRIC_CHOICES,
        metavar="NAME",
        default_text="log_loss for classification, mse for regression",
    )
    class_weight: str = option(
        "none",
        "Classification: balanced weighs each class's training rows so that every class "
        "counts alike in the loss (n_rows / (n_classes * class rows)); auto: balanced when "
        "the smallest class is under 10% of the training rows and under half an even share; "
        "none: every row alike (measured "
        "best for accuracy, see the README).",
        choices=CLASS_WEIGHTS,
    )
    seed: int = option(0, "Seed of splits, initial weights and the tuner.", metavar="N")
    out: Path | None = option(
        None, "Run folder.", metavar="RUN_DIR", default_text="reports/<data name>-<YYYYmmdd-HHMMSS>"
    )
    overwrite: bool = option(False, "Replace an existing run folder.")
    resume: bool = option(
        False,
        "Continue the run in --out after a crash or kill: finished trials are kept, a trial cut "
        "short runs again, until --max-trials (same data and space only).",
    )
    test_size: float = option(
        0.2, "Share of rows held out for the final test score (0 = none).", metavar="SHARE",
        check=TEST_SIZE,
    )  # fmt: skip
    patience: int | None = option(
        5, "Early stopping: epochs without a better score before a trial stops.", metavar="N",
        check=AtLeast(1),
    )  # fmt: skip
    early_abort: bool = option(
        True,
        "End a trial that is already lost: a hidden ReLU layer entirely dead for 2 epochs, or, "
        "after 30% of its epochs, a training loss within 1% of the constant prediction's with "
        "vanishing or stalled gradients (recorded as stopped_by diagnosis). A NaN loss ends a "
        "trial either way.",
        flags=("--early-abort/--no-early-abort",),
    )
    guided: bool = option(
        True,
        "Let earlier trials' findings steer later trials: no saturating activations where "
        "gradients vanished, gradient clipping where they exploded, a dropout / L2 floor after "
        "overfitting (refine, random and bayesian tuners).",
        flags=("--guided/--unguided",),
    )
    scaling: str = option(
        "robust",
        "Tables: how numbers reach the network. robust: (x - median) / interquartile range, "
        "then a smooth clip to +-3, and regression predictions kept within the training "
        "targets' range; standard: (x - mean) / std, unclipped.",
        choices=SCALINGS,
    )
    refit: str = option(
        "all",
        "Tables and CNNs from scratch: after the test score is measured, retrain the shipped "
        "configuration (each "
        "ensemble member's) on every labelled row (train + validation + test) for the epochs "
        "its trial needed, and ship that model; none ships the searched model.",
        choices=REFITS,
    )
    ensemble: str = option(
        "bagged",
        "Tables and CNNs from scratch: ship a weighted average of the best trials (one .keras "
        "file). greedy: "
        "Caruana's ensemble selection with replacement on the validation rows; bagged: the "
        "same over 20 random halves of the 10 best trials, weights averaged; none: the best "
        "trial alone.",
        choices=ENSEMBLES,
    )
    pretrain: str | None = option(
        None,
        "Tables: autoencoder pre-trains each trial's hidden layers greedily, layer by layer, as "
        "autoencoders of the training features before the supervised fit (for small tables; "
        "see the README's benchmark).",
        choices=PRETRAIN_METHODS,
    )
    init_from: Path | None = option(
        None,
        "Tables: an earlier run folder whose best model's first hidden layers start every trial "
        "(frozen first, then fine-tuned); the data must have the same input columns.",
        metavar="RUN_DIR",
    )
    init_layers: int = option(
        1, "With --init-from: how many of its first hidden layers to reuse.", metavar="N",
        check=AtLeast(1),
    )  # fmt: skip
    backbone: str = option(
        "auto",
        "Images: auto searches vgg16 and resnet50 features beside a CNN from scratch when the "
        "smallest class has fewer than 1000 images (else the CNN only); none, vgg16 or resnet50 "
        "force it.",
        choices=BACKBONE_CHOICES,
    )
    weights: str = option(
        "imagenet",
        "Images: backbone weights: imagenet (Keras' cache, ~/.keras/models), none (random), or a "
        "local FILE.h5.",
        metavar="[imagenet|none|FILE.h5]",
    )
    strict: bool = option(False, "Images: stop at an unreadable file instead of skipping it.")
    image_size: int | None = option(
        None,
        "Images: square side in pixels every image is resized to.",
        metavar="PIXELS",
        check=IMAGE_SIDE,
        default_text="the median image's longer side rounded up to a multiple of 32, within 32-224",
    )
    role: str | None = option(
        None,
        "Distributed search (tables): chief serves KerasTuner's oracle at --oracle and writes "
        "the results; worker runs trials for it. All share --out (a shared file system).",
        choices=ROLES,
    )
    oracle: str | None = option(
        None,
        "HOST:PORT the chief listens on (port 0: a free one, printed and written to run.json) "
        "and the workers connect to.",
        metavar="HOST:PORT",
        check=lambda flag, value: parse_address(value, flag),
    )
    worker_id: int | None = option(
        None, "A worker's number, unique within the search.", metavar="N", check=AtLeast(0),
    )  # fmt: skip
    workers: int = option(
        0, "Run a chief here and start this many worker processes on this machine.",
        metavar="N", check=AtLeast(0),
    )  # fmt: skip
    connect_timeout: float = option(
        120.0, "A worker fails when the chief has not answered for this many seconds.",
        metavar="SECONDS", check=PositiveSeconds(),
    )  # fmt: skip
    worker_timeout: float = option(
        60.0,
        "The chief declares a worker lost (its trial failed) after this many seconds without "
        "its heartbeat.",
        metavar="SECONDS",
        check=PositiveSeconds(),
    )

    # ``diagnose``'s (not ``tune`` options): every trial starts from the seed; the rounds of
    # repair, and how a round's remedy is chosen (:mod:`autotune.diagnostics.repair`).
    reseed_trials: bool = False
    repair_rounds: int = 0
    repair_choice: str = "first_remedy"

    def resolve(self) -> TunePlan:
        """Check every value and their combinations; derive what was left open.

        Raises:
            UsageError: the first value or combination that cannot work, in one line.
        """
        for name, declared in declarations().items():
            declared.validate(flag_of(name), getattr(self, name))
        data = Path(self.data)
        check_combinations(self, data)
        out = Path(self.out) if self.out else default_out(data)
        init_from = Path(self.init_from) if self.init_from is not None else None
        if init_from is not None and init_from.resolve() == out.resolve():
            raise UsageError(
                f"--init-from {init_from}: the run folder this run writes; pass an earlier "
                "run's folder"
            )
        no_limit = self.max_trials is None and self.time_budget is None
        space = DEFAULT_SPACE if self.space is None and not data.is_dir() else self.space
        values = {name: getattr(self, name) for name in _names()}
        values.update(
            data=data,
            out=out,
            init_from=init_from,
            space=space,
            max_trials=DEFAULT_MAX_TRIALS if no_limit else self.max_trials,
        )
        return TunePlan(**values)


@dataclass(frozen=True)
class TunePlan(TuneOptions):
    """Checked options with every derived value filled in; made by :meth:`TuneOptions.resolve`.

    ``max_trials`` is the trial limit (None: the time budget decides), ``out`` the run folder,
    ``space`` a name or a loaded space (None only for an image folder, whose space is chosen
    from its class sizes).
    """

    def resolve(self) -> TunePlan:
        return self

    @property
    def images(self) -> bool:
        """The data is an image folder (else a CSV table)."""
        return self.data.is_dir()

    @property
    def is_chief(self) -> bool:
        """This process serves the oracle of a distributed search."""
        return self.role == "chief" or self.workers > 0

    @property
    def keeps_tuner_state(self) -> bool:
        """KerasTuner reloads its project folder (a resumed run, or a worker joining its chief's
        search) instead of starting it afresh."""
        return self.resume or self.role == "worker"

    @property
    def guides(self) -> bool:
        """Earlier trials' findings steer later trials in this process's oracle (a worker's
        oracle is its chief's; Hyperband continues trials with their values)."""
        return self.guided and self.tuner != "hyperband" and self.role != "worker"

    def start_clock(self) -> Budget:
        """The time budget, counted from now."""
        return Budget(time.monotonic(), self.time_budget)

    def record(self) -> dict[str, Any]:
        """The options as ``run.json`` keeps them (paths as text; the space is kept apart)."""
        return {
            name: str(value) if isinstance(value, Path) else value
            for name, value in dataclasses.asdict(self).items()
            if name != "space"
        }


@dataclass(frozen=True)
class Budget:
    """A search's clock: when it started (``time.monotonic()``) and its budget in seconds."""

    started: float
    seconds: float | None

    @property
    def deadline(self) -> float | None:
        """The ``time.monotonic()`` value at which the budget ends, or None."""
        return self.started + self.seconds if self.seconds else None

    def elapsed(self) -> float:
        return round(time.monotonic() - self.started, 1)


@functools.cache
def declarations() -> dict[str, Option]:
    """Every option's declaration, by field name (``data``, the argument, left out); read
    once (the fields do not change)."""
    return {f.name: f.metadata["option"] for f in dataclasses.fields(TuneOptions) if _is_option(f)}


@functools.cache
def option_types() -> dict[str, type]:
    """Each option's value type, from its annotation (``int | None`` -> int); read once."""
    hints = typing.get_type_hints(TuneOptions)
    return {
        name: next(a for a in typing.get_args(hints[name]) or (hints[name],) if a is not type(None))
        for name in declarations()
    }


def _names() -> list[str]:
    return [f.name for f in dataclasses.fields(TuneOptions)]


def _is_option(f: dataclasses.Field) -> bool:
    return "option" in f.metadata


def default_out(data: Path) -> Path:
    """``reports/<data name>-<YYYYmmdd-HHMMSS>``."""
    return Path("reports") / f"{Path(data).stem}-{datetime.now():%Y%m%d-%H%M%S}"
