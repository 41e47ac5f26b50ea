"""The numbers behind every finding: each threshold with its meaning and where it comes from,
and each finding's severity. Read by the rules (:mod:`autotune.diagnostics.rules`), the
report and the README's table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    value: float
    meaning: str
    source: str


THRESHOLDS: dict[str, Threshold] = {
    "check_from": Threshold(
        0.3,
        "share of the first epochs left out of trend checks",
        "AutoTrainer (ICSE 2021): checks start after 30% of the epochs",
    ),
    "majority": Threshold(
        0.5,
        "share of checked epochs in which a per-epoch condition must hold",
        "own choice: one noisy epoch is not a pattern",
    ),
    "vanishing_ratio": Threshold(
        1e-3,
        "RMS gradient, first hidden layer / output layer, below",
        "AutoTrainer's first/last gradient ratio 1e-3; RMS (norm / "
        "sqrt(size)) so that layer width does not count",
    ),
    "vanishing_first_norm": Threshold(
        1e-4, "L2 gradient norm of the first hidden layer, below", "AutoTrainer (ICSE 2021)"
    ),
    "exploding_ratio": Threshold(
        70.0,
        "RMS gradient, first hidden layer / output layer, above",
        "AutoTrainer (ICSE 2021), on RMS as above",
    ),
    "exploding_loss": Threshold(
        1e3, "training loss at or above (targets are standardised)", "AutoTrainer (ICSE 2021)"
    ),
    "exploding_weight_growth": Threshold(
        100.0,
        "growth of a kernel's norm over the run, above",
        "own: healthy nets in the test zoo grow < 5x",
    ),
    "dead_layer": Threshold(
        0.5,
        "share of a ReLU layer's units dead on every probe row, above",
        "SageMaker Debugger: a layer is dead when > 50% of its units are",
    ),
    "saturated_layer": Threshold(
        0.5,
        "share of a sigmoid/tanh layer's inputs saturated, above",
        "DeepDiagnosis (ICSE 2022): > 50% of inputs beyond ±5",
    ),
    "stalled_update": Threshold(
        1e-5,
        "update ratio ||dW||/||W|| over one epoch, below",
        "own: SageMaker flags < 1e-8 per step; CS231n's healthy 1e-3 per step is ~1e-2 per epoch",
    ),
    "stagnant_change": Threshold(
        0.01,
        "relative fall of the training loss over the window, below",
        "own measurement on the test zoo",
    ),
    "unlearned_share": Threshold(
        0.5,
        "far from good: training loss at or above this share of the loss of predicting the "
        "class priors / the mean",
        "own: trials that learned well end far below it",
    ),
    "nothing_learned_share": Threshold(
        0.9,
        "learned nothing: training loss at or above this share of the constant prediction's",
        "own: on noisy tables (titanic) good models end at ~0.7 of it, so a stricter bar",
    ),
    "still_improving_epochs": Threshold(
        0.1,
        "slow convergence: the best validation epoch lies in this last share of the epochs "
        "(at least the last 2): training ended while it still improved",
        "own: an early-stopped trial has converged; seen on titanic",
    ),
    "oscillation_rise": Threshold(
        0.1,
        "relative rise of the training loss between two epochs",
        "own: healthy curves in the test zoo rise < 3%",
    ),
    "oscillation_abs_rise": Threshold(
        0.02,
        "that rise as a share of the constant prediction's loss, at least",
        "own: bounces of a nearly-converged loss (0.02 -> 0.03) are not oscillation",
    ),
    "oscillation_share": Threshold(
        0.2,
        "share of epoch-to-epoch steps that rise, at least",
        "AutoTrainer (ICSE 2021): swings in >= 20% of epochs",
    ),
    "slow_thirds": Threshold(
        3,
        "the checked epochs are cut into this many parts; their mean losses must decrease",
        "own: robust to dropout's epoch-to-epoch noise, seen in real searches",
    ),
    "overfit_rise": Threshold(
        0.1,
        "rise of the validation loss above its minimum, at least",
        "own measurement on the test zoo",
    ),
    "overfit_abs_rise": Threshold(
        0.02,
        "that rise as a share of the constant prediction's loss, at least",
        "own: smaller rises are noise on tiny validation sets (seen on iris, 24 rows)",
    ),
    "overfit_epochs": Threshold(
        3, "epochs after the validation minimum, at least", "own: fewer is noise"
    ),
}
SEVERITY = {
    "nan_loss": "serious",
    "exploding_gradients": "serious",
    "vanishing_gradients": "serious",
    "dying_relu": "serious",
    "stagnant_loss": "serious",
    "saturation": "warning",
    "stalled_weights": "warning",
    "oscillating_loss": "warning",
    "slow_convergence": "warning",
    "overfitting": "warning",
}
FINDINGS = tuple(SEVERITY)
