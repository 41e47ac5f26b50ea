"""Speed of a head search on cached backbone features vs recomputing the backbone every epoch.

The same head configurations (sampled from ``image_transfer`` with the backbone fixed, seeded)
train in three arms, one after the other in one process:

- *recompute*: the frozen backbone inside the model, images in: every epoch runs the backbone
  over every training and validation image (what a plain Keras transfer-learning loop does);
- *cache, cold*: the backbone's pooled features computed once (an empty on-disk cache), then
  every head trains on them (what ``autotune tune`` does on a first run);
- *cache, warm*: the features read from the on-disk cache, then the same heads (a second run).

Weights are random (``--weights none``): the time does not depend on the weights' values.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

from autotune.data.images import load_images
from autotune.spaces import load_space
from autotune.vocabulary import PARAMS, resolve


def _head_configs(trials: int, backbone: str, seed: int) -> list[dict]:
    space = load_space("image_transfer")
    hyperparameters = space.to_hyperparameters()
    configs = []
    for trial in range(trials):
        values = {hp.name: hp.random_sample(seed * 1000 + trial) for hp in hyperparameters.space}
        values["backbone"] = backbone
        configs.append(values)
    return configs


def run(folder: Path, trials: int = 10, epochs: int = 5, backbone: str = "vgg16") -> str:
    from autotune.backend import tf  # noqa: F401  (TensorFlow, imported quietly)

    import numpy as np

    from autotune.models.mlp import build_network
    from autotune.models.optim import STEPS_PER_EXECUTION, build_optimizer
    from autotune.models.transfer import extract, feature_model, image_model, load_backbone
    from autotune.problems.feature_cache import cached_features
    from autotune.problems.images import feature_scale

    data = load_images(folder, seed=0)
    spec = data.preprocessing
    train, val = data.splits["train"], data.splits["val"]
    n_classes = spec.n_outputs
    model = load_backbone(backbone, "none", spec.image_size, seed=0)
    pooled = feature_model(model, backbone, spec.channels, "pooled")
    configs = _head_configs(trials, backbone, seed=0)
    extract(pooled, data.pixels[:2])  # build and trace once, outside every arm

    def heads_on(features: np.ndarray) -> float:
        mean, std = feature_scale(features[data.index["train"]])
        scaled = (features - mean) / std
        x_train, x_val = scaled[data.index["train"]], scaled[data.index["val"]]
        started = time.perf_counter()
        for values in configs:
            head = build_network(values, x_train.shape[1], n_classes, "classification")
            head.fit(
                x_train,
                train.labels,
                validation_data=(x_val, val.labels),
                epochs=epochs,
                batch_size=resolve(values, PARAMS)["batch_size"],
                verbose=0,
            )
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory() as cache:
        os.environ["AUTOTUNE_CACHE_DIR"] = cache

        def features() -> tuple[np.ndarray, bool]:
            return cached_features(
                data.pixels, backbone, "pooled", "random-seed-0", lambda p: extract(pooled, p)
            )

        started = time.perf_counter()
        cold, hit = features()
        cold_extract = time.perf_counter() - started
        assert not hit
        cold_heads = heads_on(cold)
        started = time.perf_counter()
        warm, hit = features()
        warm_extract = time.perf_counter() - started
        assert hit
        warm_heads = heads_on(warm)
        mean, std = feature_scale(cold[data.index["train"]])

    model.trainable = False
    started = time.perf_counter()
    for values in configs:
        p = resolve(values, PARAMS)
        head = build_network(values, cold.shape[1], n_classes, "classification")
        full = image_model(model, backbone, spec.channels, mean, std, head)
        full.compile(
            optimizer=build_optimizer(p["optimizer"], p["learning_rate"]),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            steps_per_execution=STEPS_PER_EXECUTION,
        )
        full.fit(
            train.pixels.astype("float32"),
            train.labels,
            validation_data=(val.pixels.astype("float32"), val.labels),
            epochs=epochs,
            batch_size=p["batch_size"],
            verbose=0,
        )
    recompute = time.perf_counter() - started

    rows = [
        ("recompute the backbone every epoch", 0.0, recompute),
        ("cache, cold (features computed once)", cold_extract, cold_heads),
        ("cache, warm (features read from disk)", warm_extract, warm_heads),
    ]
    lines = [
        f"Head search on cached features vs recomputing {backbone} every epoch: {trials} head "
        f"trials x {epochs} epochs on {folder.name} ({len(data.pixels)} images at "
        f"{spec.image_size}x{spec.image_size}, {spec.channels} channel(s); train "
        f"{len(train.labels)}, val {len(val.labels)}), random weights; one process, arms run "
        "one after the other.",
        "",
        "| arm | features (s) | heads (s) | total (s) | speedup vs recompute |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, extract_s, heads_s in rows:
        total = extract_s + heads_s
        lines.append(
            f"| {name} | {extract_s:.1f} | {heads_s:.1f} | {total:.1f} | {recompute / total:.1f}x |"
        )
    lines += [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python "
        f"{platform.python_version()}; absolute seconds are machine-dependent, the speedups "
        "are the comparison.",
    ]
    return "\n".join(lines)
