"""Run a benchmark: ``python -m benchmarks diagnostics [--data CSV] [--repeats N] [--epochs N]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import diagnostics_overhead

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/datasets/tabular/adult.csv"
RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("benchmark", choices=["diagnostics"])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="CSV to train on (default: the shared adult.csv)",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="folder for the markdown table (default: benchmarks/results)",
    )
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"benchmarks: {args.data}: no such file; pass --data PATH.csv", file=sys.stderr)
        return 2
    table = diagnostics_overhead.run(args.data, repeats=args.repeats, epochs=args.epochs)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "diagnostics.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
