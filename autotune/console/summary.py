"""What the commands print at the end of a run: the top trials, the scores, the findings with
their remedies, and where the run folder and its report are. No TensorFlow here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autotune.runs import RunFolder, rank_trials
from autotune.runs.rounds import chain, change_text
from autotune.runs.shipped import ensemble_sentence, reference_sentence, refit_sentence
from autotune.vocabulary import describe_trial


def scores_text(scores: dict[str, float] | None) -> str:
    if not scores:
        return "n/a"
    return ", ".join(f"{name} {value:.4f}" for name, value in scores.items())


def print_summary(info: dict[str, Any], out: Path, report: Path | None) -> None:
    console = Console(highlight=False)
    folder = RunFolder(out)
    best = info["best_trial"]
    console.print(_top_trials(info, folder))
    console.print(
        f"best trial {best['trial_id']}: {info['metric']} {best['score']:.4f} "
        f"at epoch {best['best_epoch']}"
    )
    images = info["dataset"].get("kind") == "images"
    unit = "images" if images else "rows"
    if info.get("fine_tune"):
        console.print(_fine_tuned(info["fine_tune"]))
    val_rows = info["dataset"]["split_rows"]["val"]
    console.print(f"validation ({val_rows} {unit}): {scores_text(info['val_scores'])}")
    if info.get("test_scores"):
        console.print(
            f"test, held out from the search ({info['dataset']['split_rows']['test']} "
            f"{unit}): {scores_text(info['test_scores'])}"
        )
    sentences = (
        ensemble_sentence(info),
        refit_sentence(info.get("refit"), unit),
        reference_sentence(info),
    )
    for sentence in sentences:
        if sentence:
            console.print(sentence[0].upper() + sentence[1:] + ".")
    trials = info["trials"]
    console.print(
        f"trials: {trials['run']} run, {trials['completed']} completed, "
        f"{trials['failed']} failed, in {info['elapsed_seconds']:.0f} s"
    )
    _print_distributed(console, info.get("distributed"))
    guidance = info.get("guidance") or {}
    if guidance.get("enabled"):
        steered = len({i["trial_id"] for i in guidance["interventions"]})
        console.print(
            f"guided: findings changed the values of {steered} trial(s) before they ran "
            "(the report's Guided search lists them)"
        )
    console.print(f"run folder: {folder.path.resolve()}")
    if report:
        console.print(f"report: {report.resolve().as_uri()}")
    console.print(
        f"best model: {folder.best_model.resolve()}  "
        f"(use it: autotune predict {folder.path} {'IMAGES' if images else 'NEW.csv'})"
    )


def _top_trials(info: dict[str, Any], folder: RunFolder) -> Table:
    """The five best trials: rank, id, score, epoch, model, health."""
    table = Table(title=f"top trials (score: {info['score']})", title_justify="left")
    for column in ("rank", "trial", "score", "epoch", "model", "health"):
        table.add_column(column, justify="left" if column in ("model", "health") else "right")
    for trial in rank_trials(folder.read_trials(), info["direction"])[:5]:
        table.add_row(
            str(trial.get("rank") or "-"),
            trial["trial_id"],
            "-" if trial["score"] is None else f"{trial['score']:.4f}",
            str(trial.get("best_epoch") or "-"),
            escape(describe_trial(trial["hyperparameters"])),
            escape(trial.get("health", "")),
        )
    return table


def _fine_tuned(tuned: dict[str, Any]) -> str:
    if tuned.get("interrupted"):
        return (
            f"fine-tuning {tuned['backbone']}'s top block was interrupted (Ctrl-C); the head "
            "before fine-tuning is saved"
        )
    before, after = tuned["val_before"], tuned["val_after"]
    return (
        f"fine-tuned {tuned['backbone']}'s top block: validation accuracy "
        f"{before['accuracy']:.4f} -> {after['accuracy']:.4f} in {tuned['epochs_run']} "
        f"epochs ({'kept' if tuned['kept'] else 'no better, not kept'})"
    )


def _print_distributed(console: Console, cluster: dict[str, Any] | None) -> None:
    if not cluster:
        return
    console.print(f"distributed: the chief served the oracle at {cluster['oracle']}")
    for name, worker in cluster["workers"].items():
        lost = f"; lost: {worker['lost']}" if worker.get("lost") else ""
        console.print(
            f"  {name} ({worker.get('host') or '?'}): ran {len(worker['trials'])} trial(s){lost}",
            markup=False,
        )


def print_diagnosis(out: Path, report: Path | None) -> None:
    """``diagnose``'s report: the configuration, its score and findings; with ``--repair``,
    then one line per round (what it changed and what that did) and the best round."""
    console = Console(highlight=False)
    folder = RunFolder(out)
    info = folder.read_run()
    trials = folder.read_trials()
    rounds = chain(trials) or trials[:1]
    first = rounds[0]
    console.print(f"configuration: {describe_trial(first['hyperparameters'])}")
    if first["status"] == "completed":
        console.print(
            f"{first['epochs_run']} epochs: {info['metric']} {first['score']:.4f} at epoch "
            f"{first['best_epoch']}"
            + ("" if len(rounds) > 1 else f"; test {scores_text(info.get('test_scores'))}")
        )
    else:
        console.print(
            f"[red]the trial failed[/] after {first['epochs_run']} epoch(s): {first['error']}"
            + ("" if len(rounds) > 1 else "; no model was saved")
        )
    print_findings(console, first["findings"])
    for number, (before, after) in enumerate(zip(rounds, rounds[1:], strict=False), start=1):
        console.print(repair_line(number, before, after))
    if len(rounds) > 1:
        if rounds[-1]["findings"]:
            console.print(f"round {len(rounds) - 1}'s findings:")
            print_findings(console, rounds[-1]["findings"])
        _print_best_round(console, info, rounds)
    console.print(f"run folder: {folder.path.resolve()}")
    if report:
        console.print(f"report: {report.resolve().as_uri()}")


def repair_line(number: int, before: dict[str, Any], after: dict[str, Any]) -> str:
    """``round 1: vanishing_gradients → activation sigmoid → relu, initializer
    glorot_uniform → he_normal: val accuracy 0.333 → 0.875, slow_convergence``."""
    remedy = after["remedy"]
    accuracy = any(t.get("val_accuracy") is not None for t in (before, after))
    name, old = shown_score(before, accuracy)
    new = shown_score(after, accuracy)[1]
    health = "[green]healthy[/]" if after["health"] == "healthy" else after["health"]
    return (
        f"round {number}: [bold]{remedy['finding']}[/] → "
        f"{change_text(before['hyperparameters'], remedy['change'])}: {name} {old} → {new}, "
        f"{health}"
    )


def shown_score(trial: dict[str, Any], accuracy: bool) -> tuple[str, str]:
    """The score a person reads for a round: validation accuracy for a classifier, else the
    search's objective, at the best epoch; ``failed`` for a failed round."""
    key = "val_accuracy" if accuracy else "score"
    name = "val accuracy" if key == "val_accuracy" else "val score"
    if trial["status"] != "completed" or trial.get(key) is None:
        return name, "failed"
    return name, f"{trial[key]:.3f}"


def _print_best_round(console, info: dict[str, Any], rounds: list[dict[str, Any]]) -> None:
    best = info.get("best_trial") or {}
    number = next((i for i, r in enumerate(rounds) if r["trial_id"] == best.get("trial_id")), None)
    if number is None:
        console.print("[red]every round failed[/]: no model was saved")
        return
    console.print(
        f"best: round {number} ({info['metric']} {best['score']:.4f}); its model is saved; "
        f"test {scores_text(info.get('test_scores'))}"
    )


def print_findings(console, findings: list[dict[str, Any]]) -> None:
    if not findings:
        console.print("[green]healthy[/]: no finding")
        return
    for finding in findings:
        colour = "red" if finding["severity"] == "serious" else "yellow"
        console.print(
            f"[{colour}]{finding['severity']}[/] [bold]{finding['name']}[/]: {finding['summary']}"
        )
        for number, remedy in enumerate(finding["remedies"], start=1):
            change = ", ".join(f"{k}: {v}" for k, v in remedy["change"].items())
            console.print(
                f"    {number}. {remedy['text']}" + (f"  [dim]({change})[/]" if change else "")
            )
