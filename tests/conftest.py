"""Shared fixtures: test data paths, a CLI runner, and one small trained run reused by tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

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
    from autotune.options import TuneOptions
    from autotune.runner import run_search

    out = tmp_path_factory.mktemp("runs") / "penguins"
    options = TuneOptions(
        data=DATA / "penguins.csv", space="fast", max_trials=2, max_epochs=2, out=out
    )
    run_search(options.resolve())
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
            path = folder / f"{label}_{i:02d}.png"
            save(stripes(rng, side, vertical), path, modes[i % len(modes)])
    return root


@pytest.fixture(scope="session")
def make_images():
    """``make_images(root, per_class=16, modes=MODES, seed=0)``: two generated classes a network
    can tell apart (horizontal vs vertical stripes, with noise), 20-40 px, in mixed modes."""
    return make_image_folder


# Image sets for the image tests: generated folders, files that are not images, a weights file.


@pytest.fixture
def image_folder(tmp_path, make_images) -> Path:
    return make_images(tmp_path / "stripes")


@pytest.fixture(scope="session")
def shared_image_folder(tmp_path_factory, make_images) -> Path:
    """One generated set for the tests that only read it (trained runs, predictions)."""
    return make_images(tmp_path_factory.mktemp("images") / "stripes", per_class=20)


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
    from autotune.backend import keras

    keras.utils.set_random_seed(1)
    model = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path_factory.mktemp("weights") / "vgg16_random.weights.h5"
    model.save_weights(path)
    return path


@pytest.fixture
def add_bad():
    """``add_bad(folder)``: add unreadable files (see add_bad_files)."""
    return add_bad_files
