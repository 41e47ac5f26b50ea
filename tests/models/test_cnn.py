"""The small CNN trained from scratch, under the pyramid head."""

from __future__ import annotations

import numpy as np

from autotune.models.cnn import build_cnn
from autotune.vocabulary import PARAMS, resolve


def cnn(shape=(32, 32, 1), **values):
    return build_cnn(resolve(values, PARAMS), shape, 2)


def test_filters_double_per_block_and_the_head_follows():
    model = cnn(conv_blocks=3, filters=8, n_layers=1, units=16)
    convs = [
        layer
        for layer in model.layers
        if layer.name.startswith("conv_") and hasattr(layer, "filters")
    ]
    assert [c.filters for c in convs] == [8, 16, 32]
    assert "global_pool" in [layer.name for layer in model.layers]
    assert model.predict(np.zeros((2, 32, 32, 1), "float32"), verbose=0).shape == (2, 2)


def test_deep_stacks_on_small_images_stop_pooling():
    model = cnn(shape=(4, 4, 1), conv_blocks=4, filters=4)
    pools = [layer.name for layer in model.layers if layer.name.startswith("pool_")]
    assert pools == ["pool_1", "pool_2"]  # 4 -> 2 -> 1, then no more


def test_augmentation_layers_only_when_asked():
    names = [layer.name for layer in cnn(augment=True).layers]
    assert {"random_flip", "random_rotation", "random_zoom"} <= set(names)
    assert "random_flip" not in [layer.name for layer in cnn().layers]
