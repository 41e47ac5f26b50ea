"""A validated search space and how it becomes KerasTuner's ``HyperParameters``."""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from autotune.vocabulary import CLASSIFICATION_ONLY, CONDITIONS

DEFAULT_SPACE = "mlp"


@dataclass
class SearchSpace:
    """A validated search space: ``hyperparameters`` maps each name to its spec."""

    name: str
    description: str
    hyperparameters: dict[str, dict[str, Any]]
    source: str
    portfolio: list[dict[str, Any]] = field(default_factory=list)

    def to_hyperparameters(self, conditional: bool = True):
        """A ``keras_tuner.HyperParameters`` holding every entry of this space; with
        ``conditional``, an entry of :data:`~autotune.vocabulary.CONDITIONS` is active only
        under its parent's values (declared after its parent)."""
        from autotune.backend import kt

        hp = kt.HyperParameters()
        children = [
            n for n in self.hyperparameters if conditional and CONDITIONS.get(n, ("",))[0] in self
        ]
        for name in [n for n in self.hyperparameters if n not in children] + children:
            if name in children:
                parent, values = CONDITIONS[name]
                scope = hp.conditional_scope(parent, list(values))
            else:
                scope = contextlib.nullcontext()
            with scope:
                _declare(hp, name, self.hyperparameters[name])
        return hp

    def for_task(self, task: str) -> SearchSpace:
        """This space without the entries that do not act on ``task`` (a regression has no
        label smoothing), in its entries and its portfolio."""
        if task == "classification":
            return self
        drop = set(CLASSIFICATION_ONLY)
        return dataclasses.replace(
            self,
            hyperparameters={k: v for k, v in self.hyperparameters.items() if k not in drop},
            portfolio=[{k: v for k, v in c.items() if k not in drop} for c in self.portfolio],
        )

    def __contains__(self, name: str) -> bool:
        return name in self.hyperparameters

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "hyperparameters": self.hyperparameters,
            "portfolio": self.portfolio,
        }


def _declare(hp, name: str, spec: dict[str, Any]) -> None:
    """One entry of a space on a ``keras_tuner.HyperParameters``."""
    kind = spec["type"]
    if kind in ("int", "float"):
        declare = hp.Int if kind == "int" else hp.Float
        declare(
            name,
            spec["min"],
            spec["max"],
            step=spec.get("step"),
            sampling=spec.get("sampling", "linear"),
            default=spec.get("default"),
        )
    elif kind == "choice":
        hp.Choice(name, spec["values"], default=spec.get("default"))
    elif kind == "bool":
        hp.Boolean(name, default=spec.get("default", False))
    else:
        hp.Fixed(name, spec["value"])
