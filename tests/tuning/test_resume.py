"""A resumed run keeps the trials a kill left recorded but not yet ended in KerasTuner's oracle."""

from __future__ import annotations

from autotune.backend import kt

from autotune.runs.files import write_json
from autotune.spaces import load_space
from autotune.tuning.oracles import STARTING_FROM_DEFAULTS
from autotune.tuning.resume import keep_recorded_trials


def oracle(project):
    made = STARTING_FROM_DEFAULTS["random"](
        objective=kt.Objective("val_loss", "min"), max_trials=4, seed=0,
        hyperparameters=load_space("fast").to_hyperparameters(),
    )  # fmt: skip
    made._set_project_dir(str(project), "tuner")
    return made


def test_a_recorded_trial_is_ended_with_its_record_and_a_cut_one_runs_again(tmp_path):
    first = oracle(tmp_path)
    first.verbose = 0  # as a chief's: its display never sees a trial start
    a, b, c = (first.create_trial(f"worker-{i}").trial_id for i in range(3))  # then a kill
    trials = tmp_path / "trials"
    write_json(trials / f"{a}.json", {"trial_id": a, "status": "completed", "score": 0.25,
                                      "best_epoch": 3})  # fmt: skip
    write_json(trials / f"{b}.json", {"trial_id": b, "status": "failed", "error": "boom"})
    again = oracle(tmp_path)
    again.reload()
    assert sorted(again._retry_queue) == sorted([a, b, c])
    assert sorted(keep_recorded_trials(again, trials)) == sorted([a, b])
    assert again._retry_queue == [c]  # no record: cut short, it runs again
    assert again.trials[a].status == "COMPLETED" and again.trials[a].score == 0.25
    assert again.trials[b].status == "FAILED" and again.trials[b].message == "boom"
    reloaded = oracle(tmp_path)
    reloaded.reload()  # what was ended is saved
    assert reloaded.trials[a].status == "COMPLETED"


def test_the_oracles_files_are_written_whole(tmp_path):
    made = oracle(tmp_path)
    made.create_trial("worker-0")
    names = [p.name for p in (tmp_path / "tuner").rglob("*")]
    assert "oracle.json" in names and "trial.json" in names
    assert not [n for n in names if n.endswith(".tmp")]
