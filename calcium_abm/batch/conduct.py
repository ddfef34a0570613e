"""Trial conduct: screening candidates on covariates and day-0 state, randomisation
(balanced, or in permuted blocks within strata), and dropout times. Pure functions of the
batch file and its seed (:mod:`calcium_abm.batch.streams`); :func:`~calcium_abm.batch.expand.plan_trial`
puts them together.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from calcium_abm.batch.spec import BatchError, BatchSpec
from calcium_abm.batch.streams import stream_generator
from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.keys import resolve_setting, setting_kind
from calcium_abm.inputs.messages import fmt_value
from calcium_abm.inputs.trial_tables import criterion_target

__all__ = ["baseline_state", "dropout_days", "inert_criteria", "inert_strata", "person_of_cohort", "randomise", "screen_candidates",
           "screening_criteria", "unread_settings"]


def _setting_value(path: str, patient: dict[str, Any], base) -> Any:
    """The patient's value of a setting: drawn, else the base scenario's."""
    if path in patient:
        return patient[path]
    section, _, fld = path.partition(".")
    return getattr(getattr(base, section), fld)


#: the person-level keys a run may not read (:func:`unread_settings`); a cohort's run sets them back to the
#: typical person's 1 (:func:`person_of_cohort`)
PERSON_KEYS_UNREAD = ("patient.peak_bone_mass", "patient.wall_plaque_growth")


def unread_settings(scenario) -> set[str]:
    """The dotted paths of a run's day-0 settings that its person's run would not read, and which
    :func:`person_of_cohort` therefore leaves out (or, ``patient.peak_bone_mass``, sets back to 1):
    the spreads this person's traits do not let act (:func:`.person_traits.inert_spreads`), a drug's or
    treatment's parameters without it (:func:`.conditional_parameters.inert_conditional_parameters`), another
    species' parameters, a peak bone mass beside a measured T-score, a plaque growth or the plaque law's parameters
    whose plaque starts after the run (:func:`.person_traits.plaque_onset_after_run`), a CKD stage whose GFR the person's age
    alone already passes (:func:`calcium_abm.inert_settings.ckd_stage_unread`). Not the spreads only a cohort's
    draw reads (:data:`.person_traits.DRAW_ONLY_SPREADS`): they act in the draw, before the run.
    One setting left out can leave another unread (a drawn CKD stage that her age passes goes back to 0, and on
    healthy kidneys her plaque may begin only after the run), so the paths are gathered until leaving them out
    finds no more; the runs (:func:`person_of_cohort`) and the batch's refusal (:mod:`calcium_abm.batch.inert`)
    read the same set."""
    unread: set[str] = set()
    for _ in range(MAX_UNREAD_PASSES):
        found = _unread_in(_without(scenario, unread))
        if found <= unread:
            break
        unread |= found
    return unread


#: passes of :func:`unread_settings` (each can only add paths; one has sufficed except where a drawn CKD stage goes
#: back to 0, which needs a second)
MAX_UNREAD_PASSES = 4


def _unread_in(scenario) -> set[str]:
    """One pass of :func:`unread_settings`: the paths ``scenario`` as it stands would not read."""
    from calcium_abm.physiology.conditional_parameters import inert_conditional_parameters
    from calcium_abm.inert_settings import ckd_stage_unread
    from calcium_abm.physiology.person_traits import (inert_spreads, plaque_onset_after_run, plaque_parameters_unread,
                                                      t_score_sets_start_bone)
    from calcium_abm.physiology.species import other_species_parameters

    names = {*inert_spreads(scenario), *inert_conditional_parameters(scenario), *plaque_parameters_unread(scenario),
             *other_species_parameters(scenario.parameters, scenario.patient.species)}
    unread = {f"parameters.{name}" for name in names}
    if t_score_sets_start_bone(scenario.patient):  # a drawn or swept peak does nothing beside a T-score
        unread.add("patient.peak_bone_mass")
    if plaque_onset_after_run(scenario):  # a drawn or swept plaque growth does nothing before the plaque's onset
        unread.add("patient.wall_plaque_growth")
    if (stage := ckd_stage_unread(scenario)) and stage[0] == 0:  # a drawn stage whose GFR age alone passes
        unread.add("patient.ckd_stage")
    return unread


def person_of_cohort(scenario):
    """A cohort run's scenario as its person's run takes it: without the trait spreads only the
    cohort's draw reads (:func:`.person_traits.without_draw_only_spreads`; a single run refuses
    them, as they do nothing there), nor the settings it would not read (:func:`unread_settings`:
    e.g. another species' parameters, as a sensitivity design may screen one parameter set over
    settings of several species); a drawn ``peak_bone_mass`` beside a measured T-score, or a drawn
    ``wall_plaque_growth`` whose plaque starts after the run, goes back to 1, and a drawn CKD stage whose GFR
    the person's age already passes to 0 (the run is on the GFR of age, as it was). The run's own scenario TOML
    keeps them, a record of its draw, so its run id is unchanged.
    A batch refuses a setting that no run of it reads (:mod:`calcium_abm.batch.inert`)."""
    from calcium_abm.physiology.person_traits import without_draw_only_spreads

    person = _without(scenario, unread_settings(scenario))
    kept = without_draw_only_spreads(person.parameters)
    return person if kept == person.parameters else person.model_copy(update={"parameters": kept})


def _without(scenario, unread: set[str]):
    """``scenario`` with the ``unread`` paths left out (parameters) or set back to the typical person's value."""
    kept = {name: v for name, v in scenario.parameters.items() if f"parameters.{name}" not in unread}
    if kept != scenario.parameters:
        scenario = scenario.model_copy(update={"parameters": kept})
    typical = {path.partition(".")[2]: 1.0 for path in PERSON_KEYS_UNREAD if path in unread}
    if "patient.ckd_stage" in unread:  # her age gives a lower GFR than the drawn stage: she runs on it
        typical["ckd_stage"] = 0
    if typical:
        scenario = scenario.model_copy(update={"patient": scenario.patient.model_copy(update=typical)})
    return scenario


