"""Rules that tie ``patient.ckd_stage``, ``[kidney]`` and ``[dialysis]`` together: a measured GFR sets kidney
function and the stage only names it (KDIGO 2012 categories), dialysis is for kidney failure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calcium_abm.inputs.messages import fmt_num

__all__ = ["GFR_RANGE_BY_CKD_STAGE", "LOWEST_GFR_WITHOUT_DIALYSIS_ML_PER_MIN", "healthy_kidneys", "kidney_conflicts",
           "stage_of_gfr",
           "kidney_state_changed", "stage_and_gfr", "stage_override_problems"]


#: KDIGO 2012 GFR categories (mL/min/1.73 m2) of the model's stages: G1 >= 90 (stage 0 is
#: healthy kidneys), G2 60-89, G3 30-59, G4 15-29, G5 < 15 (KDIGO 2012 CKD guideline, ch. 1).
GFR_RANGE_BY_CKD_STAGE = {0: (90.0, 130.0), 1: (90.0, 130.0), 2: (60.0, 90.0), 3: (30.0, 60.0), 4: (15.0, 30.0),
                          5: (1.0, 15.0)}
#: Below this GFR a person without dialysis is uraemic; dialysis usually starts at eGFR 5-7
#: (late-start arm of the IDEAL trial, Cooper et al. 2010 N Engl J Med 363:609).
LOWEST_GFR_WITHOUT_DIALYSIS_ML_PER_MIN = 5.0


def healthy_kidneys(state: Any, reference_gfr_ml_per_min: float) -> bool:
    """Whether the validated ``state`` has healthy kidneys: stage 0, no dialysis and no measured GFR below
    ``reference_gfr_ml_per_min`` (the kidney law's ``reference_gfr_ml_per_min``, where no calcification
    inhibitors are lost: :func:`.physiology.dialysis.systemic_inhibitor_fraction`)."""
    gfr = state.kidney.residual_gfr_ml_per_min
    return (state.patient.ckd_stage == 0 and state.dialysis.sessions_per_week == 0
            and (gfr is None or gfr >= reference_gfr_ml_per_min))


def stage_of_gfr(gfr_ml_per_min: float) -> int | None:
    """The CKD stage a measured GFR alone defines (KDIGO categories G3-G5: 30-59, 15-29, below 15 mL/min, with 15
    itself stage 5 as in :data:`GFR_RANGE_BY_CKD_STAGE`, where dialysis is allowed: :func:`kidney_conflicts`), or None
    from 60 mL/min, where a stage needs markers of kidney damage the model does not have: the stage a summary names
    beside a measured GFR (no stage is set with one, :func:`calcium_abm.inert_settings.measured_gfr_stage_problem`)."""
    if gfr_ml_per_min <= GFR_RANGE_BY_CKD_STAGE[5][1]:
        return 5
    return next((stage for stage in (4, 3) if gfr_ml_per_min < GFR_RANGE_BY_CKD_STAGE[stage][1]), None)


def kidney_conflicts(ckd_stage: int, kidney: Any, dialysis: Any) -> list[str]:
    """Contradictions between ``patient.ckd_stage``, ``[kidney]`` and ``[dialysis]``: each a
    message naming the fields, their values and what is allowed. A measured GFR
    (``kidney.residual_gfr_ml_per_min``) sets kidney function; with a stage other than 0 it
    must lie in that stage's KDIGO range."""
    problems = []
    gfr = kidney.residual_gfr_ml_per_min
    if gfr is not None and ckd_stage != 0:
        low, high = GFR_RANGE_BY_CKD_STAGE[ckd_stage]
        if not low <= gfr <= high:
            problems.append(f"kidney.residual_gfr_ml_per_min = {fmt_num(gfr)} is not allowed with "
                            f"patient.ckd_stage = {ckd_stage}: that stage's GFR is {fmt_num(low)} to "
                            f"{fmt_num(high)} mL/min (KDIGO); change the stage, or leave it 0 and give the GFR")
    # kidney failure: stage 5, or a measured GFR in its range (15 included, as the stage's range above): since stop
    # 68 no stage is given beside a measured GFR, so a GFR of 15 on dialysis must not need one
    failing = ckd_stage == 5 or (gfr is not None and gfr <= GFR_RANGE_BY_CKD_STAGE[5][1])
    if dialysis.sessions_per_week > 0 and not failing:
        problems.append(f"dialysis.sessions_per_week = {dialysis.sessions_per_week} is not allowed with "
                        f"patient.ckd_stage = {ckd_stage} and kidney.residual_gfr_ml_per_min = "
                        f"{'none' if gfr is None else fmt_num(gfr)}: haemodialysis is for kidney failure "
                        "(ckd_stage = 5, or a GFR of 15 mL/min or less)")
    for name in ("residual_gfr_ml_per_min", "gfr_end_ml_per_min"):
        value = getattr(kidney, name)
        if value is not None and dialysis.sessions_per_week == 0 and value < LOWEST_GFR_WITHOUT_DIALYSIS_ML_PER_MIN:
            problems.append(f"kidney.{name} = {fmt_num(value)} is not allowed without dialysis: below "
                            f"{fmt_num(LOWEST_GFR_WITHOUT_DIALYSIS_ML_PER_MIN)} mL/min a person needs it "
                            "(set dialysis.sessions_per_week, e.g. 3)")
    if kidney.gfr_end_ml_per_min is not None and gfr is not None and kidney.gfr_end_ml_per_min > gfr:
        problems.append(f"kidney.gfr_end_ml_per_min = {fmt_num(kidney.gfr_end_ml_per_min)} is not allowed with "
                        f"kidney.residual_gfr_ml_per_min = {fmt_num(gfr)}: a decline ends below where it starts")
    return problems


