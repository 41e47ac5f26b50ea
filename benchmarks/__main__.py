"""Run a benchmark (or all of them) and write each table to benchmarks/results/NAME.md.

python -m benchmarks quality [--data FOLDER] [--budget 60] [--datasets a,b,...] [--seeds 0,1]
python -m benchmarks speed [--data CSV] [--budget 300]
python -m benchmarks diagnostics [--data CSV] [--repeats N] [--epochs N]
python -m benchmarks memory [--data CSV] [--trials N] [--epochs N] [--space NAME]
python -m benchmarks trial_cost [--data CSV_OR_FOLDER] [--repeats N] [--trials N] [--epochs N]
python -m benchmarks trial_profile [--data FOLDER] [--repeats N] [--trials N] [--epochs N]
python -m benchmarks guided [--data FOLDER] [--budget 60] [--datasets a,b,...] [--seeds 0,1]
python -m benchmarks early_abort [--data FOLDER] [--budget 60] [--datasets a,b,...] [--seeds 0,1]
python -m benchmarks pretrain [--data FOLDER] [--budget 60] [--datasets a,b,...] [--seeds 0,1]
python -m benchmarks feature_cache [--data FOLDER] [--trials N] [--epochs N] [--backbone NAME]
python -m benchmarks distributed [--data FOLDER] [--trials 12] [--workers 2] [--datasets ...]
python -m benchmarks images [--budget 150] [--seeds 0,1] [--arms autotune,...]
python -m benchmarks repair [--data FOLDER] [--datasets a,b,...] [--seeds 0,1]
python -m benchmarks diagnosis [--data FOLDER] [--datasets a,b,...] [--seeds 0,1,2]
python -m benchmarks all          every one above with its defaults, one after the other
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import (
    diagnosis,
    diagnostics_overhead,
    distributed,
    early_abort,
    feature_cache,
    guided,
    images,
    memory,
    pretrain,
    quality,
    repair,
    speed,
    trial_cost,
    trial_profile,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared/datasets"
DEFAULT_DATA = {
    "quality": SHARED / "tabular",
    "speed": SHARED / "tabular/adult.csv",
    "diagnostics": SHARED / "tabular/adult.csv",
    "memory": ROOT / "examples/data/penguins.csv",
    "trial_cost": SHARED / "tabular",
    "trial_profile": SHARED / "tabular",
    "feature_cache": SHARED / "images/textures_gray64",
    "guided": SHARED / "tabular",
    "early_abort": SHARED / "tabular",
    "pretrain": SHARED / "tabular",
    "distributed": SHARED / "tabular",
    "images": ROOT,  # scikit-learn's bundled digits, written as an image folder
    "repair": SHARED / "tabular",
    "diagnosis": SHARED / "tabular",
}
RESULTS = Path(__file__).resolve().parent / "results"


def _table(name: str, data: Path, args: argparse.Namespace) -> str:
    if name == "quality":
        arms = quality.chosen(args.arms)
        return quality.run(data, args.budget or 60.0, _datasets(name, args), _seeds(args), arms)
    if name == "images":
        arms = images.ARMS
        if args.arms:
            unknown = [a for a in args.arms.split(",") if a.strip() not in images.ARMS]
            if unknown:
                raise SystemExit(
                    f"--arms: unknown {', '.join(unknown)}; choose from " + ", ".join(images.ARMS)
                )
            arms = {a.strip(): images.ARMS[a.strip()] for a in args.arms.split(",")}
        return images.run(args.budget or 150.0, _seeds(args), arms)
    if name == "guided":
        return guided.run(data, args.budget or 60.0, _datasets(name, args), _seeds(args))
    if name == "early_abort":
        return early_abort.run(data, args.budget or 60.0, _datasets(name, args), _seeds(args))
    if name == "pretrain":
        return pretrain.run(data, args.budget or 60.0, _datasets(name, args), _seeds(args))
    if name == "distributed":
        datasets = _datasets(name, args)
        return distributed.run(data, args.trials or 12, args.workers, datasets, _seeds(args))
    if name == "speed":
        return speed.run(data, budget=args.budget or 300.0)
    if name == "repair":
        return repair.run(data, _datasets(name, args), _seeds(args))
    if name == "diagnosis":
        return diagnosis.run(data, _datasets(name, args), _seeds(args))
    if name == "feature_cache":
        return feature_cache.run(
            data, trials=args.trials or 10, epochs=args.epochs or 5, backbone=args.backbone
        )
    if name == "diagnostics":
        return diagnostics_overhead.run(data, repeats=args.repeats or 5, epochs=args.epochs or 10)
    if name == "trial_cost":
        return trial_cost.run(
            data, repeats=args.repeats or 3, trials=args.trials, epochs=args.epochs
        )
    if name == "trial_profile":
        return trial_profile.run(
            data, repeats=args.repeats or 2, trials=args.trials, epochs=args.epochs
        )
    return memory.run(data, trials=args.trials or 30, epochs=args.epochs or 10, space=args.space)


def _seeds(args: argparse.Namespace) -> list[int]:
    return [int(n) for n in args.seeds.split(",") if n.strip()]


def _datasets(name: str, args: argparse.Namespace) -> list[str]:
    """``--datasets``, or the benchmark's own list (pretrain: the small tables)."""
    if not args.datasets:
        own = {
            "pretrain": pretrain.SMALL,
            "distributed": distributed.DATASETS,
            "repair": repair.DATASETS,
            "diagnosis": repair.DATASETS,
        }
        return list(own.get(name, quality.DATASETS))
    return [n.strip() for n in args.datasets.split(",") if n.strip()]


