"""The first Ctrl-C asks the search to stop after its batch; the handler is put back after."""

from __future__ import annotations

import io
import os
import signal

from rich.console import Console

from autotune.console.progress import SearchProgress
from autotune.tuning.ctrl_c import stop_on_ctrl_c


class Search:
    stopped = 0

    def request_stop(self):
        self.stopped += 1


def test_a_first_press_requests_a_stop_and_arms_the_second(tmp_path):
    out = io.StringIO()
    progress = SearchProgress(1, 1, "val_mse", console=Console(file=out))
    search = Search()
    before = signal.getsignal(signal.SIGINT)
    with stop_on_ctrl_c(search, progress):
        os.kill(os.getpid(), signal.SIGINT)
        assert search.stopped == 1
        assert signal.getsignal(signal.SIGINT) is not before  # a second press stops at once
    assert "interrupted: stopping after this batch" in out.getvalue()
    assert signal.getsignal(signal.SIGINT) is not before  # kept while the report is written
    signal.signal(signal.SIGINT, before)


def test_without_a_press_the_previous_handler_comes_back():
    before = signal.getsignal(signal.SIGINT)
    with stop_on_ctrl_c(
        Search(), SearchProgress(1, 1, "val_mse", console=Console(file=io.StringIO()))
    ):
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before
