"""Which search space an image run gets, and which pretrained backbones it searches.

The rule for ``--backbone auto``: a dataset is *small* when its smallest class has fewer than
``SMALL_CLASS_IMAGES`` images; a small dataset searches VGG16 and ResNet50 features beside a
CNN from scratch (``image_transfer``), a larger one a CNN from scratch only (``image_cnn``),
which then has enough images to learn its own filters. No TensorFlow here.
"""

from __future__ import annotations

from autotune.checks import OneOf
from autotune.spaces import SearchSpace, load_space
from autotune.vocabulary import BACKBONE_CHOICES

SMALL_CLASS_IMAGES = 1000


def choose_space(
    space: str | SearchSpace | None, backbone: str, smallest_class: int
) -> tuple[SearchSpace, str]:
    """The space to search and a sentence saying why.

    Args:
        space: ``--space`` (None: chosen here), a name, a path or a loaded space.
        backbone: ``--backbone``: ``auto``, ``none``, ``vgg16`` or ``resnet50``.
        smallest_class: images in the smallest class.
    """
    OneOf(BACKBONE_CHOICES)("--backbone", backbone)
    small = smallest_class < SMALL_CLASS_IMAGES
    size_note = (
        f"the smallest class has {smallest_class} images, "
        f"{'fewer' if small else 'not fewer'} than {SMALL_CLASS_IMAGES}"
    )
    if space is None:
        if backbone == "auto":
            name = "image_transfer" if small else "image_cnn"
        else:
            name = "image_cnn" if backbone == "none" else "image_transfer"
        space = load_space(name)
    elif not isinstance(space, SearchSpace):
        space = load_space(space)
    if backbone == "auto":
        searched = backbones_of(space)
        if searched and space.name in ("image_transfer", "image_cnn"):
            why = (
                f"--backbone auto: {', '.join(searched)} searched beside a CNN from scratch "
                f"({size_note})"
            )
        elif searched:
            why = f"backbones from the space {space.name}: {', '.join(searched)}"
        else:
            why = f"--backbone auto: a CNN from scratch only ({size_note})"
        return space, why
    entries = dict(space.hyperparameters)
    entries["backbone"] = {"type": "fixed", "value": backbone}
    chosen = SearchSpace(space.name, space.description, entries, space.source)
    if backbone == "none":
        return chosen, "--backbone none: a CNN from scratch only"
    return chosen, f"--backbone {backbone}: the head searched on {backbone} features only"


def backbones_of(space: SearchSpace) -> list[str]:
    """The pretrained backbones a space can pick (``none`` left out)."""
    spec = space.hyperparameters.get("backbone")
    if spec is None:
        return []
    values = spec["values"] if spec["type"] == "choice" else [spec.get("value")]
    return [v for v in values if v != "none"]
