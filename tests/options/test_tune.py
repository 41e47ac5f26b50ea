"""Options as given, resolved into a plan: derived values filled in, nothing mutated."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from autotune.errors import UsageError
from autotune.options.tune import (
    DEFAULT_MAX_TRIALS,
    Budget,
    TuneOptions,
    TunePlan,
    declarations,
    default_out,
    option_types,
)


def test_resolve_derives_what_was_left_open_and_changes_nothing(data_dir):
    options = TuneOptions(data=str(data_dir / "iris.csv"))
    plan = options.resolve()
    assert isinstance(plan, TunePlan) and plan.resolve() is plan
    assert plan.max_trials == DEFAULT_MAX_TRIALS and plan.space == "mlp"
    assert plan.data == data_dir / "iris.csv" and plan.out.parent == Path("reports")
    assert options.max_trials is None and options.space is None and options.out is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.max_trials = 3  # type: ignore[misc]


def test_a_time_budget_alone_sets_no_trial_limit(data_dir):
    plan = TuneOptions(data=data_dir / "iris.csv", time_budget=30).resolve()
    assert plan.max_trials is None
    assert TuneOptions(data=data_dir / "iris.csv", max_trials=3).resolve().max_trials == 3


def test_an_image_folder_keeps_its_space_open(tmp_path):
    (tmp_path / "a").mkdir()
    plan = TuneOptions(data=tmp_path).resolve()
    assert plan.images and plan.space is None


def test_record_is_what_run_json_keeps(data_dir, tmp_path):
    plan = TuneOptions(data=data_dir / "iris.csv", out=tmp_path / "r", space="fast").resolve()
    record = plan.record()
    assert "space" not in record and record["out"] == str(tmp_path / "r")
    assert set(record) == {f.name for f in dataclasses.fields(TuneOptions)} - {"space"}


@pytest.mark.parametrize(
    ("values", "keeps", "guides"),
    [
        ({}, False, True),
        ({"resume": True, "out": "r"}, True, True),
        ({"tuner": "hyperband"}, False, False),
        ({"guided": False}, False, False),
        ({"role": "worker", "worker_id": 1, "oracle": "h:1", "out": "r"}, True, False),
    ],
)
def test_what_the_plan_derives_for_the_tuner(data_dir, values, keeps, guides):
    plan = TuneOptions(data=data_dir / "iris.csv", **values).resolve()
    assert (plan.keeps_tuner_state, plan.guides) == (keeps, guides)


def test_every_declared_option_has_a_type_and_a_help():
    types = option_types()
    assert types["max_trials"] is int and types["time_budget"] is float
    assert types["out"] is Path and types["guided"] is bool
    assert all(
        declared.help and not declared.help.endswith(" ") for declared in declarations().values()
    )


def test_the_budget_counts_from_its_start():
    clock = Budget(time.monotonic() - 5, 10)
    assert 4.9 <= clock.elapsed() <= 6 and clock.deadline == pytest.approx(clock.started + 10)
    assert Budget(0.0, None).deadline is None


def test_the_default_run_folder_names_the_data():
    assert default_out(Path("data/penguins.csv")).name.startswith("penguins-")


def test_a_checked_value_fails_resolve_not_construction(data_dir):
    options = TuneOptions(data=data_dir / "iris.csv", max_trials=0)  # kept as given
    with pytest.raises(UsageError, match="--max-trials 0: must be at least 1"):
        options.resolve()
