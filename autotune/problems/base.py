"""What a search problem is: the interface the run (:mod:`autotune.runner`) and the tuner
(:mod:`autotune.tuning`) work with, whatever the data.

A problem holds the encoded training and validation arrays every trial trains on, builds the
hypermodel, optionally fine-tunes the best network after the search, turns it into the saved
model (raw rows or pixels in) and scores that model on a split. :class:`TabularProblem`
(:mod:`autotune.problems.table`) and :class:`ImageProblem` (:mod:`autotune.problems.images`)
implement it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import keras
    import keras_tuner as kt
    import numpy as np


class Problem(ABC):
    """One search problem.

    Attributes:
        objective: the logged metric the search minimises (``val_cross_entropy`` / ``val_mse``).
        train: the training arrays ``(x, y)``, as every trial gets them.
        val: the validation arrays ``(x, y)``.
    """

    objective: str
    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]

    @abstractmethod
    def hypermodel(self, fit_callbacks: list) -> kt.HyperModel:
        """The hypermodel of every trial; ``fit_callbacks`` are shared by all of them."""

    @abstractmethod
    def export(self, network: keras.Model, params: dict[str, Any]) -> keras.Model:
        """The model to save: the best trial's network behind the problem's input handling."""

    @abstractmethod
    def evaluate(self, model: keras.Model, split: str) -> dict[str, Any]:
        """Scores of the saved model on a split (``val`` or ``test``), in the target's units."""

    def run_record(self) -> dict[str, Any]:
        """What ``run.json`` keeps about the problem itself (none by default)."""
        return {}

    def fine_tunes(self, params: dict[str, Any]) -> bool:
        """Whether the best network of these hyperparameters is fine-tuned after the search."""
        return False

    def fine_tune(
        self, network: keras.Model, params: dict[str, Any], max_epochs: int, patience: int, progress
    ) -> dict[str, Any]:
        """Fine-tune the best network in place; return what was done (for ``run.json``)."""
        raise NotImplementedError(f"{type(self).__name__} does not fine-tune")

    def refits(self) -> bool:
        """Whether the best configuration can be retrained on every labelled row."""
        return self.why_not_refitted() is None

    def why_not_refitted(self) -> str | None:
        """Why this problem ships the searched model, or None when it can refit."""
        return "this kind of data ships the searched model"

    def labelled_rows(self) -> int:
        """How many labelled rows a refit trains on (every split's)."""
        raise NotImplementedError(f"{type(self).__name__} does not refit")

    def refit(self, params: dict[str, Any], schedule_epochs: int, callbacks: list) -> keras.Model:
        """A fresh network of ``params`` trained on every labelled row; ``callbacks`` say
        when it stops, ``schedule_epochs`` is the span of its learning-rate schedule."""
        raise NotImplementedError(f"{type(self).__name__} does not refit")

    def why_not_ensembled(self) -> str | None:
        """Why this problem ships the best trial alone, or None when it can average several
        (:mod:`autotune.runner.ensemble`)."""
        return "this kind of data ships the best trial alone"

    def val_predictions(self, network: keras.Model) -> np.ndarray:
        """A trial's network's predictions on the encoded validation rows."""
        raise NotImplementedError(f"{type(self).__name__} does not ensemble")

    def val_loss(self, predictions: np.ndarray) -> float:
        """The search's objective of (averaged) validation predictions."""
        raise NotImplementedError(f"{type(self).__name__} does not ensemble")

    def export_ensemble(
        self, networks: list[keras.Model], weights: list[float], best: int | None = None
    ) -> keras.Model:
        """One saved model that averages the networks, weighted (the weights sum to 1);
        ``best``: the position of the best trial's network among them, if it is one."""
        raise NotImplementedError(f"{type(self).__name__} does not ensemble")

    def reference(self, seed: int) -> dict[str, Any] | None:
        """A reference model's scores on the same splits, for comparison (None: none)."""
        return None

    def request_stop(self) -> None:  # noqa: B027  (most problems have nothing to stop)
        """Ctrl-C while fine-tuning: stop after the current batch."""
