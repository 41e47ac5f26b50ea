"""The command line end to end, through a subprocess, as a user runs it."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest


def test_tune_then_predict_round_trip(tmp_path, data_dir, cli):
    run = tmp_path / "run"
    done = cli(
        "tune",
        data_dir / "penguins.csv",
        "--target",
        "species",
        "--space",
        "fast",
        "--max-trials",
        "2",
        "--max-epochs",
        "2",
        "--out",
        run,
    )
    assert done.returncode == 0, done.stderr
    assert "task: classification" in done.stderr
    assert "trial" in done.stderr and "new best" in done.stderr
    assert "test, held out from the search (69 rows): accuracy" in done.stdout
    assert f"run folder: {run.resolve()}" in done.stdout
    assert f"report: {(run / 'report.html').resolve().as_uri()}" in done.stdout
    assert "Traceback" not in done.stderr
    assert len(list(csv.DictReader((run / "trials.csv").open()))) == 2
    assert "Run completed" in (run / "report.html").read_text(encoding="utf-8")

    new = tmp_path / "new.csv"
    rows = (data_dir / "penguins.csv").read_text().splitlines()[:11]
    new.write_text("\n".join(rows) + "\n")
    out = tmp_path / "preds.csv"
    done = cli("predict", run, new, "--out", out)
    assert done.returncode == 0, done.stderr
    predictions = list(csv.DictReader(out.open()))
    assert len(predictions) == 10
    assert set(predictions[0]) == {"prediction", "proba_Adelie", "proba_Chinstrap", "proba_Gentoo"}
    assert {p["prediction"] for p in predictions} <= {"Adelie", "Chinstrap", "Gentoo"}

    to_stdout = cli("predict", run, new)
    assert to_stdout.returncode == 0
    assert (
        to_stdout.stdout.splitlines()[0] == "prediction,proba_Adelie,proba_Chinstrap,proba_Gentoo"
    )


@pytest.mark.slow  # one of the heaviest: a search, then predict, each in its own process
def test_regression_predictions_are_values(tmp_path, data_dir, cli):
    run = tmp_path / "run"
    assert (
        cli(
            "tune",
            data_dir / "diabetes.csv",
            "--space",
            "fast",
            "--max-trials",
            "1",
            "--max-epochs",
            "2",
            "--out",
            run,
        ).returncode
        == 0
    )
    done = cli("predict", run, data_dir / "diabetes.csv")
    header, first = done.stdout.splitlines()[:2]
    assert header == "prediction"
    float(first)


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_do_not_import_tensorflow(flag):
    code = (
        "import sys\n"
        "from autotune.cli import main\n"
        f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "False False"


def test_version(cli):
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("autotune ")


def test_spaces_lists_and_prints(cli):
    listing = cli("spaces")
    assert listing.returncode == 0
    assert "mlp" in listing.stdout and "fast" in listing.stdout
    rows = listing.stdout.splitlines()
    assert [r.split()[0] for r in rows] == ["fast", "image_cnn", "image_transfer", "mlp"]
    assert len({r.index(" hyperparameters") for r in rows}) == 1  # aligned columns
    printed = cli("spaces", "mlp")
    assert "hyperparameters:" in printed.stdout and "n_layers" in printed.stdout


def error_of(done):
    """The one stderr line of a failed command; asserts exit code 2 and no traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_missing_file(cli, tmp_path):
    line = error_of(cli("tune", tmp_path / "nope.csv"))
    assert line.startswith("autotune: error: ") and "nope.csv: no such file" in line


def test_empty_file(cli, tmp_path):
    (tmp_path / "e.csv").write_text("")
    assert "the file is empty" in error_of(cli("tune", tmp_path / "e.csv"))


def test_header_only(cli, tmp_path):
    (tmp_path / "h.csv").write_text("a,b\n")
    assert "has a header but no data rows" in error_of(cli("tune", tmp_path / "h.csv"))


def test_no_such_target_lists_columns(cli, data_dir):
    line = error_of(cli("tune", data_dir / "iris.csv", "--target", "Species"))
    assert "no column named 'Species'; the columns are: 'sepal length (cm)'" in line
    assert "'species'" in line


def test_single_class_target(cli, tmp_path):
    (tmp_path / "one.csv").write_text("x,y\n" + "".join(f"{i},a\n" for i in range(12)))
    assert "has a single class" in error_of(cli("tune", tmp_path / "one.csv"))


def test_no_usable_feature(cli, tmp_path):
    (tmp_path / "f.csv").write_text("const,y\n" + "".join(f"1,{'ab'[i % 2]}\n" for i in range(12)))
    assert "no usable feature column" in error_of(cli("tune", tmp_path / "f.csv"))