def baseline_state(scenario) -> dict[str, float]:
    """The recorded day-0 values of a scenario (its first row; nothing is simulated).

    The same numbers as day 0 of the run with this scenario and seed: a model is built
    and its initial state read, which takes well under a second.
    """
    # lazy: the model (Mesa, numba) loads only when a cohort screens on its baseline state
    from calcium_abm.model import CalciumParadoxModel
    from calcium_abm.simulation import results_frame

    model = CalciumParadoxModel(person_of_cohort(scenario), rng=scenario.simulation.seed)
    return {k: float(v) for k, v in results_frame(model).iloc[0].items()}


def screening_criteria(cohort) -> list[tuple[str, str, Any, str]]:
    """A cohort's criteria as ``(kind, key, criterion, target)``, in the order they are tried:
    covariates (a setting's dotted path as target: no model needed) before state criteria (a
    recorded column read on the candidate's day 0: a model is built), each in file order."""
    criteria = [(kind, key, crit, criterion_target(key, f"cohort.{kind}.{key}"))
                for kind, table in (("inclusion", cohort.inclusion), ("exclusion", cohort.exclusion))
                for key, crit in table.items()]
    return sorted(criteria, key=lambda c: "." not in c[3])


def screen_candidates(spec: BatchSpec, base, candidates: list[dict[str, Any]],
                      seeds: np.ndarray) -> tuple[list[int], dict[str, Any] | None]:
    """Screen candidates in order until ``cohort.patients`` meet every criterion.

    Covariate criteria (settings such as ``age_years``) are read from the drawn values;
    state criteria (recorded columns such as ``calcification_score``) from the
    candidate's day-0 state (:func:`baseline_state`, same seed as its run). A candidate
    is excluded for the first criterion it fails (covariates before state, inclusion
    before exclusion, each in file order). Returns the indices of the randomised
    candidates and the counts (None without criteria). Raises :class:`BatchError` when
    too few candidates qualify within the screening limit.
    """
    cohort = spec.cohort
    if not cohort.screens():
        return list(range(cohort.patients)), None
    criteria = screening_criteria(cohort)
    for problem in (_contradicting_criteria(criteria), _unmeetable_criterion(criteria, candidates, base)):
        if problem is not None:
            raise BatchError(problem)
    selected: list[int] = []
    reasons: dict[str, int] = {}
    screened = 0
    for i, candidate in enumerate(candidates):
        if len(selected) == cohort.patients:
            break
        screened += 1
        state: dict[str, float] | None = None
        reason = None
        for kind, key, crit, target in criteria:
            if "." in target:
                value = _setting_value(target, candidate, base)
            else:
                if state is None:
                    try:
                        scenario = base.with_overrides({**candidate, "simulation.seed": int(seeds[i])})
                    except ScenarioError as exc:
                        raise BatchError(f"screening candidate {i + 1} is not a valid scenario: {exc}") from None
                    state = baseline_state(scenario)
                value = state[target]
            meets = crit.admits(value)
            if kind == "inclusion" and not meets:
                reason = f"inclusion {key} {crit.describe()} not met"
            elif kind == "exclusion" and meets:
                reason = f"exclusion {key} {crit.describe()}"
            if reason:
                break
        if reason:
            reasons[reason] = reasons.get(reason, 0) + 1
        else:
            selected.append(i)
    counts = {"screened": screened, "excluded": screened - len(selected), "excluded_by_reason": reasons,
              "randomised": len(selected), "screening_limit": len(candidates)}
    if len(selected) < cohort.patients:
        why = "; ".join(f"{n} {r}" for r, n in reasons.items())
        raise BatchError(f"cohort: {len(selected)} of {cohort.patients} patients found after screening "
                         f"{screened} candidates (the limit; excluded: {why}): widen cohort.inclusion / "
                         "cohort.exclusion or raise cohort.screening_limit")
    return selected, counts


