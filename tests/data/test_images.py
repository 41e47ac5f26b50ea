"""Image folders: every file decoded up front, bad ones named, modes and sizes unified,
stratified splits; the space and backbone choice. No training here."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from autotune.data.images import load_images, read_for_prediction
from autotune.errors import DataError, UsageError


def test_mixed_modes_and_sizes_become_one_array(image_folder):
    data = load_images(image_folder, seed=0)
    s = data.summary
    assert s["images"] == 32
    assert set(s["modes"]) == {"L", "RGB", "RGBA", "P", "I;16", "LA"}
    assert s["channels"] == 3  # colour modes present: every image gets 3 channels
    assert s["image_size"] == 32  # median longer side ~30 px -> rounded up to 32
    assert s["sizes"]["width"][0] >= 20 and s["sizes"]["width"][2] <= 40
    for split in data.splits.values():
        assert split.pixels.dtype == np.uint8 and split.pixels.shape[1:] == (32, 32, 3)
        assert len(split.paths) == len(split.labels) == len(split.pixels)
    assert [c["rows"] for c in s["classes"]] == [16, 16]
    assert data.preprocessing.classes == ["horizontal", "vertical"]


def test_splits_are_stratified_disjoint_and_complete(image_folder):
    data = load_images(image_folder, seed=3)
    paths = [p for split in data.splits.values() for p in split.paths]
    assert len(paths) == len(set(paths)) == 32
    for split in data.splits.values():
        assert set(split.labels) == {0, 1}  # both classes in train, val and test
    assert data.summary["split_rows"] == {"train": 20, "val": 5, "test": 7}


def test_gray_only_folder_keeps_one_channel(tmp_path, make_images):
    folder = make_images(tmp_path / "gray", per_class=6, modes=("L", "I;16", "LA"))
    data = load_images(folder)
    assert data.summary["channels"] == 1
    assert data.splits["train"].pixels.shape[-1] == 1


def test_image_size_option_and_bounds(image_folder):
    assert load_images(image_folder, image_size=48).summary["image_size"] == 48
    with pytest.raises(UsageError, match="--image-size 4"):
        load_images(image_folder, image_size=4)


def test_bad_files_are_named_and_skipped(image_folder, add_bad):
    bad = add_bad(image_folder)
    data = load_images(image_folder)
    assert data.summary["images"] == 32
    reasons = {s["path"]: s["reason"] for s in data.summary["files_skipped"]}
    assert reasons[str(bad["empty"])] == "empty file (0 bytes)"
    assert reasons[str(bad["text"])].startswith("not an image")
    assert reasons[str(bad["truncated"])].startswith("truncated or corrupt image")
    (warning,) = data.warnings
    assert "3 unreadable file(s) skipped" in warning and str(bad["truncated"]) in warning


def test_strict_stops_at_the_first_bad_file(image_folder, add_bad):
    bad = add_bad(image_folder)
    with pytest.raises(DataError) as error:
        load_images(image_folder, strict=True)
    message = str(error.value)
    assert message.startswith(str(bad["empty"])) and "--strict" in message


def test_class_with_too_few_readable_images(tmp_path, make_images):
    folder = make_images(tmp_path / "few", per_class=6)
    for path in sorted((folder / "vertical").glob("*.png"))[2:]:
        path.write_bytes(b"")
    with pytest.raises(DataError, match=r"fewer than 3 readable images: vertical \(2\)"):
        load_images(folder)


def test_content_hash_follows_the_bytes(image_folder):
    first = load_images(image_folder).summary["sha256"]
    assert load_images(image_folder, seed=5).summary["sha256"] == first
    path = sorted((image_folder / "vertical").glob("*.png"))[0]
    Image.fromarray(np.zeros((30, 30), dtype="uint8")).save(path)
    assert load_images(image_folder).summary["sha256"] != first


def test_prediction_input_recurses_and_lists_unreadable(image_folder, add_bad):
    bad = add_bad(image_folder)
    spec = load_images(image_folder).preprocessing
    pixels, paths, unreadable = read_for_prediction(image_folder, spec)
    assert len(paths) == 32 and pixels.shape == (32, 32, 32, 3)
    assert {u["path"] for u in unreadable} == {str(p) for p in bad.values()}
    one, found, _ = read_for_prediction(paths[0], spec)
    assert found == [paths[0]] and one.shape == (1, 32, 32, 3)
    with pytest.raises(DataError, match="no such file or folder"):
        read_for_prediction(image_folder / "missing", spec)
