"""A worker reaches its chief first, and fails fast when no chief answers."""

from __future__ import annotations

import socket
import time
from concurrent import futures

import grpc
import pytest

from autotune.distribute.connect import ChiefUnreachableError, wait_for_chief, worker_name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_chief_is_named_within_the_timeout():
    port = free_port()
    started = time.monotonic()
    with pytest.raises(
        ChiefUnreachableError, match=f"--oracle 127.0.0.1:{port}: no chief answered within 1 s"
    ):
        wait_for_chief("127.0.0.1", port, 1)
    assert time.monotonic() - started < 10


def test_a_listening_chief_is_reached():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        wait_for_chief("127.0.0.1", port, 10)
    finally:
        server.stop(None)


def test_a_workers_name_never_looks_like_a_chiefs():
    assert worker_name(3) == "worker-3" and "chief" not in worker_name(0)
