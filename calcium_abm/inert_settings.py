"""Settings of one person's run that would do nothing: refused, one message each.

A run refuses what no rule of its run would read (a key that no rule reads is a bug):
the trait spreads only a cohort's draw reads, and the settings its person's run never reads
(:func:`.person_traits.inert_setting_problems`: another species' parameter, a spread the person
does not let act, a peak bone mass beside a measured T-score), whether the scenario gives them
from day 0 or a ``[[schedule]]`` entry sets them later (:func:`scheduled_unread`). A batch refuses
them only where no run of it reads them (:mod:`calcium_abm.batch.inert`).
"""

from __future__ import annotations

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.messages import fmt_num

__all__ = ["ckd_stage_problem", "ckd_stage_unread", "inert_problems", "is_conditional", "refuse_inert_settings",
           "refuse_inert_schedule", "schedule_problems", "scheduled_unread", "spread_acts_on"]


def spread_acts_on(state, name: str, day: int) -> bool:
    """Whether the conditional spread ``name`` (:data:`.person_traits.CONDITIONAL_SPREADS`) acts
    for the person of ``state`` (the settings in effect on ``day``): the propensity's spread is read
    when the wall starts (day 0, for a trait other than 1), the wandering's only while it wanders."""
    from calcium_abm.physiology.person_traits import CONDITIONAL_SPREADS

    key = CONDITIONAL_SPREADS[name][0]
    if key == "calcification_propensity":  # read by intima.start_intima on day 0 only
        return day == 0 and state.patient.calcification_propensity != 1.0
    return bool(getattr(state.patient, key))


def is_conditional(name: str) -> bool:
    """Whether parameter ``name`` acts only under a condition of the run's settings: a spread its person
    must let act (:data:`.person_traits.CONDITIONAL_SPREADS`) or a drug's or treatment's parameter
    (:data:`.conditional_parameters.CONDITIONAL_PARAMETERS`)."""
    from calcium_abm.physiology.conditional_parameters import CONDITIONAL_PARAMETERS
    from calcium_abm.physiology.person_traits import CONDITIONAL_SPREADS

    return name in CONDITIONAL_SPREADS or name in CONDITIONAL_PARAMETERS


def _acts_on(scenario, name: str, day: int) -> bool:
    """Whether the conditional parameter ``name`` (:func:`is_conditional`) acts on ``day`` of ``scenario``'s run."""
    from calcium_abm.physiology.conditional_parameters import CONDITIONAL_PARAMETERS, acts_on_day

    if name in CONDITIONAL_PARAMETERS:
        return acts_on_day(name, scenario, day)
    return spread_acts_on(scenario.state_at(day), name, day)


def _in_effect_days(scenario, index: int, path: str) -> list[int]:
    """The days on which the effective settings change (and day 0) where entry ``index`` gives
    ``path`` its value: it is active and no later active entry sets ``path``."""
    schedule = scenario.schedule
    days = sorted({0, *scenario.schedule_boundaries()})
    return [day for day in days if schedule[index].active_on(day)
            and not any(e.active_on(day) and path in e.set for e in schedule[index + 1:])]


def scheduled_unread(scenario) -> list[tuple[int, str]]:
    """``(entry index, "parameters.<name>")`` for each parameter a ``[[schedule]]`` entry of the
    validated ``scenario`` sets that its run never reads while that value is in effect: another
    species' parameter (the species cannot change during a run), or a conditional spread the
    person's settings on none of those days let act."""
    from calcium_abm.physiology.species import other_species_parameters

    out = []
    for i, entry in enumerate(scenario.schedule):
        names = [path.partition(".")[2] for path in entry.set if path.startswith("parameters.")]
        other = set(other_species_parameters(names, scenario.patient.species))
        for name in names:
            path = f"parameters.{name}"
            if name in other or (is_conditional(name) and not any(
                    _acts_on(scenario, name, day) for day in _in_effect_days(scenario, i, path))):
                out.append((i, path))
    return out


