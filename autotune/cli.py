"""The ``autotune`` command line: parses flags, calls the library, maps errors to exit codes.

Exit codes: 0 success; 2 bad input or usage (one line on stderr, no traceback); 1 internal
error (or every trial failed); 130 interrupted. ``--debug`` (anywhere on the line) shows
tracebacks. TensorFlow is imported only by the commands that need it.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from autotune import __version__
from autotune.errors import AutotuneError, SearchFailedError

app = typer.Typer(
    help="Keras AutoML: tune a network on a CSV table or an image folder with KerasTuner, keep "
    "the best model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"autotune {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show tracebacks on errors (accepted anywhere on the command line)."
        ),
    ] = False,
) -> None:
    """Keras AutoML: tune a network on a CSV table or an image folder with KerasTuner."""


# Options shared by the commands that train.
DataArg = Annotated[
    Path,
    typer.Argument(
        help="CSV file (header row; target column), or a folder with one sub-folder of images "
        "per class."
    ),
]
TargetOpt = Annotated[str | None, typer.Option(help="Target column. [default: last column]")]
TaskOpt = Annotated[str, typer.Option(help="auto, classification or regression.")]
OutOpt = Annotated[
    Path | None, typer.Option(help="Run folder. [default: reports/<data name>-<YYYYmmdd-HHMMSS>]")
]
OverwriteOpt = Annotated[bool, typer.Option(help="Replace an existing run folder.")]


@app.command()
def tune(
    data: DataArg,
    target: TargetOpt = None,
    task: TaskOpt = "auto",
    space: Annotated[
        str | None,
        typer.Option(
            help="Shipped space name (see `autotune spaces`) or a YAML file. [default: mlp for "
            "a CSV; image_transfer or image_cnn for images, see --backbone]"
        ),
    ] = None,
    tuner: Annotated[str, typer.Option(help="random, bayesian or hyperband.")] = "random",
    max_trials: Annotated[
        int | None,
        typer.Option(help="Most trials to run. [default: 20; no limit with --time-budget]"),
    ] = None,
    max_epochs: Annotated[
        int, typer.Option(help="Most epochs per trial (early stopping usually ends sooner).")
    ] = 50,
    time_budget: Annotated[
        float | None,
        typer.Option(
            help="Seconds for the whole search: no trial starts after it and the running one is "
            "stopped."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of splits, initial weights and the tuner.")] = 0,
    out: OutOpt = None,
    overwrite: OverwriteOpt = False,
    resume: Annotated[
        bool,
        typer.Option(
            help="Continue the run in --out after a crash or kill: finished trials are kept, a "
            "trial cut short runs again, until --max-trials (same data and space only)."
        ),
    ] = False,
    test_size: Annotated[
        float, typer.Option(help="Share of rows held out for the final test score (0 = none).")
    ] = 0.2,
    patience: Annotated[
        int,
        typer.Option(help="Early stopping: epochs without a better score before a trial stops."),
    ] = 5,
    guided: Annotated[
        bool,
        typer.Option(
            "--guided/--unguided",
            help="Let earlier trials' findings steer later trials: no saturating activations "
            "where gradients vanished, gradient clipping where they exploded, a dropout / L2 "
            "floor after overfitting (random and bayesian tuners).",
        ),
    ] = True,
    pretrain: Annotated[
        str | None,
        typer.Option(
            help="Tables: autoencoder pre-trains each trial's hidden layers greedily, layer by "
            "layer, as autoencoders of the training features before the supervised fit (for "
            "small tables; see the README's benchmark)."
        ),
    ] = None,
    init_from: Annotated[
        Path | None,
        typer.Option(
            help="Tables: an earlier run folder whose best model's first hidden layers start "
            "every trial (frozen first, then fine-tuned); the data must have the same input "
            "columns."
        ),
    ] = None,
    init_layers: Annotated[
        int, typer.Option(help="With --init-from: how many of its first hidden layers to reuse.")
    ] = 1,
    backbone: Annotated[
        str,
        typer.Option(
            help="Images: auto searches vgg16 and resnet50 features beside a CNN from scratch "
            "when the smallest class has fewer than 1000 images (else the CNN only); none, "
            "vgg16 or resnet50 force it."
        ),
    ] = "auto",
    weights: Annotated[
        str,
        typer.Option(
            help="Images: backbone weights: imagenet (Keras' cache, ~/.keras/models), none "
            "(random), or a local FILE.h5."
        ),
    ] = "imagenet",
    strict: Annotated[
        bool,
        typer.Option(help="Images: stop at an unreadable file instead of skipping it."),
    ] = False,
    image_size: Annotated[
        int | None,
        typer.Option(
            help="Images: square side in pixels every image is resized to. [default: the "
            "median image's longer side rounded up to a multiple of 32, within 32-224]"
        ),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(
            help="Distributed search (tables): chief serves KerasTuner's oracle at --oracle and "
            "writes the results; worker runs trials for it. All share --out (a shared file "
            "system).",
            rich_help_panel="Distributed search",
        ),
    ] = None,
    oracle: Annotated[
        str | None,
        typer.Option(
            help="HOST:PORT the chief listens on (port 0: a free one, printed and written to "
            "run.json) and the workers connect to.",
            rich_help_panel="Distributed search",
        ),
    ] = None,
    worker_id: Annotated[
        int | None,
        typer.Option(
            help="A worker's number, unique within the search.",
            rich_help_panel="Distributed search",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Run a chief here and start this many worker processes on this machine.",
            rich_help_panel="Distributed search",
        ),
    ] = 0,
    connect_timeout: Annotated[
        float,
        typer.Option(
            help="A worker fails when the chief has not answered for this many seconds.",
            rich_help_panel="Distributed search",
        ),
    ] = 120.0,
    worker_timeout: Annotated[
        float,
        typer.Option(
            help="The chief declares a worker lost (its trial failed) after this many seconds "
            "without its heartbeat.",
            rich_help_panel="Distributed search",
        ),
    ] = 60.0,
) -> None:
    """Search for the best network on a CSV file or an image folder; save it with a ranked
    table of trials and a report.

    Example: autotune tune examples/data/penguins.csv --target species --time-budget 120
    """
    from autotune.search.options import TuneOptions
    from autotune.search.runner import run_search

    options = TuneOptions(
        data=data,
        target=target,
        task=task,
        space=space,
        tuner=tuner,
        max_trials=max_trials,
        max_epochs=max_epochs,
        time_budget=time_budget,
        seed=seed,
        out=out,
        overwrite=overwrite,
        resume=resume,
        test_size=test_size,
        patience=patience,
        guided=guided,
        pretrain=pretrain,
        init_from=init_from,
        init_layers=init_layers,
        backbone=backbone,
        weights=weights,
        strict=strict,
        image_size=image_size,
        role=role,
        oracle=oracle,
        worker_id=worker_id,
        workers=workers,
        connect_timeout=connect_timeout,
        worker_timeout=worker_timeout,
    )
    if role == "worker":
        from autotune.search.worker import run_worker

        try:
            run_worker(options)  # it prints what it ran
        except KeyboardInterrupt:
            print("autotune: interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        return
    try:
        info = run_search(options)
    except KeyboardInterrupt:
        _interrupted(options.out)
    except SearchFailedError:
        report = _write_report(options.out)  # it says why every trial failed
        if report:
            print(f"autotune: report: {report.resolve().as_uri()}", file=sys.stderr)
        raise
    report = _write_report(options.out)
    from autotune.terminal import print_summary

    print_summary(info, options.out, report)


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


@app.command()
def diagnose(
    data: DataArg,
    config: Annotated[
        Path,
        typer.Option(
            help="YAML mapping of hyperparameter name -> value (e.g. `n_layers: 10`, "
            "`activation: sigmoid`); names left out take the default space's defaults."
        ),
    ],
    target: TargetOpt = None,
    task: TaskOpt = "auto",
    epochs: Annotated[int, typer.Option(help="Epochs to train (no early stopping).")] = 30,
    seed: Annotated[int, typer.Option(help="Seed of splits and initial weights.")] = 0,
    out: OutOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Train ONE fixed configuration, instrumented, and explain its gradient health.

    Writes the same run folder as `tune`, with one trial, and prints the findings with their
    evidence and remedies.
    Example: autotune diagnose data.csv --config deep_sigmoid.yaml --epochs 20
    """
    from autotune.search.options import TuneOptions
    from autotune.search.runner import run_search
    from autotune.spaces import load_config

    options = TuneOptions(
        data=data,
        target=target,
        task=task,
        space=load_config(config),
        max_trials=1,
        max_epochs=epochs,
        patience=None,
        seed=seed,
        out=out,
        overwrite=overwrite,
    )
    try:
        run_search(options)
    except SearchFailedError:
        pass  # the trial diverged or crashed: that is a diagnosis too, printed below
    except KeyboardInterrupt:
        _interrupted(options.out)
    from autotune.terminal import print_diagnosis

    print_diagnosis(options.out, _write_report(options.out))


