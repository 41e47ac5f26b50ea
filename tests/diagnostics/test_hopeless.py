"""When a trial is already lost: the rules on recorded series (no training)."""

from __future__ import annotations

from autotune.diagnostics.hopeless import hopeless

LAYERS = ["dense_1", "dense_2", "dense_3", "output"]


def series(epochs, dead=0.0, first_rms=1e-2, first_norm=0.1, update=1e-2, activation="relu"):
    return {
        "activation": activation,
        "layers": LAYERS,
        "grad_rms": [[first_rms, 1e-2, 1e-2, 1e-2]] * epochs,
        "grad_norm": [[first_norm, 1.0, 1.0, 1.0]] * epochs,
        "update_ratio": [[update, 1e-2, 1e-2, 1e-2]] * epochs,
        "dead_fraction": [[0.1, dead, 0.1]] * epochs,
    }


def test_a_layer_dead_for_two_epochs_ends_the_trial_at_once():
    assert hopeless(series(1, dead=1.0), [0.5], 1.1, 50) is None  # one epoch is not enough
    reason = hopeless(series(2, dead=1.0), [0.5, 0.5], 1.1, 50)
    assert reason["finding"] == "dying_relu" and reason["epoch"] == 2
    assert "dense_2" in reason["summary"]
    assert hopeless(series(2, dead=0.99), [0.5, 0.5], 1.1, 50) is None  # one unit still lives
    leaky = series(2, dead=1.0, activation="leaky_relu")  # its units still pass a gradient
    assert hopeless(leaky, [0.5, 0.5], 1.1, 50) is None


def test_the_last_epoch_is_never_aborted_and_a_continued_fit_counts_every_epoch():
    assert hopeless(series(2, dead=1.0), [0.5, 0.5], 1.1, 2) is None
    stalled = series(1, update=1e-7)
    assert hopeless(stalled, [1.1], 1.1, 10) is None
    assert hopeless(stalled, [1.1], 1.1, 10, epoch=4)["epoch"] == 4  # its 4th epoch in all


def test_a_flat_loss_with_stalled_or_vanishing_gradients_ends_it_after_30_percent():
    flat = [1.1] * 3
    stalled = series(3, update=1e-7)
    assert hopeless(stalled, flat, 1.1, 10)["finding"] == "stalled_weights"
    assert hopeless(stalled, flat, 1.1, 20) is None  # 3 of 20 epochs: too early
    vanishing = series(3, first_rms=1e-7, first_norm=1e-6)
    assert hopeless(vanishing, flat, 1.1, 10)["finding"] == "vanishing_gradients"


def test_a_flat_loss_alone_or_a_learning_one_is_not_hopeless():
    assert hopeless(series(5), [1.1] * 5, 1.1, 10) is None  # gradients flow: it may learn
    assert hopeless(series(5, update=1e-7), [1.1, 1.0, 0.9, 0.8, 1.05], 1.1, 10) is None
    assert hopeless(series(5, update=1e-7), [float("nan")] * 5, 1.1, 10) is None