def unread_reason(path: str) -> str:
    """Why a run does not read the parameter ``path`` (one of :func:`scheduled_unread`
    or :func:`.person_traits.inert_setting_problems`), in words: what reads it."""
    from calcium_abm.physiology.conditional_parameters import CONDITIONAL_PARAMETERS, condition_text
    from calcium_abm.physiology.person_traits import CONDITIONAL_SPREADS
    from calcium_abm.physiology.species import read_only_by

    name = path.partition(".")[2]
    if name in CONDITIONAL_SPREADS:
        key, needed = CONDITIONAL_SPREADS[name]
        return f"it acts only where patient.{key} is {needed}"
    if name in CONDITIONAL_PARAMETERS:
        return condition_text(name)
    return read_only_by(name)


def schedule_problems(scenario) -> list[str]:
    """One message per :func:`scheduled_unread` entry, naming the entry, the key and its value."""
    out = []
    for i, path in scheduled_unread(scenario):
        entry = scenario.schedule[i]
        name, value = path.partition(".")[2], entry.set[path]
        species = scenario.patient.species
        when = "while this entry is in effect" if is_conditional(name) else f"for species = \"{species}\""
        out.append(f"schedule entry {i + 1} (start_day = {entry.start_day}): {path} = {value:g} does nothing "
                   f"{when}: {unread_reason(path)}")
    return out


def ckd_stage_unread(scenario, first_day: int = 0) -> tuple[int, float, float] | None:
    """(the day, the stage's GFR, the GFR age gives this person that day; mL/min) of the first
    ``patient.ckd_stage`` of a validated ``scenario`` (on day 0 or set by a ``[[schedule]]`` entry, from
    ``first_day`` on) that would change nothing: a person's GFR is the lower of the two
    (:func:`.physiology.ageing.gfr_for_person_ml_per_min`), so a stage whose GFR is not below what
    the GFR law already gives (stage 2's 75 mL/min for a woman of 85, stage 1's 95 from about 55)
    acts on nothing, then or later (age only lowers it). None otherwise, for a measured GFR
    (``kidney.residual_gfr_ml_per_min``) and for a rodent preset."""
    from calcium_abm.physiology import ageing, parameter_set
    from calcium_abm.physiology.calcium import GFR_ML_PER_MIN_BY_CKD_STAGE
    from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE

    days = [0] + [e.start_day for e in scenario.schedule if "patient.ckd_stage" in e.set]
    normal, p = GFR_ML_PER_MIN_BY_CKD_STAGE[0], None
    for day in sorted(d for d in set(days) if d >= first_day):
        state = scenario.state_at(day)
        patient = state.patient
        if patient.species != "human" or patient.ckd_stage == 0 or state.kidney.residual_gfr_ml_per_min is not None:
            continue
        p = p or parameter_set(scenario.parameters)
        stage_gfr = GFR_ML_PER_MIN_BY_CKD_STAGE[patient.ckd_stage]
        aged = ageing.gfr_for_person_ml_per_min(patient.age_years + day / DAYS_PER_YEAR_OF_AGE, patient.sex, normal, p)
        if stage_gfr >= aged:
            return day, stage_gfr, aged
    return None


def ckd_stage_problem(scenario, first_day: int = 0) -> str | None:
    """The message if :func:`ckd_stage_unread` (a single run and a sweep refuse it; a cohort runs a
    patient whose drawn stage it is on the GFR of age, :func:`calcium_abm.batch.conduct.person_of_cohort`)."""
    if not (unread := ckd_stage_unread(scenario, first_day)):
        return None
    from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE

    day, stage_gfr, aged = unread
    patient = scenario.state_at(day).patient
    stage, age = patient.ckd_stage, patient.age_years + day / DAYS_PER_YEAR_OF_AGE
    where = "" if day == 0 else f"a [[schedule]] entry's (start_day = {day}) "
    return (f"{where}patient.ckd_stage = {stage} does nothing for this person: stage {stage}'s GFR ({stage_gfr:g} "
            f"mL/min) is not below the {aged:.1f} mL/min that age alone gives a {patient.sex} of {age:.4g} "
            "(the GFR law; the model keeps the lower of the two); leave ckd_stage at 0, give a stage whose GFR is "
            "lower, or a measured kidney.residual_gfr_ml_per_min")


