"""A table or an image folder as a search problem (:class:`~autotune.problems.base.Problem`):
the checked inputs of a run (:mod:`~autotune.problems.prepare`), the encoded splits every
trial trains on, the hypermodel, the exported model and its scores.

Tables: :mod:`~autotune.problems.table` with :mod:`~autotune.problems.table_encoding` (the
preprocessing as Keras layers) and :mod:`~autotune.problems.init_from`. Images:
:mod:`~autotune.problems.images` with :mod:`~autotune.problems.image_space`,
:mod:`~autotune.problems.feature_cache` and :mod:`~autotune.problems.fine_tune`. May import
``data``, ``models``, ``callbacks``, ``runs``, ``spaces``, ``options`` and the vocabulary.
"""
