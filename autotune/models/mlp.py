"""The pyramid MLP hypermodel of a table: the encoded columns, optionally an earlier run's
reused first layers, then the pyramid head (:mod:`autotune.models.head`)."""

from __future__ import annotations

from typing import Any

from autotune.backend import keras, kt

from autotune.models.embeddings import NumericFeatures, embedded
from autotune.models.fitting import FitNotes, fit_trial
from autotune.models.head import compile_network, hidden_layers
from autotune.models.reuse import frozen_copy
from autotune.vocabulary import resolve


def build_network(
    params: dict[str, Any],
    n_inputs: int,
    n_outputs: int,
    task: str,
    front=None,
    numeric: NumericFeatures | None = None,
) -> keras.Model:
    """A compiled MLP for the given hyperparameters (see :mod:`autotune.vocabulary`).

    Args:
        front: reused first hidden layers (a frozen copy of :func:`autotune.models.reuse.
            reused_front`'s model) that the trial's own hidden layers sit on; None for none.
            They start from the encoded columns, so ``num_embedding`` does not apply.
        numeric: where the numeric columns are and their bins, for ``num_embedding``; None:
            no numeric columns to embed (an image's features).
    """
    p = resolve(params)
    inputs = keras.Input(shape=(n_inputs,), name="features")
    x = embedded(inputs, p["num_embedding"], numeric) if front is None else front(inputs)
    return compile_network(inputs, hidden_layers(x, p), p, n_outputs, task, name="mlp")


class MLPHyperModel(kt.HyperModel):
    """Builds :func:`build_network` from a trial's values; fits it (:func:`fit_trial`).

    Args:
        n_inputs: width of the encoded feature vector.
        n_outputs: number of classes, or 1 for regression.
        task: ``classification`` or ``regression``.
        fit_callbacks: callbacks shared by every trial (progress, time budget); they are
            added after KerasTuner's per-trial deep copy of the search callbacks.
        diagnostics: measure gradient health every epoch.
        pretrain: ``autoencoder``: pre-train the hidden layers greedily on the training
            features before the supervised fit (:mod:`autotune.models.pretrain`); None: no.
        front: reused first hidden layers from an earlier run (:mod:`autotune.models.reuse`):
            each trial starts from a copy, frozen first, then fine-tuned; None: none.
        numeric: the numeric columns' place and bins (:func:`autotune.models.embeddings.
            numeric_features`), for the trials' ``num_embedding``.
        metric: ``--metric`` (see :func:`fit_trial`); None: the task's loss metric.
        class_weight: class index -> weight of its rows in the training loss; None: equal.
    """

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        task: str,
        fit_callbacks=(),
        diagnostics: bool = True,
        pretrain: str | None = None,
        front: keras.Model | None = None,
        numeric: NumericFeatures | None = None,
        metric: str | None = None,
        class_weight: dict[int, float] | None = None,
    ):
        super().__init__(name="mlp", tunable=True)
        self.metric, self.class_weight = metric, class_weight
        self.n_inputs, self.n_outputs, self.task = n_inputs, n_outputs, task
        self.fit_callbacks = list(fit_callbacks)
        self.diagnostics = diagnostics
        self.pretrain = pretrain
        self.front = front
        self.numeric = numeric

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        front = frozen_copy(self.front) if self.front is not None else None
        return build_network(
            hp.values, self.n_inputs, self.n_outputs, self.task, front, self.numeric
        )

    def fit(
        self,
        hp: kt.HyperParameters,
        model: keras.Model,
        x,
        y,
        notes: FitNotes | None = None,
        **kwargs,
    ):
        """Train the trial; what the fit did beyond its History goes into ``notes``."""
        return fit_trial(
            model,
            resolve(hp.values),
            x,
            y,
            task=self.task,
            shared_callbacks=self.fit_callbacks,
            notes=notes,
            diagnostics=self.diagnostics,
            pretrain=self.pretrain,
            reuses_front=self.front is not None,
            metric=self.metric,
            class_weight=self.class_weight,
            **kwargs,
        )
