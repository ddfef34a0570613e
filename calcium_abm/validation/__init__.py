"""Validation against published findings: the calibration table as virtual experiments.

``calcium-abm validate`` runs :data:`~calcium_abm.validation.experiments.EXPERIMENTS`
with :func:`~calcium_abm.validation.runner.run_validation` and writes the report with
:func:`~calcium_abm.validation.report.write_report`. See ``docs/validation.md``.
"""

from calcium_abm.validation.design import Arm, Criterion, Experiment
from calcium_abm.validation.experiments import EXPERIMENTS, NOT_EXPRESSIBLE, all_rows
from calcium_abm.validation.runner import ExperimentResult, run_validation

__all__ = ["Arm", "Criterion", "EXPERIMENTS", "Experiment", "ExperimentResult", "NOT_EXPRESSIBLE", "all_rows",
           "run_validation"]
