from __future__ import annotations

import keras
import pytest

from autotune.models.mlp import build_network
from autotune.models.optim import build_optimizer
from autotune.vocabulary import MLP_PARAMS, check_value, describe_trial, pyramid_widths


@pytest.mark.parametrize(
    ("args", "widths"),
    [
        ((3, 256, 0.5), [256, 128, 64]),
        ((4, 64, 1.0), [64, 64, 64, 64]),
        ((3, 32, 0.25), [32, 8, 8]),  # floored at min_units
        ((0, 64, 0.5), []),
    ],
)
def test_pyramid_widths(args, widths):
    assert pyramid_widths(*args) == widths


def dense_widths(model):
    return [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def test_network_follows_the_pyramid_and_ends_in_softmax():
    model = build_network({"n_layers": 3, "units": 128, "shrink": 0.5}, 10, 4, "classification")
    assert dense_widths(model) == [128, 64, 32, 4]
    assert model.layers[-1].activation.__name__ == "softmax"
    assert model.loss == "sparse_categorical_crossentropy"


def test_hyperparameters_reach_the_layers():
    values = {
        "n_layers": 2,
        "units": 16,
        "activation": "tanh",
        "initializer": "glorot_uniform",
        "batch_norm": True,
        "dropout": 0.3,
        "l1": 1e-4,
        "l2": 1e-3,
    }
    model = build_network(values, 5, 1, "regression")
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("BatchNormalization") == 2 and kinds.count("Dropout") == 2
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert type(dense[0].kernel_initializer).__name__ == "GlorotUniform"
    assert dense[0].kernel_regularizer.l1 == pytest.approx(1e-4)
    assert dense[0].kernel_regularizer.l2 == pytest.approx(1e-3)
    assert not dense[0].use_bias  # BatchNorm provides the shift
    acts = [layer for layer in model.layers if isinstance(layer, keras.layers.Activation)]
    assert {a.activation.__name__ for a in acts} == {"tanh"}
    assert model.layers[-1].activation.__name__ == "linear"


@pytest.mark.parametrize("activation", MLP_PARAMS["activation"].values)
def test_every_activation_reaches_the_hidden_layers(activation):
    model = build_network({"activation": activation, "n_layers": 2}, 3, 2, "classification")
    acts = [layer for layer in model.layers if isinstance(layer, keras.layers.Activation)]
    keras_name = {"swish": "silu"}.get(activation, activation)  # Keras' name for swish
    assert [a.activation.__name__ for a in acts] == [keras_name] * 2
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    initializer = type(dense[0].kernel_initializer).__name__
    # SELU self-normalises only with LeCun-normal weights, whatever the trial's initializer.
    assert initializer == ("LecunNormal" if activation == "selu" else "HeNormal")


def _one_step_change(values, x, y, steps=1):
    """How far the first kernel moves in ``steps`` full-batch SGD steps (seeded)."""
    import numpy as np

    keras.utils.set_random_seed(0)
    model = build_network({"n_layers": 1, "units": 4, **values}, x.shape[1], 1, "regression")
    before = model.layers[1].kernel.numpy().copy()
    model.fit(x, y, batch_size=len(x), epochs=steps, shuffle=False, verbose=0)
    return float(np.linalg.norm(model.layers[1].kernel.numpy() - before))


def test_clipnorm_bounds_the_step():
    import numpy as np

    x = np.full((8, 3), 100.0, dtype="float32")
    y = np.full(8, 1e4, dtype="float32")  # a huge loss: huge gradients
    sgd = {"optimizer": "sgd", "learning_rate": 0.1}
    unclipped = _one_step_change(sgd, x, y)
    clipped = _one_step_change({**sgd, "clipnorm": 1.0}, x, y)
    assert unclipped > 1e3
    assert clipped <= 0.1 * 1.0 + 1e-6  # one step moves all weights by at most lr * clipnorm


def test_sgd_momentum_changes_training():
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = x.sum(axis=1).astype("float32")
    sgd = {"optimizer": "sgd", "learning_rate": 0.01}
    plain = _one_step_change(sgd, x, y, steps=4)
    heavy = _one_step_change({**sgd, "momentum": 0.9}, x, y, steps=4)
    assert heavy > 1.5 * plain  # momentum accumulates the (consistent) full-batch steps


@pytest.mark.parametrize("initializer", MLP_PARAMS["initializer"].values)
def test_every_initializer_builds(initializer):
    build_network({"initializer": initializer, "n_layers": 1}, 3, 2, "classification")


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("sgd", "SGD"),
        ("adam", "Adam"),
        ("adamw", "AdamW"),
        ("rmsprop", "RMSprop"),
        ("adagrad", "Adagrad"),
    ],
)
def test_optimizers(name, cls):
    opt = build_optimizer(name, 0.01, momentum=0.9, clipnorm=1.0)
    assert type(opt).__name__ == cls
    assert float(opt.learning_rate) == pytest.approx(0.01)
    assert opt.clipnorm == 1.0


