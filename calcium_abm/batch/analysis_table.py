"""The ``[analysis]`` table of a batch file: the outcomes ``summarize`` reports, the control arm, an event
threshold and the tertiles of a risk table (see ``docs/batch.md``). Split from :mod:`.spec`, which re-exports it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from calcium_abm.inputs.batch_messages import severe_threshold_problem
from calcium_abm.inputs.messages import did_you_mean, fmt_value, rule_error, shorten
from calcium_abm.inputs.trial_tables import BatchTable

__all__ = ["Analysis", "Threshold"]


class Threshold(BatchTable):
    """An event: a recorded column's final value above a threshold."""

    column: str
    above: float = Field(allow_inf_nan=False)


class Analysis(BatchTable):
    """What ``summarize`` reports."""

    outcomes: dict[str, Literal["final", "change", "pct_change"]] = Field(
        default_factory=lambda: {"bmd_change_pct": "final", "dp_ucmgp_pmol_l": "pct_change",
                                 "calcification_score": "final"},
        min_length=1,
    )
    control_arm: str | None = None
    severe_calcification: Threshold | None = None
    tertiles_of: str | None = None  # a cohort distribution whose tertiles split the risk table

    @field_validator("outcomes", mode="after")
    @classmethod
    def _recorded(cls, value: dict[str, str]) -> dict[str, str]:
        from calcium_abm.outputs import COLUMNS

        bad = [k for k in value if k not in COLUMNS or k in ("day", "years")]
        if bad:  # day and years are every run's time axis: never an outcome, nor a hint ('day' for 'day')
            why = (f"{bad[0]} is the runs' time axis, not an outcome" if bad[0] in COLUMNS else "not a recorded column"
                   + did_you_mean(bad[0], [c for c in COLUMNS if c not in ("day", "years")]))
            raise rule_error(f"analysis.outcomes.{shorten(bad[0])}: {why} (see calcium_abm.COLUMNS)")
        from calcium_abm.outputs import day_0_value_problem, percent_change_problem

        problem = {"change": day_0_value_problem, "pct_change": percent_change_problem}  # a T-score has a change
        if bad := next(((k, m, why) for k, m in value.items() if m != "final" and (why := problem[m](k))), None):
            allowed = "'final'" if day_0_value_problem(bad[0]) else "'final' or 'change'"
            raise rule_error(f"analysis.outcomes.{bad[0]} = {fmt_value(bad[1])} is not allowed: {bad[2]}, so only "
                             f"{allowed} is allowed")
        return value

    @field_validator("severe_calcification", mode="after")
    @classmethod
    def _recorded_threshold(cls, value: Threshold | None) -> Threshold | None:
        if value is not None and (problem := severe_threshold_problem(value.column, value.above)):
            raise rule_error(problem)
        return value