def randomise(spec: BatchSpec, patients: list[dict[str, Any]]) -> list[list[int]]:
    """Each randomised patient's arm indices, in order.

    Crossover: every arm. Parallel without strata: a balanced permutation of the whole
    cohort (arm sizes differ by at most one). With ``cohort.stratify_by``: permuted blocks
    of one patient per arm within each stratum, in randomisation order, so every stratum
    is balanced to within one block. Seeded from the batch seed.
    """
    k, n = len(spec.arms), len(patients)
    if spec.cohort.design == "crossover":
        return [list(range(k))] * n
    rng = stream_generator(spec.seed, 4)
    if not spec.cohort.stratify_by:
        return [[int(a)] for a in rng.permutation(np.resize(np.arange(k), n))]
    paths = [resolve_setting(key, "cohort.stratify_by") for key in spec.cohort.stratify_by]
    blocks: dict[tuple, list[int]] = {}
    out = []
    for patient in patients:
        stratum = tuple(patient[p] for p in paths)
        if not blocks.get(stratum):
            blocks[stratum] = [int(a) for a in rng.permutation(k)]
        out.append([blocks[stratum].pop(0)])
    return out


#: the cohort keys that make patients differ in a setting (the end of inert_strata's and inert_criteria's advice)
_DRAWN_BY = "female_probability, postmenopausal_probability, ckd_stage_probabilities or a distribution"


def inert_strata(spec: BatchSpec, patients: list[dict[str, Any]], base) -> str | None:
    """A message if a factor of ``cohort.stratify_by`` has one value in every randomised patient (drawn, or the
    base scenario's): one stratum, so :func:`randomise` gives the unstratified permutation and the setting does
    nothing. The draw is the batch seed's, so the same file always gets the same answer. None if each varies."""
    for key in spec.cohort.stratify_by:
        path = resolve_setting(key, "cohort.stratify_by")
        values = {_setting_value(path, patient, base) for patient in patients}
        if len(values) == 1:
            return (f"cohort.stratify_by: '{key}' is not allowed here: every one of the {len(patients)} randomised "
                    f"patients has {path} = {fmt_value(values.pop())}, so it makes one stratum and changes nothing; "
                    "leave it out, or draw patients who differ in it "
                    f"({_DRAWN_BY})")
    return None


