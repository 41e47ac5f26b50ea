"""What ``tune`` and ``diagnose`` print at the end, read from a real run folder."""

from __future__ import annotations

import json

from autotune.console.summary import print_diagnosis, print_findings, print_summary, scores_text


def test_the_summary_names_the_best_trial_scores_and_where_things_are(penguins_run, capsys):
    info = json.loads((penguins_run / "run.json").read_text())
    print_summary(info, penguins_run, penguins_run / "report.html")
    out = capsys.readouterr().out
    assert f"best trial {info['best_trial']['trial_id']}: val_cross_entropy" in out
    assert (
        "validation (55 rows): accuracy" in out
        and "test, held out from the search (69 rows)" in out
    )
    assert "trials: 2 run, 2 completed, 0 failed" in out
    assert f"run folder: {penguins_run.resolve()}" in out
    assert f"autotune predict {penguins_run} NEW.csv" in out


def test_the_diagnosis_prints_the_configuration_and_its_findings(penguins_run, capsys):
    print_diagnosis(penguins_run, None)
    out = capsys.readouterr().out
    assert out.startswith("configuration: [") and "2 epochs: val_cross_entropy" in out


def test_findings_with_numbered_remedies_and_their_changes(capsys):
    from rich.console import Console

    finding = {"name": "overfitting", "severity": "warning", "summary": "it rose",
               "remedies": [{"text": "Add dropout", "change": {"dropout": 0.2}}]}  # fmt: skip
    print_findings(Console(highlight=False), [finding])
    print_findings(Console(highlight=False), [])
    out = capsys.readouterr().out.splitlines()
    assert out == ["warning overfitting: it rose", "    1. Add dropout  (dropout: 0.2)",
                   "healthy: no finding"]  # fmt: skip
    assert scores_text(None) == "n/a" and scores_text({"r2": 0.5}) == "r2 0.5000"


def test_the_summary_says_what_the_shipped_model_was_trained_on_and_the_reference(
    penguins_run, capsys
):
    info = json.loads((penguins_run / "run.json").read_text())
    print_summary(info, penguins_run, None)
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert "retrained on all 344 labelled rows" in out
    if info["ensemble"]["status"] == "done":  # what it averages, in the same words as the report
        assert "The shipped model averages 2 trials (weights in brackets): " in out
        assert "All 2 members of the shipped ensemble were retrained" in out
    else:
        assert "The shipped model was retrained on all 344 labelled rows" in out
    assert (
        "above gradient boosting" in out
        or "below gradient boosting" in out
        or ("level with gradient boosting" in out)
    )
