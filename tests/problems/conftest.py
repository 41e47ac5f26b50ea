"""Each problem test gets an empty feature cache (also seen by the CLI subprocesses)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _feature_cache(tmp_path, monkeypatch):
    """Each test gets an empty feature cache (also seen by the CLI subprocesses)."""
    monkeypatch.setenv("AUTOTUNE_CACHE_DIR", str(tmp_path / "feature-cache"))
