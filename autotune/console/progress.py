"""What the terminal shows during a search: trial k of N, epoch, best so far, time used / left.

Progress goes to stderr (rich draws live bars on a terminal and plain lines elsewhere), so
stdout stays free for results. No TensorFlow here.
"""

from __future__ import annotations

import math
import time
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Column


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:d}:{seconds % 60:02d}"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:.4g}"
    return str(value)


def _health(record: dict[str, Any]) -> str:
    health = record.get("health")
    if not health or health == "unknown":
        return ""
    if health == "healthy":
        return "[green]healthy[/]"
    serious = any(f["severity"] == "serious" for f in record.get("findings", []))
    return f"[{'red' if serious else 'yellow'}]{health}[/]"


class SearchProgress:
    """Live view of a search.

    Args:
        max_trials: the trial limit (Hyperband or a budget may run fewer), or None.
        max_epochs: the epoch limit of one trial.
        metric: the objective's name, e.g. ``val_cross_entropy``.
        time_budget: seconds, or None.
        started: ``time.monotonic()`` when the budget started. Defaults to now.
        console: where to draw. Defaults to a stderr console.
    """

    def __init__(
        self,
        max_trials: int | None,
        max_epochs: int,
        metric: str,
        time_budget: float | None = None,
        started: float | None = None,
        console: Console | None = None,
    ):
        self.console = console or Console(stderr=True)
        self.max_trials, self.max_epochs, self.metric = max_trials, max_epochs, metric
        self.time_budget = time_budget
        self.started = time.monotonic() if started is None else started
        self.best: tuple[str, float] | None = None
        self.done = 0
        self._summary = ""
        self._progress = Progress(
            TextColumn("[bold]{task.description}", table_column=Column(width=12)),
            MofNCompleteColumn(),
            BarColumn(bar_width=20),
            TextColumn(
                "{task.fields[info]}", table_column=Column(no_wrap=True, overflow="ellipsis")
            ),
            console=self.console,
            transient=True,
        )
        self._trials = self._progress.add_task("trials", total=max_trials, info="")
        self._epochs = self._progress.add_task("epochs", total=max_epochs, info="", visible=False)

    @classmethod
    def for_plan(cls, plan, metric: str, budget, console: Console | None = None) -> SearchProgress:
        """The display of a search with a plan's limits (:class:`autotune.options.TunePlan`)
        on its clock (:class:`autotune.options.Budget`)."""
        return cls(
            plan.max_trials,
            plan.max_epochs,
            metric,
            budget.seconds,
            started=budget.started,
            console=console,
        )

    def __enter__(self) -> SearchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.stop()

    def _clock_info(self) -> str:
        used = time.monotonic() - self.started
        text = f"{_clock(used)} used"
        if self.time_budget:
            text += f", {_clock(self.time_budget - used)} left"
        if self.best:
            text += f"  best {self.metric} {_fmt(self.best[1])} (trial {self.best[0]})"
        return text

    def log(self, message: str) -> None:
        self._progress.console.print(message, highlight=False)

    def trial_started(self, trial_id: str, summary: str) -> None:
        summary = escape(summary)  # "[64-32] relu ..." is text, not console markup
        self._progress.update(
            self._trials,
            description="trials",
            info=self._clock_info(),
        )
        self._progress.reset(
            self._epochs,
            total=self.max_epochs,
            visible=True,
            description=f"  trial {trial_id}",
            info=summary,
        )
        self._summary = summary

    def epoch_ended(self, epoch: int, logs: dict[str, Any]) -> None:
        value = logs.get(self.metric)
        self._progress.update(
            self._epochs,
            completed=epoch + 1,
            info=f"{self.metric} {_fmt(value)}  {self._summary}" if value is not None else "",
        )
        self._progress.update(self._trials, info=self._clock_info())

    def trial_ended(self, record: dict[str, Any], is_best: bool) -> None:
        self.done += 1
        score = record.get("score")
        if is_best:
            self.best = (record["trial_id"], score)
        status = record["status"]
        mark = "  [green]new best[/]" if is_best else ""
        trial = record["trial_id"] + (f" ({record['worker']})" if record.get("worker") else "")
        if status == "completed":
            line = (
                f"trial {trial}  {self.metric} {_fmt(score)}  "
                f"{record.get('epochs_run', 0)} epochs  {record.get('fit_seconds', 0):.1f}s"
                f"  {_health(record)}{mark}"
            )
        else:
            line = (
                f"trial {trial}  [red]{status}[/]: {escape(record.get('error') or '')}"
                f"  {_health(record)}"
            )
        self.log(line)
        self._progress.update(self._trials, completed=self.done, info=self._clock_info())
        self._progress.update(self._epochs, visible=False)