def test_sgd_momentum():
    assert build_optimizer("sgd", 0.1, momentum=0.9).momentum == pytest.approx(0.9)


def test_adamw_decays_weights_that_get_no_gradient():
    import numpy as np

    x = np.zeros((8, 3), dtype="float32")  # zero inputs: the first kernel's gradient is 0
    y = np.zeros(8, dtype="float32")
    adamw = {"optimizer": "adamw", "learning_rate": 0.1, "weight_decay": 0.5}
    keras.utils.set_random_seed(0)
    model = build_network({"n_layers": 1, "units": 4, **adamw}, 3, 1, "regression")
    before = model.get_layer("dense_1").kernel.numpy().copy()
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    after = model.get_layer("dense_1").kernel.numpy()
    np.testing.assert_allclose(after, before * (1 - 0.1 * 0.5), rtol=1e-5)  # decoupled decay
    assert _one_step_change({**adamw, "optimizer": "adam"}, x, y) == 0.0  # Adam: no decay


def test_label_smoothing_trains_toward_softened_targets_and_ranks_by_plain_cross_entropy():
    import numpy as np

    x = np.eye(2, dtype="float32").repeat(8, axis=0)
    y = np.array([0, 1]).repeat(8)
    values = {"n_layers": 0, "learning_rate": 0.5, "label_smoothing": 0.2}
    keras.utils.set_random_seed(0)
    model = build_network(values, 2, 2, "classification")
    history = model.fit(x, y, batch_size=16, epochs=200, verbose=0)
    # The optimum of smoothed targets (0.9, 0.1) is p = 0.9, not 1: the loss stops at their
    # entropy, while the recorded cross-entropy is the plain one of p = 0.9.
    assert model.predict(x[:1], verbose=0)[0, 0] == pytest.approx(0.9, abs=0.01)
    entropy = -(0.9 * np.log(0.9) + 0.1 * np.log(0.1))
    assert history.history["loss"][-1] == pytest.approx(entropy, abs=0.01)
    assert history.history["cross_entropy"][-1] == pytest.approx(-np.log(0.9), abs=0.01)
    clone = keras.models.clone_model(model)  # how the search reloads a trial's network
    assert clone.loss.label_smoothing == pytest.approx(0.2)


def test_batch_size_is_used_by_fit():
    import numpy as np

    from autotune.models.mlp import MLPHyperModel

    class Hp:
        values = {"batch_size": 7, "n_layers": 1, "units": 4}

    hypermodel = MLPHyperModel(3, 2, "classification")
    model = hypermodel.build(Hp)
    history = hypermodel.fit(Hp, model, np.zeros((21, 3)), np.zeros(21), epochs=1, verbose=0)
    assert history.params["steps"] == 3  # 21 rows / batch 7


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("activation", "softplus", "is not one of relu"),
        ("n_layers", 2.5, "is not a whole number"),
        ("dropout", 1.5, "above the largest allowed value"),
        ("batch_norm", "yes", "is not true or false"),
        ("learning_rate", "fast", "is not a number"),
    ],
)
def test_check_value(name, value, problem):
    assert problem in check_value(name, value)


def test_describe_trial():
    text = describe_trial({"n_layers": 2, "units": 64, "dropout": 0.2})
    assert text.startswith("[64-32] relu he_normal adam lr 0.001 batch 32")
    assert "dropout 0.2" in text


def test_residual_connections_with_projection_where_widths_differ():
    model = build_network(
        {"n_layers": 3, "units": 32, "shrink": 0.5, "residual": True}, 5, 2, "classification"
    )
    names = [layer.name for layer in model.layers]
    assert names.count("residual_2") == 1 and "residual_3" in names
    assert "project_2" in names and "project_3" in names  # 32 -> 16 -> 8
    constant = build_network(
        {"n_layers": 3, "units": 16, "shrink": 1.0, "residual": True}, 5, 2, "classification"
    )
    assert not [layer for layer in constant.layers if layer.name.startswith("project")]
    assert dense_widths(constant) == [16, 16, 16, 2]


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("warmup", [0.005, 0.01, 0.01]),
        ("cosine", [0.01, 0.0075, 0.0025]),
        ("warmup_cosine", [0.005, 0.01, 0.01]),
    ],
)
def test_scheduled_learning_rate_is_used_and_recorded(schedule, expected):
    import numpy as np

    from autotune.models.mlp import MLPHyperModel

    class Hp:
        values = {
            "n_layers": 1,
            "units": 4,
            "lr_schedule": schedule,
            "warmup_epochs": 2,
            "learning_rate": 0.01,
        }

    hypermodel = MLPHyperModel(3, 2, "classification", diagnostics=False)
    model = hypermodel.build(Hp)
    history = hypermodel.fit(Hp, model, np.zeros((8, 3)), np.zeros(8), epochs=3, verbose=0)
    assert history.history["learning_rate"] == pytest.approx(expected)
    # The optimizer ran at the last epoch's rate (the schedule is applied, not only logged).
    assert float(model.optimizer.learning_rate) == pytest.approx(expected[-1])
