"""Smoke test: the benchmark entry point runs on a tiny budget and writes its table."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.__main__ import main  # noqa: E402


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_diagnostics_benchmark_smoke(tmp_path, data_dir, capsys):
    assert (
        main(
            [
                "diagnostics",
                "--data",
                str(data_dir / "penguins.csv"),
                "--repeats",
                "1",
                "--epochs",
                "1",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    table = (tmp_path / "diagnostics.md").read_text()
    assert "| default net [128-64] relu |" in table and "| 10-layer net" in table
    assert table.strip() in capsys.readouterr().out


def test_missing_benchmark_data(tmp_path, capsys):
    assert main(["diagnostics", "--data", str(tmp_path / "none.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_memory_benchmark_smoke(tmp_path, data_dir, capsys):
    args = ["memory", "--data", str(data_dir / "iris.csv"), "--trials", "3", "--epochs", "1"]
    assert main([*args, "--space", "fast", "--out", str(tmp_path)]) == 0
    table = (tmp_path / "memory.md").read_text()
    assert "| after trial | RSS (MB) |" in table and "\n| 3 | " in table
    assert "growth from trial 3 to 3: +0 MB" in table and "peak RSS" in table
    assert table.strip() in capsys.readouterr().out


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_feature_cache_benchmark_smoke(tmp_path, make_images, capsys):
    folder = make_images(tmp_path / "stripes", per_class=6)
    args = ["feature_cache", "--data", str(folder), "--trials", "2", "--epochs", "1"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    table = (tmp_path / "feature_cache.md").read_text()
    assert "| recompute the backbone every epoch | 0.0 |" in table
    assert "| cache, cold (features computed once) |" in table
    assert "| cache, warm (features read from disk) |" in table
    assert "2 head trials x 1 epochs on stripes (12 images at 32x32" in table
    assert table.strip() in capsys.readouterr().out


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_quality_benchmark_smoke(tmp_path, data_dir, capsys):
    args = ["quality", "--data", str(data_dir), "--datasets", "iris,diabetes", "--budget", "2"]
    arms = ["--arms", "autotune,no ensemble,plain KerasTuner"]
    assert main([*args, *arms, "--seeds", "0", "--out", str(tmp_path)]) == 0
    table = (tmp_path / "quality.md").read_text()
    systems = "autotune | plain KerasTuner | sklearn MLP | HistGradientBoosting"
    assert f"| dataset | metric | {systems} |" in table
    assert "| iris | accuracy | " in table and "| iris | balanced_accuracy | " in table
    assert "| diabetes | r2 | " in table
    assert "| dataset | seed | autotune | no ensemble |" in table and "| diabetes | 0 | " in table
    assert "| autotune | " in table and "trials per minute" in table
    assert "trials shipped (mean)" in table
    assert "autotune is ahead of plain KerasTuner on " in table and "of 2 tables" in table
    assert table.strip() in capsys.readouterr().out


def test_the_quality_benchmark_runs_every_arm_unless_told_which():
    from benchmarks import quality

    every = ("autotune | standard scaling | no refit | random tuner | no portfolio | greedy "
             "ensemble | no ensemble | no embeddings | class weight auto | Keras fit")  # fmt: skip
    assert " | ".join(quality.chosen(None)) == every + " | plain KerasTuner"
    assert list(quality.chosen("autotune, HistGradientBoosting")) == ["autotune"]
    with pytest.raises(SystemExit, match="unknown nope"):
        quality.chosen("autotune,nope")
    with pytest.raises(SystemExit, match="at least one autotune arm"):
        quality.chosen("HistGradientBoosting")


def test_the_outside_peers_need_their_own_interpreter(monkeypatch):
    from benchmarks import quality

    monkeypatch.delenv("AUTOTUNE_PEERS_PYTHON", raising=False)
    with pytest.raises(SystemExit, match="set AUTOTUNE_PEERS_PYTHON"):
        quality.chosen("autotune,AutoGluon")
    monkeypatch.setenv("AUTOTUNE_PEERS_PYTHON", sys.executable)
    assert list(quality.chosen("autotune,AutoGluon,RealMLP-TD")) == [
        "autotune",
        "AutoGluon",
        "RealMLP-TD",
    ]


def test_peer_labels_are_named_as_autotune_names_them():
    from autotune.data.columns import normalise_labels
    from benchmarks.peer_fit import labels_as_text

    for column in (pd.Series([1.0, 2.0, 2.0]), pd.Series([3, 1]), pd.Series(["b", "a"]),
                   pd.Series([True, False]), pd.Series([0.5, 1.0])):  # fmt: skip
        assert list(labels_as_text(column)) == [str(v) for v in normalise_labels(column)]


PEERS_PYTHON = os.environ.get("AUTOTUNE_PEERS_PYTHON")


@pytest.mark.slow
@pytest.mark.skipif(not PEERS_PYTHON, reason="AUTOTUNE_PEERS_PYTHON names no peers' Python")
@pytest.mark.parametrize("peer", ["AutoGluon", "RealMLP-TD"])
@pytest.mark.parametrize("target", ["species", "body_mass_g"])
def test_an_outside_peer_fits_and_scores_a_table(peer, target, tmp_path, data_dir):
    from autotune.data.tabular import load_table
    from benchmarks import quality

    frame = pd.read_csv(data_dir / "penguins.csv")
    frame = frame[[c for c in frame.columns if c != target] + [target]]
    frame = frame[frame[target].notna()].sample(frac=1.0, random_state=0)
    frame.iloc[:260].to_csv(tmp_path / "train.csv", index=False)
    test = frame.iloc[260:].reset_index(drop=True)
    data = load_table(tmp_path / "train.csv", test_size=0.0, seed=0)
    result = quality._outside(peer, data, test, 20.0, 0, tmp_path)
    if data.preprocessing.task == "classification":
        assert result["scores"]["accuracy"] > 0.9
    else:
        assert result["scores"]["r2"] > 0.6
    assert result["trials"] >= 1


def test_quality_benchmark_names_missing_datasets(tmp_path, data_dir, capsys):
    assert main(["quality", "--data", str(data_dir), "--datasets", "iris,nope"]) == 2
    assert "no nope CSV(s)" in capsys.readouterr().err


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_speed_benchmark_smoke(tmp_path, data_dir, capsys):
    args = ["speed", "--data", str(data_dir / "iris.csv"), "--budget", "4"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    table = (tmp_path / "speed.md").read_text()
    assert "| system | trials | trials / min | best after 4 s |" in table
    assert "\n| autotune | " in table and "\n| plain KerasTuner | " in table
    assert "Trials per minute, autotune / plain KerasTuner: " in table
    assert "`autotune --help` start-up: " in table
    assert table.strip() in capsys.readouterr().out


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_trial_cost_benchmark_smoke(tmp_path, data_dir, capsys):
    args = ["trial_cost", "--data", str(data_dir / "iris.csv"), "--repeats", "1"]
    assert main([*args, "--trials", "1", "--epochs", "1", "--out", str(tmp_path)]) == 0
    table = (tmp_path / "trial_cost.md").read_text()
    for arm in (
        "| Keras / KerasTuner defaults | ",
        "| + tf.data pipelines | ",
        "| + best epoch kept in memory | ",
        "| + compiled epochs (autotune) | ",
        "| autotune, diagnostics off | ",
    ):
        assert arm in table
    assert "| 1.00x |" in table  # the defaults arm against itself
    assert table.strip() in capsys.readouterr().out


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_trial_profile_benchmark_splits_a_trial_into_its_parts(tmp_path, data_dir, capsys):
    from benchmarks import trial_profile

    args = ["trial_profile", "--data", str(data_dir), "--repeats", "1", "--trials", "1"]
    tables = {"penguins": ("penguins.csv", None), "diabetes, 200 rows": ("diabetes.csv", 200)}
    with mock.patch.object(trial_profile, "TABLES", tables):
        assert main([*args, "--epochs", "2", "--out", str(tmp_path)]) == 0
    table = (tmp_path / "trial_profile.md").read_text()
    for part in trial_profile.PARTS:
        assert table.count(f"| {part} | ") == 2
    for arm in trial_profile.ARMS:
        assert arm in table
    for row in table.splitlines():
        if row.startswith("| train steps |"):
            assert all(float(cell) > 0 for cell in row.strip("|").split("|")[1:])
    assert table.strip() in capsys.readouterr().out


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
@pytest.mark.parametrize(
    ("name", "arms"),
    [
        ("guided", ("guided", "unguided")),
        ("pretrain", ("pretrain", "no pretrain")),
        ("early_abort", ("early abort", "no early abort")),
    ],
)
def test_side_by_side_benchmarks_smoke(tmp_path, data_dir, capsys, name, arms):
    args = [name, "--data", str(data_dir), "--datasets", "iris", "--seeds", "0", "--budget", "2"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    table = (tmp_path / f"{name}.md").read_text()
    first, second = arms
    assert (
        f"| dataset | seed | {first}: trials (lost) | {first}: test | {first}: to 99% s |" in table
    )
    assert "\n| iris | 0 | " in table
    assert f"- {first}: " in table and f"- {second}: " in table and " lost to pathologies " in table
    assert f"- {first} scores higher than {second} on " in table
    assert table.strip() in capsys.readouterr().out


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_diagnosis_and_repair_benchmarks_smoke(tmp_path, data_dir, capsys, monkeypatch):
    from benchmarks import diagnosis, diagnosis_cases, repair

    few = dict(list(diagnosis_cases.PATHOLOGICAL.items())[:2])  # two cases, one healthy
    for module in (diagnosis, repair):
        monkeypatch.setattr(module, "PATHOLOGICAL", few)
    monkeypatch.setattr(diagnosis, "HEALTHY", dict(list(diagnosis_cases.HEALTHY.items())[:1]))
    args = ["--data", str(data_dir), "--datasets", "iris", "--seeds", "0", "--out", str(tmp_path)]
    assert main(["diagnosis", *args]) == 0 and main(["repair", *args]) == 0
    diagnosis = (tmp_path / "diagnosis.md").read_text()
    assert "2 pathological and 1 healthy configurations x 1 tables (iris)" in diagnosis
    assert "| vanishing_gradients | " in diagnosis and "Healthy configurations: " in diagnosis
    repair = (tmp_path / "repair.md").read_text()
    assert "| vanishing_gradients | 1 | 1/1 (100%) | 1/1 (100%) |" in repair
    assert "| 10 sigmoid layers, SGD | iris | 0 | " in repair
    out = capsys.readouterr().out
    assert diagnosis.strip() in out and repair.strip() in out


def test_seconds_to_near_best():
    from benchmarks.arms import seconds_to_near_best

    records = [
        {"score": 1.0, "fit_seconds": 2.0},
        {"score": None, "fit_seconds": 3.0},  # failed
        {"score": 0.505, "fit_seconds": 1.0},  # within 1% of the final best 0.5
        {"score": 0.5, "fit_seconds": 4.0},
    ]
    assert seconds_to_near_best(records) == 6.0
    assert seconds_to_near_best([{"score": None, "fit_seconds": 1.0}]) is None


def test_the_no_embeddings_arm_searches_the_default_space_without_them():
    from autotune.spaces import load_space
    from benchmarks import quality

    reduced = quality._reduced_space("mlp without embeddings")
    assert "num_embedding" in load_space("mlp")
    assert "num_embedding" not in reduced
    assert not any("num_embedding" in c for c in reduced.portfolio)
    assert len(reduced.portfolio) == len(load_space("mlp").portfolio)


def test_the_digits_folder_keeps_its_outer_test_images_apart(tmp_path):
    from PIL import Image

    from benchmarks import images

    train, test = images.digit_folders(tmp_path, seed=0)
    counts = {d.name: len(list(d.glob("*.png"))) for d in train.iterdir()}
    assert counts == {str(label): images.PER_CLASS for label in range(10)}
    tested = {p.name for p in test.rglob("*.png")}
    assert len(tested) == 1797 - 10 * images.PER_CLASS
    assert not tested & {p.name for p in train.rglob("*.png")}  # no image in both
    with Image.open(next(train.rglob("*.png"))) as image:
        assert image.size == (28, 28) and image.mode == "L"


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_images_benchmark_smoke(tmp_path, capsys):
    args = ["images", "--budget", "6", "--seeds", "0", "--arms", "autotune,no ensemble"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    table = (tmp_path / "images.md").read_text()
    assert "| autotune | " in table and "| no ensemble | " in table
    assert table.strip() in capsys.readouterr().out


def test_the_quality_verdict_names_each_outside_peer_that_ran():
    from benchmarks.quality_tables import render

    def scored(value, task):
        metric = "accuracy" if task == "classification" else "r2"
        return {"scores": {metric: value}, "seconds": 60.0, "trials": 6, "best_trial": "0003",
                "refit": "done", "second_half": True, "members": 3}  # fmt: skip

    measured = {}
    for (name, task), seed in [((n, t), s) for n, t in (("a", "classification"),
                               ("b", "regression")) for s in (0, 1)]:  # fmt: skip
        base = 0.8 if task == "classification" else 0.5
        measured[(name, seed)] = {
            "task": task,
            "binary": False,
            "autotune": scored(base, task),
            "plain KerasTuner": scored(base - 0.1, task),
            "AutoGluon": scored(base + 0.05, task),
            "sklearn MLP": scored(base - 0.2, task),
            "HistGradientBoosting": scored(base - 0.02, task),
        }
    text = render(measured, 60.0, ["autotune"], [0, 1])
    assert "| dataset | metric | autotune | plain KerasTuner | AutoGluon | sklearn MLP |" in text
    assert "RealMLP-TD" not in text
    assert "ahead of plain KerasTuner on 2 of 2 tables" in text
    assert "against AutoGluon it is -0.050 accuracy on average over 1 table(s) (a -0.050)" in text
    assert "against AutoGluon it is -0.050 R²" in text
    assert "against HistGradientBoosting it is +0.020 R²" in text
