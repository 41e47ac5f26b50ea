"""The parts of a distributed search that need no TensorFlow: the oracle's address, reaching
the chief, the workers' heartbeats, and the local worker processes of ``--workers N``.

KerasTuner runs the search itself (a chief serves the oracle over gRPC, workers ask it for
trials); this module guards its two hangs. A worker whose chief is not listening would wait an
hour in every call: :func:`wait_for_chief` fails after ``--connect-timeout`` instead. A worker
killed mid-trial leaves the chief waiting for that trial forever: every worker writes a
heartbeat file into the shared run folder (:class:`Heartbeat`) and the chief declares a worker
lost when its beat stops changing for ``--worker-timeout`` seconds (:class:`WorkerWatch`),
using its own clock only, so the machines' clocks need not agree.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from autotune.errors import AutotuneError, RunFolderError, UsageError
from autotune.runs import read_json, write_json

# A worker rewrites its heartbeat file this often (seconds).
BEAT_SECONDS = 1.0
# How a worker's heartbeat says it ended, in the chief's words.
ENDED = {
    "finished": "finished",
    "failed": "stopped with an error (its output says which)",
    "interrupted": "was interrupted (Ctrl-C)",
}


class ChiefUnreachableError(AutotuneError):
    """A worker cannot reach (or has lost) the chief it was pointed at."""


def parse_address(text: str, flag: str = "--oracle") -> tuple[str, int]:
    """``HOST:PORT`` -> (host, port); a clear error otherwise."""
    host, sep, port = str(text).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(
            f"{flag} {text!r}: expected HOST:PORT, e.g. 10.0.0.5:8000 (a port from 0 to 65535)"
        )
    return host.strip("[]"), int(port)


def worker_name(worker_id: int) -> str:
    """The worker's KerasTuner tuner id (KerasTuner treats any id with 'chief' in it as the
    chief, so a worker's never has)."""
    return f"worker-{worker_id}"


def wait_for_chief(host: str, port: int, timeout: float) -> None:
    """Return once the chief's gRPC server answers at host:port; fail after ``timeout`` s."""
    import grpc

    channel = grpc.insecure_channel(f"{host}:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
    except grpc.FutureTimeoutError:
        raise ChiefUnreachableError(
            f"--oracle {host}:{port}: no chief answered within {timeout:g} s "
            "(--connect-timeout); start the chief first (autotune tune ... --role chief "
            f"--oracle {host}:{port}) or check the address and that the port is open"
        ) from None
    finally:
        channel.close()


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


def start_local_workers(options, count: int, host: str, port: int) -> dict[str, Any]:
    """Start ``count`` worker processes of this search on this machine; each logs to
    ``RUN/workers/<name>.log``. Returns name -> process."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked TensorFlow
    processes = {}
    for worker_id in range(1, count + 1):
        name = worker_name(worker_id)
        log = Path(options.out) / "workers" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        process = context.Process(
            target=_local_worker,
            args=(options, worker_id, f"{host}:{port}", str(log)),
            name=name,
        )
        process.start()
        processes[name] = process
    return processes


def _local_worker(options, worker_id: int, address: str, log: str) -> None:
    """A local worker process: its output (TensorFlow's included) goes to its log file."""
    from dataclasses import replace

    handle = open(log, "a", buffering=1, encoding="utf-8")  # noqa: SIM115  (lives as the process)
    os.dup2(handle.fileno(), 1)
    os.dup2(handle.fileno(), 2)
    sys.stdout = sys.stderr = handle
    if os.environ.get("AUTOTUNE_SPLIT_THREADS", "1") == "1":
        import tensorflow as tf

        import autotune.tf_setup  # noqa: F401

        # The workers share this machine's cores: each TensorFlow gets its share instead of
        # every one starting a thread per core.
        share = max(1, (os.cpu_count() or 1) // options.workers)
        tf.config.threading.set_intra_op_parallelism_threads(share)
    from autotune.search.worker import run_worker

    worker = replace(
        options,
        role="worker",
        worker_id=worker_id,
        oracle=address,
        workers=0,
        overwrite=False,
        resume=False,
    )
    try:
        run_worker(worker)
    except AutotuneError as exc:
        print(f"autotune: error: {exc}", flush=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("autotune: interrupted", flush=True)
        sys.exit(130)
