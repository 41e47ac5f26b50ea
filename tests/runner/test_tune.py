"""A real search end to end (tiny data, 1-2 epochs), read back from its run folder."""

from __future__ import annotations

import csv
import json

import keras
import numpy as np
import pytest

import autotune
from autotune.errors import UsageError
from autotune.options import TuneOptions
from autotune.runner.tune import run_search


def test_run_folder_has_every_file(penguins_run):
    names = {p.name for p in penguins_run.iterdir()}
    assert {"run.json", "trials.csv", "trials", "best_model.keras"} <= names
    assert not [n for n in names if n.endswith(".tmp") or n.startswith(".")]


def test_run_json_summarises_the_run(penguins_run):
    info = json.loads((penguins_run / "run.json").read_text())
    assert info["status"] == "completed"
    assert info["dataset"]["task"] == "classification"
    assert info["dataset"]["classes"][0] == {"label": "Adelie", "rows": 152}
    assert info["metric"] == "val_cross_entropy" and info["direction"] == "min"
    assert info["trials"] == {"run": 2, "completed": 2, "failed": 0}
    assert 0 <= info["test_scores"]["accuracy"] <= 1
    assert set(info["test_scores"]) == {"accuracy", "balanced_accuracy", "log_loss", "macro_f1"}
    assert info["versions"]["keras-tuner"]
    assert info["space"]["name"] == "fast"


def test_trials_csv_is_ranked_by_score(penguins_run):
    rows = list(csv.DictReader((penguins_run / "trials.csv").open()))
    assert [r["rank"] for r in rows] == ["1", "2"]
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores)
    for column in (
        "trial_id",
        "status",
        "val_accuracy",
        "best_epoch",
        "epochs_run",
        "fit_seconds",
        "n_layers",
        "learning_rate",
        "batch_size",
    ):
        assert column in rows[0]


def test_each_trial_records_its_whole_learning_curve(penguins_run):
    for path in (penguins_run / "trials").glob("*.json"):
        record = json.loads(path.read_text())
        assert record["epochs_run"] == 2
        for key in ("loss", "val_loss", "cross_entropy", "val_cross_entropy", "val_accuracy"):
            assert len(record["history"][key]) == 2
        assert record["score"] == min(record["history"]["val_cross_entropy"])
        assert record["stopped_by"] == "max_epochs"


def test_best_model_loads_in_safe_mode_and_takes_raw_rows(penguins_run, data_dir):
    model = keras.models.load_model(penguins_run / "best_model.keras", safe_mode=True)
    assert {t.name for t in model.inputs} == {"numeric", "cat_0", "cat_1"}
    run = autotune.load_run(penguins_run)
    predictions = run.predict(data_dir / "penguins.csv")
    assert len(predictions) == 344
    assert set(predictions["prediction"]) <= {"Adelie", "Chinstrap", "Gentoo"}
    proba = predictions[["proba_Adelie", "proba_Chinstrap", "proba_Gentoo"]].to_numpy()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


def test_best_model_is_the_best_epoch_of_the_best_trial(penguins_run):
    """The best trial's exported model's validation log loss is its score (its best epoch);
    the shipped model's is the ensemble's, as the selection measured it."""
    info = json.loads((penguins_run / "run.json").read_text())
    best = info["best_trial"]
    assert best["val_scores"]["log_loss"] == pytest.approx(best["score"], rel=1e-3)
    shipped = info["ensemble"]["score"] if info["ensemble"]["status"] == "done" else best["score"]
    assert info["val_scores"]["log_loss"] == pytest.approx(shipped, rel=1e-3)


