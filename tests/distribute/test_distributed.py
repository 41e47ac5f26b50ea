"""Distributed search on KerasTuner's chief / worker mode: real processes on 127.0.0.1, real
gRPC, real training; and the chief's handling of a lost worker on a real oracle."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autotune.distribute.heartbeat import Heartbeat, WorkerWatch, check_worker_id_free
from autotune.errors import UsageError
from autotune.options import TuneOptions
from autotune.runs import RunFolder, write_json

AUTOTUNE = Path(sys.executable).parent / "autotune"
SMALL = ("--space", "fast", "--max-trials", "4", "--seed", "0")


def _start(data: Path, out: Path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(AUTOTUNE), "tune", str(data), *SMALL, "--out", str(out), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
    )


def _wait_for(check, what: str, timeout: float = 120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _rows(out: Path) -> list[dict[str, str]]:
    with open(out / "trials.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_chief_and_two_workers_complete_a_four_trial_search(tmp_path, data_dir):
    out = tmp_path / "run"
    started = time.monotonic()
    chief = _start(
        data_dir / "penguins.csv", out, "--max-epochs", "3", "--role", "chief", "--oracle",
        "127.0.0.1:0",
    )  # fmt: skip
    address = _wait_for(
        lambda: _json(out / "run.json").get("distributed", {}).get("oracle"), "the chief"
    )
    assert not address.endswith(":0")  # a free port, chosen when the chief started
    workers = [
        _start(
            data_dir / "penguins.csv",
            out,
            "--max-epochs",
            "3",
            "--role",
            "worker",
            "--worker-id",
            str(n),
            "--oracle",
            address,
        )  # fmt: skip
        for n in (1, 2)
    ]
    outputs = [p.communicate(timeout=300) for p in (chief, *workers)]
    seconds = time.monotonic() - started
    for process, (_, err) in zip((chief, *workers), outputs, strict=True):
        assert process.returncode == 0, err
    assert seconds < 300

    rows = _rows(out)
    assert sorted(r["trial_id"] for r in rows) == ["0", "1", "2", "3"]  # each trial once
    assert {r["worker"] for r in rows} <= {"worker-1", "worker-2"}
    assert all(r["status"] == "completed" for r in rows)
    info = _json(out / "run.json")
    assert info["status"] == "completed" and info["trials"]["run"] == 4
    ran = info["distributed"]["workers"]
    assert sorted(t for w in ran.values() for t in w["trials"]) == ["0", "1", "2", "3"]
    assert all(not w.get("lost") for w in ran.values())
    for n, (_, err) in zip((1, 2), outputs[1:], strict=True):
        assert f"worker-{n}: the chief has no more trials; this worker ran" in err
    assert (out / "best_model.keras").is_file()
    assert "worker-" in (out / "report.html").read_text()
    # The chief's search ends within seconds of the last trial (KerasTuner's own loop checks
    # every 20 s); the workers wrote their records, the chief the rest. What the chief does after
    # its search (ensemble, refit, reference) is taken off the time its run.json was finished.
    last_record = max(p.stat().st_mtime for p in (out / "trials").glob("*.json"))
    after_search = info["elapsed_seconds"] - info["search_seconds"]
    search_ended = (out / "run.json").stat().st_mtime - after_search
    assert search_ended - last_record < 10
    assert not (out / "workers" / "worker-1.log").exists()  # remote workers log to their terminal


@pytest.mark.slow
def test_a_killed_worker_is_lost_and_the_search_completes(tmp_path, data_dir):
    out = tmp_path / "run"
    chief = _start(data_dir / "penguins.csv", out, "--max-epochs", "30", "--workers", "2")

    def holding():  # the first worker seen running a trial (either may start first)
        for name in ("worker-1", "worker-2"):
            state = _json(out / "workers" / f"{name}.json")
            if state.get("trial_id"):
                return state

    state = _wait_for(holding, "a worker's first trial")
    name = state["worker"]
    os.kill(state["pid"], signal.SIGKILL)  # mid-trial
    _, err = chief.communicate(timeout=300)
    assert chief.returncode == 0, err
    assert f"{name} exited (code -9; its log:" in err

    rows = {r["trial_id"]: r for r in _rows(out)}
    assert sorted(rows) == ["0", "1", "2", "3"]
    lost = rows[state["trial_id"]]
    assert lost["status"] == "failed" and lost["stopped_by"] == "worker_lost"
    assert lost["worker"] == name and f"{name} exited" in lost["error"]
    others = [r for tid, r in rows.items() if tid != state["trial_id"]]
    assert all(r["status"] == "completed" for r in others)
    info = _json(out / "run.json")
    assert info["status"] == "completed"
    assert "exited" in info["distributed"]["workers"][name]["lost"]
    assert (out / "workers" / "worker-2.log").is_file()  # local workers log to the run folder
    assert (out / "workers" / "worker-1.log").is_file()


@pytest.mark.slow
def test_a_killed_distributed_search_resumes(tmp_path, data_dir):
    """Chief and workers killed at once (a machine reboot); the chief restarted with --resume
    keeps the finished trials, runs the cut ones again, and completes the search."""
    out = tmp_path / "run"
    first = subprocess.Popen(
        [str(AUTOTUNE), "tune", str(data_dir / "penguins.csv"), *SMALL, "--out", str(out),
         "--max-epochs", "30", "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    _wait_for(lambda: len(list((out / "trials").glob("*.json"))) >= 2, "two trials")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    kept = {p.name: p.read_bytes() for p in (out / "trials").glob("*.json")}
    again = _start(
        data_dir / "penguins.csv", out, "--max-epochs", "30", "--workers", "2", "--resume"
    )
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"resuming: {len(kept)} finished trial(s) kept" in err
    rows = _rows(out)
    assert sorted(r["trial_id"] for r in rows) == ["0", "1", "2", "3"]
    assert all(r["status"] == "completed" for r in rows)
    for name, content in kept.items():  # finished trials are kept as they were
        assert (out / "trials" / name).read_bytes() == content
    assert _json(out / "run.json")["status"] == "completed"


def test_a_worker_without_a_chief_fails_within_its_timeout(tmp_path, data_dir, cli):
    port = _free_port()  # nothing listens there
    out = tmp_path / "run"
    started = time.monotonic()
    result = cli(
        "tune", data_dir / "penguins.csv", "--role", "worker", "--worker-id", "1", "--oracle",
        f"127.0.0.1:{port}", "--out", out, "--connect-timeout", "2", timeout=60,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"autotune: error: --oracle 127.0.0.1:{port}: no chief answered within 2 s "
        "(--connect-timeout); start the chief first (autotune tune ... --role chief --oracle "
        f"127.0.0.1:{port}) or check the address and that the port is open"
    ]
    assert seconds < 2 + 20  # the timeout, plus starting Python (TensorFlow is not loaded)
    assert not out.exists()


def test_the_chief_ends_a_silent_workers_trial_as_failed(tmp_path):
    """The heartbeat path (workers on other machines): a worker holding a trial whose beat
    stops is declared lost after --worker-timeout; its trial ends failed in KerasTuner's
    oracle, which then no longer waits for it."""
    import keras_tuner as kt

    from autotune.distribute.chief import end_lost_trial

    oracle = kt.oracles.RandomSearchOracle(
        objective=kt.Objective("val_loss", "min"), max_trials=3, seed=0
    )
    oracle.hyperparameters.Choice("units", [8, 16])
    oracle._set_project_dir(str(tmp_path), "tuner")
    trial = oracle.create_trial("worker-1")
    with Heartbeat(tmp_path, "worker-1") as heartbeat:
        heartbeat.trial_started(trial.trial_id)
        watch = WorkerWatch(tmp_path, timeout=1.0)
        watch.read()
        assert watch.newly_lost({"worker-1"}) == {}  # beating
        heartbeat._stop.set()  # the process froze: no more beats
        heartbeat._thread.join()
        time.sleep(0.3)
        watch.read()
        assert watch.newly_lost({"worker-1"}) == {}  # silent, not yet for 1 s
        time.sleep(1.2)
        watch.read()
        lost = watch.newly_lost({"worker-1"})
        assert list(lost) == ["worker-1"] and "no heartbeat for 1 s" in lost["worker-1"]
    ended = end_lost_trial(oracle, "worker-1", lost["worker-1"])
    assert ended.trial_id == trial.trial_id and ended.status == "FAILED"
    assert oracle.ongoing_trials == {} and oracle.tuner_ids == set()
    assert "worker-1 stopped answering" in oracle.get_trial(trial.trial_id).message
    assert oracle.create_trial("worker-2").status == "RUNNING"  # the search goes on


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"role": "worker", "worker_id": 1}, "--role worker needs --oracle HOST:PORT"),
        ({"oracle": "127.0.0.1:8000"}, "--oracle and --worker-id belong to a distributed"),
        ({"role": "chief", "oracle": "localhost"}, "expected HOST:PORT"),
        ({"role": "chief"}, "--role chief needs --oracle HOST:PORT"),
        ({"role": "boss"}, "--role 'boss' is not one of chief, worker"),
        ({"workers": 2, "worker_id": 1}, "--worker-id belongs to a worker"),
        ({"role": "worker", "worker_id": 1, "oracle": "h:1", "resume": True}, "the chief owns"),
    ],
)
def test_distributed_flags_are_checked(tmp_path, data_dir, flags, message):
    options = TuneOptions(data=data_dir / "penguins.csv", out=tmp_path / "run", **flags)
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        options.resolve()


def test_image_folders_are_tuned_in_one_process(tmp_path):
    (tmp_path / "images" / "a").mkdir(parents=True)
    options = TuneOptions(data=tmp_path / "images", workers=2)
    with pytest.raises(UsageError, match="distributed search runs on CSV tables"):
        options.resolve()


@pytest.mark.parametrize(
    ("data", "flags", "differs"),
    [
        ("wine.csv", {}, "the data file's content"),
        ("penguins.csv", {"max_epochs": 3}, "--max-epochs differs from the chief's (2 there"),
        ("penguins.csv", {"space": "mlp"}, "the search space differs"),
    ],
)
def test_a_worker_refuses_another_search(tmp_path, data_dir, penguins_run, data, flags, differs):
    """A worker given other data or options than its chief's run says which, before it
    trains anything (the chief here is a bare gRPC server and a real run's run.json)."""
    from concurrent import futures

    import grpc

    from autotune.distribute.worker import run_worker
    from autotune.errors import RunFolderError

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        out = tmp_path / "run"
        out.mkdir()
        write_json(out / "run.json", RunFolder(penguins_run).read_run())
        options = dict(space="fast", max_epochs=2) | flags
        worker = TuneOptions(
            data=data_dir / data, out=out, role="worker", worker_id=1,
            oracle=f"127.0.0.1:{port}", **options,
        )  # fmt: skip
        with pytest.raises(RunFolderError, match=differs.replace("(", r"\(")):
            run_worker(worker)
        assert sorted(p.name for p in out.iterdir()) == ["run.json"]  # nothing written
    finally:
        server.stop(None)


def test_a_worker_id_that_is_beating_is_refused(tmp_path):
    """Two workers with one id would be handed the same trial; the second is refused while
    the first beats, and accepted once it has ended (or died, leaving a stale heartbeat)."""
    with Heartbeat(tmp_path, "worker-1"):
        with pytest.raises(UsageError, match="worker-1 is already running .* own --worker-id"):
            check_worker_id_free(tmp_path, "worker-1")
    check_worker_id_free(tmp_path, "worker-1")  # ended: status finished
    stale = Heartbeat(tmp_path, "worker-2")
    stale.write()  # status running, but nothing beats any more
    check_worker_id_free(tmp_path, "worker-2")
