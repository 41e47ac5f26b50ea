"""Diagnosis-guided search: the rules on recorded findings, and a real guided search."""

from __future__ import annotations

import json

import pytest

from autotune.options import TuneOptions
from autotune.runner import run_search
from autotune.runs import write_json
from autotune.spaces import load_space, validate_space
from autotune.tuning.guidance import Guide, describe_intervention


def _space(**overrides):
    hps = dict(load_space("mlp").hyperparameters)
    hps.update(overrides)
    return validate_space({"hyperparameters": hps}, "test").to_hyperparameters()


def _record(run_dir, trial_id, findings, stopped_by="max_epochs", **values):
    write_json(
        run_dir / "trials" / f"{trial_id}.json",
        {
            "trial_id": trial_id,
            "stopped_by": stopped_by,
            "hyperparameters": values,
            "findings": [{"name": name} for name in findings],
        },
    )


def _values(**values):
    base = {
        "n_layers": 2,
        "activation": "relu",
        "learning_rate": 1e-3,
        "clipnorm": 0.0,
        "dropout": 0.0,
        "l2": 0.0,
    }
    return {**base, **values}


@pytest.fixture
def run_dir(tmp_path):
    (tmp_path / "trials").mkdir()
    return tmp_path


def test_no_findings_no_intervention(run_dir):
    _record(run_dir, "0000", [], activation="sigmoid", n_layers=6)
    guide = Guide(run_dir, _space())
    values = _values(activation="sigmoid", n_layers=6)
    assert guide.steer("0001", values) == []
    assert values["activation"] == "sigmoid"
    assert not (run_dir / "guidance.json").exists()


def test_vanishing_gradients_ban_saturating_activations_at_that_depth(run_dir):
    _record(run_dir, "0000", ["vanishing_gradients"], activation="tanh", n_layers=5)
    guide = Guide(run_dir, _space())
    shallow = _values(activation="sigmoid", n_layers=4)
    assert guide.steer("0001", shallow) == [] and shallow["activation"] == "sigmoid"
    deep = _values(activation="sigmoid", n_layers=6)
    (made,) = guide.steer("0002", deep)
    assert deep["activation"] not in ("sigmoid", "tanh")
    assert deep["activation"] in load_space("mlp").hyperparameters["activation"]["values"]
    assert made["rule"] == "avoid_saturating_depth" and made["evidence"] == ["0000"]
    assert made["changed"] == {"activation": ["sigmoid", deep["activation"]]}
    logged = json.loads((run_dir / "guidance.json").read_text())
    assert logged["interventions"] == [made]


def test_shallow_vanishing_bans_nothing(run_dir):
    _record(run_dir, "0000", ["vanishing_gradients"], activation="sigmoid", n_layers=2)
    values = _values(activation="sigmoid", n_layers=6)
    assert Guide(run_dir, _space()).steer("0001", values) == []


@pytest.mark.parametrize(
    ("finding", "stopped_by"), [("exploding_gradients", "max_epochs"), (None, "nan_loss")]
)
def test_explosions_clip_later_trials_at_that_learning_rate(run_dir, finding, stopped_by):
    _record(run_dir, "0000", [finding] if finding else [], stopped_by, learning_rate=0.05)
    guide = Guide(run_dir, _space())
    slow = _values(learning_rate=0.01)
    assert guide.steer("0001", slow) == [] and slow["clipnorm"] == 0.0
    fast = _values(learning_rate=0.03)  # within a factor of 2 below
    (made,) = guide.steer("0002", fast)
    assert fast["clipnorm"] == 1.0 and made["changed"] == {"clipnorm": [0.0, 1.0]}
    assert made["finding"] == (finding or "nan_loss")
    assert "trial 0002: clipnorm 0 -> 1 (trial 0000 had" in describe_intervention(made)


def test_dead_relus_make_later_relu_trials_leaky_at_that_learning_rate(run_dir):
    _record(run_dir, "0000", ["dying_relu"], activation="relu", learning_rate=0.08)
    guide = Guide(run_dir, _space())
    slow = _values(activation="relu", learning_rate=0.01)
    assert guide.steer("0001", slow) == [] and slow["activation"] == "relu"
    fast = _values(activation="relu", learning_rate=0.05)
    (made,) = guide.steer("0002", fast)
    assert fast["activation"] == "leaky_relu" and made["rule"] == "leaky_after_dying"
    elu = _values(activation="elu", learning_rate=0.05)
    assert guide.steer("0003", elu) == []  # only relu units die this way
    no_leaky = _space(activation={"type": "choice", "values": ["relu", "tanh"]})
    values = _values(activation="relu", learning_rate=0.05)
    assert Guide(run_dir, no_leaky).steer("0004", values) == []


