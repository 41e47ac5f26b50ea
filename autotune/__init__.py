"""autotune: Keras AutoML for tables that explains why trials fail.

``import autotune`` is light: TensorFlow is imported only when a search or a prediction runs.
"""

from __future__ import annotations

from autotune.api import Run, load_run, tune

__version__ = "0.1.0"
__all__ = ["Run", "load_run", "tune", "__version__"]
