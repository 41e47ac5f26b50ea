"""Run a benchmark and write its table to benchmarks/results/.

python -m benchmarks diagnostics [--data CSV] [--repeats N] [--epochs N]
python -m benchmarks memory [--data CSV] [--trials N] [--epochs N] [--space NAME]
python -m benchmarks feature_cache [--data FOLDER] [--trials N] [--epochs N] [--backbone NAME]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import diagnostics_overhead, feature_cache, memory

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = {
    "diagnostics": ROOT.parent / "shared/datasets/tabular/adult.csv",
    "memory": ROOT / "examples/data/penguins.csv",
    "feature_cache": ROOT.parent / "shared/datasets/images/textures_gray64",
}
RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("benchmark", choices=sorted(DEFAULT_DATA))
    parser.add_argument(
        "--data",
        type=Path,
        help="CSV (or image folder for feature_cache) to train on (default: the shared "
        "adult.csv for diagnostics, examples/data/penguins.csv for memory, the shared "
        "textures_gray64 images for feature_cache)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="diagnostics: repeats per arm")
    parser.add_argument(
        "--epochs", type=int, help="epochs per trial (default: 10; 5 for feature_cache)"
    )
    parser.add_argument(
        "--trials", type=int, help="trials in the search (default: 30; 10 for feature_cache)"
    )
    parser.add_argument("--space", default="mlp", help="memory: the search space")
    parser.add_argument("--backbone", default="vgg16", help="feature_cache: vgg16 or resnet50")
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="folder for the markdown table (default: benchmarks/results)",
    )
    args = parser.parse_args(argv)
    data = args.data or DEFAULT_DATA[args.benchmark]
    if not data.exists():
        print(f"benchmarks: {data}: no such file; pass --data PATH", file=sys.stderr)
        return 2
    if args.benchmark == "feature_cache":
        table = feature_cache.run(
            data, trials=args.trials or 10, epochs=args.epochs or 5, backbone=args.backbone
        )
    elif args.benchmark == "diagnostics":
        table = diagnostics_overhead.run(data, repeats=args.repeats, epochs=args.epochs or 10)
    else:
        table = memory.run(
            data, trials=args.trials or 30, epochs=args.epochs or 10, space=args.space
        )
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.benchmark}.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
