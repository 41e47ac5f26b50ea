"""The checks of option values: each refuses a bad value in one line naming flag and value."""

from __future__ import annotations

import pytest

from autotune.checks import IMAGE_SIDE, TEST_SIZE, AtLeast, Between, OneOf, PositiveSeconds, Share
from autotune.errors import UsageError


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (OneOf(("a", "b")), "c", "--x 'c' is not one of a, b"),
        (AtLeast(1), 0, "--x 0: must be at least 1"),
        (AtLeast(0), -2, "--x -2: must be 0 or more"),
        (AtLeast(1), 1.5, "--x 1.5: must be a whole number"),
        (AtLeast(1), True, "--x True: must be a whole number"),
        (PositiveSeconds(), 0, "--x 0: must be a positive number of seconds"),
        (PositiveSeconds(), "5", "--x '5': must be a number"),
        (
            Share(0.0, 0.9, "0.2 is typical"),
            0.95,
            r"--x 0.95 must be in \[0, 0.9\); 0.2 is typical",
        ),
        (Between(8, 1024, "pixels"), 4, "--x 4: must be between 8 and 1024 pixels"),
    ],
)
def test_a_bad_value_is_named_with_its_flag(check, value, message):
    with pytest.raises(UsageError, match=f"^{message}$"):
        check("--x", value)


@pytest.mark.parametrize(
    ("check", "value"),
    [(OneOf(("a", "b")), "b"), (AtLeast(1), 1), (PositiveSeconds(), 0.5), (TEST_SIZE, 0.0)],
)
def test_a_good_value_passes(check, value):
    check("--x", value)


def test_the_shared_checks_are_the_documented_ranges():
    TEST_SIZE("--test-size", 0.2)
    IMAGE_SIDE("--image-size", 1024)
    with pytest.raises(UsageError, match="--image-size 1025: must be between 8 and 1024 pixels"):
        IMAGE_SIDE("--image-size", 1025)
