"""A network that learns its training rows at the cost of the validation rows."""

from __future__ import annotations

from autotune.diagnostics._base import Check, Curves, Threshold, finite
from autotune.diagnostics.remedies import moved_first


class Overfitting(Check):
    name = "overfitting"
    severity = "warning"
    thresholds = {
        "overfit_rise": Threshold(
            0.1,
            "rise of the validation loss above its minimum, at least",
            "own measurement on the test zoo",
        ),
        "overfit_abs_rise": Threshold(
            0.02,
            "that rise as a share of the constant prediction's loss, at least",
            "own: smaller rises are noise on tiny validation sets (seen on iris, 24 rows)",
        ),
        "overfit_epochs": Threshold(
            3, "epochs after the validation minimum, at least", "own: fewer is noise"
        ),
    }
    remedies = ("dropout", "l2", "smaller", "more_data")

    def remedy_order(self, params):
        order = list(self.remedies)
        if params.get("dropout") and not params.get("l2"):
            return moved_first(order, "l2")  # dropout is on already: the penalty is next
        return order

    def check(self, c: Curves):
        loss, val = c.loss, c.val
        finite_val = [(v, e) for e, v in enumerate(val) if finite(v)]
        if len(finite_val) < 4 or not loss or c.unlearned("nothing_learned_share"):
            return None  # a model that learned nothing cannot overfit
        best, e_best = min(finite_val)
        tail = val[-3:]
        after = len(val) - 1 - e_best
        if not all(finite(v) for v in tail) or best <= 0 or after < self.t("overfit_epochs"):
            return None
        last = sum(tail) / len(tail)  # the last epochs' mean: one noisy epoch is not a trend
        rise = (last - best) / best
        if finite(c.baseline) and last - best < self.t("overfit_abs_rise") * c.baseline:
            return None
        still_fitting = finite(loss[-1]) and finite(loss[e_best]) and loss[-1] < loss[e_best]
        if rise < self.t("overfit_rise") or not still_fitting:
            return None
        summary = (
            f"the validation loss rose {rise:.0%} above its minimum (epoch {e_best + 1}) while "
            "the training loss kept falling"
        )
        evidence = {
            "best_epoch": e_best + 1,
            "val_best": best,
            "val_last": last,
            "train_at_best": loss[e_best],
            "train_last": loss[-1],
        }
        return summary, evidence
