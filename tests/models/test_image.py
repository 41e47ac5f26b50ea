"""The image hypermodel: a CNN on the pixels, or the head on a backbone's cached features."""

from __future__ import annotations

import numpy as np

from autotune.models.fitting import FitNotes
from autotune.models.image import ImageHyperModel


class Hp:
    def __init__(self, **values):
        self.values = values


def hypermodel():
    rng = np.random.default_rng(0)
    features = {"vgg16": {"train": rng.normal(size=(12, 6)).astype("float32"),
                          "val": rng.normal(size=(4, 6)).astype("float32")}}  # fmt: skip
    return ImageHyperModel((16, 16, 1), 2, features)


def test_backbone_none_builds_a_cnn_on_the_pixels_and_a_backbone_the_head_on_its_features():
    model = hypermodel().build(Hp(backbone="none", conv_blocks=1, filters=4))
    assert model.input_shape == (None, 16, 16, 1) and model.name == "cnn"
    head = hypermodel().build(Hp(backbone="vgg16", n_layers=1, units=8))
    assert head.input_shape == (None, 6) and head.name == "mlp"


def test_a_head_trains_on_the_cached_features_of_the_same_rows():
    hm = hypermodel()
    hp = Hp(backbone="vgg16", n_layers=1, units=8)
    pixels = np.zeros((12, 16, 16, 1), "uint8")
    labels = np.array([0, 1] * 6)
    notes = FitNotes()
    history = hm.fit(hp, hm.build(hp), pixels, labels, epochs=2, verbose=0,
                     validation_data=(np.zeros((4, 16, 16, 1), "uint8"), labels[:4]),
                     notes=notes)  # fmt: skip
    assert len(history.history["val_cross_entropy"]) == 2
    assert notes.diagnostics["layers"] == ["dense_1", "output"]  # the head, probed on features
    assert notes.diagnostics["probe_rows"] == 12
