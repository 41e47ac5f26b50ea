"""The remedies that led a run's findings: what the report advises first."""

from __future__ import annotations

from autotune.report.remedies import leading_remedies


def finding(*ids):
    return {"remedies": [{"id": rid, "text": f"do {rid}", "change": {}} for rid in ids]}


def test_the_remedy_first_most_often_leads():
    findings = [finding("clip", "lr"), finding("lr", "clip"), finding("lr"), {"remedies": []}]
    assert [(r["id"], n) for r, n in leading_remedies(findings)] == [("lr", 2), ("clip", 1)]


def test_more_than_the_first_remedy_can_count_and_ties_keep_their_order():
    findings = [finding("a", "b"), finding("b", "a")]
    assert [(r["id"], n) for r, n in leading_remedies(findings, first=2)] == [("a", 2), ("b", 2)]
    assert leading_remedies([finding("x")])[0][0]["text"] == "do x"
