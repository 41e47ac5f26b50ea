"""One tuning run end to end (:func:`~autotune.runner.tune.run_search`): the checked inputs,
the run folder and its ``run.json``, the search in this process or as a distributed chief,
and the best model saved and scored. The top of the engine: may import every package below
it, never ``report``.
"""

from autotune.runner.tune import run_search

__all__ = ["run_search"]
