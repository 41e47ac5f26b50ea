"""The chief of a distributed search, on KerasTuner's own chief / worker mode.

The chief serves its oracle with KerasTuner's gRPC service (``OracleServicer``); workers
(:mod:`autotune.distribute.worker`) ask it for trials, train them and write each trial's record
into the shared run folder. KerasTuner's own serving loop (``oracle_chief.start_server``) is
replaced by :meth:`ChiefSearch._search`, which serves the same service and also

- notices lost workers (:class:`~autotune.distribute.heartbeat.WorkerWatch`) and ends the trial a
  lost worker held as failed, saying why, so the search finishes without it (KerasTuner's
  loop waits for that trial forever);
- stops as soon as the last trial has ended and every worker has been told to stop (KerasTuner
  checks every 20 s);
- reads the workers' trial records as they land, to keep ``trials.csv`` and the terminal up
  to date, and enforces the time budget and Ctrl-C by closing the oracle to new trials.
"""

from __future__ import annotations

import time
from concurrent import futures
from typing import Any

from autotune.backend import kt  # noqa: F401  (KerasTuner loads after TensorFlow)

import grpc
from keras_tuner.src import protos
from keras_tuner.src.distribute.oracle_chief import OracleServicer
from keras_tuner.src.engine.oracle import synchronized
from keras_tuner.src.engine.trial import TrialStatus
from rich.markup import escape

from autotune.distribute.heartbeat import WorkerWatch
from autotune.distribute.local import start_local_workers
from autotune.errors import RunFolderError, UsageError
from autotune.options import parse_address
from autotune.runs import RunFolder, read_json
from autotune.tuning.records import trial_record
from autotune.tuning.search import Search
from autotune.vocabulary import describe_trial

# How often the chief looks at the oracle, the heartbeats and the trial records (seconds).
POLL_SECONDS = 0.2
# How long the chief waits for a local worker process to exit after the search.
EXIT_WAIT_SECONDS = 30


@synchronized
def _snapshot(oracle) -> tuple[dict[str, Any], set[str]]:
    """The running trials (worker -> trial) and the connected workers."""
    return dict(oracle.ongoing_trials), set(oracle.tuner_ids)


@synchronized
def _close(oracle) -> None:
    """No new trial: KerasTuner's oracle answers STOPPED once max_trials are reached."""
    oracle.max_trials = len(oracle.trials)


@synchronized
def end_lost_trial(oracle, worker: str, why: str):
    """Forget a lost worker; end the trial it held (if any) as failed. Returns that trial."""
    oracle.tuner_ids.discard(worker)
    trial = oracle.ongoing_trials.get(worker)
    if trial is None:
        return None
    trial.status = TrialStatus.FAILED
    trial.message = f"{why} during this trial"
    oracle.end_trial(trial)
    return trial