def measured_gfr_stage_problem(scenario) -> str | None:
    """The message if a validated ``scenario`` gives ``patient.ckd_stage`` other than 0 beside a measured
    ``kidney.residual_gfr_ml_per_min`` on day 0 or from a ``[[schedule]]`` entry on: the measured GFR sets kidney
    function whatever the stage says (a stage may only name the GFR's range, :func:`.inputs.kidney_rules.kidney_conflicts`),
    so the stage is read by no rule (files with stage 3 and stage 0 beside a GFR of 40 ran byte for byte alike, a fresh
    user, where ``--set ckd_stage=3`` was refused: :func:`.inputs.kidney_rules.stage_override_problems`)."""
    for day in [0, *sorted({e.start_day for e in scenario.schedule})]:
        state = scenario.state_at(day)
        gfr, stage = state.kidney.residual_gfr_ml_per_min, state.patient.ckd_stage
        if gfr is None or stage == 0:
            continue
        where = "" if day == 0 else f"from the [[schedule]] entry of start_day = {day} on: "
        return (f"{where}patient.ckd_stage = {stage} does nothing beside kidney.residual_gfr_ml_per_min = "
                f"{fmt_num(gfr)}: the measured GFR sets kidney function whatever the stage says (and the run's summary "
                f"names the stage the GFR lies in); {'set patient.ckd_stage = 0 in that entry' if day else 'leave ckd_stage at 0'}, or give "
                "the stage without a measured GFR to run that stage's typical GFR")
    return None


def kidney_history_problem(scenario) -> str | None:
    """The message if ``patient.kidney_disease_years`` is above 0 while the validated ``scenario``'s day-0 state
    (its day-0 schedule entries applied) has healthy kidneys (:func:`.inputs.kidney_rules.healthy_kidneys`): the
    years are those of the day-0 kidney disease. Later kidney states (a transplant) do not matter."""
    years = scenario.patient.kidney_disease_years
    if years <= 0:
        return None
    from calcium_abm.inputs.kidney_rules import healthy_kidneys
    from calcium_abm.physiology import parameter_set

    state, reference = scenario.state_at(0) if scenario.schedule else scenario, parameter_set(
        scenario.parameters).reference_gfr_ml_per_min
    if not healthy_kidneys(state, reference):
        return None
    gfr = state.kidney.residual_gfr_ml_per_min
    return (f"patient.kidney_disease_years = {fmt_num(years)} is not allowed with healthy kidneys on day 0 "
            f"(patient.ckd_stage = 0, kidney.residual_gfr_ml_per_min = {'none' if gfr is None else fmt_num(gfr)}, "
            "no dialysis): it gives how long the day-0 kidney disease has lasted; set ckd_stage (1-5), a GFR "
            f"below {fmt_num(reference)} mL/min or dialysis, or leave it 0")


def start_problems(scenario, first_day: int = 0) -> list[str]:
    """What a validated single-run ``scenario`` refuses about its start, in order: a woman who would pass natural
    menopause still premenopausal, or hormone therapy that would act on nothing
    (:func:`.inputs.menopause.run_menopause_problem`), a CKD stage whose GFR the person's age already passes
    (:func:`ckd_stage_problem`, from ``first_day``), a GFR "decline" that is none (:func:`gfr_decline_problem`),
    years of kidney disease with healthy kidneys on day 0 (:func:`kidney_history_problem`). The model's build,
    each run of a batch and ``run``/``validate FILE`` check these."""
    from calcium_abm.inputs.menopause import run_menopause_problem

    return [text for text in (run_menopause_problem(scenario), ckd_stage_problem(scenario, first_day),
                              measured_gfr_stage_problem(scenario), gfr_decline_problem(scenario),
                              kidney_history_problem(scenario)) if text]