def test_existing_run_folder_without_resume_or_overwrite(cli, tmp_path, data_dir):
    out = tmp_path / "run"
    out.mkdir()
    (out / "run.json").write_text("{}")
    line = error_of(cli("tune", data_dir / "iris.csv", "--out", out))
    assert "already holds a run; pass --resume to continue it or --overwrite to replace it" in line
    assert json.loads((out / "run.json").read_text()) == {}  # untouched


def test_bad_space_file(cli, tmp_path, data_dir):
    (tmp_path / "s.yaml").write_text("hyperparameters:\n  units: {type: int, min: 9, max: 2}\n")
    line = error_of(cli("tune", data_dir / "iris.csv", "--space", tmp_path / "s.yaml"))
    assert "s.yaml: hyperparameters.units: min (9) is greater than max (2)" in line


def test_bad_option_value(cli, data_dir):
    assert "--max-trials 0: must be at least 1" in error_of(
        cli("tune", data_dir / "iris.csv", "--max-trials", "0")
    )


def test_predict_without_run_folder(cli, tmp_path, data_dir):
    line = error_of(cli("predict", tmp_path / "nothing", data_dir / "iris.csv"))
    assert "no such run folder" in line


def test_usage_error_exit_code(cli):
    done = cli("tune", "--no-such-flag")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(cli, tmp_path):
    done = cli("tune", tmp_path / "nope.csv", "--debug")
    assert done.returncode == 2
    assert "Traceback" in done.stderr and "no such file" in done.stderr


def test_diagnose_prints_findings_and_remedies(tmp_path, data_dir, cli):
    config = tmp_path / "deep_sigmoid.yaml"
    config.write_text(
        "n_layers: 10\nunits: 32\nshrink: 1.0\nactivation: sigmoid\n"
        "initializer: glorot_uniform\noptimizer: sgd\nlearning_rate: 0.01\n"
    )
    run = tmp_path / "run"
    done = cli(
        "diagnose", data_dir / "iris.csv", "--config", config, "--epochs", "12", "--out", run
    )
    assert done.returncode == 0, done.stderr
    assert "serious vanishing_gradients: the first layer's gradient is" in done.stdout
    assert "1. Use a ReLU-family activation with He initialisation" in done.stdout
    rows = list(csv.DictReader((run / "trials.csv").open()))
    assert len(rows) == 1
    assert rows[0]["health"].split(",")[0] == "vanishing_gradients"
    assert rows[0]["epochs_run"] == "12"  # no early stopping
    trial = json.loads(next((run / "trials").glob("*.json")).read_text())
    assert len(trial["diagnostics"]["grad_norm"]) == 12
    assert trial["hyperparameters"]["n_layers"] == 10
    assert trial["hyperparameters"]["units"] == 32  # from the config
    assert trial["hyperparameters"]["batch_size"] == 32  # from the default space
    assert f"report: {(run / 'report.html').resolve().as_uri()}" in done.stdout
    report = (run / "report.html").read_text(encoding="utf-8")
    assert '<span class="badge serious">vanishing_gradients</span>' in report


def test_diagnose_repair_applies_remedies_round_by_round(tmp_path, data_dir, cli):
    config = tmp_path / "deep_sigmoid.yaml"
    config.write_text(
        "n_layers: 10\nunits: 32\nshrink: 1.0\nactivation: sigmoid\n"
        "initializer: glorot_uniform\noptimizer: sgd\nlearning_rate: 0.01\n"
    )
    run = tmp_path / "run"
    args = ("--config", config, "--epochs", "20", "--out", run, "--repair", "--rounds", "2")
    done = cli("diagnose", data_dir / "iris.csv", *args)
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())  # rich wraps long lines
    assert (
        "round 1: vanishing_gradients → activation sigmoid → relu, initializer glorot_uniform "
        "→ he_normal: val accuracy 0.333 → " in out
    )
    records = {
        t["trial_id"]: t
        for t in map(json.loads, map(Path.read_text, (run / "trials").glob("*.json")))
    }
    first, second = sorted(records)[:2]
    assert "repair_of" not in records[first]
    assert records[second]["repair_of"] == first
    assert records[second]["remedy"]["finding"] == "vanishing_gradients"
    assert records[second]["remedy"]["change"] == {
        "activation": "relu",
        "initializer": "he_normal",
    }
    # Every round trains from scratch, for the same epochs, with the change and nothing else.
    assert all(t["epochs_run"] == 20 for t in records.values())
    changed = {
        k
        for k, v in records[second]["hyperparameters"].items()
        if records[first]["hyperparameters"].get(k) != v
    }
    assert changed == {"activation", "initializer"}
    assert records[second]["score"] < records[first]["score"]
    info = json.loads((run / "run.json").read_text())
    best = min((t for t in records.values() if t["score"] is not None), key=lambda t: t["score"])
    assert info["best_trial"]["trial_id"] == best["trial_id"]  # the best round's model
    assert f"best: round {sorted(records).index(best['trial_id'])} " in out
    report = (run / "report.html").read_text(encoding="utf-8")
    assert '<section id="repair">' in report
    assert all(f'id="fig-repair-heatmap-{i}"' in report for i in records)


