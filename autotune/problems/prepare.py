"""A run's inputs, loaded and checked before anything is written: the data (split, its
preprocessing fitted), the search space, and what the problem starts from (``--init-from``'s
layers, an image run's backbones). Then :func:`build_problem` makes the search problem.

Every input error is raised by :func:`prepare`, before the run folder is written; a table
run's checks need no TensorFlow (an image run loads its backbones, to check their weights).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autotune.data.images import ImageData, load_images
from autotune.data.tabular import TabularData, load_table
from autotune.errors import UsageError
from autotune.metrics import check_metric
from autotune.options import TunePlan
from autotune.problems.base import Problem
from autotune.problems.image_space import backbones_of, choose_space
from autotune.spaces import SearchSpace, load_space


@dataclass(frozen=True)
class Prepared:
    """A search's checked inputs; nothing trained yet.

    Attributes:
        data: the table or image folder, split, its preprocessing fitted.
        space: the search space.
        space_note: why an image run got its space (None for a table).
        init_from: ``--init-from``'s checked source run (see
            :func:`~autotune.problems.init_from.check_init_from`), or None.
        backbones: an image run's loaded backbones, by name.
    """

    data: TabularData | ImageData
    space: SearchSpace
    space_note: str | None = None
    init_from: dict[str, Any] | None = None
    backbones: dict[str, Any] = field(default_factory=dict)


def prepare(plan: TunePlan) -> Prepared:
    """Load and check a run's inputs (an image folder or a table)."""
    return prepare_images(plan) if plan.images else prepare_table(plan)


def prepare_table(plan: TunePlan) -> Prepared:
    """A table search's data, space and checked ``--init-from`` source."""
    space = plan.space if isinstance(plan.space, SearchSpace) else load_space(plan.space)
    data = load_table(
        plan.data,
        plan.target,
        plan.task,
        test_size=plan.test_size,
        seed=plan.seed,
        scaling=plan.scaling,
    )
    init_from = None
    if plan.init_from is not None:
        from autotune.problems.init_from import check_init_from

        init_from = check_init_from(plan.init_from, data.preprocessing, plan.init_layers)
    spec = data.preprocessing
    n_classes = len(spec.classes) if spec.classes is not None else None
    check_metric(plan.metric, spec.task, n_classes, f"{plan.data}'s {spec.target!r}")
    return Prepared(data, space.for_task(data.preprocessing.task), init_from=init_from)


def prepare_images(plan: TunePlan) -> Prepared:
    """An image search's data, space (chosen from the class sizes) and backbones."""
    data = load_images(
        plan.data,
        test_size=plan.test_size,
        seed=plan.seed,
        strict=plan.strict,
        image_size=plan.image_size,
    )
    check_metric(plan.metric, "classification", len(data.preprocessing.classes), str(plan.data))
    smallest = min(c["rows"] for c in data.summary["classes"])
    space, note = choose_space(plan.space, plan.backbone, smallest)
    return Prepared(data, space, space_note=note, backbones=_load_backbones(space, plan, data))


def _load_backbones(space: SearchSpace, plan: TunePlan, data: ImageData) -> dict[str, Any]:
    """Load every backbone the space can pick, so a weights problem stops the run before its
    folder is written (this imports TensorFlow)."""
    names = backbones_of(space)
    if not names:
        return {}
    if plan.weights not in ("imagenet", "none") and len(names) > 1:
        raise UsageError(
            f"--weights {plan.weights}: a weights file holds one backbone, and the search "
            f"would pick among {', '.join(names)}; add --backbone {names[0]} (or the one the "
            "file belongs to)"
        )
    from autotune.models.transfer import load_backbone

    side = data.preprocessing.image_size
    return {name: load_backbone(name, plan.weights, side, plan.seed) for name in names}


def build_problem(prepared: Prepared, plan: TunePlan, progress) -> Problem:
    """The search problem of checked inputs: encoded arrays, or cached features (TensorFlow
    loads here)."""
    if isinstance(prepared.data, ImageData):
        from autotune.problems.images import ImageProblem

        return ImageProblem(
            prepared.data,
            prepared.backbones,
            plan.weights,
            plan.seed,
            progress,
            metric=plan.metric,
            class_weight=plan.class_weight,
        )
    from autotune.problems.table import TabularProblem

    return TabularProblem(
        prepared.data,
        pretrain=plan.pretrain,
        init_from=prepared.init_from,
        metric=plan.metric,
        class_weight=plan.class_weight,
    )
