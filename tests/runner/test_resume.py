"""Resume after a kill: finished trials are kept, the one cut short runs again, and a run with
other data or another space is refused."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import time
from pathlib import Path

import pytest


def _trials(run: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / "trials").glob("*.json"))}


def _running(run: Path) -> set[str]:
    """Ids of the trials KerasTuner has started that have no record yet."""
    started = {p.parent.name.removeprefix("trial_") for p in run.glob("tuner/trial_*/trial.json")}
    return started - {name.removesuffix(".json") for name in _trials(run)}


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_resume_after_sigkill_keeps_finished_trials_and_reruns_the_cut_one(
    tmp_path, data_dir, cli, tune_until
):
    run = tmp_path / "run"
    search = [data_dir / "penguins.csv", "--space", "fast", "--max-trials", "5"]
    search += ["--max-epochs", "4"]
    process = tune_until(run, 2, *search)
    deadline = time.monotonic() + 60
    while not _running(run):  # kill in a trial, not between two
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)  # mid-search, no clean-up of any kind
    process.wait()
    kept = _trials(run)
    assert 2 <= len(kept) < 5
    assert json.loads((run / "run.json").read_text())["status"] == "running"
    (cut,) = _running(run)  # the trial that was cut short (ids 0..4)
    assert cut == f"{len(kept)}"
    started = json.loads((run / "tuner" / f"trial_{cut}" / "trial.json").read_text())

    done = cli("tune", *search, "--out", run, "--resume")
    assert done.returncode == 0, done.stderr
    assert f"resuming: {len(kept)} finished trial(s) kept" in done.stderr
    rows = list(csv.DictReader((run / "trials.csv").open()))
    assert sorted(r["trial_id"] for r in rows) == ["0", "1", "2", "3", "4"]
    finished = _trials(run)
    assert all(finished[name] == content for name, content in kept.items())  # untouched
    redone = json.loads((run / "trials" / f"{cut}.json").read_text())
    assert redone["hyperparameters"] == started["hyperparameters"]["values"]
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "completed" and len(info["resumed"]) == 1
    assert info["trials"] == {"run": 5, "completed": 5, "failed": 0}
    report = (run / "report.html").read_text(encoding="utf-8")
    assert report.count('<tr class="completed"') == 5
    assert (run / "best_model.keras").exists()


def test_resume_refuses_other_data_space_or_splits(tmp_path, data_dir, cli, penguins_run):
    run = tmp_path / "run"
    shutil.copytree(penguins_run, run)
    before = {p: p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()}
    same = ["--out", run, "--space", "fast", "--max-trials", "3", "--resume"]

    changed = tmp_path / "penguins.csv"
    changed.write_text((data_dir / "penguins.csv").read_text().replace("Torgersen", "Torg", 1))
    cases = [
        (["tune", changed, *same], "the data file's content differs from the run's"),
        (["tune", data_dir / "penguins.csv", "--out", run, "--resume"], "the search space differs"),
        (
            ["tune", data_dir / "penguins.csv", *same, "--seed", "1"],
            "--seed differs from the run's (0 then, 1 now)",
        ),
        (["tune", data_dir / "penguins.csv", *same, "--overwrite"], "--resume and --overwrite"),
        (["tune", data_dir / "penguins.csv", "--resume"], "--resume needs --out RUN_DIR"),
    ]
    for args, message in cases:
        done = cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        (line,) = done.stderr.strip().splitlines()
        assert line.startswith("autotune: error: ") and message in line, line
    after = {p: p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()}
    assert after == before  # nothing written
