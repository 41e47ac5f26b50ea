"""An image folder as a search problem: pixels for CNN trials, cached backbone features for
head trials, fine-tuning of the best head, and the exported pixels-in classifier.

A frozen backbone gives the same features for an image in every epoch of every trial, so they
are computed once per (backbone, image size, weights), kept in memory for the search and on
disk for later runs (:mod:`autotune.problems.feature_cache`). Head trials then train as fast
as an MLP on a table. After the search, the best head is fine-tuned with the backbone's top
block unfrozen (:mod:`autotune.problems.fine_tune`).
"""

from __future__ import annotations

import time
from typing import Any

from autotune.backend import keras

import numpy as np

from autotune.callbacks.deadline import StopAtDeadline
from autotune.data.images import ImageData
from autotune.metrics import objective_value
from autotune.models.averaging import weighted_sum
from autotune.models.cnn import build_cnn
from autotune.models.fitting import fit_trial
from autotune.models.image import ImageHyperModel
from autotune.models.transfer import extract, feature_model, image_model
from autotune.problems.base import Problem
from autotune.problems.class_weight import class_weighting, keras_class_weight
from autotune.problems.feature_cache import cached_features, weights_identity
from autotune.problems.fine_tune import fine_tune_head
from autotune.problems.scores import classification_scores
from autotune.vocabulary import PARAMS, metric_of, objective_name, resolve

TRANSFER_SHIPS_AS_SEARCHED = (
    "a head on a pretrained backbone is fine-tuned with it after the search and ships as such"
)


