"""Workers' heartbeats: how the chief of a distributed search tells a working worker from a
lost one. No TensorFlow here.

A worker killed mid-trial leaves KerasTuner's chief waiting for that trial forever: every
worker writes a heartbeat file into the shared run folder (:class:`Heartbeat`) and the chief
declares a worker lost when its beat stops changing for ``--worker-timeout`` seconds
(:class:`WorkerWatch`), using its own clock only, so the machines' clocks need not agree.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from autotune.errors import RunFolderError, UsageError
from autotune.runs import read_json, write_json

# A worker rewrites its heartbeat file this often (seconds).
BEAT_SECONDS = 1.0
# How a worker's heartbeat says it ended, in the chief's words.
ENDED = {
    "finished": "finished",
    "failed": "stopped with an error (its output says which)",
    "interrupted": "was interrupted (Ctrl-C)",
}


def check_worker_id_free(run_dir: Path, name: str) -> None:
    """Refuse a worker id whose heartbeat is still beating: KerasTuner would hand two workers
    with one id the same trial. (A stale heartbeat, from a worker that died, does not count.)"""
    path = Path(run_dir) / "workers" / f"{name}.json"

    def running() -> dict[str, Any] | None:
        try:
            state = read_json(path)
        except RunFolderError:
            return None
        return state if state.get("status") == "running" else None

    before = running()
    if before is None:
        return
    time.sleep(2.5 * BEAT_SECONDS)
    after = running()
    if after is not None and after.get("beat") != before.get("beat"):
        raise UsageError(
            f"--worker-id: {name} is already running (on {after.get('host')}, pid "
            f"{after.get('pid')}); give each worker its own --worker-id"
        )


class Heartbeat:
    """A worker's heartbeat: ``RUN/workers/<name>.json`` rewritten every ``BEAT_SECONDS`` by a
    daemon thread, with a beat counter, the host, the pid and the trial it is running."""

    def __init__(self, run_dir: Path, name: str):
        self.path = Path(run_dir) / "workers" / f"{name}.json"
        self.state = {
            "worker": name,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "beat": 0,
            "trial_id": None,
            "trials": [],
            "status": "running",
        }
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.write()
        self._thread.start()
        return self

    def __exit__(self, kind, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        ended = "finished" if kind is None else "failed"
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            ended = "interrupted"
        self.state.update(status=ended)
        self.write()

    def trial_started(self, trial_id: str) -> None:
        self.state["trial_id"] = trial_id
        self.write()

    def trial_ended(self, trial_id: str) -> None:
        self.state["trials"] = [*self.state["trials"], trial_id]
        self.state["trial_id"] = None
        self.write()

    def write(self) -> None:
        self.state["beat"] += 1
        write_json(self.path, self.state)

    def _run(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            self.write()


class WorkerWatch:
    """The chief's view of the workers: which are alive, which are lost.

    A worker is lost when its heartbeat has not changed for ``timeout`` seconds of the
    chief's clock, when the chief has never seen a heartbeat from a worker that holds a trial
    for that long, or, for a local worker, when its process has exited.
    """

    def __init__(self, run_dir: Path, timeout: float):
        self.folder = Path(run_dir) / "workers"
        self.timeout = timeout
        self.seen: dict[str, tuple[Any, float]] = {}  # name -> (last beat, when it changed)
        self.lost: dict[str, str] = {}  # name -> why
        self.states: dict[str, dict[str, Any]] = {}
        self.processes: dict[str, multiprocessing.Process] = {}

    def read(self) -> None:
        now = time.monotonic()
        for path in sorted(self.folder.glob("*.json")):
            try:
                state = read_json(path)
            except RunFolderError:
                continue  # being replaced; read it next time
            name = state.get("worker", path.stem)
            self.states[name] = state
            beat = (state.get("beat"), state.get("pid"), state.get("host"))
            if self.seen.get(name, (None,))[0] != beat:
                self.seen[name] = (beat, now)
                if name in self.lost and state.get("status") == "running":
                    del self.lost[name]  # it came back (a pause longer than the timeout)

    def silent_for(self, name: str) -> float:
        now = time.monotonic()
        return now - self.seen.setdefault(name, (None, now))[1]

    def newly_lost(self, holding: set[str]) -> dict[str, str]:
        """Workers lost since the last call, among those that hold a trial or that KerasTuner
        counts as connected (``holding``); name -> why."""
        found = {}
        for name, process in self.processes.items():
            if name not in self.lost and process.exitcode not in (None, 0):
                log = self.folder / f"{name}.log"
                found[name] = f"{name} exited (code {process.exitcode}; its log: {log})"
        for name in holding:
            if name in self.lost or name in found:
                continue
            status = self.states.get(name, {}).get("status")
            if status in ENDED:
                found[name] = f"{name} {ENDED[status]}"
            elif self.silent_for(name) >= self.timeout:
                found[name] = (
                    f"{name} stopped answering (no heartbeat for {self.timeout:g} s, "
                    "--worker-timeout)"
                )
        self.lost.update(found)
        return found

    def interrupted(self, name: str) -> bool:
        """Whether the worker's heartbeat says it ended on Ctrl-C (not lost: stopped)."""
        return self.states.get(name, {}).get("status") == "interrupted"

    def local_workers_done(self) -> bool:
        """Every local worker process has exited (False when there are none)."""
        return bool(self.processes) and all(p.exitcode is not None for p in self.processes.values())
