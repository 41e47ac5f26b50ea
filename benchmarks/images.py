"""An image folder searched from scratch: scikit-learn's bundled handwritten digits (8x8,
1,797 images) upscaled to 28x28 gray PNGs, 40 per class in the folder autotune tunes on, the
other 1,397 kept apart as an outer test set that no arm sees.

Each arm is ``autotune tune FOLDER --backbone none --time-budget B`` with its own options; its
shipped model predicts the outer test images (``autotune predict``'s code). Same folder, same
outer test images, same budget for every arm; seeds change the folder's images and the run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

PER_CLASS = 40
SIDE = 28
# The arms: autotune's image defaults, then each image default switched off in turn.
ARMS: dict[str, dict[str, Any]] = {
    "autotune": {},
    "no refit": {"refit": "none"},
    "no ensemble": {"ensemble": "none"},
}


def digit_folders(root: Path, seed: int) -> tuple[Path, Path]:
    """``root/train/<digit>/*.png`` (40 per class, drawn with ``seed``) and ``root/test/...``
    (the rest of the digits)."""
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    chosen = np.zeros(len(digits.target), dtype=bool)
    for label in range(10):
        rows = np.flatnonzero(digits.target == label)
        chosen[rng.choice(rows, PER_CLASS, replace=False)] = True
    for name, picked in (("train", chosen), ("test", ~chosen)):
        for i in np.flatnonzero(picked):
            folder = root / name / str(digits.target[i])
            folder.mkdir(parents=True, exist_ok=True)
            pixels = (digits.images[i] * (255 / 16)).astype("uint8")
            image = Image.fromarray(pixels, mode="L").resize((SIDE, SIDE), Image.BILINEAR)
            image.save(folder / f"{i:04d}.png")
    return root / "train", root / "test"


def _arm(train: Path, test: Path, budget: float, seed: int, out: Path, options) -> dict:
    from autotune.options import TuneOptions
    from autotune.predict import predict_images
    from autotune.runner import run_search

    started = time.perf_counter()
    plan = TuneOptions(
        data=train, backbone="none", time_budget=budget, seed=seed, out=out, **options
    ).resolve()
    info = run_search(plan)
    predicted, _ = predict_images(out, test)
    truth = [Path(p).parent.name for p in predicted["path"]]
    accuracy = float(np.mean(np.asarray(predicted["prediction"], dtype=str) == np.array(truth)))
    ensemble = info.get("ensemble") or {}
    return {
        "outer_accuracy": accuracy,
        "test_accuracy": (info.get("test_scores") or {}).get("accuracy"),
        "trials": info["trials"]["completed"],
        "members": len(ensemble.get("members", [])) if ensemble.get("status") == "done" else 1,
        "seconds": round(time.perf_counter() - started, 1),
    }


def run(budget: float = 150.0, seeds=(0, 1), arms: dict[str, dict] | None = None) -> str:
    arms = arms or ARMS
    results: dict[str, list[dict]] = {name: [] for name in arms}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            train, test = digit_folders(Path(tmp) / f"digits-{seed}", seed)
            order = list(arms) if seed % 2 == 0 else list(reversed(arms))  # alternate turns
            for name in order:
                out = Path(tmp) / f"run-{seed}-{name.replace(' ', '_')}"
                results[name].append(_arm(train, test, budget, seed, out, arms[name]))
    return render(results, budget, list(seeds))


def render(results: dict[str, list[dict]], budget: float, seeds: list[int]) -> str:
    lines = [
        f"Digits from scratch: {PER_CLASS} 28x28 gray images per class (10 classes) in the "
        f"folder, {budget:g} s per search, `--backbone none`, seeds {', '.join(map(str, seeds))}."
        " outer: accuracy on the other 1,397 digits, which no arm sees; test: autotune's own "
        "held-out 20% of the folder (80 images).",
        "",
        "| arm | "
        + " | ".join(f"outer s{s}" for s in seeds)
        + " | mean outer | "
        + " | ".join(f"test s{s}" for s in seeds)
        + " | trials | members | seconds |",
        "|---|" + "---:|" * (2 * len(seeds) + 4),
    ]
    for name, runs in results.items():
        outer = [r["outer_accuracy"] for r in runs]
        tests = [r["test_accuracy"] for r in runs]
        lines.append(
            f"| {name} | "
            + " | ".join(f"{v:.3f}" for v in outer)
            + f" | {np.mean(outer):.3f} | "
            + " | ".join("-" if v is None else f"{v:.3f}" for v in tests)
            + f" | {'/'.join(str(r['trials']) for r in runs)}"
            + f" | {'/'.join(str(r['members']) for r in runs)}"
            + f" | {'/'.join(format(r['seconds'], '.0f') for r in runs)} |"
        )
    return "\n".join(lines)
