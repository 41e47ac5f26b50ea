"""The commands: ``tune``, ``diagnose``, ``predict``, ``report`` and ``spaces``. Each imports
what it runs only when it runs, so ``--help`` stays quick and TensorFlow-free."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from autotune.cli.app import app
from autotune.cli.params import DataArg, DebugOpt, shared, tune_signature
from autotune.errors import AutotuneError, SearchFailedError
from autotune.options import TuneOptions


def tune(debug: bool = False, **values: Any) -> None:
    """Search for the best network on a CSV file or an image folder; save it with a ranked
    table of trials and a report."""
    plan = TuneOptions(**values).resolve()
    if plan.role == "worker":
        from autotune.distribute.worker import run_worker

        try:
            run_worker(plan)  # it prints what it ran
        except KeyboardInterrupt:
            print("autotune: interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        return
    from autotune.runner import run_search

    try:
        info = run_search(plan)
    except KeyboardInterrupt:
        _interrupted(plan.out)
    except SearchFailedError:
        report = _write_report(plan.out)  # it says why every trial failed
        if report:
            print(f"autotune: report: {report.resolve().as_uri()}", file=sys.stderr)
        raise
    report = _write_report(plan.out)
    from autotune.console.summary import print_summary

    print_summary(info, plan.out, report)


tune.__signature__ = tune_signature()
tune.__annotations__ = {p.name: p.annotation for p in tune.__signature__.parameters.values()}
app.command(
    "tune",
    help="Search for the best network on a CSV file or an image folder; save it with a ranked "
    "table of trials and a report. Example: autotune tune examples/data/penguins.csv --target "
    "species --time-budget 120",
    short_help="Search for the best network on a CSV table or an image folder.",
)(tune)


def _interrupted(out: Path | None) -> None:
    """Ctrl-C: write a partial report of the trials that finished; exit 130."""
    report = _write_report(out)
    where = f"; partial report: {report.resolve().as_uri()}" if report else ""
    print(f"autotune: interrupted{where}", file=sys.stderr)
    raise typer.Exit(130)


def _write_report(out: Path | None) -> Path | None:
    """Write ``report.html`` into a run folder; a failure is a warning, not a lost run."""
    from autotune.runs import RunFolder

    if out is None or not RunFolder(out).run_json.exists():
        return None
    from autotune.report import write_report

    try:
        return write_report(out)
    except Exception as exc:  # noqa: BLE001  (the run's results are safe; say so and go on)
        print(
            f"autotune: warning: the report could not be written ({type(exc).__name__}: "
            f"{exc}); rebuild it with: autotune report {out} --debug",
            file=sys.stderr,
        )
        return None


ConfigOpt = Annotated[
    Path,
    typer.Option(
        help="YAML mapping of hyperparameter name -> value (e.g. `n_layers: 10`, "
        "`activation: sigmoid`); names left out take the default space's defaults.",
        metavar="FILE.yaml",
    ),
]
EpochsOpt = Annotated[int, typer.Option(help="Epochs to train (no early stopping).", metavar="N")]
RepairOpt = Annotated[
    bool,
    typer.Option(
        "--repair",
        help="After the diagnosis, apply its first remedy's change and train again from "
        "scratch (same seed and epochs); repeat until healthy, no remedy is left, or "
        "--rounds. Every round is a trial of the run folder; the best round's model is saved.",
    ),
]
RoundsOpt = Annotated[
    int, typer.Option(help="With --repair: most rounds of repair.", metavar="N", min=1)
]


@app.command(short_help="Train ONE fixed configuration and explain its gradient health.")
def diagnose(
    data: DataArg,
    config: ConfigOpt,
    target: shared("target") = None,
    task: shared("task") = "auto",
    epochs: EpochsOpt = 30,
    repair: RepairOpt = False,
    rounds: RoundsOpt = 3,
    seed: shared("seed") = 0,
    backbone: shared("backbone") = "auto",
    weights: shared("weights") = "imagenet",
    out: shared("out") = None,
    overwrite: shared("overwrite") = False,
    debug: DebugOpt = False,
) -> None:
    """Train ONE fixed configuration, instrumented, and explain its gradient health. Writes
    the same run folder as `tune`, with one trial (one per round with --repair), and prints
    the findings with their evidence and remedies. Example: autotune diagnose data.csv
    --config deep_sigmoid.yaml --epochs 20 --repair"""
    from autotune.runner import run_search
    from autotune.spaces import DEFAULT_SPACE, load_config

    base = "image_cnn" if backbone in ("auto", "none") else "image_transfer"
    options = TuneOptions(
        data=data,
        target=target,
        task=task,
        space=load_config(config, base if Path(data).is_dir() else DEFAULT_SPACE),
        max_trials=1 + (rounds if repair else 0),
        max_epochs=epochs,
        patience=None,
        early_abort=False,  # the pathology shows over every epoch
        seed=seed,
        backbone=backbone,
        weights=weights,
        ensemble="none",  # the model of the best round, not a blend of rounds
        refit="none",  # the network diagnosed, not another one trained on more rows
        out=out,
        overwrite=overwrite,
        reseed_trials=True,
        repair_rounds=rounds if repair else 0,
    )
    plan = options.resolve()
    try:
        run_search(plan)
    except SearchFailedError:
        pass  # the trial diverged or crashed: that is a diagnosis too, printed below
    except KeyboardInterrupt:
        _interrupted(plan.out)
    from autotune.console.summary import print_diagnosis

    print_diagnosis(plan.out, _write_report(plan.out))


@app.command(short_help="Predict new rows (or images) with a run's best model.")
def predict(
    run_dir: Annotated[
        Path, typer.Argument(help="Run folder written by `autotune tune`.", metavar="RUN_DIR")
    ],
    data: Annotated[
        Path,
        typer.Argument(
            help="CSV with the training columns (target optional, extra columns ignored); for "
            "an image run, an image or a folder of images (searched recursively).",
            metavar="DATA",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Write predictions here. [default: stdout]", metavar="FILE.csv"),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Predict new rows (or images) with a run's best model; writes a CSV with a `prediction`
    column. Classification adds one `proba_<class>` column per class; image runs add a `path`
    column first, and list unreadable files on stderr. Example: autotune predict
    reports/penguins-20260101-120000 new.csv --out preds.csv"""
    from autotune.runs import RunFolder

    info = RunFolder(run_dir).read_run()  # a wrong folder fails here, before TensorFlow loads

    if info.get("preprocessing", {}).get("kind") == "images":
        from autotune.predict import predict_images

        result, unreadable = predict_images(run_dir, data)
        for item in unreadable:
            typer.echo(f"autotune: warning: {item['path']}: {item['reason']}; skipped", err=True)
    else:
        from autotune.predict import predict_file

        result = predict_file(run_dir, data)
    if out is None:
        result.to_csv(sys.stdout, index=False)
        return
    try:
        result.to_csv(out, index=False)
    except OSError as exc:
        raise AutotuneError(
            f"--out {out}: cannot write ({exc.strerror}); choose another path"
        ) from exc
    typer.echo(f"{len(result)} predictions written to {out}", err=True)


