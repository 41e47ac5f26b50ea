"""The entry point in-process: its exit codes and one-line errors, and ``--debug``."""

from __future__ import annotations

import pytest

from autotune.cli.app import Debug, main


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("autotune ")


def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "tune", str(tmp_path / "none.csv"))
    assert code == 2 and err.strip().splitlines() == [
        f"autotune: error: {tmp_path / 'none.csv'}: no such file; check the path (relative paths "
        f"start at {__import__('pathlib').Path.cwd()})"
    ]
    assert not Debug.on


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_anywhere_shows_the_traceback(capsys, tmp_path, where):
    args = ["tune", str(tmp_path / "none.csv")]
    args = ["--debug", *args] if where == "before" else [*args, "--debug"]
    code, _, err = run(capsys, *args)
    assert code == 2 and "Traceback (most recent call last)" in err and Debug.on
    assert err.strip().splitlines()[-1].startswith("autotune: error: ")


def test_a_bad_option_value_is_refused_before_anything_runs(capsys, data_dir, tmp_path):
    code, _, err = run(capsys, "tune", str(data_dir / "iris.csv"), "--tuner", "grid", "--out",
                       str(tmp_path / "r"))  # fmt: skip
    assert code == 2 and "--tuner 'grid' is not one of refine, random, bayesian, hyperband" in err
    assert not (tmp_path / "r").exists()