@app.command()
def predict(
    run_dir: Annotated[Path, typer.Argument(help="Run folder written by `autotune tune`.")],
    data: Annotated[
        Path,
        typer.Argument(
            help="CSV with the training columns (target optional, extra columns ignored); for "
            "an image run, an image or a folder of images (searched recursively)."
        ),
    ],
    out: Annotated[
        Path | None, typer.Option(help="Write predictions here. [default: stdout]")
    ] = None,
) -> None:
    """Predict new rows (or images) with a run's best model; writes a CSV with a
    `prediction` column.

    Classification adds one `proba_<class>` column per class; image runs add a `path` column
    first, and list unreadable files on stderr.
    Example: autotune predict reports/penguins-20260101-120000 new.csv --out preds.csv
    """
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


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="Run folder written by `autotune tune`.")],
) -> None:
    """Rebuild RUN_DIR/report.html from the run folder alone (no training).

    Works on a finished, interrupted or still-running run.
    Example: autotune report reports/penguins-20260101-120000
    """
    from autotune.report import write_report

    path = write_report(run_dir)
    typer.echo(f"report: {path.resolve().as_uri()}")


@app.command()
def spaces(
    name: Annotated[str | None, typer.Argument(help="A space to print.")] = None,
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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``autotune`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        # Typer itself handles --help, usage errors (exit 2) and Ctrl-C (exit 130).
        app(args=args, prog_name="autotune")
    except KeyboardInterrupt:
        print("autotune: interrupted", file=sys.stderr)
        sys.exit(130)
    except AutotuneError as exc:
        if debug:
            traceback.print_exc()
        print(f"autotune: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001  (anything else is our bug)
        if debug:
            traceback.print_exc()
        print(
            f"autotune: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