def inert_criteria(spec: BatchSpec, candidates: list[dict[str, Any]], base) -> str | None:
    """A message if a criterion on a setting met its cohort's ``patients`` while every candidate drawn within the
    screening limit has the same value of it (a setting the cohort does not draw, e.g. ``cohort.exclusion.ckd_stage``
    without ``ckd_stage_probabilities``): it then admitted every candidate (an inclusion) or excluded none (an
    exclusion), so it changes nothing. A drawn setting that the screened candidates shared by chance is kept: it
    acts in the draws after them (once, only the screened ones were read, and a one_of = [800] on calcium drawn from
    800 or 1200 was refused because the first four were 800). The draw is the batch seed's, so the same file always
    gets the same answer. None if each such setting varies."""
    drawn = {resolve_setting(k, "cohort.distributions"): (k, d) for k, d in spec.cohort.distributions.items()}
    for kind, key, crit, target in screening_criteria(spec.cohort):
        if "." not in target:  # a recorded column: read on each candidate's own day 0
            continue
        if target in drawn and (support := _support(drawn[target][1])) is not None and \
                _decides_every(crit, kind == "inclusion", *support):  # the same for every value it can draw
            return (f"cohort.{kind}.{key} ({crit.describe()}) is not allowed here: every value that "
                    f"cohort.distributions.{drawn[target][0]} can draw ({_support_text(*support)}) "
                    f"{'meets it' if kind == 'inclusion' else 'escapes it'}, so it "
                    f"{'admits every candidate' if kind == 'inclusion' else 'excludes nobody'} and changes nothing; "
                    "leave it out, or draw candidates it can tell apart")
        values = {_setting_value(target, candidate, base) for candidate in candidates}
        if len(values) == 1:
            return (f"cohort.{kind}.{key} ({crit.describe()}) is not allowed here: every one of the {len(candidates)} "
                    f"candidates has {target} = {fmt_value(values.pop())}, so it "
                    f"{'admits every candidate' if kind == 'inclusion' else 'excludes nobody'} and changes nothing; "
                    "leave it out, or draw candidates who differ in it "
                    f"({_DRAWN_BY})")
    return None


def _support(dist) -> tuple[tuple, tuple[float, float] | None] | None:
    """What a cohort distribution can draw, for :func:`inert_criteria`: ``(points, range)``, its listed values (a
    choice, a constant, the 0 of ``zero_probability``) and the closed range of a uniform, or of a normal or log-normal
    with both its own ``min`` and ``max``; None when unbounded or a documented trait (nothing to judge on)."""
    kind, zero = dist.kind, ((0.0,) if dist.zero_probability else ())
    if kind == "choice":
        return tuple(dist.choice), None
    if kind == "constant":
        return (dist.value, *zero), None
    if kind in ("uniform", "normal", "lognormal") and dist.min is not None and dist.max is not None:
        return zero, (dist.min, dist.max)
    return None


def _decides_every(crit, inclusion: bool, points: tuple, span: tuple[float, float] | None) -> bool:
    """Whether ``crit`` admits (an inclusion) or turns away (an exclusion) every listed value and every value of the
    closed range ``span``: then it changes nothing. A list criterion (``one_of``) over a range is never judged."""
    if any(crit.admits(v) != inclusion for v in points):
        return False
    if span is None:
        return True
    if crit.one_of is not None:
        return False
    lo, hi = span
    if inclusion:
        return (crit.min is None or crit.min <= lo) and (crit.max is None or hi <= crit.max)
    return (crit.max is not None and crit.max < lo) or (crit.min is not None and crit.min > hi)


def _support_text(points: tuple, span: tuple[float, float] | None) -> str:
    return ", ".join([fmt_value(v) for v in points] + ([f"{fmt_value(span[0])} to {fmt_value(span[1])}"] if span else []))


