"""One tuning run, end to end: data -> problem -> search -> best model -> test score -> run folder.

Data flows one way: the table (or image folder) is loaded and checked, and its preprocessing
fitted, before anything is written (:func:`~autotune.problems.prepare.prepare`); every trial
trains on the same in-memory arrays; the best trial's network is joined to the preprocessing
front-end (or the backbone) and saved; the held-out test split, never seen by the search,
gives the final score.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from autotune.console.announce import announce_data, announce_objective, announce_start
from autotune.console.progress import SearchProgress
from autotune.errors import SearchFailedError, UsageError
from autotune.options import TunePlan
from autotune.problems.prepare import Prepared, build_problem, prepare
from autotune.runner.ensemble import select_members
from autotune.runner.refit import Refit, refit_seconds, reserve
from autotune.runner.run_info import DIRECTION, first_info, guidance_record, trial_counts
from autotune.runs import RunFolder, atomic_path, rank_trials
from autotune.runs.same_run import check_resumable
from autotune.tuning.ctrl_c import stop_on_ctrl_c


def run_search(plan: TunePlan, progress_console=None) -> dict[str, Any]:
    """Run a whole search and fill the run folder; return the final ``run.json`` content.

    Args:
        plan: the run's plan (``TuneOptions(...).resolve()``).
        progress_console: where the progress display draws (default: stderr).

    Raises:
        AutotuneError: bad input (exit code 2), or every trial failed (exit code 1).
    """
    if not isinstance(plan, TunePlan):
        raise TypeError("run_search takes a TunePlan: pass TuneOptions(...).resolve()")
    if plan.role == "worker":
        raise UsageError("run_search runs a chief or a whole search; a worker runs run_worker")
    return TuningRun(plan, prepare(plan), progress_console).run()


class TuningRun:
    """A run whose inputs are checked: its run folder, ``run.json`` and trial records.

    Creating it writes the run folder (or continues one, for ``--resume``); :meth:`run` runs
    the search and saves the best model.
    """

    def __init__(self, plan: TunePlan, prepared: Prepared, progress_console=None):
        self.plan, self.prepared = plan, prepared
        self.folder = RunFolder(plan.out)
        previous = self.folder.read_run() if plan.resume and self.folder.run_json.exists() else None
        self.folder.create(overwrite=plan.overwrite, resume=plan.resume)
        self.clock = plan.start_clock()
        self.info = first_info(plan, prepared)
        self.records: dict[str, dict[str, Any]] = {}
        self.search = self.problem = None
        self.reserved = 0.0  # seconds kept free at the budget's end for the refit
        if previous is not None:
            check_resumable(previous, self.info, self.folder)
            self.info["created"] = previous.get("created", self.info["created"])
            resumed = datetime.now().isoformat("T", "seconds")
            self.info["resumed"] = previous.get("resumed", []) + [resumed]
            self.records = {t["trial_id"]: t for t in self.folder.read_trials()}
        self.folder.write_run(self.info)
        self.progress = SearchProgress.for_plan(
            plan, self.info["metric"], self.clock, progress_console
        )
        data = prepared.data
        announce_data(self.progress, data.summary, data.warnings, self.folder.path)
        announce_start(
            self.progress,
            prepared.space,
            prepared.space_note,
            prepared.init_from,
            plan.pretrain,
            len(self.records) if previous is not None else None,
        )

    def run(self) -> dict[str, Any]:
        """Search, then save the best model and score it; return ``run.json``'s content."""
        problem = build_problem(self.prepared, self.plan, self.progress)  # TensorFlow loads here
        self.info.update(problem.run_record())
        announce_objective(self.progress, self.info)
        self.problem = problem
        search = self.search = self._search(problem)
        self._reserve_for(rank_trials(list(self.records.values()), DIRECTION))  # resumed
        try:
            with self.progress, stop_on_ctrl_c(search, self.progress, self.folder, self.info):
                search.run()
        except KeyboardInterrupt:
            self._distributed(search)
            self.info["guidance"] = guidance_record(search, self.plan)
            self._write(status="interrupted", trials=trial_counts(self.records))
            raise
        self.info["search_seconds"] = self.clock.elapsed()
        self.info["guidance"] = guidance_record(search, self.plan)
        self._distributed(search)
        return self._keep_best(search, problem)

    def _search(self, problem):
        """A search in this process, or the chief of a distributed one."""
        space = self.prepared.space
        if not self.plan.is_chief:
            from autotune.tuning.search import Search

            return Search(self.plan, space, problem, self.progress, self.clock, self._trial_done)
        from autotune.distribute.chief import ChiefSearch

        chief = ChiefSearch(
            self.plan, space, problem, self.progress, self.clock, self._trial_seen,
            on_listening=lambda address: self._listening(chief, address),
        )  # fmt: skip
        return chief

    def _listening(self, search, address: str) -> None:
        self.info["distributed"] = search.cluster_info()
        self.folder.write_run(self.info)
        self.progress.log(f"chief: the oracle listens at {address}")
        if not self.plan.workers:
            self.progress.log(
                "chief: waiting for workers; on each machine run this command with --role "
                f"worker --worker-id N --oracle {address} --out {self.folder.path}"
            )

    def _trial_seen(self, record: dict[str, Any]) -> None:
        """A finished trial's record (written by this process, or by a worker)."""
        self.records[record["trial_id"]] = record
        ranked = self.folder.write_trials_csv(list(self.records.values()), DIRECTION)
        best = ranked[0]["trial_id"] == record["trial_id"] and ranked[0]["rank"] == 1
        self.progress.trial_ended(record, is_best=best)
        self._reserve_for(ranked)

    def _reserve_for(self, ranked: list[dict[str, Any]]) -> None:
        """Keep the best trials' refit time free at the budget's end."""
        if self.search is None or not self.problem.refits():
            return
        best = [t for t in ranked if t.get("rank") is not None]
        estimates = [refit_seconds(t, self.problem) for t in best]
        self.reserved = reserve(self.plan, self.clock, estimates)
        self.search.reserve(self.reserved)

    def _trial_done(self, record: dict[str, Any]) -> None:
        self.folder.write_trial(record)
        self._trial_seen(record)

    def _distributed(self, search) -> None:
        """``run.json``'s ``distributed`` section, for a chief."""
        if self.plan.is_chief:
            self.info["distributed"] = search.cluster_info()

    def _write(self, **changes: Any) -> None:
        self.info.update(**changes, elapsed_seconds=self.clock.elapsed())
        self.folder.write_run(self.info)

    def _keep_best(self, search, problem) -> dict[str, Any]:
        """Save the best trial's model (fine-tuned where the problem does) and score it."""
        ranked = self.folder.write_trials_csv(list(self.records.values()), DIRECTION)
        self.info["trials"] = trial_counts(self.records)
        best = ranked[0] if ranked and ranked[0]["rank"] == 1 else None
        if best is None:
            self._write(status="failed")
            reasons = sorted({r.get("error") or r["status"] for r in self.records.values()})
            raise SearchFailedError(
                f"all {len(self.records)} trial(s) failed ({'; '.join(reasons)[:300]}); see "
                f"{self.folder.trials_csv}. Try --space fast, a smaller learning rate, or check "
                "the data"
            )
        selection = select_members(search, problem, ranked, self.plan.ensemble, self.plan.seed)
        network, params = selection.best, best["hyperparameters"]
        if problem.fine_tunes(params):
            with stop_on_ctrl_c(problem, self.progress, self.folder, self.info):  # Ctrl-C skips it
                self.info["fine_tune"] = problem.fine_tune(
                    network, params, self.plan.max_epochs, self.plan.patience or 5, self.progress
                )
        model = self._shipped(problem.export(network, params), best, selection)
        with atomic_path(self.folder.best_model, suffix=".keras") as tmp:
            model.save(tmp)
        try:
            reference = problem.reference(self.plan.seed)
        except Exception as exc:  # a yardstick: its failure never fails the run
            reference = {"model": "HistGradientBoosting", "error": f"{type(exc).__name__}: {exc}"}
        if reference is not None:
            self.info["reference"] = reference
        self.info.update(
            status="completed",
            finished=datetime.now().isoformat(timespec="seconds"),
            elapsed_seconds=self.clock.elapsed(),
        )
        self.folder.write_run(self.info)
        return self.info

    def _shipped(self, single, best: dict[str, Any], selection):
        """The model to save (the best trial's, an ensemble's, either refitted), with
        ``run.json``'s best trial, ensemble and refit records and the shipped scores."""
        keys = ("trial_id", "score", "best_epoch", "epochs_run", "hyperparameters")
        self.info["best_trial"] = {k: best.get(k) for k in keys}
        model = self._scored(single, self.info["best_trial"])
        self._weigh(selection)
        if selection.ensembled:
            ensemble = self.problem.export_ensemble(
                selection.networks, selection.weights, selection.best_position
            )
            model = self._scored(ensemble, self.info)
        else:
            self.info["val_scores"] = self.info["best_trial"]["val_scores"]
            self.info["test_scores"] = self.info["best_trial"]["test_scores"]
        self.info["ensemble"] = selection.record
        return self._refit(self.problem, selection, model)

    def _scored(self, model, into: dict[str, Any]):
        """``model``, its validation and test scores written into ``into``."""
        into["val_scores"] = self.problem.evaluate(model, "val")
        into["test_scores"] = (
            self.problem.evaluate(model, "test") if "test" in self.prepared.data.splits else None
        )
        return model

    def _weigh(self, selection) -> None:
        """The shipped trials' weights in their records (``trials.csv``'s ensemble_weight)."""
        for member in selection.record.get("members", []):
            self.records[member["trial_id"]]["ensemble_weight"] = float(f"{member['weight']:.4g}")
        self.folder.write_trials_csv(list(self.records.values()), DIRECTION)

    def _refit(self, problem, selection, searched):
        """The model to ship: the searched one, or its configurations retrained on every
        labelled row (``--refit all``; its scores stay the searched model's)."""
        refit = Refit(problem, self.plan, self.clock, self.progress, self.reserved)
        with stop_on_ctrl_c(refit, self.progress, self.folder, self.info):
            networks, self.info["refit"] = refit.run(selection.records)
        if not any(n is not None for n in networks):
            return searched
        params = selection.records[0]["hyperparameters"]
        if not selection.ensembled:
            return problem.export(networks[0], params)
        kept = [
            member if refitted is None else refitted
            for refitted, member in zip(networks, selection.networks, strict=True)
        ]
        return problem.export_ensemble(kept, selection.weights, selection.best_position)
