"""Every bad input the README promises to name: exit 2, one line naming the file, column or
value and the fix, no traceback, and no run folder left behind. Usable but odd input loads
with a warning instead.

The command line runs in-process (``autotune.cli.main``): every case stops before training.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autotune.cli import main
from autotune.data.tabular import load_table

GOOD = "a,b,label\n" + "".join(f"{i},{i % 3},{'xy'[i % 2]}\n" for i in range(30))


def _file(name: str, content: str | bytes):
    def make(tmp: Path) -> Path:
        path = tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return make


def _folder(*classes: tuple[str, int]):
    """A folder with one sub-folder per (class, number of files)."""

    def make(tmp: Path) -> Path:
        root = tmp / "images"
        root.mkdir()
        for name, files in classes:
            (root / name).mkdir()
            for i in range(files):
                (root / name / f"{i}.png").write_bytes(b"\x89PNG")
        return root

    return make


def _space(text: str):
    def make(tmp: Path) -> list[str]:
        (tmp / "space.yaml").write_text(text)
        return ["--space", str(tmp / "space.yaml")]

    return make


CASES = {
    "missing file": (lambda t: t / "nope.csv", [], "nope.csv: no such file; check the path"),
    "folder, no classes": (_folder(), [], "a folder with no class sub-folders; pass a CSV"),
    "folder, one class": (_folder(("cat", 2)), [], "one class folder only (cat)"),
    "folder, empty class": (_folder(("cat", 2), ("dog", 0)), [], "dog: empty class folder"),
    "folder, unreadable image, --strict": (
        _folder(("cat", 3), ("dog", 3)),
        ["--strict"],
        "cat/0.png: not an image (no image format recognises its bytes); remove or replace it",
    ),
    "folder, every image unreadable": (
        _folder(("cat", 3), ("dog", 3)),
        [],
        "class folder(s) with fewer than 3 readable images: cat (0), dog (0); add images (6 "
        "file(s) could not be read",
    ),
    "--backbone for a CSV": (
        _file("g.csv", GOOD),
        ["--backbone", "vgg16"],
        "--backbone, --weights, --strict and --image-size apply to image folders; ",
    ),
    "empty file": (_file("e.csv", ""), [], "e.csv: the file is empty"),
    "header only": (_file("h.csv", "a,b,label\n"), [], "has a header but no data rows"),
    "binary file": (_file("b.csv", bytes(range(256)) * 4), [], "b.csv: "),
    "duplicate columns": (_file("d.csv", "a,a,label\n1,2,x\n"), [], "duplicate column name"),
    "target missing": (
        _file("g.csv", GOOD),
        ["--target", "y"],
        "no column named 'y'; the columns are: 'a', 'b', 'label'",
    ),
    "target all missing": (
        _file("m.csv", "a,label\n" + "1,\n" * 20),
        [],
        "every value of target column 'label' is missing",
    ),
    "single class": (_file("s.csv", "a,label\n" + "1,x\n" * 20), [], "has a single class"),
    "unwritable --out": (
        _file("g.csv", GOOD),
        ["--out", "{tmp}/g.csv/run"],
        "cannot create the folder",
    ),
    "YAML syntax error": (_file("g.csv", GOOD), _space("a: [1,\n"), "space.yaml: "),
    "YAML unknown type": (
        _file("g.csv", GOOD),
        _space("hyperparameters:\n  units: {type: integer, min: 1, max: 2}\n"),
        "units.type: 'integer' is not one of int, float, choice",
    ),
    "YAML min > max": (
        _file("g.csv", GOOD),
        _space("hyperparameters:\n  units: {type: int, min: 9, max: 2}\n"),
        "min (9) is greater than max (2); swap them",
    ),
    "--metric of the other task": (
        _file("g.csv", GOOD),
        ["--metric", "r2"],
        "g.csv's 'label' is a classification target; use one of log_loss, ",
    ),
    "two-class --metric, three classes": (
        _file("t.csv", "a,label\n" + "".join(f"{i},{'xyz'[i % 3]}\n" for i in range(30))),
        ["--metric", "roc_auc"],
        "--metric roc_auc scores two classes and ",
    ),
    "--metric unknown": (_file("g.csv", GOOD), ["--metric", "auc"], "auc"),
    "--max-trials 0": (_file("g.csv", GOOD), ["--max-trials", "0"], "--max-trials 0: must be"),
    "negative --time-budget": (
        _file("g.csv", GOOD),
        ["--time-budget", "-5"],
        "--time-budget -5.0: must be a positive number of seconds",
    ),
    "negative --max-epochs": (
        _file("g.csv", GOOD),
        ["--max-epochs", "-1"],
        "--max-epochs -1: must be at least 1",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_and_exit_2(case, tmp_path, capsys):
    make, extra, message = CASES[case]
    data = make(tmp_path)
    extra = extra(tmp_path) if callable(extra) else [a.format(tmp=tmp_path) for a in extra]
    out = ["--out", str(tmp_path / "run")] if "--out" not in extra else []
    with pytest.raises(SystemExit) as exit_:
        main(["tune", str(data), *out, *extra])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autotune: error: "), err
    assert message in lines[0], lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "run").exists()  # nothing half-written to resume or report


WARNED = {
    "Latin-1 file": (
        "city,n,label\n"
        + "".join(f"{'Zürich Orléans'.split()[i % 2]},{i},{'xy'[i % 2]}\n" for i in range(20)),
        "latin-1",
        None,
    ),
    "semicolon delimiter": (GOOD.replace(",", ";"), "utf-8", None),
    "tab delimiter": (GOOD.replace(",", "\t"), "utf-8", None),
    "class with one row": (
        GOOD + "7,1,z\n",
        "utf-8",
        "class 'z' has only 1 row(s), too few to stratify",
    ),
    "column with every value missing": (
        "a,empty,label\n" + "".join(f"{i},,{'xy'[i % 2]}\n" for i in range(30)),
        "utf-8",
        "column 'empty' was dropped: every value is missing",
    ),
    "inf values": (
        GOOD.replace("3,0,y", "inf,0,y").replace("5,2,y", "-inf,2,y"),
        "utf-8",
        "infinite",
    ),
    "distinct text per row": (
        "code,a,label\n" + "".join(f"id{i},{i},{'xy'[i % 2]}\n" for i in range(30)),
        "utf-8",
        "'code'",
    ),
    "mixed-type column": (
        GOOD.replace("3,0,y", "3,oops,y"),
        "utf-8",
        "'b'",
    ),
}


@pytest.mark.parametrize("case", list(WARNED))
def test_usable_input_loads_with_a_documented_warning(case, tmp_path):
    text, encoding, warning = WARNED[case]
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    data = load_table(path, target="label")
    assert data.summary["rows"] >= 20
    assert data.summary["columns"] == len(text.splitlines()[0].replace(";", ",").split(",")) or (
        data.summary["columns"] == 3 and "\t" in text
    )
    if case == "Latin-1 file":
        levels = data.preprocessing.to_dict()["categorical"][0]["levels"]
        assert levels == ["Orléans", "Zürich"] and data.summary["encoding"] == "cp1252"
    if warning is None:
        assert data.warnings == []
    else:
        assert any(warning in w for w in data.warnings), data.warnings