def feature_scale(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the training images' features, per feature (float32);
    a feature constant on the training images keeps a scale of 1."""
    std = train.std(axis=0)
    return train.mean(axis=0).astype("float32"), np.where(std > 1e-6, std, 1.0).astype("float32")


class ImageProblem(Problem):
    """The image splits, and the pooled features of every backbone the space can pick.

    Args:
        data: the loaded image folder.
        backbones: name -> loaded backbone (its weights already resolved).
        weights: the ``--weights`` value, for the cache key.
        seed: the run's seed (random weights are seeded with it).
        progress: the terminal display.
        metric: ``--metric`` (checked: a classification metric).
        class_weight: ``--class-weight`` (:mod:`autotune.problems.class_weight`).
    """

    def __init__(
        self,
        data: ImageData,
        backbones: dict[str, keras.Model],
        weights: str,
        seed: int,
        progress,
        metric: str = "auto",
        class_weight: str = "none",
    ):
        self.data = data
        self.spec = data.preprocessing
        self.metric = metric_of("classification", metric)
        self.objective = objective_name("classification", self.metric)
        labels = data.splits["train"].labels
        self.weighting = class_weighting(labels, self.spec.classes, class_weight)
        self.class_weight = keras_class_weight(self.weighting, self.spec.classes)  # for fit
        self.backbones = backbones
        self.weights_id = weights_identity(weights, seed) if backbones else None
        self.train = (data.splits["train"].pixels, data.splits["train"].labels)
        self.val = (data.splits["val"].pixels, data.splits["val"].labels)
        self.features: dict[str, dict[str, np.ndarray]] = {}
        self.scales: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.feature_runs: dict[str, dict[str, Any]] = {}
        self._fine_tune_stop = StopAtDeadline(None)
        for name in backbones:
            self._pool(name, progress)

    def _pool(self, name: str, progress) -> None:
        """The backbone's standardised pooled features of the training and validation images."""
        started = time.perf_counter()
        raw, from_cache = self.cached(name, "pooled")
        mean, std = feature_scale(raw["train"])
        self.scales[name] = (mean, std)
        self.features[name] = {s: ((raw[s] - mean) / std).astype("float32") for s in raw}
        seconds = round(time.perf_counter() - started, 2)
        width = int(raw["train"].shape[1])
        self.feature_runs[name] = {"seconds": seconds, "from_cache": from_cache, "width": width}
        where = "read from the cache" if from_cache else "computed and cached"
        progress.log(f"features: {name} {width} per image, {where} in {seconds:.1f} s")

    def cached(self, name: str, stage: str) -> tuple[dict[str, np.ndarray], bool]:
        """The frozen backbone's ``stage`` output for the training and validation images.

        Computed over every image of the folder (in file order), so the cache entry serves
        any later split of the same images."""
        model = feature_model(self.backbones[name], name, self.spec.channels, stage)
        every, hit = cached_features(
            self.data.pixels, name, stage, self.weights_id, lambda pixels: extract(model, pixels)
        )
        return {split: every[self.data.index[split]] for split in ("train", "val")}, hit

    def run_record(self) -> dict[str, Any]:
        return {
            "features": self.feature_runs,
            "selection_metric": self.metric,
            "class_weight": self.weighting,
        }

    def request_stop(self) -> None:
        """Ctrl-C while fine-tuning: stop after the current batch, keep the head as it was."""
        self._fine_tune_stop.stop_now()

    def hypermodel(self, fit_callbacks) -> ImageHyperModel:
        side, channels = self.spec.image_size, self.spec.channels
        return ImageHyperModel(
            (side, side, channels),
            self.spec.n_outputs,
            self.features,
            fit_callbacks,
            metric=self.metric,
            class_weight=self.class_weight,
        )

    def why_not_refitted(self) -> str | None:
        """None for a search from scratch; a head on a backbone is fine-tuned with it after
        the search, which a refit of the head alone would undo."""
        return TRANSFER_SHIPS_AS_SEARCHED if self.backbones else None

    def why_not_ensembled(self) -> str | None:
        return TRANSFER_SHIPS_AS_SEARCHED if self.backbones else None

    def labelled_rows(self) -> int:
        return sum(len(split.labels) for split in self.data.splits.values())

    def refit(self, params: dict[str, Any], schedule_epochs: int, callbacks: list) -> keras.Model:
        """A fresh CNN of ``params`` trained on every labelled image."""
        splits = list(self.data.splits.values())
        x = np.concatenate([split.pixels for split in splits])
        y = np.concatenate([split.labels for split in splits])
        side, channels = self.spec.image_size, self.spec.channels
        network = build_cnn(resolve(params, PARAMS), (side, side, channels), self.spec.n_outputs)
        fit_trial(
            network,
            resolve(params),
            x,
            y,
            task="classification",
            shared_callbacks=callbacks,
            diagnostics=False,
            epochs=schedule_epochs,
            verbose=0,
            class_weight=self.class_weight,
        )
        return network

    def val_predictions(self, network: keras.Model) -> np.ndarray:
        pixels = self.val[0].astype("float32")
        return network.predict(pixels, batch_size=64, verbose=0).astype("float64")

    def val_loss(self, predictions: np.ndarray) -> float:
        return objective_value(self.metric, "classification", self.val[1], predictions)

    def export_ensemble(
        self, networks: list[keras.Model], weights: list[float], best: int | None = None
    ) -> keras.Model:
        """One classifier, pixels in: the CNNs' class probabilities, weighted and summed."""
        side, channels = self.spec.image_size, self.spec.channels
        inputs = keras.Input(shape=(side, side, channels), name="image")
        outputs = weighted_sum(networks, weights, inputs, best, "cnn")
        return keras.Model(inputs, outputs, name="ensemble")

    def fine_tunes(self, params: dict[str, Any]) -> bool:
        """A head on a backbone is fine-tuned; a CNN from scratch is not."""
        return resolve(params, PARAMS)["backbone"] != "none"

    def fine_tune(self, head, params, max_epochs, patience, progress) -> dict[str, Any]:
        """Train the best head with the backbone's top block unfrozen, at a low learning rate;
        keep the result only when the validation loss improved (see
        :func:`~autotune.problems.fine_tune.fine_tune_head`)."""
        name = resolve(params, PARAMS)["backbone"]
        started = time.perf_counter()
        inputs, _ = self.cached(name, "top_input")
        labels = {"train": self.train[1], "val": self.val[1]}
        return fine_tune_head(
            head,
            params,
            self.backbones[name],
            name,
            self.scales[name],
            inputs,
            labels,
            max_epochs=max_epochs,
            patience=patience,
            stop=self._fine_tune_stop,
            progress=progress,
            started=started,
        )

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
