"""Shared fixtures: test data paths, a CLI runner, and one small trained run reused by tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# The installed console script, as a user runs it (next to the interpreter running the tests).
AUTOTUNE = Path(sys.executable).parent / "autotune"


@pytest.fixture(autouse=True)
def _seed():
    """Seed everything that is already imported (TensorFlow only if a test loaded it)."""
    import random

    import numpy as np

    random.seed(0)
    np.random.seed(0)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(0)


@pytest.fixture
def data_dir() -> Path:
    return DATA


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run the installed ``autotune ARGS`` in a subprocess; return the finished process."""
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [str(AUTOTUNE), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def penguins_run(tmp_path_factory) -> Path:
    """A real 2-trial x 2-epoch search on penguins, shared by the tests that only read it."""
    from autotune.search.options import TuneOptions
    from autotune.search.runner import run_search

    out = tmp_path_factory.mktemp("runs") / "penguins"
    run_search(
        TuneOptions(data=DATA / "penguins.csv", space="fast", max_trials=2, max_epochs=2, out=out)
    )
    return out


@pytest.fixture
def cli():
    """``cli("tune", ...)`` runs the autotune command line in a subprocess."""
    return run_cli


@pytest.fixture
def tune_until():
    """``tune_until(out, n, DATA, *flags)`` starts ``autotune tune DATA --out OUT FLAGS`` in the
    background and returns the running process once ``n`` trial records exist in ``out``."""

    def start(out: Path, records: int, *args) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(AUTOTUNE), "tune", *map(str, args), "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 300
        while len(list((out / "trials").glob("*.json"))) < records:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, f"no {records} trial record(s) in 300 s"
            time.sleep(0.1)
        return process

    return start
