"""The Python API; it mirrors the CLI. Heavy modules are imported only when used.

Example:
    >>> import autotune
    >>> run = autotune.tune("examples/data/penguins.csv", max_trials=5)  # doctest: +SKIP
    >>> run.test_scores["accuracy"]  # doctest: +SKIP
    >>> run.predict("new_penguins.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from autotune.runs import RunFolder


class Run:
    """A finished (or interrupted) run, read from its run folder."""

    def __init__(self, path: str | Path):
        self.folder = RunFolder(path)
        self.info: dict[str, Any] = self.folder.read_run()

    @property
    def path(self) -> Path:
        return self.folder.path

    @property
    def trials(self) -> pd.DataFrame:
        """``trials.csv``: one row per trial, ranked."""
        return pd.read_csv(self.folder.trials_csv, dtype={"trial_id": str})

    @property
    def test_scores(self) -> dict[str, float] | None:
        return self.info.get("test_scores")

    @property
    def best_trial(self) -> dict[str, Any] | None:
        return self.info.get("best_trial")

    def load_model(self):
        """The best model (``keras.Model``): raw columns in, predictions out."""
        from autotune.predict import load_best_model

        return load_best_model(self.folder)

    def predict(self, data: str | Path | pd.DataFrame) -> pd.DataFrame:
        """Predictions for a CSV path or a DataFrame of raw rows; for an image run, an image or
        a folder of images (unreadable files are left out, with a warning)."""
        from autotune.predict import predict_file, predict_frame, predict_images

        if self.info.get("preprocessing", {}).get("kind") == "images":
            result, unreadable = predict_images(self.path, data)
            for item in unreadable:
                warnings.warn(f"{item['path']}: {item['reason']}; skipped", stacklevel=2)
            return result
        if isinstance(data, pd.DataFrame):
            return predict_frame(self.path, data)
        return predict_file(self.path, data)

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, status={self.info.get('status')!r})"


def load_run(path: str | Path) -> Run:
    """Open a run folder written by ``tune``."""
    return Run(path)


def tune(data: str | Path, **options: Any) -> Run:
    """Tune a model on a CSV file; the keyword options are those of ``autotune tune``.

    Args:
        data: the CSV file or image folder.
        **options: every option of ``autotune tune`` (:class:`autotune.options.TuneOptions`),
            named with ``_`` for ``-``: ``target``, ``task``, ``space``, ``tuner``,
            ``max_trials``, ``max_epochs``, ``time_budget``, ``seed``, ``out``, ``overwrite``,
            ``test_size``, ``patience``, ... and ``workers`` (local worker processes; a
            script that uses them needs Python's ``if __name__ == "__main__":`` guard, as for
            any multiprocessing).

    Returns:
        The :class:`Run`, read back from its run folder (``report.html`` written).
    """
    from autotune.report import write_report
    from autotune.runner import run_search

    plan = tune_options(data, options).resolve()
    run_search(plan)
    write_report(plan.out)
    return Run(plan.out)


def tune_options(data: str | Path, options: dict[str, Any]):
    """``TuneOptions`` of ``tune``'s keywords; an unknown keyword names the closest option."""
    import difflib

    from autotune.errors import UsageError
    from autotune.options import TuneOptions, declarations

    known = declarations()
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(
                f"autotune.tune: no option {name!r}{hint}; the options are those of "
                "`autotune tune --help`, with _ for -"
            )
    return TuneOptions(data=Path(data), **options)