def _excludes_all_it_admits(inclusion, exclusion, target: str) -> bool:
    """Whether every value ``inclusion`` admits, ``exclusion`` turns away (so no candidate can pass both): listed
    values all excluded, a range inside the excluded range, or every whole number of a short range of an integer
    setting (``ckd_stage``) listed by the exclusion."""
    if inclusion.one_of is not None:
        return all(exclusion.admits(v) for v in inclusion.one_of)
    if exclusion.one_of is None:
        return ((exclusion.min is None or (inclusion.min is not None and exclusion.min <= inclusion.min))
                and (exclusion.max is None or (inclusion.max is not None and inclusion.max <= exclusion.max)))
    if "." not in target or setting_kind(target) != "int" or inclusion.min is None or inclusion.max is None \
            or inclusion.max - inclusion.min > 100:
        return False
    return all(exclusion.admits(v) for v in range(math.ceil(inclusion.min), math.floor(inclusion.max) + 1))


def _contradicting_criteria(criteria: list[tuple[str, str, Any, str]]) -> str | None:
    """A message if an inclusion and an exclusion on one value contradict each other (``inclusion.age_years =
    { min = 60 }`` with ``exclusion.age_years = { min = 60 }``): screening would exclude every candidate and then
    advise raising cohort.screening_limit, which could not help. None otherwise."""
    for _, in_key, inclusion, target in (c for c in criteria if c[0] == "inclusion"):
        for _, ex_key, exclusion, _ in (c for c in criteria if c[0] == "exclusion" and c[3] == target):
            if _excludes_all_it_admits(inclusion, exclusion, target):
                return (f"cohort.inclusion.{in_key} ({inclusion.describe()}) and cohort.exclusion.{ex_key} "
                        f"({exclusion.describe()}) are not allowed together: every value of {target} the inclusion "
                        "admits, the exclusion turns away, so no candidate can pass and no screening limit can fill "
                        "the cohort; narrow the exclusion or widen the inclusion")
    return None


def _unmeetable_criterion(criteria: list[tuple[str, str, Any, str]], candidates: list[dict[str, Any]],
                          base) -> str | None:
    """A message if a criterion on a setting every candidate shares (one the cohort does not draw) turns that one
    value away: an inclusion it does not admit, an exclusion it meets. Screening would then exclude every
    candidate and advise raising cohort.screening_limit, which could not help. None otherwise."""
    for kind, key, crit, target in criteria:
        if "." not in target:
            continue
        values = {_setting_value(target, candidate, base) for candidate in candidates}
        if len(values) == 1 and crit.admits(value := next(iter(values))) != (kind == "inclusion"):
            return (f"cohort.{kind}.{key} ({crit.describe()}) is not allowed here: every one of the {len(candidates)} "
                    f"candidates has {target} = {fmt_value(value)}, so it "
                    f"{'admits no candidate' if kind == 'inclusion' else 'excludes every candidate'} and no screening "
                    f"limit can fill the cohort; leave it out, or draw candidates who differ in it ({_DRAWN_BY})")
        if kind == "inclusion" and crit.one_of is not None and setting_kind(target) == "float" \
                and not any(crit.admits(v) for v in values):  # one_of = [60] on ages drawn from 50 to 80
            return (f"cohort.inclusion.{key} ({crit.describe()}) is not allowed here: none of the {len(candidates)} "
                    f"candidates has {target} equal to a listed value (a number drawn from a continuous "
                    "distribution never is); give a range with min and max, or list values the cohort draws")
    return None


def dropout_days(spec: BatchSpec, n: int, days: int) -> list[int | None]:
    """Each randomised patient's last day in the trial, or None if they complete it.

    Time to dropout is exponential with a yearly probability ``cohort.dropout_per_year``
    (rate ``-ln(1 - p)`` per year), never before the day after randomisation. Seeded from
    the batch seed, the same for a patient in every crossover arm.
    """
    p = spec.cohort.dropout_per_year
    if p <= 0:
        return [None] * n
    years = stream_generator(spec.seed, 5).exponential(1.0 / -math.log1p(-p), n)
    first = spec.cohort.randomisation_day + 1
    out: list[int | None] = []
    for y in years:
        day = max(int(math.ceil(y * 365)), first)
        out.append(day if day < days else None)
    return out
