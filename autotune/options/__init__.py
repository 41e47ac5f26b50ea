"""Every option of ``autotune tune``, declared once; resolved into the immutable plan of a run.

Each field of :class:`~autotune.options.tune.TuneOptions` is one option: its name, type (the
annotation), default, help, how the CLI shows it and the check of its value
(:mod:`autotune.options.declaration`, :mod:`autotune.checks`). The CLI builds the ``tune``
command from these fields, and ``autotune.tune(data, **options)`` takes the same names, so a
flag cannot drift from its keyword.

``TuneOptions`` holds what the user asked for, unchecked and unchanged (as a scikit-learn
estimator keeps its constructor's arguments). ``TuneOptions.resolve()`` checks every value
and the combinations (:mod:`autotune.options.combinations`), then derives what the user left
open (the trial limit, the run folder, the space of a table run) into a
:class:`~autotune.options.tune.TunePlan`: frozen, checked once, passed down. May import the
checks, the errors, the spaces and the vocabulary; no TensorFlow.
"""

from autotune.options.declaration import Option, flag_of, parse_address
from autotune.options.tune import (
    DEFAULT_MAX_TRIALS,
    PRETRAIN_METHODS,
    ROLES,
    TUNERS,
    Budget,
    TuneOptions,
    TunePlan,
    declarations,
    default_out,
    option_types,
)

__all__ = [
    "DEFAULT_MAX_TRIALS",
    "PRETRAIN_METHODS",
    "ROLES",
    "TUNERS",
    "Budget",
    "Option",
    "TuneOptions",
    "TunePlan",
    "declarations",
    "default_out",
    "flag_of",
    "option_types",
    "parse_address",
]
