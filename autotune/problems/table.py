"""A CSV table as a search problem: encoded in-memory splits, the MLP, the exported model."""

from __future__ import annotations

from typing import Any

from autotune.backend import keras

import numpy as np

from autotune.data.columns import normalise_labels
from autotune.data.tabular import TabularData
from autotune.errors import UsageError
from autotune.metrics import objective_value
from autotune.models.embeddings import numeric_features
from autotune.models.fitting import fit_trial
from autotune.models.mlp import MLPHyperModel, build_network
from autotune.models.reuse import reused_front
from autotune.problems.base import Problem
from autotune.problems.class_weight import class_weighting, keras_class_weight
from autotune.problems.scores import classification_scores, regression_scores
from autotune.problems.table_encoding import (
    as_dataset,
    build_preprocessor,
    encode,
    export_model,
    model_inputs,
)
from autotune.vocabulary import metric_of, objective_name, resolve


class TabularProblem(Problem):
    """The table's preprocessing, fitted once; every trial trains on the same encoded arrays.

    The test rows are not encoded here: the search never sees them. ``metric`` is
    ``--metric`` (checked for the task), ``class_weight`` ``--class-weight``.
    """

    def __init__(
        self,
        data: TabularData,
        pretrain: str | None = None,
        init_from: dict[str, Any] | None = None,
        metric: str = "auto",
        class_weight: str = "none",
    ):
        self.data = data
        self.pretrain = pretrain
        spec = data.preprocessing
        self.metric = metric_of(spec.task, metric)
        self.objective = objective_name(spec.task, self.metric)
        self.preprocessor = build_preprocessor(spec)
        self.train, self.val = (
            (encode(self.preprocessor, s.features, spec), spec.encode_target(s.target))
            for s in (data.splits["train"], data.splits["val"])
        )
        self.weighting = self.class_weight = None  # the record, and as model.fit takes it
        if spec.task == "classification":
            self.weighting = class_weighting(self.train[1], spec.classes, class_weight)
            self.class_weight = keras_class_weight(self.weighting, spec.classes)
        # The numeric columns come first in the encoded vector; their bins are the training rows'.
        self.numeric = numeric_features(self.train[0], len(spec.numeric))
        self.front = None
        if init_from is not None:  # checked: same encoded inputs
            self.front = reused_front(init_from["best_model"], init_from["layers"])
            if self.front.inputs[0].shape[-1] != self.train[0].shape[1]:
                raise UsageError(
                    f"--init-from {init_from['run_dir']}: its model takes "
                    f"{self.front.inputs[0].shape[-1]} encoded inputs, this data makes "
                    f"{self.train[0].shape[1]}; transfer needs the same input columns"
                )

    def hypermodel(self, fit_callbacks) -> MLPHyperModel:
        spec = self.data.preprocessing
        return MLPHyperModel(
            self.train[0].shape[1],
            spec.n_outputs,
            spec.task,
            fit_callbacks=fit_callbacks,
            pretrain=self.pretrain,
            front=self.front,
            numeric=self.numeric,
            metric=self.metric,
            class_weight=self.class_weight,
        )

    def run_record(self) -> dict[str, Any]:
        """The metric the search ranks by and what ``--class-weight`` did."""
        return {"selection_metric": self.metric, "class_weight": self.weighting}

    def why_not_refitted(self) -> str | None:
        """None, unless the trials start from ``--init-from``'s layers (frozen, then
        fine-tuned in two phases that a fixed epoch count does not retrace)."""
        return None if self.front is None else "--init-from's layers train in two phases"

    def labelled_rows(self) -> int:
        return sum(len(split.target) for split in self.data.splits.values())

    def refit(self, params: dict[str, Any], schedule_epochs: int, callbacks: list) -> keras.Model:
        spec = self.data.preprocessing
        parts = [self.train, self.val]  # encoded once already; the test rows are not
        if "test" in self.data.splits:
            test = self.data.splits["test"]
            parts.append(
                (encode(self.preprocessor, test.features, spec), spec.encode_target(test.target))
            )
        x, y = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
        network = build_network(params, x.shape[1], spec.n_outputs, spec.task, numeric=self.numeric)
        fit_trial(
            network,
            resolve(params),
            x,
            y,
            task=spec.task,
            shared_callbacks=callbacks,
            diagnostics=False,
            pretrain=self.pretrain,
            epochs=schedule_epochs,
            verbose=0,
            class_weight=self.class_weight,
        )
        return network

    def why_not_ensembled(self) -> str | None:
        return None

    def val_predictions(self, network: keras.Model) -> np.ndarray:
        return network.predict(self.val[0], batch_size=1024, verbose=0).astype("float64")

    def val_loss(self, predictions: np.ndarray) -> float:
        """The objective of the metric (:func:`autotune.metrics.objective_value`)."""
        return objective_value(self.metric, self.data.preprocessing.task, self.val[1], predictions)

    def export_ensemble(
        self, networks: list[keras.Model], weights: list[float], best: int | None = None
    ) -> keras.Model:
        """The networks behind one preprocessing front-end, averaged: raw rows in."""
        return export_model(self.preprocessor, networks, self.data.preprocessing, weights, best)

    def reference(self, seed: int) -> dict[str, Any]:
        """HistGradientBoosting's defaults on the same rows (:mod:`.reference`)."""
        from autotune.problems.reference import gradient_boosting_reference

        return gradient_boosting_reference(self.data, seed, self.metric)

    def export(self, network: keras.Model, params: dict[str, Any]) -> keras.Model:
        """The network joined to the preprocessing front-end: raw rows in."""
        return export_model(self.preprocessor, network, self.data.preprocessing)

    def evaluate(self, model: keras.Model, split: str) -> dict[str, Any]:
        """Scores of the exported model (raw rows in) on one split, in the target's units."""
        spec = self.data.preprocessing
        rows = self.data.splits[split]
        output = model.predict(as_dataset(model_inputs(rows.features, spec)), verbose=0)
        if spec.task == "classification":
            return classification_scores(normalise_labels(rows.target), output, spec.classes)
        return regression_scores(rows.target.to_numpy(dtype="float64"), np.ravel(output))
