"""An ensemble inside one model: weighted member outputs, summed; loads in safe mode."""

from __future__ import annotations

import keras
import numpy as np

from autotune.models.averaging import weighted_sum


def _member(seed: int) -> keras.Model:
    inputs = keras.Input(shape=(3,))
    dense = keras.layers.Dense(2, kernel_initializer=keras.initializers.RandomNormal(seed=seed))
    return keras.Model(inputs, dense(inputs))


def test_the_sum_weighs_each_member_and_keeps_the_best_ones_name(tmp_path):
    members = [_member(0), _member(1)]
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, weighted_sum(members, [3.0, 1.0], inputs, 1, "mlp"))
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    expected = 0.75 * members[0].predict(x, verbose=0) + 0.25 * members[1].predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert [m.name for m in members] == ["member_0", "mlp"]
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
