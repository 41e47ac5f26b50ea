"""The image hypermodel: a CNN from scratch on the pixels (backbone ``none``), or the pyramid
head on a frozen backbone's cached features; the trial's ``backbone`` decides."""

from __future__ import annotations

from typing import Any

from autotune.backend import keras, kt

import numpy as np

from autotune.models.cnn import build_cnn
from autotune.models.fitting import FitNotes, fit_trial
from autotune.models.mlp import build_network
from autotune.vocabulary import PARAMS, resolve


class ImageHyperModel(kt.HyperModel):
    """Builds and fits one image trial.

    Args:
        image_shape: (side, side, channels) of the pixel arrays.
        n_outputs: number of classes.
        features: backbone name -> {"train": array, "val": array} of standardised pooled
            features, for the backbones the space can pick.
        fit_callbacks: callbacks shared by every trial (see :class:`MLPHyperModel`).
        diagnostics: measure gradient health every epoch.
        metric, class_weight: as :class:`~autotune.models.mlp.MLPHyperModel` takes them.
    """

    def __init__(
        self,
        image_shape: tuple[int, int, int],
        n_outputs: int,
        features: dict[str, dict[str, np.ndarray]],
        fit_callbacks=(),
        diagnostics: bool = True,
        metric: str | None = None,
        class_weight: dict[int, float] | None = None,
    ):
        super().__init__(name="image", tunable=True)
        self.metric, self.class_weight = metric, class_weight
        self.image_shape, self.n_outputs, self.features = image_shape, n_outputs, features
        self.fit_callbacks = list(fit_callbacks)
        self.diagnostics = diagnostics

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        p = resolve(hp.values, PARAMS)
        if p["backbone"] == "none":
            return build_cnn(p, self.image_shape, self.n_outputs)
        width = self.features[p["backbone"]]["train"].shape[1]
        return build_network(hp.values, width, self.n_outputs, "classification")

    def fit(
        self,
        hp: kt.HyperParameters,
        model: keras.Model,
        x,
        y,
        notes: FitNotes | None = None,
        **kwargs: Any,
    ):
        """Pixels for a CNN; the backbone's cached features (same rows) for a head."""
        backbone = resolve(hp.values, PARAMS)["backbone"]
        if backbone != "none":
            x = self.features[backbone]["train"]
            _, y_val = kwargs["validation_data"]
            kwargs["validation_data"] = (self.features[backbone]["val"], y_val)
        return fit_trial(
            model,
            resolve(hp.values),
            x,
            y,
            task="classification",
            shared_callbacks=self.fit_callbacks,
            notes=notes,
            diagnostics=self.diagnostics,
            metric=self.metric,
            class_weight=self.class_weight,
            **kwargs,
        )
