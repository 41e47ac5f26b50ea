"""The search engine, on KerasTuner: the oracles (defaults first, steered by the guide), the
tuners that record every trial, the guide itself, how a trial becomes its record, and the
:class:`~autotune.tuning.search.Search` that runs them over a problem. Ctrl-C handling and the
release of TensorFlow's per-trial graphs live here too. May import ``problems``, ``models``,
``callbacks``, ``diagnostics``, ``runs``, ``options``, ``console`` and the vocabulary.
"""
