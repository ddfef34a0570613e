"""Which of a cohort's sex, menopause and CKD stage the base scenario or ``[set]`` fixes.

A cohort draws sex (50:50 unless ``female_probability`` or a ``sex`` distribution says),
menopause (by age unless ``postmenopausal_probability``) and the CKD stage (stage 0 unless
``ckd_stage_probabilities``) for every patient. A value that ``[set]`` names, or that the base
scenario gives other than the model's default (``scenario = "ckd_stage4"``: stage 4;
``"postmenopausal"``: a postmenopausal woman), holds for every patient unless the cohort draws
that field itself; ``[set]`` naming a field that the cohort also draws is refused (two values
for one field). See docs/batch.md, "Virtual cohorts and trials".
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.keys import resolve_setting
from calcium_abm.inputs.messages import fmt_num, fmt_value
from calcium_abm.inputs.menopause import THERAPY_BEFORE_FINAL_PERIOD_YEARS
from calcium_abm.inputs.sections import MAX_AGE_AT_MENOPAUSE_YEARS, Patient
from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE

__all__ = ["cohort_base", "cohort_draws", "cohort_women", "fixed_fields", "hormone_therapy_cohort_problem",
           "menopause_without_women", "set_conflicts", "stage_beside_measured_gfr"]

#: dotted path -> the cohort table entry that draws it explicitly
_DRAWN_BY = {"patient.sex": "cohort.female_probability or cohort.distributions.sex",
             "patient.postmenopausal": "cohort.postmenopausal_probability",
             "patient.ckd_stage": "cohort.ckd_stage_probabilities"}


def cohort_draws(cohort) -> set[str]:
    """The special fields (sex, menopause, CKD stage) that ``cohort`` draws explicitly."""
    drawn = {resolve_setting(k, "cohort.distributions") for k in cohort.distributions}
    out = set()
    if cohort.female_probability is not None or "patient.sex" in drawn:
        out.add("patient.sex")
    if cohort.postmenopausal_probability is not None:
        out.add("patient.postmenopausal")
    if "ckd_stage_probabilities" in cohort.model_fields_set:
        out.add("patient.ckd_stage")
    return out


def cohort_women(spec) -> dict[str, Any]:
    """The patient every run of the batch ``spec`` has in place of the base scenario's, when its cohort has women
    only (``female_probability = 1``, a ``sex`` draw of women only, or ``[set] sex = "female"``):
    ``{"patient.sex": "female"}`` and, with ``postmenopausal_probability = 1``, ``"patient.postmenopausal": True``
    (``{}`` for no cohort or one that may draw a man)."""
    cohort = spec.cohort
    set_sex = next((v for k, v in spec.set.items() if resolve_setting(k, "set") == "patient.sex"), None)
    if cohort is None or not (set_sex == "female" or "patient.sex" in cohort_draws(cohort) and
                              cohort.female_share() >= 1.0):
        return {}
    return {"patient.sex": "female", **({"patient.postmenopausal": True}
                                        if cohort.postmenopausal_probability == 1.0 else {})}


def cohort_base(spec, load: Callable[[dict[str, Any]], Any], overrides: dict[str, Any]) -> Any:
    """For :meth:`.spec.BatchSpec.base_scenario` when the base scenario's own patient refuses ``overrides`` (its
    ``[set]``, years): the base checked as the cohort's women (:func:`cohort_women`; a fresh user's hormone therapy
    on healthy_adult, a man), else the cohort's own refusal of a ``[set]`` therapy
    (:func:`hormone_therapy_cohort_problem`, which names the cohort's field, where the base's message named the
    base's sex), else None (the base's message stands). ``load(overrides)`` loads the base scenario."""
    if spec.cohort is None:
        return None
    if women := cohort_women(spec):
        with contextlib.suppress(ScenarioError):
            return load({**{k: v for k, v in overrides.items() if resolve_setting(k, "set") not in women}, **women})
    without = {k: v for k, v in overrides.items() if resolve_setting(k, "set") != _THERAPY}
    if len(without) == len(overrides):
        return None
    try:
        base = load(without)
    except ScenarioError:
        return None
    base = base.model_copy(update={"drugs": base.drugs.model_copy(update={"menopausal_hormone_therapy": True})})
    return hormone_therapy_cohort_problem(spec, base, fixed_fields(spec, base))


def _named_in_set(spec) -> set[str]:
    return {resolve_setting(k, "set") for k in spec.set}


def is_fixed(spec, base, path: str, named: set[str] | None = None) -> bool:
    """Whether the patient field ``path`` is fixed for every patient: named in ``[set]`` (``named``, if already
    resolved) or given a value other than the schema's default on ``base``."""
    name = path.partition(".")[2]
    return path in (_named_in_set(spec) if named is None else named) or \
        getattr(base.patient, name) != Patient.model_fields[name].default


