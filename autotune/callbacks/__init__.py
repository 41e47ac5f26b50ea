"""The Keras callbacks autotune adds to a trial's ``fit``, one per module (as Keras keeps its
own): the time budget and Ctrl-C (``deadline``), the progress display (``progress``), a NaN
loss (``nan``), the best epoch's weights (``best_epoch``), the gradient-health measurements
(``gradient_probe``), the learning-rate schedule (``schedule``) and a refit's epoch count
(``stop_after``).

Which of them a trial gets is decided where it is fitted (:mod:`autotune.models.fitting`,
:mod:`autotune.tuning.search`). Each is deep-copyable, as KerasTuner copies the search's
callbacks for every trial.
"""
