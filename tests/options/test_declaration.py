"""One option's declaration: its check, its flag, and the oracle address it may parse."""

from __future__ import annotations

import pytest

from autotune.checks import AtLeast
from autotune.errors import UsageError
from autotune.options.declaration import Option, flag_of, parse_address


def test_validate_checks_choices_then_the_check_and_lets_none_through():
    declared = Option("help", choices=(1, 2, 3), check=AtLeast(2))
    declared.validate("--n", None)
    declared.validate("--n", 2)
    with pytest.raises(UsageError, match="--n 7 is not one of 1, 2, 3"):
        declared.validate("--n", 7)
    with pytest.raises(UsageError, match="--n 1: must be at least 2"):
        declared.validate("--n", 1)


def test_flags_are_the_names_with_dashes():
    assert flag_of("max_trials") == "--max-trials" and flag_of("seed") == "--seed"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("10.0.0.5:8000", ("10.0.0.5", 8000)),
        ("[::1]:0", ("::1", 0)),
        ("host:65535", ("host", 65535)),
    ],
)
def test_addresses(text, parsed):
    assert parse_address(text) == parsed


@pytest.mark.parametrize("text", ["localhost", ":80", "h:x", "h:70000"])
def test_bad_addresses(text):
    with pytest.raises(UsageError, match="expected HOST:PORT"):
        parse_address(text)