def test_diagnose_healthy_configuration(tmp_path, data_dir, cli):
    config = tmp_path / "ok.yaml"
    config.write_text(
        "n_layers: 2\nunits: 64\nactivation: relu\noptimizer: adam\n"
        "learning_rate: 0.01\nresidual: true\nclipnorm: 1.0\nlr_schedule: constant\n"
    )
    done = cli(
        "diagnose",
        data_dir / "iris.csv",
        "--config",
        config,
        "--epochs",
        "20",
        "--out",
        tmp_path / "run",
    )
    assert done.returncode == 0, done.stderr
    assert "healthy: no finding" in done.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("n_layer: 3\n", r"n_layer: unknown hyperparameter \(did you mean 'n_layers'\?\)"),
        ("activation: softmax\n", "activation: 'softmax' is not one of relu"),
        ("lr_schedule: step\n", "lr_schedule: 'step' is not one of constant, warmup"),
        ("- 1\n- 2\n", "a configuration is a mapping of hyperparameter name -> value"),
    ],
)
def test_diagnose_bad_config(tmp_path, data_dir, cli, text, message):
    import re

    config = tmp_path / "bad.yaml"
    config.write_text(text)
    line = error_of(cli("diagnose", data_dir / "iris.csv", "--config", config))
    assert "bad.yaml: " in line and re.search(message, line)


def test_diagnose_a_diverging_configuration_explains_instead_of_crashing(tmp_path, data_dir, cli):
    config = tmp_path / "huge_lr.yaml"
    config.write_text("optimizer: sgd\nlearning_rate: 10.0\nmomentum: 0.9\n")
    done = cli(
        "diagnose",
        data_dir / "diabetes.csv",
        "--config",
        config,
        "--epochs",
        "10",
        "--out",
        tmp_path / "run",
    )
    assert done.returncode == 0, done.stderr
    assert "the trial failed after" in done.stdout and "no model was saved" in done.stdout
    assert "serious nan_loss" in done.stdout and "serious exploding_gradients" in done.stdout
    # A learning rate 1000 times SGD's default: lowering it to the default comes first, then
    # clipping (a clipped step of that size is still too large).
    out = " ".join(done.stdout.split())  # rich wraps long lines
    assert "1. Lower the learning rate to sgd's default (10 -> 0.01)" in out
    assert "2. Clip gradients by norm (clipnorm 1.0)" in out
    assert "Traceback" not in done.stderr
    report = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "Run failed: no trial completed" in report and 'class="failed"' in report


def test_ctrl_c_writes_a_partial_report_and_exits_130(tmp_path, data_dir, tune_until):
    import signal

    run = tmp_path / "run"
    process = tune_until(
        run, 1, data_dir / "penguins.csv", "--space", "fast", "--max-trials", "50",
        "--max-epochs", "3",
    )  # fmt: skip
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    uri = (run / "report.html").resolve().as_uri()
    assert f"autotune: interrupted; partial report: {uri}" in stderr
    assert "Traceback" not in stderr
    assert json.loads((run / "run.json").read_text())["status"] == "interrupted"
    finished = len(list((run / "trials").glob("*.json")))
    assert 1 <= finished < 50
    assert len(list(csv.DictReader((run / "trials.csv").open()))) == finished
    stopped = [json.loads(p.read_text())["stopped_by"] for p in (run / "trials").glob("*.json")]
    assert set(stopped) <= {"early_stopping", "max_epochs", "interrupted"}
    report = (run / "report.html").read_text(encoding="utf-8")
    assert "Run interrupted: a partial report of the trials that finished" in report
    assert report.count('<tr class="completed"') + report.count('<tr class="failed"') == finished


@pytest.mark.slow  # one of the heaviest: a search in its own process, interrupted twice
def test_a_second_ctrl_c_stops_at_once(tmp_path, data_dir, tune_until):
    import signal
    import time

    run = tmp_path / "run"
    process = tune_until(run, 1, data_dir / "penguins.csv", "--space", "fast", "--max-trials", "50")
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stopped = time.monotonic()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "autotune: interrupted" in stderr, stderr[-3000:]
    assert time.monotonic() - stopped < 30
    assert (run / "trials.csv").exists()
    if "interrupted at once" in stderr:  # the second Ctrl-C came before the search had stopped
        assert f"write the report with: autotune report {run}" in stderr
        assert json.loads((run / "run.json").read_text())["status"] == "interrupted"