def stage_and_gfr(table: Mapping[str, Any]) -> tuple[Any, Any]:
    """``patient.ckd_stage`` (0 if not given) and ``kidney.residual_gfr_ml_per_min`` (None) of a scenario table."""
    patient, kidney = (table.get(key) if isinstance(table.get(key), Mapping) else {} for key in ("patient", "kidney"))
    return patient.get("ckd_stage", 0), kidney.get("residual_gfr_ml_per_min")


def stage_override_problems(changes: Mapping[str, Any], stage_before: Any, gfr_before: Any, after: Any) -> list[str]:
    """An override (``--set``, a link) of ``patient.ckd_stage`` on a scenario whose measured GFR it leaves as it
    is: with ``kidney.residual_gfr_ml_per_min`` given, the GFR sets kidney function and a stage may only name it
    (0, or the stage the GFR lies in: :func:`kidney_conflicts`), so the run is the same whatever the stage
    (``run haemodialysis --set ckd_stage=0`` gave stage 5's table, byte for byte). ``changes``: the overrides by
    dotted path; ``stage_before``, ``gfr_before``: the stage and measured GFR without them; ``after``: the scenario
    with them. A GFR override to the value it had leaves it as it is (``--set residual_gfr_ml_per_min=3`` beside
    ``ckd_stage=0`` on haemodialysis let the stage through, and it still changed nothing)."""
    gfr = after.kidney.residual_gfr_ml_per_min
    if ("patient.ckd_stage" not in changes or gfr is None or gfr != gfr_before
            or after.patient.ckd_stage == stage_before):
        return []
    low, high = GFR_RANGE_BY_CKD_STAGE[after.patient.ckd_stage]
    meant = "normal kidneys" if after.patient.ckd_stage == 0 else f"stage {after.patient.ckd_stage}"
    return [f"patient.ckd_stage = {after.patient.ckd_stage} never acts here: the scenario gives a measured GFR "
            f"(kidney.residual_gfr_ml_per_min = {fmt_num(gfr)} mL/min), which sets kidney function whatever the stage "
            f"says; change kidney.residual_gfr_ml_per_min instead ({meant}: {fmt_num(low)} to {fmt_num(high)} "
            f"mL/min{', with no dialysis' if high > GFR_RANGE_BY_CKD_STAGE[5][1] else ''})"]


def kidney_state_changed(previous: Any, state: Any) -> bool:
    """True if scenario state ``state`` sets another CKD stage or other ``[kidney]`` keys than ``previous``: a new
    kidney state begins, from which the model times a GFR decline."""
    return previous.patient.ckd_stage != state.patient.ckd_stage or previous.kidney != state.kidney
