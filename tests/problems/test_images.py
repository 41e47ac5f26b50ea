"""Image runs end to end, through the command line: a CNN from scratch, a VGG16 backbone from a
local weights file (features cached, best head fine-tuned), predictions on a folder, and the
weights errors a user sees offline."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

FAST = ["--max-trials", "2", "--max-epochs", "2", "--patience", "2"]


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("autotune: error: "), result.stderr
    return lines[0]


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_cnn_from_scratch_end_to_end(shared_image_folder, tmp_path, cli):
    out = tmp_path / "run"
    result = cli("tune", shared_image_folder, "--backbone", "none", "--out", out, *FAST)
    assert result.returncode == 0, result.stderr
    assert "space: image_cnn (--backbone none: a CNN from scratch only)" in result.stderr
    info = json.loads((out / "run.json").read_text())
    assert info["status"] == "completed" and info["dataset"]["kind"] == "images"
    assert info["preprocessing"] == {
        "classes": ["horizontal", "vertical"],
        "image_size": 32,
        "channels": 3,
        "kind": "images",
        "task": "classification",
    }
    assert set(info["test_scores"]) >= {"accuracy", "balanced_accuracy", "roc_auc"}
    assert "fine_tune" not in info  # nothing pretrained to fine-tune
    trial = json.loads((out / "trials" / "0.json").read_text())
    layers = trial["diagnostics"]["layers"]
    assert layers[0] == "conv_1" and layers[-1] == "output"  # the convolutions are probed
    assert len(trial["diagnostics"]["grad_norm"][0]) == len(layers)
    report = (out / "report.html").read_text()
    assert "model input" in report and "32×32 px, 3 channel(s)" in report

    # Predictions: recursing into sub-folders, unreadable files listed and skipped.
    new = tmp_path / "new"
    (new / "deeper").mkdir(parents=True)
    horizontal = sorted((shared_image_folder / "horizontal").glob("*.png"))[:3]
    vertical = sorted((shared_image_folder / "vertical").glob("*.png"))[:2]
    for path in horizontal:
        (new / path.name).write_bytes(path.read_bytes())
    for path in vertical:
        (new / "deeper" / path.name).write_bytes(path.read_bytes())
    whole = horizontal[0].read_bytes()
    (new / "broken.png").write_bytes(whole[: len(whole) // 2])
    result = cli("predict", out, new)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["path", "prediction", "proba_horizontal", "proba_vertical"]
    assert len(rows) == 5 and all(r["prediction"] in ("horizontal", "vertical") for r in rows)
    assert {r["path"] for r in rows} == {str(new / p.name) for p in horizontal} | {
        str(new / "deeper" / p.name) for p in vertical
    }
    for r in rows:
        assert abs(float(r["proba_horizontal"]) + float(r["proba_vertical"]) - 1) < 1e-4
    assert f"{new / 'broken.png'}: truncated or corrupt image" in result.stderr
    # One image, written to a file.
    target = tmp_path / "one.csv"
    result = cli("predict", out, horizontal[0], "--out", target)
    assert result.returncode == 0, result.stderr
    assert len(list(csv.DictReader(target.open()))) == 1


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_transfer_with_local_weights_file(shared_image_folder, vgg16_weights, tmp_path, cli):
    out = tmp_path / "run"
    args = ["--backbone", "vgg16", "--weights", vgg16_weights, *FAST]
    result = cli("tune", shared_image_folder, "--out", out, *args)
    assert result.returncode == 0, result.stderr
    assert "features: vgg16 512 per image, computed and cached" in result.stderr
    info = json.loads((out / "run.json").read_text())
    assert info["features"]["vgg16"]["from_cache"] is False
    tuned = info["fine_tune"]
    assert tuned["backbone"] == "vgg16"
    assert tuned["unfrozen_layers"] == ["block5_conv1", "block5_conv2", "block5_conv3"]
    assert tuned["learning_rate"] <= 1e-5 and tuned["epochs_run"] >= 1
    assert "fine-tuned vgg16's top block" in result.stdout
    assert info["test_scores"]["accuracy"] >= 0.0

    # The saved model holds the file's weights below the top block (never trained).
    from autotune.backend import keras

    import numpy as np

    model = keras.models.load_model(out / "best_model.keras", compile=False)
    backbone = model.get_layer("vgg16")
    reference = keras.applications.VGG16(
        weights=str(vgg16_weights), include_top=False, input_shape=(32, 32, 3)
    )
    for name in ("block1_conv1", "block4_conv3"):
        assert np.array_equal(
            backbone.get_layer(name).get_weights()[0], reference.get_layer(name).get_weights()[0]
        )
    if tuned["kept"]:  # fine-tuning moved the top block
        assert not np.array_equal(
            backbone.get_layer("block5_conv3").get_weights()[0],
            reference.get_layer("block5_conv3").get_weights()[0],
        )

    # A second run on the same images and weights reads the features from the disk cache.
    again = cli("tune", shared_image_folder, "--out", tmp_path / "again", *args, "--seed", "1")
    assert again.returncode == 0, again.stderr
    assert "features: vgg16 512 per image, read from the cache" in again.stderr
    assert json.loads((tmp_path / "again" / "run.json").read_text())["features"]["vgg16"][
        "from_cache"
    ]

    result = cli("predict", out, shared_image_folder / "vertical")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1 + 20


OFFLINE = {"https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


@pytest.mark.slow  # one of the heaviest: a transfer search run offline
def test_imagenet_weights_offline(image_folder, tmp_path, cli, monkeypatch):
    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    for name, value in OFFLINE.items():  # no download can succeed, online or not
        monkeypatch.setenv(name, value)
    out = tmp_path / "run"
    line = one_error_line(cli("tune", image_folder, "--backbone", "vgg16", "--out", out))
    assert (
        "--weights imagenet: vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 is not in "
        "Keras' cache and could not be downloaded" in line
    )
    assert f"place that file in {home / 'models'}" in line
    assert "Keras checks its hash and deletes a file that does not match" in line
    assert "--weights FILE.h5" in line and "--weights none" in line
    assert not out.exists()  # nothing written before the error

    # A wrong file under the right name: Keras finds the hash differs and deletes it.
    cached = home / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(b"not the published weights")
    line = one_error_line(cli("tune", image_folder, "--backbone", "resnet50", "--out", out))
    assert "did not match its published hash, so Keras deleted it" in line
    assert not cached.exists() and not out.exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--backbone", "resnet50", "--weights", "{vgg}"], "not resnet50 weights without its"),
        (["--weights", "{vgg}"], "a weights file holds one backbone, and the search would pick"),
        (["--backbone", "vgg16", "--weights", "{tmp}/nope.h5"], "nope.h5: no such file"),
        (["--image-size", "16", "--backbone", "vgg16", "--weights", "none"], "at least 32"),
    ],
)
def test_weights_and_size_errors(image_folder, vgg16_weights, tmp_path, cli, flags, message):
    flags = [f.format(vgg=vgg16_weights, tmp=tmp_path) for f in flags]
    out = tmp_path / "run"
    line = one_error_line(cli("tune", image_folder, "--out", out, *flags))
    assert message in line
    assert not Path(out).exists()


def test_weights_file_in_the_format_keras_caches(tmp_path):
    """The ImageNet files in Keras' cache are legacy HDF5 (.h5): such a file loads too."""
    from autotune.backend import keras

    import h5py
    import numpy as np
    from keras.src.legacy.saving import legacy_h5_format

    from autotune.models.transfer import load_backbone

    keras.utils.set_random_seed(3)
    saved = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, saved)
    loaded = load_backbone("vgg16", str(path), side=32, seed=0)
    assert all(
        np.array_equal(a, b) for a, b in zip(saved.get_weights(), loaded.get_weights(), strict=True)
    )