@app.command(short_help="Rebuild a run folder's report.html (no training).")
def report(
    run_dir: Annotated[
        Path, typer.Argument(help="Run folder written by `autotune tune`.", metavar="RUN_DIR")
    ],
    debug: DebugOpt = False,
) -> None:
    """Rebuild RUN_DIR/report.html from the run folder alone (no training). Works on a
    finished, interrupted or still-running run. Example: autotune report
    reports/penguins-20260101-120000"""
    from autotune.report import write_report

    path = write_report(run_dir)
    typer.echo(f"report: {path.resolve().as_uri()}")


@app.command(short_help="List the shipped search spaces, or print one.")
def spaces(
    name: Annotated[str | None, typer.Argument(help="A space to print.", metavar="NAME")] = None,
    debug: DebugOpt = False,
) -> None:
    """List the shipped search spaces, or print one (a starting point for your own YAML)."""
    from autotune.spaces import load_space, shipped_spaces

    if name is None:
        names = list(shipped_spaces())
        width = max(map(len, names))
        for space_name in names:
            space = load_space(space_name)
            typer.echo(
                f"{space_name:{width}s} {len(space.hyperparameters):2d} hyperparameters  "
                f"{space.description}"
            )
        return
    space = load_space(name)
    typer.echo(Path(space.source).read_text(encoding="utf-8"), nl=False)
