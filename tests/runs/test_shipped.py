from __future__ import annotations

from autotune.runs.shipped import ensemble_sentence, reference_sentence, refit_sentence

DONE = {"status": "done", "train_rows": 220, "rows": 344, "epochs": 13, "seconds": 2.4}


def test_each_refit_says_what_the_shipped_model_was_trained_on():
    assert refit_sentence(None) is None
    assert refit_sentence(DONE).startswith(
        "the shipped model was retrained on all 344 labelled rows (train + validation + test) "
        "for 13 epochs"
    )
    skipped = {**DONE, "status": "skipped", "estimated_seconds": 40.0, "seconds_left": 3.0}
    assert refit_sentence(skipped) == (
        "the shipped model is the searched one, trained on 220 rows: retraining on all 344 "
        "rows would take about 40 s and 3 s of the time budget were left"
    )
    stopped = {**DONE, "status": "stopped", "epochs_run": 4}
    assert "reached the time budget after 4 of 13 epochs" in refit_sentence(stopped)
    interrupted = {**DONE, "status": "interrupted", "epochs_run": 1}
    assert "was interrupted (Ctrl-C) after 1 of 13 epochs" in refit_sentence(interrupted)
    off = {"status": "off", "train_rows": 220, "why": "--refit none"}
    assert refit_sentence(off, "images") == (
        "the shipped model is the searched one, trained on 220 images (--refit none)"
    )


def _info(ours: float, theirs: float, task: str = "classification") -> dict:
    metric = "accuracy" if task == "classification" else "r2"
    return {
        "dataset": {"task": task},
        "test_scores": {metric: ours},
        "reference": {"description": "gradient boosting", "train_rows": 220,
                      "test_scores": {metric: theirs}},
    }  # fmt: skip


def test_the_reference_sentence_says_above_below_or_level():
    assert reference_sentence({"dataset": {"task": "regression"}}) is None
    assert reference_sentence(_info(0.95, 0.938)) == (
        "the best network is 0.012 above gradient boosting on the test rows (accuracy 0.9500 "
        "against 0.9380; both trained on the same 220 rows)"
    )
    assert "0.100 below" in reference_sentence(_info(0.4, 0.5, "regression"))
    assert "R² 0.4000" in reference_sentence(_info(0.4, 0.5, "regression"))
    assert reference_sentence(_info(0.9, 0.9)).startswith("the best network is level with")
    # Without test rows, an ensemble's validation score is said to be its selection's.
    on_val = {"dataset": {"task": "classification"}, "val_scores": {"accuracy": 0.9},
              "ensemble": {"status": "done"}, "reference": {"description": "gradient boosting",
              "train_rows": 220, "val_scores": {"accuracy": 0.8}}}  # fmt: skip
    assert reference_sentence(on_val).endswith(
        "on the val rows (accuracy 0.9000 against 0.8000; both trained on the same 220 rows; "
        "the ensemble's weights were chosen on these rows)"
    )


def test_a_skipped_refit_without_an_estimate_and_a_diverged_one():
    skipped = {**DONE, "status": "skipped", "estimated_seconds": None, "seconds_left": 0.0}
    assert "would take an unknown time" in refit_sentence(skipped)
    diverged = {**DONE, "status": "diverged", "epochs_run": 3}
    assert "diverged (its loss became NaN) after 3 epochs" in refit_sentence(diverged)


MEMBERS = {"status": "done", "train_rows": 220, "rows": 344, "seconds": 6.2, "retrained": 3,
           "shipped": 3, "members": [{"trial_id": t, "status": "done"} for t in "abc"]}  # fmt: skip


def test_an_ensembles_refit_says_how_many_members_were_retrained_and_why_not_the_others():
    assert refit_sentence(MEMBERS).startswith(
        "all 3 members of the shipped ensemble were retrained on all 344 labelled rows"
    )
    partial = {**MEMBERS, "status": "partial", "retrained": 2, "members": [
        {"trial_id": "a", "status": "done"}, {"trial_id": "b", "status": "skipped"},
        {"trial_id": "c", "status": "done"}]}  # fmt: skip
    assert "2 of the shipped ensemble's 3 members were retrained" in refit_sentence(partial)
    assert (
        "the other 1 is the searched one, trained on 220 rows (1 skipped for lack of time)"
        in refit_sentence(partial)
    )
    stopped = {**MEMBERS, "status": "stopped", "retrained": 0,
               "members": [{"trial_id": "a", "status": "stopped"}],
               "untried": {"members": 2, "why": "stopped"}}  # fmt: skip
    assert refit_sentence(stopped) == (
        "the shipped ensemble's 3 members are the searched ones, trained on 220 rows (1 "
        "stopped at the time budget; 2 not tried for lack of time)"
    )
    interrupted = {**stopped, "members": [{"trial_id": "a", "status": "interrupted"}],
                   "untried": {"members": 2, "why": "interrupted"}}  # fmt: skip
    assert "(1 interrupted (Ctrl-C); 2 not tried after Ctrl-C)" in refit_sentence(interrupted)


def test_the_ensemble_sentence_names_the_members_and_compares_with_the_best_trial():
    info = {
        "dataset": {"task": "regression"},
        "test_scores": {"r2": 0.31},
        "best_trial": {"test_scores": {"r2": 0.27}},
        "ensemble": {"status": "done", "candidates": 10, "method": "greedy",
                     "members": [{"trial_id": "0004", "weight": 0.6},
                                 {"trial_id": "0001", "weight": 0.4}]},
    }  # fmt: skip
    assert ensemble_sentence(info) == (
        "the shipped model averages 2 trials (weights in brackets): 0004 (0.60), 0001 (0.40), "
        "chosen greedily from the 10 best on the validation rows, so its validation scores are "
        "optimistic; on the test rows its R² is 0.3100, the best trial's alone 0.2700"
    )
    bagged = {**info, "ensemble": {**info["ensemble"], "method": "bagged"}}
    assert "chosen greedily over 20 random halves from the 10 best" in ensemble_sentence(bagged)
    fell_back = {**info, "ensemble": {**info["ensemble"], "fallback": "its loss was above"}}
    assert (
        "chosen greedily (the bagged selection's average did worse than the best trial "
        "alone) from the 10 best" in ensemble_sentence(fell_back)
    )
    assert ensemble_sentence({**info, "ensemble": {"status": "single"}}) is None
    assert ensemble_sentence({"dataset": {"task": "regression"}}) is None
