"""A worker of a distributed search (``autotune tune ... --role worker``).

A worker reaches the chief first (no TensorFlow yet, so a wrong address fails in seconds),
checks that it was given the chief's search (same data, split, space and budgets, read from
the chief's ``run.json`` in the shared run folder), then runs KerasTuner's own worker loop:
ask the chief's oracle for a trial, train it, report it, until the oracle says stop. It writes
each trial's record (``trials/<id>.json``, with its name), its KerasTuner checkpoints and its
heartbeat (``workers/<name>.json``); the chief writes everything else.
"""

from __future__ import annotations

import os
from typing import Any

from autotune.console.progress import SearchProgress
from autotune.distribute.connect import ChiefUnreachableError, wait_for_chief, worker_name
from autotune.distribute.heartbeat import Heartbeat, check_worker_id_free
from autotune.errors import RunFolderError
from autotune.options import TunePlan, parse_address
from autotune.problems.prepare import Prepared, build_problem, prepare_table
from autotune.runs import RunFolder
from autotune.runs.same_run import RESUME_MUST_MATCH, first_difference
from autotune.tuning.ctrl_c import stop_on_ctrl_c
from autotune.vocabulary import objective_name

# What a worker must share with its chief, beyond what a resumed run shares with its run.
WORKER_MUST_MATCH = RESUME_MUST_MATCH + (
    (("budgets", "max_epochs"), "--max-epochs"),
    (("budgets", "patience"), "--patience"),
)


def run_worker(plan: TunePlan, progress_console=None) -> dict[str, Any]:
    """Run trials for the chief at ``plan.oracle`` until it says stop.

    Returns ``{"worker", "trials", "seconds"}``. Raises ChiefUnreachableError when the chief
    does not answer within ``plan.connect_timeout`` (at the start or later).
    """
    plan = plan.resolve()
    clock = plan.start_clock()
    host, port = parse_address(plan.oracle)
    name = worker_name(plan.worker_id)
    folder = RunFolder(plan.out)
    wait_for_chief(host, port, plan.connect_timeout)
    if not folder.run_json.exists():
        raise RunFolderError(
            f"--out {folder.path}: the chief at {host}:{port} did not write its run.json here; "
            "give every worker the chief's --out, on a file system they all share"
        )
    chief = folder.read_run()
    check_worker_id_free(folder.path, name)
    prepared = prepare_table(plan)
    _check_same_search(plan, prepared, chief)
    _join_chief(name, host, port, plan.connect_timeout)
    progress = SearchProgress.for_plan(
        plan, objective_name(prepared.data.preprocessing.task, plan.metric), clock, progress_console
    )
    progress.log(f"{name}: running trials for the chief at {host}:{port}; run folder {folder.path}")
    ran = _run_trials(plan, prepared, progress, clock, name, folder, f"{host}:{port}")
    seconds = clock.elapsed()
    progress.log(
        f"{name}: the chief has no more trials; this worker ran {len(ran)} "
        f"({', '.join(ran) or 'none'}) in {seconds:.0f} s; the chief writes the results to "
        f"{folder.path}"
    )
    return {"worker": name, "trials": ran, "seconds": seconds}


def _check_same_search(plan: TunePlan, prepared: Prepared, chief: dict[str, Any]) -> None:
    """Refuse to work for a chief that runs another search (nothing is written)."""
    mine = {
        "dataset": prepared.data.summary,
        "options": {
            "test_size": plan.test_size,
            "weights": plan.weights,
            "pretrain": plan.pretrain,
            "scaling": plan.scaling,
        },
        "seed": plan.seed,
        "tuner": plan.tuner,
        "space": prepared.space.to_dict(),
        "init_from": prepared.init_from,
        "budgets": {"max_epochs": plan.max_epochs, "patience": plan.patience},
    }
    differs = first_difference(chief, mine, WORKER_MUST_MATCH)
    if differs:
        what, theirs, ours = differs
        raise RunFolderError(
            f"--role worker: {what} differs from the chief's ({theirs} there, {ours} here); "
            "run each worker with the chief's command and data, plus --role worker "
            "--worker-id N"
        )


def _join_chief(name: str, host: str, port: int, timeout: float) -> None:
    """KerasTuner's worker mode: the tuner proxies its oracle to the chief over gRPC, each call
    waiting at most ``timeout`` seconds (KerasTuner's default: an hour). TensorFlow loads here."""
    os.environ.update(
        KERASTUNER_TUNER_ID=name, KERASTUNER_ORACLE_IP=host, KERASTUNER_ORACLE_PORT=str(port)
    )
    from autotune.backend import kt  # noqa: F401  (KerasTuner loads after TensorFlow)

    from keras_tuner.src.distribute import oracle_client

    oracle_client.TIMEOUT = timeout


def _run_trials(plan, prepared, progress, clock, name, folder, address) -> list[str]:
    """KerasTuner's worker loop under a heartbeat; the ids of the trials this worker ran."""
    import grpc

    from autotune.tuning.search import Search

    problem = build_problem(prepared, plan, progress)
    ran: list[str] = []
    with Heartbeat(folder.path, name) as heartbeat:

        def trial_done(record: dict[str, Any]) -> None:
            record["worker"] = name
            folder.write_trial(record)
            heartbeat.trial_ended(record["trial_id"])
            ran.append(record["trial_id"])
            progress.trial_ended(record, is_best=False)

        search = Search(
            plan,
            prepared.space,
            problem,
            progress,
            clock,
            trial_done,
            on_trial_start=lambda trial: heartbeat.trial_started(trial.trial_id),
        )
        try:
            with progress, stop_on_ctrl_c(search, progress):
                search.run()
        except grpc.RpcError as exc:
            raise ChiefUnreachableError(
                f"{name}: lost the chief at {address} ({exc.code().name}); the trials this "
                f"worker finished are in {folder.trials_dir}"
            ) from None
    return ran
