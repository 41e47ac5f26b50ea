"""The problem interface: what the run and the tuner may ask of any problem."""

from __future__ import annotations

import pytest

from autotune.problems.base import Problem


def test_a_problem_must_build_export_and_evaluate():
    class Incomplete(Problem):
        def hypermodel(self, fit_callbacks):
            return None

    with pytest.raises(TypeError, match="export"):
        Incomplete()


def test_by_default_a_problem_keeps_no_record_and_does_not_fine_tune():
    class Minimal(Problem):
        def hypermodel(self, fit_callbacks):
            return None

        def export(self, network, params):
            return network

        def evaluate(self, model, split):
            return {}

    problem = Minimal()
    assert problem.run_record() == {} and problem.fine_tunes({}) is False
    problem.request_stop()
    with pytest.raises(NotImplementedError, match="Minimal does not fine-tune"):
        problem.fine_tune(None, {}, 1, 1, None)
