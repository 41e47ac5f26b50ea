"""``--workers N``: real worker processes, each with its share of the cores and its own log."""

from __future__ import annotations

import socket

from autotune.distribute.local import _cores_each, start_local_workers
from autotune.options import TuneOptions


def test_the_cores_are_shared_unless_asked_not_to(monkeypatch):
    monkeypatch.setenv("AUTOTUNE_SPLIT_THREADS", "1")
    import os

    assert _cores_each(2) == max(1, (os.cpu_count() or 1) // 2)
    monkeypatch.setenv("AUTOTUNE_SPLIT_THREADS", "0")
    assert _cores_each(2) is None


def test_a_local_worker_without_its_chief_exits_with_the_reason_in_its_log(
    data_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("AUTOTUNE_SPLIT_THREADS", "0")  # no TensorFlow before the chief answers
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    plan = TuneOptions(
        data=data_dir / "iris.csv", workers=1, role="chief", oracle=f"127.0.0.1:{port}",
        out=tmp_path / "run", connect_timeout=1,
    ).resolve()  # fmt: skip
    processes = start_local_workers(plan, "127.0.0.1", port)
    assert list(processes) == ["worker-1"]
    processes["worker-1"].join(60)
    assert processes["worker-1"].exitcode == 2
    log = (tmp_path / "run" / "workers" / "worker-1.log").read_text()
    assert f"autotune: error: --oracle 127.0.0.1:{port}: no chief answered within 1 s" in log
