"""Options that cannot go together, or that do not apply to the data given."""

from __future__ import annotations

import pytest

from autotune.errors import UsageError
from autotune.options import TuneOptions
from autotune.options.combinations import check_combinations


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"resume": True, "overwrite": True, "out": "r"}, "--resume and --overwrite: pick one"),
        ({"resume": True}, "--resume needs --out RUN_DIR"),
        ({"backbone": "vgg16"}, "--backbone, --weights, --strict and --image-size apply to image"),
        ({"image_size": 64}, "apply to image folders; .*iris.csv is not a folder"),
        ({"workers": 1, "worker_id": 2}, "--worker-id belongs to a worker"),
    ],
)
def test_combinations_that_cannot_work(data_dir, values, message):
    options = TuneOptions(data=data_dir / "iris.csv", **values)
    with pytest.raises(UsageError, match=message):
        check_combinations(options, data_dir / "iris.csv")


def test_table_options_on_an_image_folder(tmp_path):
    (tmp_path / "a").mkdir()
    with pytest.raises(UsageError, match="--pretrain and --init-from apply to tables"):
        check_combinations(TuneOptions(data=tmp_path, pretrain="autoencoder"), tmp_path)


def test_a_plain_run_passes(data_dir):
    check_combinations(TuneOptions(data=data_dir / "iris.csv"), data_dir / "iris.csv")
