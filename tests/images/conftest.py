"""Small generated image sets: two classes a network can tell apart (horizontal vs vertical
stripes, with noise), in mixed sizes and modes, and files that are not images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

# Every mode a user's folder may hold, in turn.
MODES = ("L", "RGB", "RGBA", "P", "I;16", "LA")


def stripes(rng: np.random.Generator, side: int, vertical: bool) -> np.ndarray:
    """A gray stripe pattern (values 0-255) with a random phase and period, plus noise."""
    period = int(rng.integers(4, 8))
    phase = int(rng.integers(0, period))
    line = ((np.arange(side) + phase) % period < period // 2).astype("float64") * 200 + 25
    image = np.tile(line, (side, 1)) if vertical else np.tile(line[:, None], (1, side))
    return np.clip(image + rng.normal(0, 20, (side, side)), 0, 255)


def save(gray: np.ndarray, path: Path, mode: str) -> None:
    """Save a gray array as an image of the given mode."""
    pixels = gray.astype("uint8")
    if mode == "L":
        image = Image.fromarray(pixels)
    elif mode == "I;16":
        image = Image.fromarray((gray * 257).astype("uint16"))
    elif mode == "LA":
        image = Image.fromarray(np.stack([pixels, np.full_like(pixels, 255)], axis=-1), "LA")
    else:
        rgb = Image.fromarray(np.stack([pixels] * 3, axis=-1))
        image = {"RGB": rgb, "RGBA": rgb.convert("RGBA"), "P": rgb.convert("P")}[mode]
    image.save(path)


def make_image_folder(root: Path, per_class: int = 16, modes=MODES, seed: int = 0) -> Path:
    """``root/horizontal`` and ``root/vertical``: ``per_class`` PNGs each, 20-40 px."""
    rng = np.random.default_rng(seed)
    for label, vertical in (("horizontal", False), ("vertical", True)):
        folder = root / label
        folder.mkdir(parents=True)
        for i in range(per_class):
            side = int(rng.integers(20, 41))
            save(stripes(rng, side, vertical), folder / f"{label}_{i:02d}.png", modes[i % len(modes)])
    return root


@pytest.fixture
def image_folder(tmp_path) -> Path:
    return make_image_folder(tmp_path / "stripes")


@pytest.fixture(scope="session")
def shared_image_folder(tmp_path_factory) -> Path:
    """One generated set for the tests that only read it (trained runs, predictions)."""
    return make_image_folder(tmp_path_factory.mktemp("images") / "stripes", per_class=20)


def add_bad_files(folder: Path) -> dict[str, Path]:
    """An empty file, a text file named .png and a truncated PNG, in the first class."""
    target = sorted(p for p in folder.iterdir() if p.is_dir())[0]
    empty = target / "empty.png"
    empty.write_bytes(b"")
    text = target / "notes.png"
    text.write_text("not an image\n")
    good = sorted(target.glob(f"{target.name}_*.png"))[0].read_bytes()
    truncated = target / "truncated.png"
    truncated.write_bytes(good[: len(good) // 2])
    return {"empty": empty, "text": text, "truncated": truncated}


@pytest.fixture(scope="session")
def vgg16_weights(tmp_path_factory) -> Path:
    """VGG16 weights without the classifier, randomly initialised, saved as Keras does."""
    import autotune.tf_setup  # noqa: F401

    import keras

    keras.utils.set_random_seed(1)
    model = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path_factory.mktemp("weights") / "vgg16_random.weights.h5"
    model.save_weights(path)
    return path


@pytest.fixture(autouse=True)
def _feature_cache(tmp_path, monkeypatch):
    """Each test gets an empty feature cache (also seen by the CLI subprocesses)."""
    monkeypatch.setenv("AUTOTUNE_CACHE_DIR", str(tmp_path / "feature-cache"))


@pytest.fixture
def make_images():
    """``make_images(root, per_class, modes)``: generate a set (see make_image_folder)."""
    return make_image_folder


@pytest.fixture
def add_bad():
    """``add_bad(folder)``: add unreadable files (see add_bad_files)."""
    return add_bad_files
