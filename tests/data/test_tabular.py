from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autotune.data.columns import as_text, infer_task
from autotune.data.tabular import Preprocessing, load_table
from autotune.errors import DataError, UsageError


def write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def table(tmp_path, columns: dict, name="t.csv"):
    path = tmp_path / name
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


# --- task inference -------------------------------------------------------------------------


def test_integer_labels_are_classes(data_dir):
    data = load_table(data_dir / "wine.csv")
    assert data.preprocessing.task == "classification"
    assert data.preprocessing.classes == [0, 1, 2]
    assert "3 distinct integer values" in data.summary["task_reason"]


def test_many_valued_number_is_regression(data_dir):
    data = load_table(data_dir / "diabetes.csv")
    spec = data.preprocessing
    assert spec.task == "regression"
    assert spec.classes is None
    assert "numeric with 214 distinct values" in data.summary["task_reason"]
    train_y = data.splits["train"].target.to_numpy()
    assert spec.target_mean == pytest.approx(train_y.mean())
    encoded = spec.encode_target(data.splits["train"].target)
    assert encoded.mean() == pytest.approx(0, abs=1e-5)
    assert encoded.std() == pytest.approx(1, abs=1e-4)


def test_text_labels_are_classes(data_dir):
    data = load_table(data_dir / "penguins.csv")
    assert data.preprocessing.task == "classification"
    assert data.preprocessing.classes == ["Adelie", "Chinstrap", "Gentoo"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.0, 1.0, 1.0, 0.0], "classification"),  # integer-valued floats
        ([True, False, True, False], "classification"),
        ([0.5, 1.5, 2.25, 3.0], "regression"),  # fractional values
        (list(range(30)), "regression"),  # more integers than MAX_INTEGER_CLASSES
    ],
)
def test_infer_task_cases(values, expected):
    assert infer_task(pd.Series(values), "auto", "y")[0] == expected


def test_explicit_task_overrides_inference():
    assert infer_task(pd.Series([0, 1, 2, 1]), "regression", "y") == (
        "regression",
        "set with --task regression",
    )


def test_regression_on_text_target_is_refused():
    with pytest.raises(DataError, match="target column 'y' holds text.*use --task classification"):
        infer_task(pd.Series(["a", "b"]), "regression", "y")


def test_unknown_task():
    with pytest.raises(UsageError, match="--task 'clustering' is not one of auto, classification"):
        infer_task(pd.Series([1, 2]), "clustering", "y")


# --- columns ------------------------------------------------------------------------------


def test_id_like_text_column_is_dropped_with_warning(data_dir):
    data = load_table(data_dir / "seattle_weather_200.csv")
    assert data.summary["features"]["dropped"][0]["column"] == "date"
    assert any("'date' was dropped" in w and "identifier" in w for w in data.warnings)
    assert "date" not in data.preprocessing.feature_columns


def test_columns_with_spaces_and_brackets(data_dir):
    data = load_table(data_dir / "iris.csv")
    assert "sepal length (cm)" in data.preprocessing.feature_columns


def test_penguins_features_are_typed(data_dir):
    spec = load_table(data_dir / "penguins.csv").preprocessing
    assert [c.column for c in spec.categorical] == ["island", "sex"]
    assert "bill_length_mm" in [c.column for c in spec.numeric]
    sex = next(c for c in spec.categorical if c.column == "sex")
    assert "female" in sex.levels and "male" in sex.levels