class ChiefSearch(Search):
    """A search whose trials run in worker processes (here or on other machines).

    Args (beyond :class:`~autotune.tuning.search.Search`'s):
        on_listening: called with ``HOST:PORT`` once the oracle listens (the port is chosen
            when ``--oracle`` gives port 0).
    """

    def __init__(self, *args, on_listening, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = folder = RunFolder(self.plan.out)
        self.on_listening = on_listening
        self.tuner.oracle.verbose = 0  # KerasTuner's display would print every trial
        self.watch = WorkerWatch(folder.path, self.plan.worker_timeout)
        self.address: str | None = None
        self.started: dict[str, str] = {}  # trial id -> worker
        # Records already there (a resumed run) are the runner's already: not news.
        self._mtimes = {p: p.stat().st_mtime_ns for p in folder.trials_dir.glob("*.json")}
        self._stopping = False
        self._closed = False

    def request_stop(self) -> None:
        """Ctrl-C: hand out no new trial; the running ones finish (a local worker gets the
        same Ctrl-C from the terminal and stops after its batch)."""
        self._stopping = True

    def _search(self) -> None:
        oracle = self.tuner.oracle
        self.tuner.save()  # as KerasTuner's chief does before serving
        host, port = parse_address(self.plan.oracle or "127.0.0.1:0")
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
        servicer = OracleServicer(oracle)
        protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
        try:
            port = server.add_insecure_port(f"{host}:{port}")
        except RuntimeError:
            port = 0
        if not port:
            raise UsageError(
                f"--oracle {self.plan.oracle}: cannot listen there (the port is taken or the "
                "address is not this machine's); choose another port, or 0 for a free one"
            )
        server.start()
        self.address = f"{host}:{port}"
        self.on_listening(self.address)
        if self.plan.workers:
            local = "127.0.0.1" if host == "0.0.0.0" else host
            self.watch.processes = start_local_workers(self.plan, local, port)
        try:
            while not self._finished(servicer):
                time.sleep(POLL_SECONDS)
        finally:
            server.stop(grace=1)
            for process in self.watch.processes.values():
                process.join(EXIT_WAIT_SECONDS)
                if process.exitcode is None:
                    process.kill()
                    process.join()
        self._poll()  # the last records
        if self._stopping:
            raise KeyboardInterrupt  # as a local search does after Ctrl-C

    def _finished(self, servicer: OracleServicer) -> bool:
        oracle = self.tuner.oracle
        self._poll()
        running, connected = _snapshot(oracle)
        alive = connected - set(self.watch.lost)
        deadline = self.tuner.deadline  # the budget's end, less the refit's reserve
        out_of_time = deadline is not None and time.monotonic() >= deadline
        no_workers = self.watch.local_workers_done() and not alive
        if (out_of_time or self._stopping or no_workers) and not self._closed:
            _close(oracle)
            self._closed = True
            if no_workers and not (out_of_time or self._stopping):
                self.progress.log("[yellow]every worker has exited[/]; ending the search")
        # KerasTuner's own signal: the oracle has answered STOPPED (its trial limit is reached
        # and no trial waits to run again); or this chief closed it.
        stopped = servicer.stop_triggered or self._closed
        return stopped and not running and not alive

    def _poll(self) -> None:
        """Lost workers, newly started trials, newly written trial records."""
        oracle = self.tuner.oracle
        self.watch.read()
        running, connected = _snapshot(oracle)
        for worker, trial in running.items():
            if trial.trial_id not in self.started:
                self.started[trial.trial_id] = worker
                self.progress.log(
                    f"trial {trial.trial_id} started on {worker}: "
                    + escape(describe_trial(trial.hyperparameters.values))
                )
        for worker, why in self.watch.newly_lost(set(running) | connected).items():
            trial = end_lost_trial(oracle, worker, why)
            if trial is None:
                self.progress.log(f"[yellow]{why}[/]")
                continue
            self.progress.log(f"[yellow]{why}[/] during trial {trial.trial_id}: marked failed")
            if not (self.folder.trials_dir / f"{trial.trial_id}.json").exists():
                record = trial_record(trial, {"history": {}}, self.objective)
                how = "interrupted" if self.watch.interrupted(worker) else "worker_lost"
                record.update(worker=worker, stopped_by=how)
                self.folder.write_trial(record)
        for path in sorted(self.folder.trials_dir.glob("*.json")):
            mtime = path.stat().st_mtime_ns
            if self._mtimes.get(path) == mtime:
                continue
            try:
                record = read_json(path)
            except RunFolderError:
                continue  # being replaced: read next time
            self._mtimes[path] = mtime
            self.on_trial_done(record)

    def cluster_info(self) -> dict[str, Any]:
        """``run.json``'s ``distributed``: the oracle's address and what each worker did."""
        workers: dict[str, dict[str, Any]] = {}
        for trial_id, worker in sorted(self.started.items()):
            workers.setdefault(worker, {"trials": []})["trials"].append(trial_id)
        for worker, state in self.watch.states.items():
            entry = workers.setdefault(worker, {"trials": []})
            entry.update(host=state.get("host"), pid=state.get("pid"), status=state.get("status"))
        for worker, why in self.watch.lost.items():
            if not self.watch.interrupted(worker):
                workers.setdefault(worker, {"trials": []})["lost"] = why
        return {
            "oracle": self.address,
            "local_workers": self.plan.workers,
            "worker_timeout_seconds": self.plan.worker_timeout,
            "workers": dict(sorted(workers.items())),
        }
