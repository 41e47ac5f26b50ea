"""A from-scratch image search ships what a table search does: an ensemble of its best CNNs
(one pixels-in model, safe-mode loadable) retrained on every labelled image; a search with a
pretrained backbone ships its fine-tuned head alone, as searched."""

from __future__ import annotations

import io
import json

import keras
import numpy as np
import pytest
from rich.console import Console

from autotune.console.progress import SearchProgress
from autotune.data.images import load_images
from autotune.options import TuneOptions
from autotune.problems.images import ImageProblem
from autotune.runner import run_search


def _problem(folder, backbones=None) -> ImageProblem:
    data = load_images(folder, image_size=32)
    progress = SearchProgress(1, 1, "val_cross_entropy", console=Console(file=io.StringIO()))
    return ImageProblem(data, backbones or {}, "imagenet", 0, progress)


def test_the_ensemble_model_averages_its_cnns_with_their_weights(image_folder):
    problem = _problem(image_folder)
    assert problem.why_not_ensembled() is None and problem.why_not_refitted() is None
    params = {"backbone": "none", "conv_blocks": 1, "filters": 4, "n_layers": 0}
    networks = [problem.hypermodel([]).build(type("Hp", (), {"values": params})()) for _ in "ab"]
    model = problem.export_ensemble(networks, [0.75, 0.25], best=0)
    pixels = problem.val[0].astype("float32")
    expected = 0.75 * networks[0].predict(pixels, verbose=0) + 0.25 * networks[1].predict(
        pixels, verbose=0
    )
    np.testing.assert_allclose(model.predict(pixels, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert problem.val_loss(problem.val_predictions(networks[0])) > 0


def test_a_search_with_a_backbone_ships_its_head_as_searched(image_folder):
    problem = _problem(image_folder)
    problem.backbones = {"vgg16": object()}  # what a transfer search holds
    assert "fine-tuned with it after the search" in problem.why_not_ensembled()
    assert problem.why_not_refitted() == problem.why_not_ensembled()


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_a_from_scratch_search_refits_and_ensembles(shared_image_folder, tmp_path):
    out = tmp_path / "run"
    plan = TuneOptions(
        data=shared_image_folder, backbone="none", max_trials=3, max_epochs=2, out=out
    ).resolve()
    info = run_search(plan)
    refit = info["refit"]
    assert refit["status"] == "done"
    assert refit["rows"] == info["dataset"]["images"]  # every labelled image
    ensemble = info["ensemble"]
    assert ensemble["status"] in ("done", "single"), ensemble
    model = keras.saving.load_model(out / "best_model.keras", safe_mode=True)
    pixels = np.zeros((2, 32, 32, 3), dtype="float32")
    np.testing.assert_allclose(model.predict(pixels, verbose=0).sum(axis=1), 1.0, rtol=1e-5)
    assert json.loads((out / "run.json").read_text())["status"] == "completed"