def test_rare_levels_are_grouped(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    city = np.array(["a"] * 100 + ["b"] * 97 + ["rare1", "rare2", "rare3"])
    path = table(tmp_path, {"city": city, "x": rng.normal(size=n), "y": rng.integers(0, 2, n)})
    spec = load_table(path, test_size=0).preprocessing
    levels = spec.categorical[0].levels
    assert "a" in levels and "b" in levels
    assert not any(level.startswith("rare") for level in levels)


def test_constant_and_empty_columns_are_dropped(tmp_path):
    path = table(tmp_path, {"c": [1] * 12, "e": [None] * 12, "x": range(12), "y": ["a", "b"] * 6})
    data = load_table(path)
    reasons = {d["column"]: d["reason"] for d in data.summary["features"]["dropped"]}
    assert reasons == {"c": "it has a single value", "e": "every value is missing"}


def test_infinite_values_are_treated_as_missing(tmp_path):
    z = [np.inf, -np.inf] + list(range(10))
    path = table(tmp_path, {"x": range(12), "z": z, "y": ["a", "b"] * 6})
    data = load_table(path)
    assert any("2 infinite value(s) treated as missing" in w for w in data.warnings)
    assert np.isfinite([c.mean for c in data.preprocessing.numeric]).all()


def test_mostly_numeric_text_column_becomes_numeric(tmp_path):
    values = [str(i) for i in range(39)] + ["n/a?"]
    path = table(tmp_path, {"x": values, "y": ["a", "b"] * 20})
    data = load_table(path, test_size=0)
    assert [c.column for c in data.preprocessing.numeric] == ["x"]
    assert any(
        "1 non-numeric value(s) (e.g. 'n/a?') treated as missing" in w for w in data.warnings
    )


def test_rows_with_missing_target_are_dropped(tmp_path):
    path = table(tmp_path, {"x": range(13), "y": ["a", "b"] * 3 + [None] + ["a", "b"] * 3})
    data = load_table(path)
    assert data.summary["rows"] == 12
    assert "1 row(s) with a missing 'y' were dropped" in data.warnings


def test_constant_on_train_rows_does_not_divide_by_zero(tmp_path):
    # 'x' varies only in one row; whichever split gets it, the scale stays finite and > 0.
    path = table(tmp_path, {"x": [0.0] * 39 + [1.0], "y": ["a", "b"] * 20})
    spec = load_table(path).preprocessing
    assert all(c.std > 0 and np.isfinite(c.std) for c in spec.numeric)


def test_preprocessing_round_trips_through_json(data_dir):
    spec = load_table(data_dir / "penguins.csv").preprocessing
    assert Preprocessing.from_dict(spec.to_dict()) == spec


def test_as_text_matches_numbers_read_as_text():
    assert list(as_text(pd.Series([1.0, 2.0, None]))) == ["1", "2", ""]
    assert list(as_text(pd.Series(["1", "x", None]))) == ["1", "x", ""]


# --- splits -------------------------------------------------------------------------------


def test_splits_are_stratified_and_disjoint(data_dir):
    data = load_table(data_dir / "penguins.csv", seed=3)
    sizes = {name: len(split.target) for name, split in data.splits.items()}
    assert sizes == {"train": 220, "val": 55, "test": 69}
    for split in data.splits.values():
        share = split.target.value_counts(normalize=True)
        assert share["Adelie"] == pytest.approx(152 / 344, abs=0.03)


def test_no_test_split(data_dir):
    data = load_table(data_dir / "penguins.csv", test_size=0)
    assert set(data.splits) == {"train", "val"}


def test_class_with_one_row_falls_back_to_random_split(tmp_path):
    path = table(tmp_path, {"x": range(40), "y": ["a"] * 20 + ["b"] * 19 + ["lonely"]})
    data = load_table(path)
    assert any("class 'lonely' has only 1 row(s), too few to stratify" in w for w in data.warnings)


def test_bad_test_size(data_dir):
    with pytest.raises(UsageError, match=r"--test-size 1.5 must be in \[0, 0.9\)"):
        load_table(data_dir / "penguins.csv", test_size=1.5)


# --- errors -------------------------------------------------------------------------------


def test_missing_target_column_lists_columns(data_dir):
    with pytest.raises(DataError, match=r"no column named 'kind'; the columns are: 'island', "):
        load_table(data_dir / "penguins.csv", target="kind")


def test_target_all_missing(tmp_path):
    path = write(tmp_path, "x,y\n1,\n2,\n")
    with pytest.raises(DataError, match="every value of target column 'y' is missing"):
        load_table(path)


def test_too_few_rows(tmp_path):
    path = write(tmp_path, "x,y\n1,a\n2,b\n3,a\n")
    with pytest.raises(
        DataError, match="only 3 row.s. with a target value; autotune needs at least"
    ):
        load_table(path)


def test_single_class_target(tmp_path):
    path = table(tmp_path, {"x": range(12), "y": ["a"] * 12})
    with pytest.raises(DataError, match=r"single class \('a'\); a classifier needs at least two"):
        load_table(path)


def test_no_usable_feature(tmp_path):
    path = table(tmp_path, {"c": [1] * 12, "y": ["a", "b"] * 6})
    with pytest.raises(DataError, match=r"no usable feature column .*c: it has a single value"):
        load_table(path)
