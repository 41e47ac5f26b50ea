"""--init-from: an earlier run's first hidden layers start every trial on a new table."""

from __future__ import annotations

import json

import keras
import numpy as np
import pandas as pd
import pytest

from autotune.data.tabular import load_table
from autotune.errors import UsageError
from autotune.options import TuneOptions
from autotune.problems.init_from import check_init_from
from autotune.runner import run_search


@pytest.fixture
def other_penguins(tmp_path, data_dir):
    """A new table with the penguins' columns: the other half of the rows, shuffled."""
    frame = pd.read_csv(data_dir / "penguins.csv").sample(frac=0.5, random_state=1)
    path = tmp_path / "more_penguins.csv"
    frame.to_csv(path, index=False)
    return path


def _source_kernel(run_dir):
    saved = keras.models.load_model(run_dir / "best_model.keras", safe_mode=True)
    return saved.get_layer("mlp").get_layer("dense_1").get_weights()[0]


def test_reused_layers_start_frozen_then_are_fine_tuned(penguins_run, other_penguins):
    from autotune.models.fitting import FitNotes
    from autotune.models.mlp import MLPHyperModel
    from autotune.models.reuse import reused_front
    from autotune.problems.table import TabularProblem

    source = _source_kernel(penguins_run)
    problem = TabularProblem(load_table(other_penguins, seed=0))
    front = reused_front(str(penguins_run / "best_model.keras"), 1)
    seen = []

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            reused = self.model.get_layer("reused")
            seen.append(reused.get_layer("dense_1").get_weights()[0].copy())

    class Hp:
        values = {"n_layers": 1, "units": 8, "learning_rate": 0.01}

    hypermodel = MLPHyperModel(
        problem.train[0].shape[1], 3, "classification", fit_callbacks=[Snapshot()], front=front
    )
    model = hypermodel.build(Hp)
    notes = FitNotes()
    history = hypermodel.fit(
        Hp, model, *problem.train, validation_data=problem.val, epochs=5, notes=notes
    )

    assert notes.reuse == {
        "frozen_epochs": 1,
        "fine_tuned_epochs": 4,
        "fine_tune_learning_rate_scale": 0.1,
    }
    np.testing.assert_array_equal(seen[0], source)  # frozen through the first phase
    assert np.abs(seen[-1] - source).max() > 1e-5  # then fine-tuned
    # The fine-tuning phase runs at a tenth of the trial's learning rate, and says so.
    assert history.history["learning_rate"] == pytest.approx([0.01] + [0.001] * 4)
    assert len(history.history["loss"]) == 5 and history.params["epochs"] == 5


@pytest.mark.slow  # one of the heaviest: two searches, the second from the first
def test_a_run_starts_from_an_earlier_runs_layers(tmp_path, penguins_run, other_penguins):
    out = tmp_path / "run"
    info = run_search(
        TuneOptions(
            data=other_penguins,
            space="fast",
            max_trials=2,
            max_epochs=3,
            init_from=penguins_run,
            out=out,
        ).resolve()
    )
    source = json.loads((penguins_run / "run.json").read_text())
    assert info["init_from"]["layers"] == 1
    assert info["init_from"]["source_trial"] == source["best_trial"]["trial_id"]
    for path in (out / "trials").glob("*.json"):
        record = json.loads(path.read_text())
        assert record["reuse"]["frozen_epochs"] == 1
        assert record["reuse"]["fine_tuned_epochs"] == 2
    model = keras.models.load_model(out / "best_model.keras", safe_mode=True)
    assert "reused" in [layer.name for layer in model.get_layer("mlp").layers]
    assert info["test_scores"]["accuracy"] > 0.5


def test_inputs_must_match(tmp_path, penguins_run, data_dir):
    with pytest.raises(UsageError, match="takes column\\(s\\) bill_length_mm, .*this data does"):
        check_init_from(penguins_run, load_table(data_dir / "iris.csv").preprocessing, 1)
    frame = pd.read_csv(data_dir / "penguins.csv")
    frame[frame.island != "Torgersen"].to_csv(tmp_path / "no_torgersen.csv", index=False)
    spec = load_table(tmp_path / "no_torgersen.csv").preprocessing
    with pytest.raises(UsageError, match="column 'island' has other categories here"):
        check_init_from(penguins_run, spec, 1)
    extra = frame.assign(extra=np.arange(len(frame)) % 7.0)
    extra[[*frame.columns[:-1], "extra", "species"]].to_csv(tmp_path / "extra.csv", index=False)
    with pytest.raises(UsageError, match="this data has column\\(s\\) extra that its model"):
        check_init_from(penguins_run, load_table(tmp_path / "extra.csv").preprocessing, 1)
    spec = load_table(data_dir / "penguins.csv").preprocessing
    hidden = json.loads((penguins_run / "run.json").read_text())["best_trial"]
    layers = hidden["hyperparameters"]["n_layers"]
    with pytest.raises(UsageError, match=f"--init-layers {layers + 1}: the best model of"):
        check_init_from(penguins_run, spec, layers + 1)
    with pytest.raises(UsageError, match="no run.json there"):
        check_init_from(tmp_path, spec, 1)
    standard = load_table(data_dir / "penguins.csv", scaling="standard").preprocessing
    with pytest.raises(UsageError, match="took robust-scaled numbers.*add --scaling robust"):
        check_init_from(penguins_run, standard, 1)


def test_bad_init_from_exits_2_and_writes_nothing(tmp_path, cli, penguins_run, data_dir):
    out = tmp_path / "run"
    done = cli("tune", data_dir / "iris.csv", "--init-from", penguins_run, "--out", out)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--init-from" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
