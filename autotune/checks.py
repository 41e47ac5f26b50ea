"""Checks of option values, in the declarative style of scikit-learn's parameter constraints.

Each check is a small object called with the flag and the value; it raises a
:class:`~autotune.errors.UsageError` whose one line names both and says what is allowed
("--max-trials 0: must be at least 1"). The option declarations (:mod:`autotune.options`) and
the library functions that take the same values (:func:`autotune.data.tabular.load_table`'s
``test_size``, say) use the same checks, so a value is refused with the same words wherever it
comes in.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autotune.errors import UsageError


@dataclass(frozen=True)
class OneOf:
    """The value is one of ``choices``."""

    choices: Sequence[Any]

    def __call__(self, flag: str, value: Any) -> None:
        if value not in self.choices:
            raise UsageError(f"{flag} {value!r} is not one of {', '.join(map(str, self.choices))}")


@dataclass(frozen=True)
class AtLeast:
    """A whole number of at least ``low``."""

    low: int

    def __call__(self, flag: str, value: Any) -> None:
        _whole(flag, value)
        if value < self.low:
            bound = "0 or more" if self.low == 0 else f"at least {self.low}"
            raise UsageError(f"{flag} {value}: must be {bound}")


@dataclass(frozen=True)
class PositiveSeconds:
    """A number of seconds above 0."""

    def __call__(self, flag: str, value: Any) -> None:
        _number(flag, value)
        if value <= 0:
            raise UsageError(f"{flag} {value}: must be a positive number of seconds")


@dataclass(frozen=True)
class Share:
    """A share in ``[low, high)``; ``hint`` names a typical value."""

    low: float
    high: float
    hint: str

    def __call__(self, flag: str, value: Any) -> None:
        _number(flag, value)
        if not self.low <= value < self.high:
            raise UsageError(
                f"{flag} {value} must be in [{self.low:g}, {self.high:g}); {self.hint}"
            )


@dataclass(frozen=True)
class Between:
    """A whole number from ``low`` to ``high`` (both included), in ``unit``."""

    low: int
    high: int
    unit: str

    def __call__(self, flag: str, value: Any) -> None:
        _whole(flag, value)
        if not self.low <= value <= self.high:
            raise UsageError(
                f"{flag} {value}: must be between {self.low} and {self.high} {self.unit}"
            )


def _number(flag: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise UsageError(f"{flag} {value!r}: must be a number")


def _whole(flag: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{flag} {value!r}: must be a whole number")


# Values that both an option and a library function below it take.
TEST_SIZE = Share(0.0, 0.9, "0.2 is typical")  # the share of rows held out for the test score
IMAGE_SIDE = Between(8, 1024, "pixels")  # the square side images are resized to
