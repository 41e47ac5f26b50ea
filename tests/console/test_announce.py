"""A run's opening lines: what it understood of the data, and what the search starts from."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from autotune.console.announce import announce_data, announce_start
from autotune.console.progress import SearchProgress
from autotune.data.tabular import load_table


def lines(write) -> list[str]:
    out = io.StringIO()
    progress = SearchProgress(1, 1, "val_cross_entropy", console=Console(file=out, width=200))
    write(progress)
    return out.getvalue().splitlines()


def test_a_table_is_announced_with_its_task_split_and_folder(data_dir):
    data = load_table(data_dir / "penguins.csv")
    said = lines(lambda p: announce_data(p, data.summary, ["odd column"], Path("runs/x")))
    assert (
        said[0].startswith("data: ")
        and "(344 rows, 8 columns; 5 numeric and 2 categorical" in said[0]
    )
    assert said[1].startswith("task: classification (target 'species' holds text labels")
    assert said[2] == "split: train 220, val 55, test 69 (test rows are held out from the search)"
    assert said[3:] == ["warning: odd column", "run folder: runs/x"]


def test_what_the_search_starts_from():
    class Space:
        name = "image_cnn"

    source = {"layers": 1, "run_dir": "/r", "source_trial": "0003"}
    said = lines(lambda p: announce_start(p, Space(), "a CNN", source, "autoencoder", 2))
    assert said == [
        "space: image_cnn (a CNN)",
        "starting from: the first 1 hidden layer(s) of /r (trial 0003), frozen first, then "
        "fine-tuned",
        "pre-training: autoencoder, greedy, layer by layer, every trial",
        "resuming: 2 finished trial(s) kept; a trial cut short is run again",
    ]
    assert lines(lambda p: announce_start(p, Space(), None, None, None, None)) == []
