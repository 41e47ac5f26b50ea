"""What every finding shares: the checked window, the majority rule, one interface."""

from __future__ import annotations

import pytest

from autotune.diagnostics import CHECKS, FINDINGS, THRESHOLDS
from autotune.diagnostics._base import SHARED, Check, Curves, mostly, window
from autotune.diagnostics.remedies import REMEDIES
from autotune.vocabulary import resolve


def test_the_window_leaves_out_the_first_30_percent_but_keeps_the_last_epoch():
    assert window(10) == range(3, 10) and window(1) == range(0, 1) and window(0) == range(0, 0)


def test_a_condition_must_hold_in_most_of_the_window():
    assert mostly(range(0, 4), lambda e: e >= 2) == [2, 3]
    assert mostly(range(0, 4), lambda e: e == 3) == []


def test_every_check_declares_its_name_severity_thresholds_and_remedies_together():
    assert len(CHECKS) == len(set(FINDINGS)) == 10
    for check in CHECKS:
        assert isinstance(check, Check) and check.severity in ("serious", "warning")
        assert check.remedies and set(check.remedies) <= set(REMEDIES), check.name
        assert set(check.remedy_order(resolve({}))) <= set(check.remedies)
        for name, threshold in check.thresholds.items():
            assert THRESHOLDS[name] is threshold and threshold.source, name
    assert set(SHARED) <= set(THRESHOLDS)


def test_a_check_is_one_method():
    class Always(Check):
        name, severity, remedies = "always", "warning", ("lower_lr",)

        def check(self, curves):
            return "it always applies", {"epochs": len(curves.loss)}

    curves = Curves([1.0, 0.5], [], {}, resolve({"learning_rate": 0.01}), {})
    finding = Always().finding(curves)
    assert finding["summary"] == "it always applies" and finding["evidence"] == {"epochs": 2}
    assert finding["remedies"][0]["change"] == {"learning_rate": pytest.approx(0.001)}
    with pytest.raises(TypeError):
        Check()  # abstract


def test_unlearned_compares_the_last_loss_with_the_constant_prediction():
    curves = Curves([1.0, 0.9], [], {"baseline_loss": 1.0}, {}, {})
    assert curves.unlearned() and curves.unlearned("nothing_learned_share")
    assert not Curves([1.0, 0.2], [], {"baseline_loss": 1.0}, {}, {}).unlearned()
    assert not Curves([1.0], [], {}, {}, {}).unlearned()  # no baseline measured
