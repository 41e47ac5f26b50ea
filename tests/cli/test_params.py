"""``tune``'s flags are made from the option declarations, and read well in 80 columns."""

from __future__ import annotations

import dataclasses

import typer.main
from typer.testing import CliRunner

from autotune.cli.commands import app
from autotune.cli.params import Debug, shared, tune_signature
from autotune.options import TuneOptions, declarations, flag_of


def click_options(command: str) -> dict[str, object]:
    group = typer.main.get_command(app)
    return {p.name: p for p in group.commands[command].params}


def test_every_declared_option_is_a_flag_of_tune_with_its_default():
    params = click_options("tune")
    defaults = {f.name: f.default for f in dataclasses.fields(TuneOptions) if f.name != "data"}
    assert set(params) == set(declarations()) | {"data", "debug"}
    for name, declared in declarations().items():
        option = params[name]
        assert flag_of(name) in option.opts, name
        assert option.default == defaults[name], name
        if declared.choices and declared.metavar:  # too many to show: the help names each
            assert option.metavar == declared.metavar
            assert all(choice in declared.help for choice in declared.choices if choice != "auto")
        elif declared.choices:
            assert option.metavar == "[" + "|".join(declared.choices) + "]"
    assert params["guided"].secondary_opts == ["--unguided"]
    assert params["overwrite"].secondary_opts == ["--no-overwrite"]


def test_the_signature_has_the_data_argument_first_and_debug_last():
    names = list(tune_signature().parameters)
    assert names[0] == "data" and names[-1] == "debug" and names[1:-1] == list(declarations())


def test_diagnose_shares_the_declarations_of_its_common_options():
    params = click_options("diagnose")
    assert params["task"].metavar == "[auto|classification|regression]"
    tune, diagnose = click_options("tune"), params
    for name in ("target", "task", "seed", "out", "overwrite"):
        same = ("opts", "secondary_opts", "metavar", "default", "help")
        assert [getattr(diagnose[name], a) for a in same] == [getattr(tune[name], a) for a in same]
    assert shared("seed").__metadata__[0].help == declarations()["seed"].help


def test_the_help_fits_80_columns_and_shows_choices_as_choices():
    result = CliRunner().invoke(app, ["tune", "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0
    assert "--task [auto|classification|regression]" in result.output
    assert "--tuner [refine|random|bayesian|hyperband]" in result.output
    assert max(map(len, result.output.splitlines())) <= 80
    assert "<str>" not in result.output
    Debug.on = False
