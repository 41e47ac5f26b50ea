"""The rules on recorded series: no training, exact numbers."""

from __future__ import annotations

import pytest

from autotune.diagnostics import FINDINGS, SEVERITY, THRESHOLDS, diagnose, health
from autotune.vocabulary import resolve

NAN = float("nan")
PARAMS = resolve({"n_layers": 3, "activation": "relu"})


def series(
    epochs=10,
    layers=4,
    rms=1e-2,
    first_rms=None,
    first_norm=0.1,
    update=1e-2,
    dead=0.0,
    saturated=None,
    weight=1.0,
    baseline=1.1,
    nonfinite_at=None,
):
    names = [f"dense_{i + 1}" for i in range(layers - 1)] + ["output"]
    first = first_rms if first_rms is not None else rms
    rows = [[first] + [rms] * (layers - 1) for _ in range(epochs)]
    return {
        "layers": names,
        "grad_rms": rows,
        "grad_norm": [[first_norm] + [1.0] * (layers - 1) for _ in range(epochs)],
        "weight_norm": [[weight] * layers for _ in range(epochs)],
        "update_ratio": [[update] * layers for _ in range(epochs)],
        "dead_fraction": [[dead] * (layers - 1) for _ in range(epochs)],
        "saturated_fraction": [saturated and [saturated] * (layers - 1) for _ in range(epochs)],
        "nonfinite": [[e == nonfinite_at] * layers for e in range(epochs)],
        "baseline_loss": baseline,
        "task": "classification",
    }


def falling(epochs=10, start=1.0, end=0.05):
    step = (start - end) / (epochs - 1)
    return [start - step * e for e in range(epochs)]


def names(history, s, params=PARAMS):
    return {f["name"] for f in diagnose(history, s, params, "cross_entropy")}


def test_thresholds_table_names_a_source_for_each():
    for name, threshold in THRESHOLDS.items():
        assert threshold.source and threshold.meaning, name
    assert set(SEVERITY) == set(FINDINGS) and len(FINDINGS) == 10


def test_healthy_curves_give_no_finding():
    history = {"cross_entropy": falling(), "val_cross_entropy": falling(end=0.1)}
    assert names(history, series()) == set()
    assert health([]) == "healthy"


def test_vanishing_needs_both_a_small_ratio_and_a_small_first_norm():
    history = {"cross_entropy": falling(), "val_cross_entropy": falling()}
    assert "vanishing_gradients" in names(history, series(first_rms=1e-6, first_norm=1e-5))
    # Converged: every gradient is small, but evenly so - not vanishing.
    assert "vanishing_gradients" not in names(history, series(rms=1e-7, first_norm=1e-5))
    # Small ratio but a first-layer norm that still moves the weights.
    assert "vanishing_gradients" not in names(history, series(first_rms=1e-6, first_norm=1e-2))


def test_vanishing_evidence_names_the_numbers_and_remedies_follow_the_trial():
    params = resolve(
        {
            "n_layers": 10,
            "activation": "sigmoid",
            "initializer": "glorot_uniform",
            "optimizer": "sgd",
        }
    )
    history = {"cross_entropy": [1.1] * 10, "val_cross_entropy": [1.1] * 10}
    found = diagnose(history, series(first_rms=1e-7, first_norm=1e-6), params, "cross_entropy")
    vanishing = next(f for f in found if f["name"] == "vanishing_gradients")
    assert vanishing["severity"] == "serious"
    assert vanishing["evidence"]["rms_ratio"] == pytest.approx(1e-5)
    assert vanishing["evidence"]["epoch"] == 10
    assert vanishing["remedies"][0]["change"] == {"activation": "relu", "initializer": "he_normal"}


def test_one_noisy_epoch_is_not_a_pattern():
    s = series(first_rms=1e-2)
    s["grad_rms"][-1][0] = 1e-8
    s["grad_norm"][-1][0] = 1e-8
    assert "vanishing_gradients" not in names({"cross_entropy": falling()}, s)