@pytest.mark.slow
def test_ctrl_c_while_fine_tuning_keeps_the_searched_head(
    shared_image_folder, vgg16_weights, tmp_path
):
    """Ctrl-C during fine-tuning stops it after the batch: the searched head is saved."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "run"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "autotune"),
            "tune",
            str(shared_image_folder),
            "--backbone",
            "vgg16",
            "--weights",
            str(vgg16_weights),
            "--max-trials",
            "1",
            "--max-epochs",
            "300",
            "--patience",
            "300",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    for line in process.stderr:  # the progress log
        if line.startswith("fine-tuning the best head"):
            break
    time.sleep(1)  # into the training, most likely; before it is handled the same way
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=300)
    assert process.returncode == 0, stdout
    assert "top block was interrupted (Ctrl-C); the head before fine-tuning is saved" in stdout
    info = json.loads((out / "run.json").read_text())
    assert info["status"] == "completed" and (out / "best_model.keras").exists()
    assert info["fine_tune"]["interrupted"] is True and info["fine_tune"]["kept"] is False
    assert info["fine_tune"]["epochs_run"] < 300


def test_a_cnn_only_problem_trains_on_the_pixels_and_exports_the_cnn(image_folder):
    """No backbone: the pixels go to the CNN, nothing is fine-tuned, no features recorded."""
    import io

    from rich.console import Console

    from autotune.console.progress import SearchProgress
    from autotune.data.images import load_images
    from autotune.problems.images import ImageProblem

    data = load_images(image_folder, image_size=32)
    progress = SearchProgress(1, 1, "val_cross_entropy", console=Console(file=io.StringIO()))
    problem = ImageProblem(data, {}, "imagenet", 0, progress)
    assert problem.train[0].shape[1:] == (32, 32, 3) and problem.run_record()["features"] == {}
    params = {"backbone": "none", "conv_blocks": 1, "filters": 4, "n_layers": 1, "units": 8}
    assert not problem.fine_tunes(params)
    network = problem.hypermodel([]).build(type("Hp", (), {"values": params})())
    assert problem.export(network, params) is network
    scores = problem.evaluate(network, "val")
    assert set(scores) == {"accuracy", "balanced_accuracy", "log_loss", "roc_auc", "f1", "macro_f1"}