def test_overfitting_floors_dropout_and_l2_after_two_trials(run_dir):
    _record(run_dir, "0000", ["overfitting"])
    guide = Guide(run_dir, _space())
    values = _values(dropout=0.1, l2=1e-5)
    assert guide.steer("0001", values) == []
    _record(run_dir, "0001", ["overfitting", "slow_convergence"])
    (made,) = guide.steer("0002", values)
    assert values["dropout"] == pytest.approx(0.2) and values["l2"] == 1e-4
    assert made["evidence"] == ["0000", "0001"]
    higher = _values(dropout=0.4, l2=1e-3)
    assert guide.steer("0003", higher) == []  # floors never lower a value


def test_fixed_entries_are_the_users_choice(run_dir):
    _record(run_dir, "0000", ["exploding_gradients"], learning_rate=0.05)
    _record(run_dir, "0001", ["overfitting"])
    _record(run_dir, "0002", ["overfitting"])
    space = _space(
        clipnorm={"type": "fixed", "value": 0.0},
        dropout={"type": "fixed", "value": 0.0},
        l2={"type": "fixed", "value": 0.0},
    )
    values = _values(learning_rate=0.05)
    assert Guide(run_dir, space).steer("0003", values) == []


def test_a_resumed_guide_keeps_its_interventions(run_dir):
    _record(run_dir, "0000", ["exploding_gradients"], learning_rate=0.05)
    Guide(run_dir, _space()).steer("0001", _values(learning_rate=0.05))
    again = Guide(run_dir, _space())
    assert [i["trial_id"] for i in again.interventions] == ["0001"]
    again.steer("0002", _values(learning_rate=0.05))
    logged = json.loads((run_dir / "guidance.json").read_text())["interventions"]
    assert [i["trial_id"] for i in logged] == ["0001", "0002"]


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_a_guided_search_clips_after_a_real_explosion(tmp_path, data_dir):
    """Adam at learning rate 3 blows up (the diagnostics test zoo's case); every later
    trial runs with clipping, set by the guide where the oracle drew none."""
    space = validate_space(
        {
            "hyperparameters": {
                "n_layers": {"type": "fixed", "value": 2},
                "units": {"type": "fixed", "value": 32},
                "optimizer": {"type": "fixed", "value": "adam"},
                "learning_rate": {"type": "fixed", "value": 3.0},
                "clipnorm": {"type": "choice", "values": [0.0, 1.0], "default": 0.0},
                "batch_size": {"type": "choice", "values": [16, 32, 64, 128], "default": 32},
            }
        },
        "test",
    )
    out = tmp_path / "run"
    info = run_search(
        TuneOptions(
            data=data_dir / "iris.csv",
            space=space,
            max_trials=6,
            max_epochs=3,
            guided=True,
            out=out,
        ).resolve()
    )
    trials = [json.loads(p.read_text()) for p in sorted((out / "trials").glob("*.json"))]
    blown = [
        i
        for i, t in enumerate(trials)
        if {f["name"] for f in t["findings"]} & {"exploding_gradients", "nan_loss"}
        or t["stopped_by"] == "nan_loss"
    ]
    assert blown and blown[0] < len(trials) - 1, [t["health"] for t in trials]
    later = trials[blown[0] + 1 :]
    assert all(t["hyperparameters"]["clipnorm"] == 1.0 for t in later)
    guidance = info["guidance"]
    assert guidance["enabled"] and guidance["interventions"]
    for intervention in guidance["interventions"]:
        assert intervention["changed"] == {"clipnorm": [0.0, 1.0]}
        assert intervention["evidence"][0] == trials[blown[0]]["trial_id"]
        assert intervention["trial_id"] in {t["trial_id"] for t in later}
    run = json.loads((out / "run.json").read_text())
    assert run["guidance"]["interventions"] == guidance["interventions"]