def gfr_decline_problem(scenario) -> str | None:
    """The message if ``kidney.gfr_end_ml_per_min`` is not below the GFR the decline starts from, on day 0 or on the
    day a ``[[schedule]]`` entry (a trial arm's too) begins a new kidney state, from which the model times the
    decline: the measured ``kidney.residual_gfr_ml_per_min``, else the stage's GFR lowered with age that day
    (:func:`.physiology.ageing.gfr_for_person_ml_per_min`; the stage's alone for a rodent preset). An end equal to it
    changed nothing, and one above it made the "decline" a rise (CKD 4, GFR 22, to 60: 24.3 after a year)."""
    if scenario.kidney.gfr_end_ml_per_min is None and not any("kidney.gfr_end_ml_per_min" in e.set
                                                                for e in scenario.schedule):
        return None  # no decline anywhere (nearly every run of a cohort: ~0.3 ms a run to look day by day)
    from calcium_abm.inputs.kidney_rules import kidney_state_changed
    from calcium_abm.physiology import ageing, kidney, parameter_set
    from calcium_abm.time_units import DAYS_PER_YEAR_OF_AGE

    previous, p = None, None
    for day in sorted({0, *(e.start_day for e in scenario.schedule)}):
        state = scenario.state_at(day)
        begins = previous is None or kidney_state_changed(previous, state)
        previous = state
        end, measured, patient = state.kidney.gfr_end_ml_per_min, state.kidney.residual_gfr_ml_per_min, state.patient
        if not begins or end is None:
            continue
        age = patient.age_years + day / DAYS_PER_YEAR_OF_AGE
        start = kidney.gfr_ml_per_min(patient.ckd_stage) if measured is None else measured
        if measured is None and patient.species == "human":
            p = p or parameter_set(scenario.parameters)
            start = ageing.gfr_for_person_ml_per_min(age, patient.sex, start, p)
        if end < start:
            continue
        whose = ("kidney.residual_gfr_ml_per_min" if measured is not None else
                 f"CKD stage {patient.ckd_stage}'s GFR" + (f" at the age of {age:.4g}" if patient.species == "human"
                                                         else ""))
        when = "day 0" if day == 0 else f"day {day}, when a [[schedule]] entry begins its kidney state,"
        return (f"kidney.gfr_end_ml_per_min = {end:g} is not allowed for this person: a decline ends below where it "
                f"starts, and their GFR on {when} is {start:.6g} mL/min ({whose}); give an end below it, or leave it out")
    return None


def inert_problems(scenario) -> list[str]:
    """Every setting of a validated single-run ``scenario`` that would do nothing: the draw-only
    spreads, :func:`.person_traits.inert_setting_problems` and :func:`schedule_problems`; and, as the
    run refuses them too, :func:`start_problems`."""
    from calcium_abm.physiology.person_traits import draw_only_spread_problems, inert_setting_problems

    return (draw_only_spread_problems(scenario.parameters) + inert_setting_problems(scenario)
            + schedule_problems(scenario) + start_problems(scenario))


def refuse_inert_settings(scenario, origin: str | None = None) -> None:
    """Raise :class:`ScenarioError` with :func:`inert_problems` (named with ``origin``, a scenario
    name or file: one line, or a count and a bulleted list), if there are any."""
    from calcium_abm.inputs.messages import join_problems

    if problems := inert_problems(scenario):
        raise ScenarioError("\n".join(problems) if origin is None else join_problems(problems, origin))


def refuse_inert_schedule(scenario) -> None:
    """Raise :class:`ScenarioError` with :func:`schedule_problems`, one line each, if there are any
    (the model's own check; the settings from day 0 are :func:`.person_traits.refuse_draw_only_spreads`')."""
    if problems := schedule_problems(scenario):
        raise ScenarioError("\n".join(problems))
