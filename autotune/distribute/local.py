"""``--workers N``: worker processes of this search on this machine, each with its share of
the cores and its output in ``RUN/workers/<name>.log``."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

from autotune.distribute.connect import worker_name
from autotune.errors import AutotuneError, exit_status
from autotune.options import TunePlan


def start_local_workers(plan: TunePlan, host: str, port: int) -> dict[str, Any]:
    """Start ``plan.workers`` worker processes of this search on this machine; each logs to
    ``RUN/workers/<name>.log``. Returns name -> process."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked TensorFlow
    processes = {}
    for worker_id in range(1, plan.workers + 1):
        name = worker_name(worker_id)
        log = Path(plan.out) / "workers" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        worker = dataclasses.replace(
            plan,
            role="worker",
            worker_id=worker_id,
            oracle=f"{host}:{port}",
            workers=0,
            overwrite=False,
            resume=False,
        )
        process = context.Process(
            target=_local_worker, args=(worker, str(log), _cores_each(plan.workers)), name=name
        )
        process.start()
        processes[name] = process
    return processes


def _cores_each(workers: int) -> int | None:
    """The intra-op threads each local worker's TensorFlow gets, so that the workers share the
    machine's cores instead of each starting a thread per core (``AUTOTUNE_SPLIT_THREADS=0``:
    TensorFlow's own choice)."""
    if os.environ.get("AUTOTUNE_SPLIT_THREADS", "1") != "1":
        return None
    return max(1, (os.cpu_count() or 1) // workers)


def _local_worker(plan: TunePlan, log: str, threads: int | None) -> None:
    """A local worker process: its output (TensorFlow's included) goes to its log file."""
    handle = open(log, "a", buffering=1, encoding="utf-8")  # noqa: SIM115  (lives as the process)
    os.dup2(handle.fileno(), 1)
    os.dup2(handle.fileno(), 2)
    sys.stdout = sys.stderr = handle
    if threads is not None:
        from autotune.backend import tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
    from autotune.distribute.worker import run_worker

    try:
        run_worker(plan)
    except (AutotuneError, KeyboardInterrupt) as exc:
        code, line = exit_status(exc)
        print(line, flush=True)
        sys.exit(code)