def test_nan_loss_and_nonfinite_gradients():
    history = {"loss": [1.0, NAN], "cross_entropy": [1.0, NAN], "val_cross_entropy": [1.0, NAN]}
    found = diagnose(history, series(epochs=2, nonfinite_at=1), PARAMS, "cross_entropy")
    assert [f["name"] for f in found] == ["nan_loss", "exploding_gradients"]
    assert found[0]["evidence"]["epoch"] == 2
    assert found[1]["remedies"][0]["id"] == "clipnorm"


def test_exploding_remedies_start_with_the_learning_rate_when_clipping_is_on():
    params = resolve({"clipnorm": 1.0})
    history = {"cross_entropy": [1.0, 5e3, 7e3]}
    found = diagnose(history, series(epochs=3), params, "cross_entropy")
    assert found[0]["name"] == "exploding_gradients"
    assert found[0]["remedies"][0]["id"] == "lower_lr"


def test_weights_growing_a_hundredfold_is_an_explosion():
    s = series()
    s["weight_norm"][-1] = [500.0, 1.0, 1.0, 1.0]
    assert "exploding_gradients" in names({"cross_entropy": falling()}, s)


def test_dying_relu_only_for_relu_and_only_when_it_lasts():
    history = {"cross_entropy": falling()}
    assert "dying_relu" in names(history, series(dead=0.8))
    assert "dying_relu" not in names(
        history, series(dead=0.8), resolve({"activation": "leaky_relu"})
    )
    assert "dying_relu" not in names(history, series(dead=0.4))


def test_saturation_for_sigmoid():
    params = resolve({"activation": "sigmoid"})
    assert "saturation" in names({"cross_entropy": falling()}, series(saturated=0.9), params)
    assert "saturation" not in names({"cross_entropy": falling()}, series(saturated=0.2), params)


def test_stagnant_only_when_nothing_was_learned():
    flat = {"cross_entropy": [1.1] * 10}
    assert "stagnant_loss" in names(flat, series())
    converged = {"cross_entropy": [0.02] * 10}  # flat, but far below the prior's 1.1
    assert "stagnant_loss" not in names(converged, series())


def test_stalled_weights_when_updates_vanish_and_the_loss_is_high():
    flat = {"cross_entropy": [1.1] * 10}
    assert "stalled_weights" in names(flat, series(update=1e-7))
    assert "stalled_weights" not in names({"cross_entropy": [0.02] * 10}, series(update=1e-7))


def test_oscillating():
    bumpy = {"cross_entropy": [1.0, 0.5, 0.7, 0.4, 0.6, 0.3, 0.5, 0.25, 0.45, 0.2]}
    assert "oscillating_loss" in names(bumpy, series())


def test_slow_convergence_and_not_after_a_blow_up():
    slow = {
        "cross_entropy": [1.1 - 0.01 * e for e in range(30)],
        "val_cross_entropy": [1.1 - 0.01 * e for e in range(30)],
    }
    assert names(slow, series(epochs=30)) == {"slow_convergence"}
    converged = {**slow, "val_cross_entropy": [1.1 - 0.01 * min(e, 20) for e in range(30)]}
    assert "slow_convergence" not in names(converged, series(epochs=30))
    recovering = {"cross_entropy": [0.9, 9.0] + [8.0 - 0.2 * e for e in range(28)]}
    assert "slow_convergence" not in names(recovering, series(epochs=30))