def fixed_fields(spec, base) -> dict[str, Any]:
    """Dotted path -> the value every patient keeps (:func:`is_fixed`) of the fields a cohort can draw."""
    named, drawn = _named_in_set(spec), cohort_draws(spec.cohort)
    return {path: getattr(base.patient, path.partition(".")[2]) for path in _DRAWN_BY
            if path not in drawn and is_fixed(spec, base, path, named)}


def set_conflicts(spec) -> list[str]:
    """A message for each field that ``[set]`` (or the top-level ``years`` / ``record_every_days``) fixes and
    the batch draws (a cohort) or varies (a sweep, a sensitivity design) too: that value would never act."""
    in_set = {resolve_setting(k, "set"): k for k in spec.set}
    out = [] if spec.cohort is None else [
        f"set.{path.partition('.')[2]} and {_DRAWN_BY[path]} both give {path}: fix it in [set] (every patient) "
        "or draw it in [cohort], not both" for path in sorted(cohort_draws(spec.cohort) & in_set.keys())]
    table, keys = next((f"{kind}.{part}", getattr(getattr(spec, kind), part)) for kind, part in (
        ("cohort", "distributions"), ("sweep", "parameters"), ("sensitivity", "parameters")) if getattr(spec, kind))
    varied = {path: k for k in keys if (path := resolve_setting(k, table)) not in _DRAWN_BY}
    top = {f"simulation.{k}": k for k in ("years", "record_every_days") if getattr(spec, k) is not None}
    out += [f"{top[path]} = {fmt_num(getattr(spec, top[path]))} (top level) and {table}.{varied[path]} both give "
            f"{path}: the batch varies it, so the top-level value never acts; leave it out"
            for path in sorted(varied.keys() & top.keys())]
    out += [f"{top[path]} = {fmt_num(getattr(spec, top[path]))} (top level) and set.{in_set[path]} = "
            f"{fmt_value(spec.set[in_set[path]])} both give {path}: give it once"
            for path in sorted((top.keys() & in_set.keys()) - varied.keys())]
    return out + [f"set.{in_set[path]} and {table}.{varied[path]} both give {path}: the batch varies it, so the value "
                  "in [set] never acts; leave it out of [set]" for path in sorted(varied.keys() & in_set.keys())]


def menopause_without_women(cohort, fixed: dict[str, Any]) -> str | None:
    """A message when the cohort draws menopause (``postmenopausal_probability``, a
    ``years_since_menopause`` distribution) but has no women (``female_probability = 0``, or a
    sex fixed to male by ``[set]`` or the scenario), or draws ``years_since_menopause`` with
    ``postmenopausal_probability = 0``: the draw would be accepted and act on no one."""
    drawn = {resolve_setting(k, "cohort.distributions") for k in cohort.distributions}
    if (cohort.postmenopausal_probability == 0 and "patient.years_since_menopause" in drawn
            and not fixed.get("patient.postmenopausal")):  # the runs were the ones without the draw, bit for bit
        return ("cohort.distributions.years_since_menopause is not allowed here: cohort.postmenopausal_probability = 0, "
                "so no woman starts postmenopausal and no one's years since menopause are read; leave it out")
    if fixed.get("patient.sex", "female") != "male" and ("patient.sex" in fixed or cohort.female_share() > 0):
        return None
    tables = [name for name, on in (("cohort.postmenopausal_probability", cohort.postmenopausal_probability is not None),
                                    ("cohort.distributions.years_since_menopause",
                                     "patient.years_since_menopause" in drawn)) if on]
    if not tables:
        return None
    why = "sex is fixed to male" if fixed.get("patient.sex") == "male" else "women are drawn with probability 0"
    return (f"{' and '.join(tables)} {'are' if len(tables) > 1 else 'is'} not allowed here: the cohort has no women "
            f"({why}), so no one would be drawn postmenopausal; leave {'them' if len(tables) > 1 else 'it'} out")


