"""The on-disk cache of frozen-backbone features."""

from __future__ import annotations

import numpy as np

from autotune.problems.feature_cache import cached_features, weights_identity


def test_feature_cache_computes_once_per_content(tmp_path):
    pixels = np.arange(2 * 4 * 4 * 3, dtype="uint8").reshape(2, 4, 4, 3)
    calls = []

    def compute(x):
        calls.append(1)
        return x.reshape(2, -1).astype("float32")

    first, hit = cached_features(pixels, "vgg16", "pooled", "random-seed-0", compute)
    assert not hit and len(calls) == 1
    again, hit = cached_features(pixels, "vgg16", "pooled", "random-seed-0", compute)
    assert hit and len(calls) == 1 and np.array_equal(first, again)
    # Other weights, another backbone or other pixels: computed anew.
    cached_features(pixels, "vgg16", "pooled", "random-seed-1", compute)
    cached_features(pixels, "resnet50", "pooled", "random-seed-0", compute)
    cached_features(pixels + 1, "vgg16", "pooled", "random-seed-0", compute)
    assert len(calls) == 4
    weights = tmp_path / "w.h5"
    weights.write_bytes(b"abc")
    assert weights_identity(str(weights), 0) != weights_identity("none", 0)
