"""On-disk cache of frozen-backbone features, keyed by the content they depend on.

A key hashes the pixels (every byte, with the array's shape), the backbone, the stage, and
the weights' identity (the weights file's SHA-256, ``imagenet``, or the seed of a random
initialisation). The same images with the same backbone in a later run, whatever its split
seed or search space, find their features here instead of recomputing them.
Location: ``$AUTOTUNE_CACHE_DIR``, else ``$XDG_CACHE_HOME/autotune``, else
``~/.cache/autotune``. Deleting the folder is always safe. No TensorFlow here.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from autotune.runs.files import atomic_path


def cache_dir() -> Path:
    if os.environ.get("AUTOTUNE_CACHE_DIR"):
        return Path(os.environ["AUTOTUNE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "autotune"


def weights_identity(weights: str, seed: int) -> str:
    """What the backbone's weights are, for the key: a file's hash, imagenet, or the seed."""
    if weights == "imagenet":
        return "imagenet"
    if weights == "none":
        return f"random-seed-{seed}"
    digest = hashlib.sha256()
    with open(weights, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"file-{digest.hexdigest()}"


def feature_key(pixels: np.ndarray, backbone: str, stage: str, weights_id: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{backbone}|{stage}|{weights_id}|{pixels.shape}|{pixels.dtype}|".encode())
    digest.update(np.ascontiguousarray(pixels).tobytes())
    return digest.hexdigest()


def cached_features(
    pixels: np.ndarray,
    backbone: str,
    stage: str,
    weights_id: str,
    compute: Callable[[np.ndarray], np.ndarray],
) -> tuple[np.ndarray, bool]:
    """The features of ``pixels`` from the cache, or computed and stored.

    Returns:
        The features and whether they came from the cache. A cache that cannot be written
        (read-only disk, full disk) only costs the recomputation next time.
    """
    path = cache_dir() / "features" / f"{feature_key(pixels, backbone, stage, weights_id)}.npy"
    if path.exists():
        try:
            return np.load(path, allow_pickle=False), True
        except (OSError, ValueError):
            pass  # a damaged entry: computed again below and replaced
    features = compute(pixels)
    try:
        with atomic_path(path, suffix=".npy") as tmp:
            np.save(tmp, features, allow_pickle=False)
    except OSError:
        pass
    return features, False