def stage_beside_measured_gfr(cohort, base) -> str | None:
    """A message when the cohort draws the CKD stage (``ckd_stage_probabilities``) beside a measured GFR (the base
    scenario's or ``[set]``'s ``kidney.residual_gfr_ml_per_min``): the GFR sets kidney function whatever the stage
    (:func:`calcium_abm.inputs.kidney_rules.stage_override_problems`), so the drawn stages would act on no one; the
    batch used to stop at the first patient whose stage differed, naming the GFR but not the draw."""
    gfr = base.kidney.residual_gfr_ml_per_min
    if "patient.ckd_stage" not in cohort_draws(cohort) or gfr is None:
        return None
    return (f"cohort.ckd_stage_probabilities = [{', '.join(map(fmt_num, cohort.ckd_stage_probabilities))}] is not "
            f"allowed here: the scenario or [set] gives a measured GFR (kidney.residual_gfr_ml_per_min = {fmt_num(gfr)} "
            "mL/min), which sets kidney function whatever the stage says, so the drawn stages would act on no one; "
            "give the GFR or draw the stage, not both")


def stages_age_passes(cohort, base, female, age, stages) -> str | None:
    """A message when every patient the cohort drew at some CKD stage already has a GFR that low or lower
    from age alone (:func:`calcium_abm.inert_settings.ckd_stage_unread`; e.g. stages 1 and 2 in people of
    70-80), so that stage of ``cohort.ckd_stage_probabilities`` acts on no one; a patient for whom it does not
    act alone runs on the GFR of age (:func:`.conduct.person_of_cohort`). ``female``, ``age`` and ``stages``:
    the drawn patients' arrays."""
    from calcium_abm.physiology import ageing, parameter_set
    from calcium_abm.physiology.calcium import GFR_ML_PER_MIN_BY_CKD_STAGE

    if base.patient.species != "human" or base.kidney.residual_gfr_ml_per_min is not None:
        return None
    p, normal = parameter_set(base.parameters), GFR_ML_PER_MIN_BY_CKD_STAGE[0]
    aged = np.full(len(stages), np.inf)  # the GFR of age of the patients drawn at a stage (the single run's law)
    for i in np.flatnonzero(stages):
        aged[i] = ageing.gfr_for_person_ml_per_min(float(age[i]), "female" if female[i] else "male", normal, p)
    for stage in sorted(set(int(s) for s in stages) - {0}):
        drawn = stages == stage
        if np.all(GFR_ML_PER_MIN_BY_CKD_STAGE[stage] >= aged[drawn]):
            count, low, high = int(drawn.sum()), float(aged[drawn].min()), float(aged[drawn].max())
            who = (f"the one patient drawn at stage {stage} ({fmt_num(GFR_ML_PER_MIN_BY_CKD_STAGE[stage])} mL/min) "
                   f"already has that GFR or less from age alone ({low:.1f} mL/min, the GFR law)") if count == 1 else (
                   f"all {count} patients drawn at stage {stage} ({fmt_num(GFR_ML_PER_MIN_BY_CKD_STAGE[stage])} "
                   f"mL/min) already have that GFR or less from age alone ({low:.1f} to {high:.1f} mL/min, the GFR "
                   "law)")
            return (f"cohort.ckd_stage_probabilities = [{', '.join(map(fmt_num, cohort.ckd_stage_probabilities))}] "
                    f"is not allowed for these patients: {who}, so stage {stage} would change no run; give stage "
                    f"{stage} probability 0, or draw younger patients")
    return None


def sweep_over_sex_hint(spec) -> str:
    """What to do instead, appended to a base scenario's refusal when the batch sweeps ``sex``: ``[set]``
    applies to every swept run, the men's too, so it cannot give only the women a menopause (or therapy);
    a cohort draws sex and gives each woman the menopause her age implies. Empty otherwise."""
    swept = set() if spec.sweep is None else {resolve_setting(k, "sweep.parameters") for k in spec.sweep.parameters}
    if "patient.sex" not in swept:
        return ""
    return ("; the batch sweeps sex, and [set] applies to every swept run, the men's too, so it cannot give only "
            "the women a menopause: to compare women and men past 60, draw a cohort instead ([cohort] "
            "female_probability = 0.5 with age_years = { distribution = \"constant\", value = 70 }: each woman is "
            "past her final period by her age, docs/batch.md)")


_THERAPY = "drugs.menopausal_hormone_therapy"


