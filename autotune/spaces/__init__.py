"""Search spaces as data: a YAML file -> a validated :class:`SearchSpace` -> KerasTuner.

A space file looks like::

    name: fast
    description: A small space for smoke runs.
    hyperparameters:
      n_layers: {type: int, min: 1, max: 3, default: 2}
      learning_rate: {type: float, min: 1.0e-4, max: 1.0e-2, sampling: log, default: 1.0e-3}
      activation: {type: choice, values: [relu, tanh], default: relu}
      batch_norm: {type: bool, default: false}
      optimizer: {type: fixed, value: adam}

Each name must be one the model knows (:mod:`autotune.vocabulary`), and every value it can
take must be allowed for that name. Validation happens on load, so a bad file fails before
any training, with a message that names the file, the key and the fix.
No TensorFlow at import; :meth:`SearchSpace.to_hyperparameters` imports KerasTuner.
"""

from autotune.spaces.loading import load_config, load_space, shipped_spaces
from autotune.spaces.space import DEFAULT_SPACE, SearchSpace
from autotune.spaces.validation import validate_space

__all__ = [
    "DEFAULT_SPACE",
    "SearchSpace",
    "load_config",
    "load_space",
    "shipped_spaces",
    "validate_space",
]
