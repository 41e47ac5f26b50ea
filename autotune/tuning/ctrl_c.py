"""Ctrl-C during a search: the first press stops after the running batch, a second at once."""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any

from autotune.console.progress import SearchProgress
from autotune.runs import RunFolder


@contextmanager
def stop_on_ctrl_c(
    search,
    progress: SearchProgress,
    folder: RunFolder | None = None,
    info: dict[str, Any] | None = None,
):
    """The first Ctrl-C calls ``search.request_stop()``: the running trial finishes its batch
    and is recorded, then the search stops (KeyboardInterrupt between trials). A second one
    stops the process at once: ``run.json`` (when ``folder`` is given) says ``interrupted``,
    the finished trials stay in ``trials.csv``, and the exit code is 130. (Raising
    KeyboardInterrupt a second time would land wherever the interpreter is, TensorFlow's or
    the garbage collector's callbacks included, and print their tracebacks.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def second(signum, frame):
        if folder is None:  # a worker: the chief owns run.json
            print("\nautotune: interrupted at once", file=sys.stderr, flush=True)
            os._exit(130)
        info.update(status="interrupted")
        try:
            folder.write_run(info)
        finally:
            print(
                f"\nautotune: interrupted at once; the finished trials are in "
                f"{folder.trials_csv}; write the report with: autotune report {folder.path}",
                file=sys.stderr,
                flush=True,
            )
            os._exit(130)

    def first(signum, frame):
        signal.signal(signal.SIGINT, second)
        progress.log(
            "[yellow]interrupted:[/] stopping after this batch and writing what finished "
            "(Ctrl-C again to stop at once)"
        )
        search.request_stop()

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        # After a first Ctrl-C the second-press handler stays for the rest of the process:
        # a second press while the partial report is written still stops at once, cleanly.
        if signal.getsignal(signal.SIGINT) is first:
            signal.signal(signal.SIGINT, previous)
