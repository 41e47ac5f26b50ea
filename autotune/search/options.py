"""The options of a tuning run, validated before any training starts. No TensorFlow here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from autotune.errors import UsageError
from autotune.spaces import SearchSpace

TUNERS = ("random", "bayesian", "hyperband")
PRETRAIN_METHODS = ("autoencoder",)
# Without --max-trials or --time-budget a search runs this many trials; with a budget only,
# trials go on until the budget is spent.
DEFAULT_MAX_TRIALS = 20


@dataclass
class TuneOptions:
    """The options of ``autotune tune``; see the CLI help for each."""

    data: Path
    target: str | None = None
    task: str = "auto"
    space: str | SearchSpace | None = None  # None: mlp for a table, chosen for images
    tuner: str = "random"
    max_trials: int | None = None
    max_epochs: int = 50
    time_budget: float | None = None
    seed: int = 0
    out: Path | None = None
    overwrite: bool = False
    resume: bool = False
    test_size: float = 0.2
    patience: int | None = 5  # None: no early stopping (diagnose)
    guided: bool = True  # earlier trials' findings steer later trials (random, bayesian)
    # Tables only.
    pretrain: str | None = None  # autoencoder: greedy layer-wise pre-training of hidden layers
    init_from: Path | None = None  # an earlier run whose first hidden layers start each trial
    init_layers: int = 1  # how many of them
    # Image folders only.
    backbone: str = "auto"
    weights: str = "imagenet"
    strict: bool = False
    image_size: int | None = None
    # Distributed search (tables): KerasTuner's chief / worker mode over a shared run folder.
    role: str | None = None  # chief (serves the oracle) or worker (runs trials)
    oracle: str | None = None  # HOST:PORT the chief listens on / the workers connect to
    worker_id: int | None = None  # a worker's number, unique within the search
    workers: int = 0  # start this many local worker processes (this process is the chief)
    connect_timeout: float = 120.0  # a worker gives up on an unanswering chief after this
    worker_timeout: float = 60.0  # the chief declares a worker lost after this silence

    @property
    def is_chief(self) -> bool:
        return self.role == "chief" or self.workers > 0

    def check(self) -> None:
        """Validate the options; fill in the trial limit and the run folder."""
        if self.tuner not in TUNERS:
            raise UsageError(f"--tuner {self.tuner!r} is not one of {', '.join(TUNERS)}")
        if self.max_trials is None and self.time_budget is None:
            self.max_trials = DEFAULT_MAX_TRIALS
        limits = (
            ("--max-trials", self.max_trials),
            ("--max-epochs", self.max_epochs),
            ("--patience", self.patience),
        )
        for flag, value in limits:
            if value is not None and value < 1:
                raise UsageError(f"{flag} {value}: must be at least 1")
        if self.time_budget is not None and self.time_budget <= 0:
            raise UsageError(
                f"--time-budget {self.time_budget}: must be a positive number of seconds"
            )
        if self.resume and self.overwrite:
            raise UsageError(
                "--resume and --overwrite: pick one (--resume continues the run in --out, "
                "--overwrite replaces it)"
            )
        if self.resume and not self.out:
            raise UsageError("--resume needs --out RUN_DIR: the run folder to continue")
        if self.pretrain is not None and self.pretrain not in PRETRAIN_METHODS:
            raise UsageError(
                f"--pretrain {self.pretrain!r} is not one of {', '.join(PRETRAIN_METHODS)}"
            )
        if self.init_layers < 1:
            raise UsageError(f"--init-layers {self.init_layers}: must be at least 1")
        self.data = Path(self.data)
        self._check_distributed()
        if self.data.is_dir() and (self.pretrain or self.init_from):
            raise UsageError(
                "--pretrain and --init-from apply to tables; for images the backbones "
                "(--backbone) are the pre-trained layers"
            )
        if not self.data.is_dir():
            image_only = (self.backbone != "auto", self.weights != "imagenet", self.strict)
            if any(image_only) or self.image_size is not None:
                raise UsageError(
                    "--backbone, --weights, --strict and --image-size apply to image folders; "
                    f"{self.data} is not a folder"
                )
            if self.space is None:
                self.space = "mlp"
        self.out = Path(self.out) if self.out else default_out(self.data)
        if self.init_from is not None:
            self.init_from = Path(self.init_from)
            if self.init_from.resolve() == self.out.resolve():
                raise UsageError(
                    f"--init-from {self.init_from}: the run folder this run writes; pass an "
                    "earlier run's folder"
                )

    def _check_distributed(self) -> None:
        if self.role not in (None, "chief", "worker"):
            raise UsageError(f"--role {self.role!r} is not one of chief, worker")
        if self.workers < 0:
            raise UsageError(f"--workers {self.workers}: must be 0 or more")
        for flag, value in (
            ("--connect-timeout", self.connect_timeout),
            ("--worker-timeout", self.worker_timeout),
        ):
            if value <= 0:
                raise UsageError(f"{flag} {value}: must be a positive number of seconds")
        if self.role is None and not self.workers:
            if self.oracle is not None or self.worker_id is not None:
                raise UsageError(
                    "--oracle and --worker-id belong to a distributed search: add --role chief "
                    "or --role worker (or --workers N to run one on this machine)"
                )
            return
        if self.data.is_dir():
            raise UsageError(
                "--role / --workers: distributed search runs on CSV tables; tune an image "
                "folder in one process"
            )
        if self.role == "worker":
            if self.workers:
                raise UsageError("--workers starts a chief: drop it from a worker's command")
            if self.oracle is None or self.worker_id is None or self.out is None:
                raise UsageError(
                    "--role worker needs --oracle HOST:PORT (the chief's), --worker-id N and "
                    "--out RUN_DIR (the chief's run folder, on a shared file system)"
                )
            if self.worker_id < 0:
                raise UsageError(f"--worker-id {self.worker_id}: must be 0 or more")
            if self.resume or self.overwrite:
                raise UsageError(
                    "--resume / --overwrite: the chief owns the run folder; pass them to the "
                    "chief only"
                )
        elif self.worker_id is not None:
            raise UsageError("--worker-id belongs to a worker (--role worker)")
        elif self.role == "chief" and (self.oracle is None or self.out is None):
            raise UsageError(
                "--role chief needs --oracle HOST:PORT (where to listen; port 0 picks a free "
                "one) and --out RUN_DIR (the run folder the workers share)"
            )
        if self.oracle is not None:
            from autotune.search.cluster import parse_address

            parse_address(self.oracle)


def default_out(data: Path) -> Path:
    """``reports/<data name>-<YYYYmmdd-HHMMSS>``."""
    return Path("reports") / f"{Path(data).stem}-{datetime.now():%Y%m%d-%H%M%S}"
