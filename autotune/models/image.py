"""The image hypermodel: a CNN from scratch on the pixels (backbone ``none``), or the pyramid
MLP head on a frozen backbone's cached features; the trial's ``backbone`` decides."""

from __future__ import annotations

from typing import Any

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import keras
import keras_tuner as kt
import numpy as np

from autotune.models.cnn import build_cnn
from autotune.models.mlp import MLPHyperModel, build_network
from autotune.models.params import PARAMS, resolve


class ImageHyperModel(MLPHyperModel):
    """Builds and fits one image trial.

    Args:
        image_shape: (side, side, channels) of the pixel arrays.
        n_outputs: number of classes.
        features: backbone name -> {"train": array, "val": array} of standardised pooled
            features, for the backbones the space can pick.
        fit_callbacks: callbacks shared by every trial (see :class:`MLPHyperModel`).
    """

    def __init__(
        self,
        image_shape: tuple[int, int, int],
        n_outputs: int,
        features: dict[str, dict[str, np.ndarray]],
        fit_callbacks=(),
        diagnostics: bool = True,
    ):
        super().__init__(0, n_outputs, "classification", fit_callbacks, diagnostics)
        self.name = "image"
        self.image_shape = image_shape
        self.features = features

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        p = resolve(hp.values, PARAMS)
        if p["backbone"] == "none":
            return build_cnn(p, self.image_shape, self.n_outputs)
        width = self.features[p["backbone"]]["train"].shape[1]
        return build_network(hp.values, width, self.n_outputs, "classification")

    def fit(self, hp: kt.HyperParameters, model: keras.Model, x, y, **kwargs: Any):
        """Pixels for a CNN; the backbone's cached features (same rows) for a head."""
        backbone = resolve(hp.values, PARAMS)["backbone"]
        if backbone != "none":
            x = self.features[backbone]["train"]
            _, y_val = kwargs["validation_data"]
            kwargs["validation_data"] = (self.features[backbone]["val"], y_val)
        return super().fit(hp, model, x, y, **kwargs)
