"""Predictions of a run's best model on new raw rows, or on images."""

from __future__ import annotations

from pathlib import Path

from autotune.backend import keras

import pandas as pd

from autotune.data.images import ImagePreprocessing, read_for_prediction
from autotune.data.reading import read_csv
from autotune.data.tabular import Preprocessing
from autotune.errors import DataError, RunFolderError
from autotune.problems.table_encoding import as_dataset, model_inputs
from autotune.runs import RunFolder


def load_best_model(folder: RunFolder) -> keras.Model:
    if not folder.best_model.exists():
        status = folder.read_run().get("status")
        raise RunFolderError(
            f"{folder.best_model}: missing (run status: {status}); only a completed run has a "
            "best model, so run `autotune tune` to the end first"
        )
    return keras.models.load_model(folder.best_model, compile=False, safe_mode=True)


def predict_frame(
    run_dir: str | Path, frame: pd.DataFrame, source: str = "the data"
) -> pd.DataFrame:
    """Predict raw rows with the training columns (target optional, extra columns ignored).

    Returns:
        A frame with a ``prediction`` column (original labels or values) and, for
        classification, one ``proba_<class>`` column per class.
    """
    folder = RunFolder(run_dir)
    info = folder.read_run()
    spec = Preprocessing.from_dict(info["preprocessing"])
    missing = [c for c in spec.feature_columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{source}: missing column(s) {', '.join(repr(c) for c in missing)} that the model "
            "was trained on; add them (empty cells are fine)"
        )
    model = load_best_model(folder)
    output = model.predict(as_dataset(model_inputs(frame, spec)), verbose=0)
    if spec.task == "regression":
        return pd.DataFrame({"prediction": output.ravel()})
    result = pd.DataFrame({"prediction": [spec.classes[i] for i in output.argmax(axis=1)]})
    for position, label in enumerate(spec.classes):
        result[f"proba_{label}"] = output[:, position]
    return result


def predict_file(run_dir: str | Path, data: str | Path) -> pd.DataFrame:
    """Predict every row of a CSV file; see :func:`predict_frame`."""
    return predict_frame(run_dir, read_csv(data), source=str(data))


def predict_images(run_dir: str | Path, data: str | Path) -> tuple[pd.DataFrame, list[dict]]:
    """Predict one image, or every image under a folder (recursively).

    Returns:
        A frame with ``path`` (as found), ``prediction`` (class name) and one
        ``proba_<class>`` column per class; and the unreadable files with their reasons.
    """
    folder = RunFolder(run_dir)
    spec = ImagePreprocessing.from_dict(folder.read_run()["preprocessing"])
    pixels, paths, unreadable = read_for_prediction(data, spec)
    model = load_best_model(folder)
    result = pd.DataFrame({"path": paths})
    if not paths:
        result["prediction"] = []
        for label in spec.classes:
            result[f"proba_{label}"] = []
        return result, unreadable
    output = model.predict(pixels.astype("float32"), batch_size=32, verbose=0)
    result["prediction"] = [spec.classes[i] for i in output.argmax(axis=1)]
    for position, label in enumerate(spec.classes):
        result[f"proba_{label}"] = output[:, position]
    return result, unreadable