def _gives_therapy(table) -> bool:
    return any(resolve_setting(k, "set") == _THERAPY and v is True for k, v in table.items())


def hormone_therapy_cohort_problem(spec, base, fixed: dict[str, Any]) -> str | None:
    """A message when the batch gives menopausal hormone therapy (its scenario or ``[set]``, an arm's ``set`` or an
    arm's schedule) to a cohort that can draw a man or a woman before her menopause: a run refuses it for them
    (:func:`calcium_abm.inputs.menopause.hormone_therapy_problem`), so whether the batch ran would depend on whom
    the randomisation drew (a 4-patient batch ran with one seed and stopped with another)."""
    cohort = spec.cohort
    where = ["the scenario or [set]"] if base.drugs.menopausal_hormone_therapy else []
    where += [f"arm {arm.name!r}" for arm in spec.arms
              if _gives_therapy(arm.set) or any(_gives_therapy(entry.set) for entry in arm.schedule)]
    if cohort is None or not where:
        return None
    sex = fixed.get("patient.sex")
    men = sex == "male" or (sex is None and cohort.female_share() < 1.0)
    ages = [dist for key, dist in cohort.distributions.items()
            if resolve_setting(key, "cohort.distributions") == "patient.age_years"]
    youngest = (ages[0].min if ages[0].min is not None else 0.0) if ages else base.patient.age_years
    # a woman drawn before her menopause has her final period planned at her drawn age at menopause (by 60), and a run
    # that ends more than THERAPY_BEFORE_FINAL_PERIOD_YEARS before it refuses the therapy (inputs.menopause)
    women = fixed.get("patient.sex") == "female" or (sex is None and cohort.female_share() > 0.0)
    before = women and fixed.get("patient.postmenopausal") is not True and (
        cohort.postmenopausal_probability is None or cohort.postmenopausal_probability < 1.0) and (
        youngest + base.days / DAYS_PER_YEAR_OF_AGE < MAX_AGE_AT_MENOPAUSE_YEARS - THERAPY_BEFORE_FINAL_PERIOD_YEARS)
    if not (men or before):
        return None
    who = " and ".join(w for w, on in (("men", men), (
        f"women more than {fmt_num(THERAPY_BEFORE_FINAL_PERIOD_YEARS)} years before their final period at the run's "
        "end", before)) if on)
    return (f"drugs.menopausal_hormone_therapy = true ({', '.join(where)}) is not allowed with this cohort: it can "
            f"draw {who}, for whom a run refuses the therapy, so whether the batch ran would depend on whom it drew; "
            "give it to women only (cohort.female_probability = 1) past or near their menopause "
            "(cohort.postmenopausal_probability = 1, or a cohort.distributions.age_years min from which the run "
            f"reaches {fmt_num(MAX_AGE_AT_MENOPAUSE_YEARS - THERAPY_BEFORE_FINAL_PERIOD_YEARS)})"
            + (", or use scenario = \"postmenopausal\"" if spec.scenario != "postmenopausal" else ""))


def rodent_column_problem(spec, base) -> str | None:
    """A message when a rodent batch (the base scenario's species, with ``[set]``) analyses or screens on a column
    a rodent never records (:data:`calcium_abm.outputs.HUMAN_ONLY_COLUMNS`: a fresh user's T-score outcome gave n = 0,
    an inclusion on it screened every candidate out, an exclusion excluded no one), else None."""
    from calcium_abm.inputs.trial_tables import analysis_outcomes
    from calcium_abm.outputs import HUMAN_ONLY_COLUMNS  # lazy: outputs imports Mesa

    if base.patient.species == "human":
        return None
    cohort, severe = spec.cohort, spec.analysis.severe_calcification
    used = [*((f"analysis.outcomes.{c}", c) for c in analysis_outcomes(spec)),
            *([(f"analysis.severe_calcification.column = {severe.column}", severe.column)] if severe else []),
            *((f"cohort.{table}.{c}", c) for table in ("inclusion", "exclusion") if cohort is not None
              for c in getattr(cohort, table))]
    bad = next((where for where, column in used if column in HUMAN_ONLY_COLUMNS), None)
    return None if bad is None else (
        f"{bad} is not allowed: every run of this batch is a {base.patient.species}, and a rodent preset records no "
        f"lumbar-spine DXA reading or T-score (NaN in every run); use bone_mineral_density_g_cm2 or bmd_change_pct")