def test_overfitting_when_validation_rises_as_training_falls():
    val = [0.9, 0.6, 0.5, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    history = {"cross_entropy": falling(end=0.01), "val_cross_entropy": val}
    found = diagnose(history, series(), PARAMS, "cross_entropy")
    assert [f["name"] for f in found] == ["overfitting"]
    assert found[0]["evidence"]["best_epoch"] == 4
    assert found[0]["remedies"][0]["id"] == "dropout"
    # A tiny absolute rise on a tiny validation set is noise.
    tiny = [0.05, 0.03, 0.027, 0.027, 0.028, 0.029, 0.03, 0.031, 0.032, 0.033]
    assert "overfitting" not in names(
        {"cross_entropy": falling(end=0.01), "val_cross_entropy": tiny}, series()
    )


def test_overfitting_remedy_prefers_l2_when_dropout_is_on():
    val = [0.9, 0.6, 0.5, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    found = diagnose(
        {"cross_entropy": falling(end=0.01), "val_cross_entropy": val},
        series(),
        resolve({"dropout": 0.3}),
        "cross_entropy",
    )
    assert found[0]["remedies"][0]["id"] == "l2"


def test_remedies_already_applied_are_left_out():
    params = resolve({"n_layers": 8, "activation": "sigmoid", "batch_norm": True})
    history = {"cross_entropy": [1.1] * 10}
    found = diagnose(history, series(first_rms=1e-7, first_norm=1e-6), params, "cross_entropy")
    ids = [r["id"] for f in found for r in f["remedies"]]
    assert "batch_norm" not in ids


def test_health_of_a_failed_trial_without_measurements():
    assert health([], "failed") == "unknown"


def test_small_bounces_of_a_converged_loss_are_not_oscillation():
    bouncy_but_tiny = {"cross_entropy": [1.0, 0.1, 0.02, 0.03, 0.02, 0.03, 0.02, 0.03, 0.02, 0.03]}
    assert "oscillating_loss" not in names(bouncy_but_tiny, series())


def test_slow_convergence_is_not_reported_next_to_a_serious_finding():
    slow = {
        "cross_entropy": [1.1 - 0.01 * e for e in range(30)],
        "val_cross_entropy": [1.1 - 0.01 * e for e in range(30)],
    }
    assert names(slow, series(epochs=30, dead=0.9)) == {"dying_relu"}


def test_noisy_but_steady_descent_is_slow_convergence():
    noisy = [1.2 - 0.006 * e + (0.03 if e % 3 == 0 else 0.0) for e in range(40)]
    val = [1.2 - 0.005 * e for e in range(40)]
    found = names({"cross_entropy": noisy, "val_cross_entropy": val}, series(epochs=40))
    assert found == {"slow_convergence"}


def test_slow_learner_cut_short_by_early_stopping_is_still_slow():
    # The training loss crawls down from above the prior's 1.05; validation sits still.
    history = {
        "cross_entropy": [1.37 - 0.025 * e for e in range(10)],
        "val_cross_entropy": [0.977, 0.975] + [0.974] * 8,
    }
    assert names(history, series(baseline=1.047)) == {"slow_convergence"}


def test_convolutions_are_left_out_of_the_first_to_output_ratio():
    # A CNN's first convolution has a large gradient RMS (its kernel sums over every pixel
    # position); the ratio then compares the first Dense layer with the output layer.
    history = {"cross_entropy": falling(), "val_cross_entropy": falling(end=0.1)}
    s = series(layers=5, first_rms=5.0)  # 500x the output layer's RMS
    assert "exploding_gradients" in names(history, s)  # read as Dense layers: exploding
    s["layers"] = ["conv_1", "conv_2", "dense_1", "dense_2", "output"]
    s["kinds"] = ["conv", "conv", "dense", "dense", "dense"]
    assert names(history, s) == set()
    # Vanishing across the Dense layers is still seen, and named as such.
    s = series(layers=5, rms=1e-2, first_norm=1e-8)
    s["kinds"] = ["conv", "dense", "dense", "dense", "dense"]
    for row in s["grad_rms"]:
        row[1] = 1e-9
    for row in s["grad_norm"]:
        row[1] = 1e-8
    found = diagnose(history, s, PARAMS, "cross_entropy")
    vanishing = next(f for f in found if f["name"] == "vanishing_gradients")
    assert vanishing["summary"].startswith("the first Dense layer's gradient is 1.0e-07")
