"""What the terminal shows: a run's opening lines (``announce``), the live view of the search
(``progress``) and what ``tune`` and ``diagnose`` print at the end (``summary``). Output goes
through rich; progress to stderr, results to stdout. Imports the run folder and the
vocabulary only; no TensorFlow.
"""
