"""Which remedies led the findings of a run: what the report advises first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any


def leading_remedies(
    findings: Iterable[dict[str, Any]], first: int = 1
) -> list[tuple[dict[str, Any], int]]:
    """The remedies that led the given findings (each finding's first ``first``), most
    frequent first, with how many findings put them there; each as its first finding worded
    it (ties keep the order they were met in)."""
    counts: Counter = Counter()
    worded: dict[str, dict[str, Any]] = {}
    for finding in findings:
        for remedy in (finding.get("remedies") or [])[:first]:
            counts[remedy["id"]] += 1
            worded.setdefault(remedy["id"], remedy)
    return [(worded[rid], n) for rid, n in counts.most_common()]
