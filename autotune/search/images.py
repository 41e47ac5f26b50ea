"""An image folder as a search problem: pixels for CNN trials, cached backbone features for
head trials, fine-tuning of the best head, and the exported pixels-in classifier.

A frozen backbone gives the same features for an image in every epoch of every trial, so they
are computed once per (backbone, image size, weights), kept in memory for the search and on
disk for later runs (:mod:`autotune.search.feature_cache`). Head trials then train as fast as
an MLP on a table. After the search, the best head is fine-tuned with the backbone's top block
unfrozen at a low learning rate; the block's input is cached the same way, so each epoch runs
the top block only.
"""

from __future__ import annotations

import time
from typing import Any

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import keras
import numpy as np
from keras import layers

from autotune.data.images import ImageData
from autotune.metrics import classification_scores
from autotune.models.image import ImageHyperModel
from autotune.models.params import LOSS_METRICS, PARAMS, objective_name, resolve
from autotune.models.transfer import (
    extract,
    feature_model,
    image_model,
    split_at_top_block,
    standardise,
)
from autotune.progress import SearchProgress
from autotune.search.callbacks import StopAtDeadline
from autotune.search.feature_cache import cached_features, weights_identity

# Fine-tuning: the best head's learning rate divided by this, and at most FINE_TUNE_MAX_LR.
FINE_TUNE_LR_DIVISOR = 10
FINE_TUNE_MAX_LR = 1e-5


