"""Labelled image cases: a CNN of sigmoid layers that cannot pass a gradient back, and a
learning rate far too high, each on three seeds; labels measured from the runs' series
(``benchmarks/physics.py``), as for the tables. (A healthy CNN is not among them: on this
small generated set the default CNN's validation loss is still falling, or bouncing, after
30 epochs on some seeds, so it is not healthy by the measured labels.) And ``diagnose`` on an
image folder with a pretrained backbone (``--backbone`` / ``--weights``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.diagnosis_cases import diagnose_case  # noqa: E402
from benchmarks.physics import labels  # noqa: E402

CASES = {
    "sigmoid CNN, 4 blocks, SGD": (
        dict(
            conv_blocks=4, filters=8, activation="sigmoid", initializer="glorot_uniform",
            batch_norm=False, dropout=0.0, n_layers=8, units=16, optimizer="sgd",
            learning_rate=0.01,
        ),
        10,
        {"vanishing_gradients"},
    ),
    "CNN, Adam at learning rate 5": (
        dict(conv_blocks=2, filters=8, optimizer="adam", learning_rate=5.0), 10,
        {"exploding_gradients"},
    ),
}  # fmt: skip
SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def stripes(tmp_path_factory, make_images) -> Path:
    return make_images(tmp_path_factory.mktemp("cases") / "stripes", per_class=30)


@pytest.mark.parametrize(
    ("case", "seed"),
    [
        pytest.param(c, s, marks=() if s == 0 else (pytest.mark.slow,), id=f"{c}-{s}")
        for c in CASES
        for s in SEEDS
    ],
)
def test_image_case(stripes, case, seed):
    config, epochs, expected = CASES[case]
    record = diagnose_case(stripes, config, epochs, seed, base="image_cnn")[0]
    measured = labels(record, "cross_entropy")
    found = {f["name"] for f in record["findings"]}
    assert expected <= measured, f"the run does not show {sorted(expected)}: {sorted(measured)}"
    assert expected <= found, f"measured {sorted(measured)}, autotune named {sorted(found)}"


def test_diagnose_an_image_folder_on_a_backbone(tmp_path, shared_image_folder, vgg16_weights, cli):
    config = tmp_path / "head.yaml"
    config.write_text("n_layers: 1\nunits: 16\n")
    run = tmp_path / "run"
    args = ("--config", config, "--epochs", "2", "--backbone", "vgg16", "--out", run)
    done = cli("diagnose", shared_image_folder, *args, "--weights", vgg16_weights)
    assert done.returncode == 0, done.stderr
    trial = json.loads(next((run / "trials").glob("*.json")).read_text())
    assert trial["hyperparameters"]["backbone"] == "vgg16"
    assert trial["epochs_run"] == 2 and trial["diagnostics"]["layers"][-1] == "output"
    assert "configuration: vgg16 + " in done.stdout
