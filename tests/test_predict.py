from __future__ import annotations

import pandas as pd
import pytest

from autotune.errors import DataError, RunFolderError
from autotune.predict import predict_frame


def test_target_optional_extra_columns_ignored_missing_values_fine(penguins_run, data_dir):
    rows = pd.read_csv(data_dir / "penguins.csv").head(5).drop(columns=["species"])
    rows["comment"] = "extra"
    rows.loc[0, ["bill_length_mm", "sex"]] = [None, None]
    rows.loc[1, "island"] = "Atlantis"  # a level never seen in training
    result = predict_frame(penguins_run, rows)
    assert list(result.columns) == ["prediction", "proba_Adelie", "proba_Chinstrap", "proba_Gentoo"]
    assert result["prediction"].notna().all()


def test_columns_in_another_order_give_the_same_predictions(penguins_run, data_dir):
    rows = pd.read_csv(data_dir / "penguins.csv").head(8)
    shuffled = rows[list(reversed(rows.columns))]
    pd.testing.assert_frame_equal(
        predict_frame(penguins_run, rows), predict_frame(penguins_run, shuffled)
    )


def test_missing_training_column_is_named(penguins_run, data_dir):
    rows = pd.read_csv(data_dir / "penguins.csv").drop(columns=["island", "sex"])
    with pytest.raises(
        DataError, match="missing column.*'island', 'sex' that the model was trained"
    ):
        predict_frame(penguins_run, rows, source="new.csv")


def test_run_without_best_model(tmp_path, penguins_run, data_dir):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(penguins_run, copy)
    (copy / "best_model.keras").unlink()
    with pytest.raises(RunFolderError, match="best_model.keras: missing .run status: completed"):
        predict_frame(copy, pd.read_csv(data_dir / "penguins.csv").head(1))
