"""The report's info records, built from a recorded run folder (no training).

``tests/data/runs/penguins_wide`` is a real 12-trial search on penguins over
``tests/data/runs/wide.yaml`` (11 completed, 1 diverged); see ``tests/data/README.md``.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from autotune.report.across import across_info
from autotune.report.curves import curves_info
from autotune.report.health import health_info
from autotune.report.leaderboard import leaderboard_info
from autotune.report.run_data import RunData, load_run
from autotune.report.search import MIN_TRIALS_FOR_IMPORTANCE, search_info
from autotune.report.summary import summary_info
from autotune.runs import RunFolder

RECORDED = Path(__file__).parents[1] / "data" / "runs" / "penguins_wide"


@pytest.fixture(scope="module")
def run() -> RunData:
    return load_run(RECORDED)


def test_trials_are_ranked_with_the_failed_one_last(run):
    assert len(run.trials) == 12
    assert [t["rank"] for t in run.trials[:11]] == list(range(1, 12))
    assert run.trials[-1]["trial_id"] == "03" and run.trials[-1]["rank"] is None
    scores = [t["score"] for t in run.completed]
    assert scores == sorted(scores)
    assert run.best["trial_id"] == run.info["best_trial"]["trial_id"] == "00"


def test_summary(run):
    s = summary_info(run)
    assert s["title"] == "penguins" and s["status"] == "completed"
    assert s["dataset"]["rows"] == 344 and s["dataset"]["task"] == "classification"
    assert [c["label"] for c in s["dataset"]["classes"]] == ["Adelie", "Chinstrap", "Gentoo"]
    assert math.isclose(sum(c["share"] for c in s["dataset"]["classes"]), 1.0)
    assert math.isclose(s["dataset"]["imbalance"], 152 / 68)
    assert s["budget"]["trials_run"] == 12 and s["budget"]["failed"] == 1
    assert s["budget"]["max_trials"] == 12
    assert s["best"]["trial_id"] == "00" and s["best"]["score"] == pytest.approx(0.0268, abs=1e-4)
    assert s["test_scores"]["accuracy"] == run.info["test_scores"]["accuracy"]
    assert s["versions"]["keras-tuner"]


def test_leaderboard(run):
    board = leaderboard_info(run)
    rows = board["rows"]
    assert [r["trial_id"] for r in rows] == [t["trial_id"] for t in run.trials]
    assert board["shown_metric"] == "val_accuracy"
    failed = rows[-1]
    assert failed["status"] == "failed" and failed["rank"] is None
    assert failed["error"] == "the loss became NaN or infinite (diverged)"
    assert [b["name"] for b in failed["badges"]] == ["nan_loss", "exploding_gradients"]
    assert {b["severity"] for b in failed["badges"]} == {"serious"}
    by_id = {r["trial_id"]: r for r in rows}
    assert by_id["07"]["badges"] == [{"name": "dying_relu", "severity": "serious"}]
    assert by_id["00"]["badges"] == [] and by_id["00"]["metric"] == 1.0
    assert by_id["00"]["architecture"].startswith("[")


def test_search_history_and_importance(run):
    search = search_info(run)
    trials = search["trials"]
    assert [t["trial_id"] for t in trials] == [f"{i:02d}" for i in range(12)]
    assert not trials[3]["completed"] and trials[3]["score"] is None
    best = [t["best_so_far"] for t in trials]
    assert best[0] == trials[0]["score"]
    assert all(b is not None and a >= b for a, b in zip(best, best[1:], strict=False))
    assert set(trials[0]["params"]) == set(run.searched)
    importance = search["importance"]
    assert set(importance) <= set(run.searched)
    assert math.isclose(sum(importance.values()), 1.0, rel_tol=1e-6)
    assert list(importance.values()) == sorted(importance.values(), reverse=True)
    assert search_info(run)["importance"] == importance  # seeded: the same every time


def test_importance_needs_enough_trials(run):
    few = RunData(run.folder, run.info, run.trials[: MIN_TRIALS_FOR_IMPORTANCE - 1])
    search = search_info(few)
    assert search["importance"] is None
    assert "importance needs at least" in search["importance_note"]


def test_learning_curves(run):
    curves = curves_info(run)
    assert curves["loss_name"] == "cross_entropy" and curves["metric_name"] == "accuracy"
    highlighted = [t for t in curves["trials"] if t["highlighted"]]
    assert sorted(t["rank"] for t in highlighted) == [1, 2, 3]
    assert curves["trials"][-1]["rank"] == 1  # drawn last, on top
    for trial in curves["trials"]:
        assert len(trial["epochs"]) == len(trial["loss"]) == len(trial["val_loss"])
        if trial["best_epoch"]:
            assert trial["epochs"][0] <= trial["best_epoch"] <= trial["last_epoch"]
    stopped = {t["trial_id"]: t for t in curves["trials"]}["02"]
    assert stopped["stopped_by"] == "early_stopping" and stopped["last_epoch"] == 6


def test_gradient_health(run):
    health = health_info(run)
    assert health["default"] == "00"
    by_id = {t["trial_id"]: t for t in health["trials"]}
    for trial in health["trials"]:
        assert trial["measured"]
        assert len(trial["grad_norm"]) == len(trial["epochs"]) == len(trial["update_ratio"])
        assert all(len(row) == len(trial["layers"]) for row in trial["grad_norm"])
    dying = by_id["07"]
    assert dying["findings"][0]["name"] == "dying_relu"
    assert dying["findings"][0]["remedies"][0]["text"]
    assert max(dying["dead_fraction"][-1]) > 0.5
    assert any(v for row in by_id["02"]["saturated_fraction"] for v in row)  # tanh


def test_diagnosis_across_trials_counts_exactly(run):
    across = across_info(run)
    assert across["trials"] == 12
    assert across["healthy"] == sum(1 for t in run.trials if t["health"] == "healthy")
    for finding in across["findings"]:
        with_it = [
            t for t in run.trials if any(f["name"] == finding["name"] for f in t["findings"])
        ]
        assert finding["trials"] == len(with_it)
        assert finding["trial_ids"] == sorted(t["trial_id"] for t in with_it)
    by_name = {f["name"]: f for f in across["findings"]}
    assert by_name["dying_relu"]["region"] is None
    assert by_name["dying_relu"]["where"] == "too few trials to tie to a region"
    assert by_name["dying_relu"]["advice"][-1].endswith("(the trial's first remedy)")
    severities = [f["severity"] for f in across["findings"]]
    assert severities == sorted(severities, key=lambda s: s != "serious")


def _synthetic(run: RunData) -> RunData:
    """20 trials where vanishing_gradients occurs exactly with sigmoid and >= 6 layers."""
    space = {
        "n_layers": {"type": "int", "min": 1, "max": 8},
        "activation": {"type": "choice", "values": ["relu", "tanh", "sigmoid"]},
        "learning_rate": {"type": "float", "min": 1e-4, "max": 1e-1, "sampling": "log"},
    }
    trials = []
    for i in range(20):
        params = {
            "n_layers": [2, 7, 3, 8, 6, 1, 7][i % 7],
            "activation": ["relu", "tanh", "sigmoid"][i % 3],
            "learning_rate": [1e-3, 1e-2, 3e-4, 5e-2][i % 4],
        }
        sick = params["activation"] == "sigmoid" and params["n_layers"] >= 6
        findings = (
            [
                {
                    "name": "vanishing_gradients",
                    "remedies": [
                        {
                            "id": "relu_he",
                            "text": "Use a ReLU-family activation (sigmoid -> relu)",
                            "change": {},
                        }
                    ],
                }
            ]
            if sick
            else []
        )
        trials.append(
            {
                "trial_id": f"{i:02d}",
                "status": "completed",
                "score": 1.0,
                "rank": i + 1,
                "hyperparameters": params,
                "findings": findings,
            }
        )
    info = {**run.info, "space": {"name": "synthetic", "hyperparameters": space}}
    return RunData(run.folder, info, trials)


def test_diagnosis_ties_a_finding_to_the_region_that_has_it(run):
    synthetic = _synthetic(run)
    (finding,) = across_info(synthetic)["findings"]
    sick = sum(
        1
        for t in synthetic.trials
        if t["hyperparameters"]["activation"] == "sigmoid" and t["hyperparameters"]["n_layers"] >= 6
    )
    assert finding["name"] == "vanishing_gradients" and finding["trials"] == sick
    region = finding["region"]
    assert region["hits"] == region["trials"] == sick and region["outside_hits"] == 0
    assert sorted(region["text"].split(" and ")) == ["activation sigmoid", "n_layers ≥ 6"]
    assert finding["advice"][0].startswith("Drop the region")
    assert "remove sigmoid from activation's values" in finding["advice"][0]
    assert "set n_layers's max below 6" in finding["advice"][0]
    assert finding["advice"][1] == (
        f"Use a ReLU-family activation (the first remedy in {sick} of {sick} trials)"
    )


def test_a_partial_run_reads_as_it_is(run, tmp_path):
    folder = tmp_path / "partial"
    shutil.copytree(run.folder.path, folder)
    info = json.loads((folder / "run.json").read_text())
    for key in ("best_trial", "val_scores", "test_scores", "finished", "trials", "search_seconds"):
        info.pop(key, None)
    info["status"] = "interrupted"
    (folder / "run.json").write_text(json.dumps(info))
    for path in sorted((folder / "trials").glob("*.json"))[3:]:
        path.unlink()
    partial = load_run(folder)
    s = summary_info(partial)
    assert s["status"] == "interrupted" and "partial" in s["status_text"]
    assert s["budget"]["trials_run"] == 3 and s["budget"]["completed"] == 3
    assert s["test_scores"] is None

    shutil.rmtree(folder / "trials")
    empty = load_run(folder)
    assert empty.trials == [] and summary_info(empty)["best"] is None
    assert across_info(empty)["findings"] == []


def test_not_a_run_folder(tmp_path):
    from autotune.errors import RunFolderError

    with pytest.raises(RunFolderError, match="run.json: missing"):
        load_run(tmp_path)
    assert RunFolder(tmp_path).report == tmp_path / "report.html"
