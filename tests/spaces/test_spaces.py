from __future__ import annotations

import pytest

from autotune.errors import SearchSpaceError
from autotune.spaces import load_space, shipped_spaces
from autotune.vocabulary import CONDITIONS


def write_space(tmp_path, text: str):
    path = tmp_path / "space.yaml"
    path.write_text(text)
    return path


def test_shipped_spaces_are_listed():
    assert {"mlp", "fast"} <= set(shipped_spaces())


def test_default_space_covers_the_table_hyperparameters():
    names = set(load_space("mlp").hyperparameters)
    assert names >= {
        "n_layers",
        "units",
        "shrink",
        "activation",
        "initializer",
        "batch_norm",
        "dropout",
        "l1",
        "l2",
        "optimizer",
        "learning_rate",
        "batch_size",
    }
    assert set(load_space("mlp").hyperparameters["optimizer"]["values"]) == {
        "sgd",
        "adam",
        "rmsprop",
        "adagrad",
    }


def test_space_becomes_keras_tuner_hyperparameters():
    hp = load_space("mlp").to_hyperparameters()
    assert hp.get("n_layers") == 2 and hp.get("activation") == "relu"
    learning_rate = next(p for p in hp.space if p.name == "learning_rate")
    assert learning_rate.sampling == "log"


def test_user_file_loads(tmp_path):
    path = write_space(tmp_path, "hyperparameters:\n  units: {type: int, min: 8, max: 64}\n")
    space = load_space(str(path))
    assert space.name == "space" and space.hyperparameters["units"]["max"] == 64


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hyperparameters: [1, 2", r"space\.yaml: YAML syntax error at line 1.*fix the file"),
        ("units: 3\n", "a mapping with a 'hyperparameters' mapping"),
        (
            "hyperparameters:\n  units: {type: integer, min: 1, max: 4}\n",
            r"units\.type: 'integer' is not one of int, float, choice, bool, fixed",
        ),
        (
            "hyperparameters:\n  units: {type: int, min: 64, max: 8}\n",
            r"hyperparameters\.units: min \(64\) is greater than max \(8\); swap them",
        ),
        (
            "hyperparameters:\n  n_layer: {type: int, min: 1, max: 4}\n",
            r"hyperparameters\.n_layer: unknown hyperparameter \(did you mean 'n_layers'\?\)",
        ),
        (
            "hyperparameters:\n  activation: {type: choice, values: [relu, softplus]}\n",
            r"hyperparameters\.activation\.values: 'softplus' is not one of relu",
        ),
        (
            "hyperparameters:\n  l2: {type: float, min: 0.0, max: 0.1, sampling: log}\n",
            "log sampling needs min > 0",
        ),
        (
            "hyperparameters:\n  units: {type: int, min: 8, max: 64, default: 128}\n",
            r"units\.default: 128 is outside \[8, 64\]",
        ),
        (
            "hyperparameters:\n  units: {type: int, min: 8, max: 64, values: [1]}\n",
            "key.s. values do not apply to type int",
        ),
        (
            "hyperparameters:\n  units: {type: int, min: 8.5, max: 64}\n",
            r"units\.min: 8\.5 is not a whole number",
        ),
        ("hyperparameters:\n  dropout: {type: fixed}\n", "type fixed needs 'value'"),
        ("hyperparameters:\n  batch_norm: {type: bool, default: 1}\n", "is not true or false"),
        ("hyperparameters:\n  units: 64\n", "must be a mapping with a 'type'"),
        ("name: x\nextra: 1\nhyperparameters: {}\n", "unknown top-level key.s. extra"),
    ],
)
def test_invalid_spaces_name_the_file_key_and_fix(tmp_path, text, message):
    with pytest.raises(SearchSpaceError, match=message):
        load_space(str(write_space(tmp_path, text)))


def test_unknown_space_name_lists_shipped_ones():
    with pytest.raises(SearchSpaceError, match="no search space named 'tiny'; the shipped ones"):
        load_space("tiny")


def test_missing_space_file(tmp_path):
    with pytest.raises(SearchSpaceError, match=r"nope\.yaml: no such search-space file"):
        load_space(str(tmp_path / "nope.yaml"))


@pytest.mark.parametrize("name", sorted(shipped_spaces()))
def test_every_shipped_space_runs_a_one_trial_search(tmp_path, data_dir, name):
    from autotune.options import TuneOptions
    from autotune.runner import run_search

    info = run_search(
        TuneOptions(
            data=data_dir / "iris.csv", space=name, max_trials=1, max_epochs=1, out=tmp_path / "run"
        ).resolve()
    )
    assert info["status"] == "completed"
    assert info["trials"] == {"run": 1, "completed": 1, "failed": 0}
    values = info["best_trial"]["hyperparameters"]
    # Every entry that acts is in the trial's values; a conditional one only under its parent.
    acting = {
        n
        for n in load_space(name).hyperparameters
        if n not in CONDITIONS or values.get(CONDITIONS[n][0]) in CONDITIONS[n][1]
    }
    assert set(values) >= acting


def test_config_takes_the_default_space_defaults_for_names_it_leaves_out(tmp_path):
    from autotune.spaces import load_config

    path = tmp_path / "c.yaml"
    path.write_text("n_layers: 7\nmomentum: 0.9\nresidual: true\n")
    space = load_config(path)
    values = {name: spec["value"] for name, spec in space.hyperparameters.items()}
    assert values["n_layers"] == 7 and values["momentum"] == 0.9 and values["residual"] is True
    assert values["units"] == 128  # the mlp space's default, not the model's 64
    assert all(spec["type"] == "fixed" for spec in space.hyperparameters.values())


def test_missing_config_file(tmp_path):
    from autotune.spaces import load_config

    with pytest.raises(SearchSpaceError, match=r"nope\.yaml: no such configuration file"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("line", "value"),
    [("learning_rate: 1.0e-8", 1e-8), ("learning_rate: 50.0", 50.0), ("l2: 3.0", 3.0)],
)
def test_config_takes_any_value_keras_accepts_beyond_the_search_bounds(tmp_path, line, value):
    """A configuration someone really trained is worth diagnosing, however odd its values."""
    from autotune.spaces import load_config

    path = tmp_path / "c.yaml"
    path.write_text(line + "\n")
    name = line.split(":")[0]
    assert load_config(path).hyperparameters[name]["value"] == value


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("learning_rate: -0.1", r"-0\.1 is below the smallest allowed value 0\.0"),
        ("momentum: 1.5", r"1\.5 is above the largest allowed value 1\.0"),
    ],
)
def test_config_refuses_what_keras_refuses(tmp_path, line, problem):
    from autotune.spaces import load_config

    path = tmp_path / "c.yaml"
    path.write_text(line + "\n")
    with pytest.raises(SearchSpaceError, match=rf"c\.yaml: \w+: {problem}"):
        load_config(path)
