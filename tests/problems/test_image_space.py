"""Which space an image run gets, and which backbones it searches."""

from __future__ import annotations

import pytest

from autotune.errors import UsageError
from autotune.problems.image_space import SMALL_CLASS_IMAGES, backbones_of, choose_space


def test_auto_backbone_rule():
    space, why = choose_space(None, "auto", SMALL_CLASS_IMAGES - 1)
    assert space.name == "image_transfer" and backbones_of(space) == ["vgg16", "resnet50"]
    assert f"fewer than {SMALL_CLASS_IMAGES}" in why
    space, why = choose_space(None, "auto", SMALL_CLASS_IMAGES)
    assert space.name == "image_cnn" and backbones_of(space) == []
    assert "CNN from scratch only" in why


@pytest.mark.parametrize("backbone", ["none", "vgg16", "resnet50"])
def test_forced_backbone(backbone):
    space, why = choose_space(None, backbone, 10)
    assert space.hyperparameters["backbone"] == {"type": "fixed", "value": backbone}
    assert backbones_of(space) == ([] if backbone == "none" else [backbone])
    assert why.startswith(f"--backbone {backbone}")


def test_unknown_backbone():
    with pytest.raises(UsageError, match="--backbone 'vgg19' is not one of auto, none"):
        choose_space(None, "vgg19", 10)