def test_api_mirrors_the_cli(tmp_path, data_dir):
    run = autotune.tune(
        data_dir / "diabetes.csv",
        space="fast",
        max_trials=1,
        max_epochs=2,
        out=tmp_path / "run",
        seed=1,
    )
    assert run.info["dataset"]["task"] == "regression"
    assert set(run.test_scores) == {"r2", "rmse", "mae"}
    assert list(run.trials.columns[:3]) == ["rank", "trial_id", "status"]
    predictions = run.predict(data_dir / "diabetes.csv")
    # Predictions come back in the target's units, not standardised ones.
    assert 25 < predictions["prediction"].mean() < 350


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
@pytest.mark.parametrize("tuner", ["bayesian", "hyperband"])
def test_other_strategies(tmp_path, data_dir, tuner):
    info = run_search(
        TuneOptions(
            data=data_dir / "iris.csv",
            space="fast",
            tuner=tuner,
            max_trials=2,
            max_epochs=2,
            guided=True,
            out=tmp_path / "run",
        ).resolve()
    )
    assert info["status"] == "completed"
    assert 1 <= info["trials"]["run"] <= 2
    # Hyperband continues trials with their values: a guide would change a running model.
    assert info["guidance"]["enabled"] is (tuner == "bayesian")
    if tuner == "hyperband":
        assert "hyperband" in info["guidance"]["why_off"]


def test_time_budget_stops_the_running_trial_and_starts_no_new_one(tmp_path, data_dir):
    info = run_search(
        TuneOptions(
            data=data_dir / "penguins.csv",
            space="fast",
            max_epochs=10_000,
            patience=10_000,
            time_budget=4,
            out=tmp_path / "run",
        ).resolve()
    )
    trials = [json.loads(p.read_text()) for p in (tmp_path / "run" / "trials").glob("*.json")]
    assert len(trials) == 1  # no budget left for a second one
    assert trials[0]["stopped_by"] == "time_budget"
    assert trials[0]["epochs_run"] < 10_000
    assert info["search_seconds"] < 4 + 3  # stopped at the budget, not at the end of training


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_trials": 0}, "--max-trials 0: must be at least 1"),
        ({"max_epochs": 0}, "--max-epochs 0: must be at least 1"),
        ({"time_budget": -5}, "--time-budget -5: must be a positive number of seconds"),
        ({"tuner": "grid"}, "--tuner 'grid' is not one of refine, random, bayesian, hyperband"),
        ({"pretrain": "rbm"}, "--pretrain 'rbm' is not one of autoencoder"),
        ({"init_layers": 0}, "--init-layers 0: must be at least 1"),
    ],
)
def test_bad_options(tmp_path, data_dir, options, message):
    with pytest.raises(UsageError, match=message):
        run_search(
            TuneOptions(data=data_dir / "iris.csv", out=tmp_path / "run", **options).resolve()
        )
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("option", [{"pretrain": "autoencoder"}, {"init_from": "some_run"}])
def test_table_only_options_refuse_image_folders(tmp_path, option):
    (tmp_path / "images" / "cats").mkdir(parents=True)
    with pytest.raises(UsageError, match="--pretrain and --init-from apply to tables"):
        run_search(TuneOptions(data=tmp_path / "images", out=tmp_path / "run", **option).resolve())
    assert not (tmp_path / "run").exists()


def test_init_from_cannot_be_the_run_it_writes(tmp_path, data_dir):
    out = tmp_path / "run"
    with pytest.raises(UsageError, match="the run folder this run writes"):
        run_search(TuneOptions(data=data_dir / "iris.csv", out=out, init_from=out).resolve())


def test_diverging_trials_fail_and_are_never_the_best(tmp_path, data_dir):
    """SGD at learning rate 10 on a standardised target diverges within a few epochs."""
    from autotune.errors import SearchFailedError

    space = tmp_path / "diverge.yaml"
    space.write_text(
        "hyperparameters:\n"
        "  optimizer: {type: fixed, value: sgd}\n"
        "  learning_rate: {type: fixed, value: 10.0}\n"
        "  momentum: {type: fixed, value: 0.9}\n"
        "  units: {type: choice, values: [32, 64]}\n"
    )
    with pytest.raises(SearchFailedError, match=r"all 2 trial\(s\) failed \(the loss became NaN"):
        run_search(
            TuneOptions(
                data=data_dir / "diabetes.csv",
                space=str(space),
                max_trials=2,
                max_epochs=20,
                out=tmp_path / "run",
            ).resolve()
        )
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    assert info["status"] == "failed"
    assert not (tmp_path / "run" / "best_model.keras").exists()
    rows = list(csv.DictReader((tmp_path / "run" / "trials.csv").open()))
    assert [r["status"] for r in rows] == ["failed", "failed"]
    assert all(r["rank"] == "" and r["stopped_by"] == "nan_loss" for r in rows)