def _missing(name: str, data: Path, args: argparse.Namespace) -> str | None:
    if not data.exists():
        return f"{data}: no such file or folder; pass --data PATH"
    tables = ("quality", "guided", "pretrain", "distributed", "repair", "diagnosis", "early_abort")
    if name in tables:
        names = _datasets(name, args)
        absent = [n for n in names if not (data / f"{n}.csv").is_file()]
        if absent:
            return f"{data}: no {', '.join(absent)} CSV(s)"
    if name == "trial_cost" and data.is_dir():
        absent = [n for n in trial_cost.WORK if not (data / n).is_file()]
        if absent:
            return f"{data}: no {', '.join(absent)}; pass --data CSV"
    if name == "trial_profile":
        absent = [n for n, _ in trial_profile.TABLES.values() if not (data / n).is_file()]
        if absent:
            return f"{data}: no {', '.join(absent)}; pass --data FOLDER"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("benchmark", choices=[*DEFAULT_DATA, "all"])
    parser.add_argument(
        "--data",
        type=Path,
        help="what to train on: a CSV, an image folder (feature_cache) or a folder of CSVs "
        "(quality, guided, pretrain; trial_cost: its penguins.csv and adult.csv); the "
        "defaults are the shared datasets and examples/data/penguins.csv",
    )
    parser.add_argument(
        "--budget", type=float, help="seconds per search (quality, guided, pretrain 60; speed 300)"
    )
    parser.add_argument(
        "--datasets",
        help="quality, guided, pretrain: comma-separated names of CSVs in --data (default: the "
        "8 shared tables; pretrain: the 6 with fewer than 500 rows)",
    )
    parser.add_argument(
        "--seeds",
        help="quality, guided, pretrain: comma-separated seeds (0,1); distributed: (0)",
    )
    parser.add_argument(
        "--arms",
        help="quality: comma-separated autotune arms and peers to run (default: every autotune "
        "arm and plain KerasTuner; AutoGluon and RealMLP-TD only when named; the scikit-learn "
        "peers take seconds and always run)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="distributed: local worker processes (2)"
    )
    parser.add_argument("--repeats", type=int, help="repeats per arm (diagnostics 5, trial_cost 3)")
    parser.add_argument(
        "--epochs", type=int, help="epochs per trial (10; feature_cache 5; trial_cost 20 / 5)"
    )
    parser.add_argument(
        "--trials",
        type=int,
        help="trials (memory 30; feature_cache 10; trial_cost 6 / 4; distributed 12)",
    )
    parser.add_argument("--space", default="mlp", help="memory: the search space")
    parser.add_argument("--backbone", default="vgg16", help="feature_cache: vgg16 or resnet50")
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="folder for the markdown tables (default: benchmarks/results)",
    )
    args = parser.parse_args(argv)
    if args.seeds is None:
        own = {"distributed": "0", "diagnosis": "0,1,2"}
        args.seeds = own.get(args.benchmark, "0,1")
    names = list(DEFAULT_DATA) if args.benchmark == "all" else [args.benchmark]
    if args.benchmark == "all" and args.data:
        print("benchmarks: all uses each benchmark's own data; leave out --data", file=sys.stderr)
        return 2
    for name in names:
        data = args.data or DEFAULT_DATA[name]
        problem = _missing(name, data, args)
        if problem:
            print(f"benchmarks: {problem}", file=sys.stderr)
            return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name in names:
        table = _table(name, args.data or DEFAULT_DATA[name], args)
        print(table)
        (args.out / f"{name}.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