def feature_scale(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the training images' features, per feature (float32);
    a feature constant on the training images keeps a scale of 1."""
    std = train.std(axis=0)
    return train.mean(axis=0).astype("float32"), np.where(std > 1e-6, std, 1.0).astype("float32")


class ImageProblem:
    """The image splits, and the pooled features of every backbone the space can pick.

    Args:
        data: the loaded image folder.
        backbones: name -> loaded backbone (its weights already resolved).
        weights: the ``--weights`` value, for the cache key.
        seed: the run's seed (random weights are seeded with it).
        progress: the terminal display.
    """

    def __init__(
        self,
        data: ImageData,
        backbones: dict[str, keras.Model],
        weights: str,
        seed: int,
        progress: SearchProgress,
    ):
        self.data = data
        self.spec = data.preprocessing
        self.objective = objective_name("classification")
        self.backbones = backbones
        self.weights_id = weights_identity(weights, seed) if backbones else None
        self.train = (data.splits["train"].pixels, data.splits["train"].labels)
        self.val = (data.splits["val"].pixels, data.splits["val"].labels)
        self.features: dict[str, dict[str, np.ndarray]] = {}
        self.scales: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.feature_runs: dict[str, dict[str, Any]] = {}
        self._fine_tune_stop = StopAtDeadline(None)
        for name in backbones:
            started = time.perf_counter()
            raw, from_cache = self._cached(name, "pooled")
            mean, std = feature_scale(raw["train"])
            self.scales[name] = (mean, std)
            self.features[name] = {s: ((raw[s] - mean) / std).astype("float32") for s in raw}
            seconds = round(time.perf_counter() - started, 2)
            self.feature_runs[name] = {
                "seconds": seconds,
                "from_cache": from_cache,
                "width": int(raw["train"].shape[1]),
            }
            where = "read from the cache" if from_cache else "computed and cached"
            progress.log(
                f"features: {name} {raw['train'].shape[1]} per image, {where} in {seconds:.1f} s"
            )

    def _cached(self, name: str, stage: str) -> tuple[dict[str, np.ndarray], bool]:
        """The frozen backbone's ``stage`` output for the training and validation images.

        Computed over every image of the folder (in file order), so the cache entry serves
        any later split of the same images."""
        model = feature_model(self.backbones[name], name, self.spec.channels, stage)
        every, hit = cached_features(
            self.data.pixels, name, stage, self.weights_id, lambda pixels: extract(model, pixels)
        )
        return {split: every[self.data.index[split]] for split in ("train", "val")}, hit

    def request_stop(self) -> None:
        """Ctrl-C while fine-tuning: stop after the current batch, keep the head as it was."""
        self._fine_tune_stop.stop_now()

    def hypermodel(self, fit_callbacks) -> ImageHyperModel:
        side, channels = self.spec.image_size, self.spec.channels
        return ImageHyperModel(
            (side, side, channels), self.spec.n_outputs, self.features, fit_callbacks
        )

    def fine_tune(
        self,
        head: keras.Model,
        params: dict[str, Any],
        max_epochs: int,
        patience: int,
        progress: SearchProgress,
    ) -> dict[str, Any]:
        """Train the best head with the backbone's top block unfrozen, at a low learning rate;
        keep the result only when the validation loss improved. Updates ``head`` and the
        backbone's top block in place.

        Returns:
            What was done and measured (for ``run.json`` and the report).
        """
        p = resolve(params, PARAMS)
        name = p["backbone"]
        started = time.perf_counter()
        inputs_, _ = self._cached(name, "top_input")
        _, top = split_at_top_block(self.backbones[name], name)
        top.trainable = True
        for layer in top.layers:
            if isinstance(layer, layers.BatchNormalization):
                layer.trainable = False  # frozen statistics: inference mode while fine-tuning
        block = [layer.name for layer in top.layers if layer.weights and layer.trainable]
        inputs = keras.Input(shape=inputs_["train"].shape[1:], name="top_block_input")
        x = layers.GlobalAveragePooling2D(name="global_pool")(top(inputs))
        model = keras.Model(inputs, head(standardise(x, *self.scales[name])), name="fine_tune")
        learning_rate = min(p["learning_rate"] / FINE_TUNE_LR_DIVISOR, FINE_TUNE_MAX_LR)
        metric = LOSS_METRICS["classification"]
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=[keras.metrics.SparseCategoricalCrossentropy(name=metric), "accuracy"],
        )
        y_train, y_val = self.train[1], self.val[1]
        before = model.evaluate(inputs_["val"], y_val, verbose=0, return_dict=True)
        saved = model.get_weights()
        progress.log(
            f"fine-tuning the best head with {name}'s top block unfrozen ({len(block)} layers, "
            f"learning rate {learning_rate:.1g})"
        )
        try:
            history = model.fit(
                inputs_["train"],
                y_train,
                validation_data=(inputs_["val"], y_val),
                epochs=max_epochs,
                batch_size=p["batch_size"],
                callbacks=[
                    keras.callbacks.EarlyStopping(
                        monitor=f"val_{metric}", patience=patience, restore_best_weights=True
                    ),
                    self._fine_tune_stop,
                ],
                verbose=0,
            )
        except KeyboardInterrupt:
            if not self._fine_tune_stop.interrupted:
                raise
            history = None  # Ctrl-C came before the first batch: nothing was trained
        interrupted = self._fine_tune_stop.interrupted
        after = model.evaluate(inputs_["val"], y_val, verbose=0, return_dict=True)
        kept = after[metric] < before[metric] and not interrupted
        if not kept:
            model.set_weights(saved)
        info = {
            "backbone": name,
            "unfrozen_layers": block,
            "learning_rate": learning_rate,
            "epochs_run": len(history.history.get("loss", [])) if history else 0,
            "val_before": {metric: before[metric], "accuracy": before["accuracy"]},
            "val_after": {metric: after[metric], "accuracy": after["accuracy"]},
            "kept": bool(kept),
            "interrupted": interrupted,
            "seconds": round(time.perf_counter() - started, 1),
            "history": {
                k: [float(v) for v in vs] for k, vs in (history.history if history else {}).items()
            },
        }
        progress.log(
            f"fine-tuning: validation {metric} {before[metric]:.4f} -> {after[metric]:.4f}, "
            f"accuracy {before['accuracy']:.3f} -> {after['accuracy']:.3f} "
            f"({'kept' if kept else 'not better, the head before fine-tuning is kept'})"
            if not interrupted
            else "fine-tuning interrupted (Ctrl-C): the head before fine-tuning is kept"
        )
        return info

    def export(self, network: keras.Model, params: dict[str, Any]) -> keras.Model:
        """The saved classifier: pixels in (the run's image size and channels), classes out."""
        name = resolve(params, PARAMS)["backbone"]
        if name == "none":
            return network  # the CNN takes the pixels itself
        backbone = self.backbones[name]
        backbone.trainable = False
        return image_model(backbone, name, self.spec.channels, *self.scales[name], network)

    def evaluate(self, model: keras.Model, split: str) -> dict[str, Any]:
        """Scores of the exported model on one split's images."""
        rows = self.data.splits[split]
        output = model.predict(rows.pixels.astype("float32"), batch_size=32, verbose=0)
        classes = self.spec.classes
        return classification_scores([classes[i] for i in rows.labels], output, classes)
