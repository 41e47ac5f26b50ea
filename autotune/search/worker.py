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
import time
from typing import Any

from autotune.errors import RunFolderError
from autotune.models.params import objective_name
from autotune.runs import RunFolder
from autotune.search.cluster import (
    ChiefUnreachableError,
    Heartbeat,
    check_worker_id_free,
    parse_address,
    wait_for_chief,
    worker_name,
)
from autotune.search.ctrl_c import stop_on_ctrl_c
from autotune.search.options import TuneOptions
from autotune.search.runner import load_table_search, progress_of
from autotune.search.same_run import RESUME_MUST_MATCH, first_difference

# What a worker must share with its chief, beyond what a resumed run shares with its run.
WORKER_MUST_MATCH = RESUME_MUST_MATCH + (
    (("budgets", "max_epochs"), "--max-epochs"),
    (("budgets", "patience"), "--patience"),
)


def run_worker(options: TuneOptions, progress_console=None) -> dict[str, Any]:
    """Run trials for the chief at ``options.oracle`` until it says stop.

    Returns ``{"worker", "trials", "seconds"}``. Raises ChiefUnreachableError when the chief
    does not answer within ``options.connect_timeout`` (at the start or later).
    """
    options.check()
    started = time.monotonic()
    host, port = parse_address(options.oracle)
    name = worker_name(options.worker_id)
    folder = RunFolder(options.out)
    wait_for_chief(host, port, options.connect_timeout)
    if not folder.run_json.exists():
        raise RunFolderError(
            f"--out {folder.path}: the chief at {host}:{port} did not write its run.json here; "
            "give every worker the chief's --out, on a file system they all share"
        )
    chief = folder.read_run()
    check_worker_id_free(folder.path, name)
    space, data, init_from = load_table_search(options)
    mine = {
        "dataset": data.summary,
        "options": {
            "test_size": options.test_size,
            "weights": options.weights,
            "pretrain": options.pretrain,
        },
        "seed": options.seed,
        "tuner": options.tuner,
        "space": space.to_dict(),
        "init_from": init_from,
        "budgets": {"max_epochs": options.max_epochs, "patience": options.patience},
    }
    differs = first_difference(chief, mine, WORKER_MUST_MATCH)
    if differs:
        what, theirs, ours = differs
        raise RunFolderError(
            f"--role worker: {what} differs from the chief's ({theirs} there, {ours} here); "
            "run each worker with the chief's command and data, plus --role worker "
            "--worker-id N"
        )
    # KerasTuner's worker mode: the tuner proxies its oracle to the chief over gRPC.
    os.environ.update(
        KERASTUNER_TUNER_ID=name, KERASTUNER_ORACLE_IP=host, KERASTUNER_ORACLE_PORT=str(port)
    )
    from keras_tuner.src.distribute import oracle_client

    import autotune.tf_setup  # noqa: F401  (TensorFlow loads here, quietly)

    # Each call to the chief waits for it at most this long (KerasTuner's default: an hour).
    oracle_client.TIMEOUT = options.connect_timeout

    import grpc

    from autotune.search.tables import TabularProblem
    from autotune.search.training import Search  # TensorFlow loads here

    progress = progress_of(
        options, objective_name(data.preprocessing.task), started, progress_console
    )
    progress.log(f"{name}: running trials for the chief at {host}:{port}; run folder {folder.path}")
    problem = TabularProblem(data, pretrain=options.pretrain, init_from=init_from)
    ran: list[str] = []
    with Heartbeat(folder.path, name) as heartbeat:

        def trial_done(record: dict[str, Any]) -> None:
            record["worker"] = name
            folder.write_trial(record)
            heartbeat.trial_ended(record["trial_id"])
            ran.append(record["trial_id"])
            progress.trial_ended(record, is_best=False)

        deadline = started + options.time_budget if options.time_budget else None
        search = Search(
            options,
            space,
            problem,
            str(folder.path),
            progress,
            deadline,
            trial_done,
            resume=True,  # the chief's tuner folder: keep it
            on_trial_start=lambda trial: heartbeat.trial_started(trial.trial_id),
            guided=False,  # the chief's oracle steers the trials
        )
        try:
            with progress, stop_on_ctrl_c(search, progress):
                search.run()
        except grpc.RpcError as exc:
            raise ChiefUnreachableError(
                f"{name}: lost the chief at {host}:{port} ({exc.code().name}); the trials this "
                f"worker finished are in {folder.trials_dir}"
            ) from None
    seconds = round(time.monotonic() - started, 1)
    progress.log(
        f"{name}: the chief has no more trials; this worker ran {len(ran)} "
        f"({', '.join(ran) or 'none'}) in {seconds:.0f} s; the chief writes the results to "
        f"{folder.path}"
    )
    return {"worker": name, "trials": ran, "seconds": seconds}
