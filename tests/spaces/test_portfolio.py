"""A space's portfolio (the configurations after the defaults) and its conditional entries."""

from __future__ import annotations

import pytest

from autotune.errors import SearchSpaceError
from autotune.spaces.loading import load_space
from autotune.spaces.space import SearchSpace
from autotune.spaces.validation import validate_space

SPACE = {
    "hyperparameters": {
        "n_layers": {"type": "int", "min": 1, "max": 4, "default": 2},
        "optimizer": {"type": "choice", "values": ["adam", "sgd"], "default": "adam"},
        "momentum": {"type": "choice", "values": [0.0, 0.9], "default": 0.0},
    }
}


def test_the_default_space_ships_a_portfolio_of_allowed_configurations():
    space = load_space("mlp")
    assert len(space.portfolio) == 3
    assert space.portfolio[0]["activation"] == "selu"  # the RealMLP-like one
    assert space.to_dict()["portfolio"] == space.portfolio


@pytest.mark.parametrize(
    ("portfolio", "message"),
    [
        ({"n_layers": 3}, "portfolio: give a list of configurations"),
        ([{"units": 64}], "portfolio[0].units: not an entry of this space"),
        ([{"n_layers": 9}], "portfolio[0].n_layers: 9 is outside [1, 4]"),
        ([{"n_layers": 2}, {"optimizer": "rmsprop"}], "portfolio[1].optimizer: 'rmsprop' is not"),
        ([[]], "portfolio[0]: a configuration is a mapping"),
        ([{"n_layers": 2.5}], "portfolio[0].n_layers: 2.5 is not a whole number"),
    ],
)
def test_a_bad_portfolio_names_the_entry(portfolio, message):
    with pytest.raises(SearchSpaceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate_space({**SPACE, "portfolio": portfolio}, "my.yaml")


def test_a_conditional_entry_is_drawn_only_where_it_acts():
    space = validate_space(SPACE, "my.yaml")
    assert isinstance(space, SearchSpace) and "momentum" in space
    hp = space.to_hyperparameters()
    hp.values["optimizer"] = "adam"
    assert not hp.is_active("momentum")
    hp.values["optimizer"] = "sgd"
    assert hp.is_active("momentum")
    # Without its parent in the space, the entry is always drawn.
    alone = validate_space({"hyperparameters": {"momentum": SPACE["hyperparameters"]["momentum"]}},
                           "m.yaml").to_hyperparameters()  # fmt: skip
    assert alone.is_active("momentum")


def test_a_regression_search_leaves_label_smoothing_out_of_its_space():
    space = validate_space(
        {
            "hyperparameters": {
                "label_smoothing": {"type": "choice", "values": [0.0, 0.1], "default": 0.0},
                "n_layers": {"type": "int", "min": 1, "max": 3, "default": 2},
            },
            "portfolio": [{"label_smoothing": 0.1, "n_layers": 3}],
        },
        source="space.yaml",
    )
    regression = space.for_task("regression")
    assert "label_smoothing" not in regression and "n_layers" in regression
    assert regression.portfolio == [{"n_layers": 3}]  # the rest is kept
    assert space.for_task("classification") is space
