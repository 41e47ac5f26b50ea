"""How one trial trains, whatever its network: the batch pipelines, the gradient probe, the
optional pre-training, the learning-rate schedule, and the two phases of reused layers.

KerasTuner calls ``HyperModel.fit``; the hypermodels (:mod:`autotune.models.mlp`,
:mod:`autotune.models.image`) pass their trial here. What the fit did beyond its Keras
``History`` (the probe's series, pre-training, the reuse phases) goes into the
:class:`FitNotes` that the tuner hands each trial (:mod:`autotune.tuning.tuner`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from autotune.backend import keras

import numpy as np

from autotune.callbacks.gradient_probe import GradientProbe, constant_loss, probe_rows
from autotune.callbacks.hopeless import StopHopeless
from autotune.callbacks.schedule import schedule_callback
from autotune.callbacks.validation_metric import ValidationMetric
from autotune.models.batches import evaluation_batches, training_batches, worth_a_pipeline
from autotune.models.in_memory import fit_in_memory, fits_in_memory
from autotune.vocabulary import LOSS_METRICS, SAME_ORDER_AS_LOSS, objective_name

# Train arrays that fit in memory with fit_in_memory (compiled epochs); off: Keras' model.fit
# over tf.data pipelines, the path before it (kept for the benchmarks' side-by-side runs).
IN_MEMORY = True


@dataclass
class FitNotes:
    """What a trial's fit did beyond its History, for the trial's record.

    Attributes:
        diagnostics: the gradient probe's series (with the task and the constant
            prediction's loss), or None when diagnostics are off.
        pretraining: what ``--pretrain`` did (:mod:`autotune.models.pretrain`), or None.
        reuse: the frozen and fine-tuned epochs of ``--init-from``'s layers, or None.
        aborted: why ``--early-abort`` ended the trial (:mod:`autotune.diagnostics.hopeless`),
            or None.
    """

    diagnostics: dict[str, Any] | None = None
    pretraining: dict[str, Any] | None = None
    reuse: dict[str, Any] | None = None
    aborted: dict[str, Any] | None = None


def fit_trial(
    model: keras.Model,
    params: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    *,
    task: str,
    shared_callbacks: list,
    notes: FitNotes | None = None,
    diagnostics: bool = True,
    pretrain: str | None = None,
    reuses_front: bool = False,
    metric: str | None = None,
    **kwargs: Any,
) -> keras.callbacks.History:
    """Train ``model`` with the trial's batch size; fill ``notes``.

    Args:
        model: the trial's compiled network.
        params: its resolved hyperparameters.
        x, y: the training rows (encoded), as the network takes them.
        task: ``classification`` or ``regression``.
        shared_callbacks: callbacks shared by every trial (progress, time budget), added after
            KerasTuner's per-trial copy of the search's callbacks (``kwargs["callbacks"]``).
        notes: filled with what the fit did (see :class:`FitNotes`); None: not kept.
        diagnostics: measure gradient health every epoch (:class:`GradientProbe`).
        pretrain: ``autoencoder``: pre-train the hidden layers first; None: no.
        reuses_front: the network starts with reused layers of an earlier run
            (:mod:`autotune.models.reuse`): train them frozen first, then fine-tune.
        metric: ``--metric``; one Keras does not log is computed on the validation rows
            each epoch (:class:`ValidationMetric`). None: the task's loss metric.
        **kwargs: ``model.fit``'s other arguments (epochs, validation data, callbacks).
    """
    notes = notes if notes is not None else FitNotes()
    callbacks = _metric_callback(metric, task, kwargs.get("validation_data"))
    callbacks += list(kwargs.pop("callbacks", [])) + list(shared_callbacks)
    probe = (
        GradientProbe(*probe_rows(x, y), activation=params["activation"]) if diagnostics else None
    )
    baseline = constant_loss(y, task) if probe else None
    if probe:
        callbacks = _watched_by_abort(callbacks, probe, task, baseline, kwargs.get("epochs", 1))
    if pretrain == "autoencoder":
        from autotune.models.pretrain import pretrain_autoencoder

        notes.pretraining = pretrain_autoencoder(model, x, params["batch_size"])
    fit = _fitter(model, x, y, params["batch_size"], callbacks, kwargs)

    history = _train(
        fit, model, params, task, kwargs.get("epochs", 1), callbacks, notes, reuses_front
    )
    if probe:
        probe.series.update(task=task, baseline_loss=baseline)
        notes.diagnostics = probe.series
    notes.aborted = next((c.reason for c in callbacks if isinstance(c, StopHopeless)), None)
    return history


def _watched_by_abort(callbacks: list, probe, task: str, baseline: float, epochs: int) -> list:
    """``callbacks`` with the probe, and after it the early abort (which reads its series)."""
    aborts = [c for c in callbacks if isinstance(c, StopHopeless)]
    for abort in aborts:
        abort.watch(probe, LOSS_METRICS[task], baseline, epochs)
    return [c for c in callbacks if not isinstance(c, StopHopeless)] + [probe] + aborts


def _metric_callback(metric: str | None, task: str, validation) -> list:
    """The callback that logs ``--metric`` each epoch, when Keras does not log it; first in
    the list, so that early stopping and the best-epoch copy read this epoch's value."""
    if metric in (None, *SAME_ORDER_AS_LOSS) or validation is None:
        return []
    return [ValidationMetric(objective_name(task, metric), metric, task, *validation)]


def _train(fit, model, params, task, epochs, callbacks, notes, reuses_front):
    """Fit once (with the trial's schedule), or in two phases around reused layers."""
    if reuses_front:
        from autotune.models.reuse import fit_frozen_then_fine_tuned

        history, notes.reuse = fit_frozen_then_fine_tuned(
            model, params, task, fit, epochs, callbacks
        )
        return history
    if params["lr_schedule"] != "constant":
        return fit([schedule_callback(params, epochs)])
    return fit([])


def _fitter(model, x, y, batch_size: int, callbacks: list, kwargs: dict[str, Any]):
    """``fit(more_callbacks, **overrides)``: the trial's fit with its data and callbacks plus
    ``more_callbacks``; :func:`~autotune.models.in_memory.fit_in_memory` for arrays that fit
    in memory (unless :data:`IN_MEMORY` is off), Keras' ``model.fit`` for the rest."""
    if IN_MEMORY and worth_a_pipeline(x) and fits_in_memory(kwargs):
        train, feeding = partial(fit_in_memory, model, x, y), {"batch_size": batch_size}
    else:
        data, feeding = _feed(x, y, batch_size, kwargs)
        train = partial(model.fit, *data)

    def fit(more_callbacks, **overrides):
        return train(callbacks=callbacks + more_callbacks, **{**kwargs, **feeding, **overrides})

    return fit


def _feed(x: np.ndarray, y: np.ndarray, batch_size: int, kwargs: dict[str, Any]):
    """``fit``'s data and how to feed it: pipelines built once (validation data in ``kwargs``
    replaced by its pipeline), or the arrays for Keras to batch."""
    if not worth_a_pipeline(x):
        return (x, y), {"batch_size": batch_size}
    if kwargs.get("validation_data") is not None:
        kwargs["validation_data"] = evaluation_batches(*kwargs["validation_data"])
    # The pipeline reshuffles every epoch.
    return (training_batches(x, y, batch_size),), {"shuffle": False}
