"""Turn a batch into its runs: (scenario, seed, labels) each, with a stable identity.

Everything here is a pure function of the batch file: the same file gives the same runs, in the same order,
with the same seeds, on any machine. A run's id is a hash of its resolved scenario TOML (which holds its seed)
and the output mode, so a resumed batch can tell finished runs apart.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from calcium_abm.batch.sensitivity import sample_design
from calcium_abm.batch.draws import Distribution, clip_problem, draw_values
from calcium_abm.batch.fixed import (fixed_fields, hormone_therapy_cohort_problem, is_fixed, menopause_without_women,
                                     rodent_column_problem, stage_beside_measured_gfr, stages_age_passes, sweep_over_sex_hint)
from calcium_abm.batch.arms import arm_overrides, arm_schedule, inert_arm_set
from calcium_abm.batch.conduct import dropout_days, inert_criteria, inert_strata, randomise, screen_candidates
from calcium_abm.batch.inert import UnreadSettings
from calcium_abm.batch.spec import MAX_RUNS, BatchError, BatchSpec, Range
from calcium_abm.batch.streams import derived_seeds, stream_generator
from calcium_abm.inputs.keys import column_name, resolve_setting, setting_bounds, setting_kind, setting_unit
from calcium_abm.inputs.messages import counted, fmt_num, short_repr
from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.trial_tables import arm_place
from calcium_abm.inputs.sections import (DAYS_PER_YEAR, MAX_AGE_AT_MENOPAUSE_YEARS, MIN_AGE_AT_MENOPAUSE_YEARS,
                                         MIN_HUMAN_AGE_YEARS, oldest_age_years, oldest_start_age_years)
from calcium_abm.inert_settings import start_problems

__all__ = ["RunList", "RunSpec", "TrialPlan", "arm_schedule", "cohort_patients", "plan_trial", "expand_runs",
           "label_column", "replicate_seeds", "run_id_for", "sample_run_ids", "sensitivity_design", "sweep_points"]

@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: ``labels`` become leading columns of the run's rows (arm, patient, swept values...);
    ``overrides`` are what was applied to the base scenario; ``scenario_toml`` is the whole resolved scenario,
    enough to repeat the run anywhere."""

    index: int
    run_id: str
    seed: int
    labels: dict[str, Any]
    overrides: dict[str, Any]
    scenario_toml: str = field(repr=False)


class RunList(list):
    """The runs of a batch (a list of :class:`RunSpec`); ``screening`` holds a cohort's
    screening counts (:meth:`TrialPlan.screening`), None for other batches."""

    screening: dict[str, Any] | None = None


def run_id_for(scenario_toml: str, output: str) -> str:
    """The stable id of a run: 16 hex digits of SHA-256 over its scenario TOML and output mode."""
    digest = hashlib.sha256(f"{scenario_toml}\n# output = {output}\n".encode()).hexdigest()
    return digest[:16]


def _typed(path: str, value: Any) -> Any:
    """A value as the setting's type: integers rounded, floats as float."""
    kind = setting_kind(path)
    if kind == "int" and isinstance(value, (float, np.floating)):
        return int(round(float(value)))
    if kind == "float" and isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---------------------------------------------------------------------------- sweep


def _range_values(r: Range, u: np.ndarray) -> np.ndarray:
    """Map uniform [0, 1) numbers onto a range (log-uniform when ``log``)."""
    if r.log:
        return np.exp(math.log(r.min) + u * (math.log(r.max) - math.log(r.min)))
    return r.min + u * (r.max - r.min)


def _table_of(spec: BatchSpec, kind: str, function: str) -> Any:
    """``spec``'s [sweep] or [cohort] table, refused with a message for another kind of batch."""
    if not isinstance(spec, BatchSpec) or getattr(spec, kind) is None:
        has = f"this batch has [{spec.kind}]" if isinstance(spec, BatchSpec) else f"got {type(spec).__name__}"
        raise BatchError(f"{function} needs a batch with [{kind}]: {has} (load one with load_batch)")
    return getattr(spec, kind)


def sweep_points(spec: BatchSpec) -> list[dict[str, Any]]:
    """The sweep's parameter points (dotted path -> value), before replicates.

    ``grid``: every combination, first parameter varying slowest. ``random``: independent uniform draws.
    ``latin_hypercube``: one draw per stratum of each parameter (scipy's LatinHypercube). Both samplers are
    seeded from the batch seed; lists, and a range of whole numbers, are sampled as equally likely choices."""
    sweep = _table_of(spec, "sweep", "sweep_points")
    paths = [resolve_setting(k, "sweep.parameters") for k in sweep.parameters]
    if sweep.method == "grid":
        axes = []
        for values in sweep.parameters.values():
            if isinstance(values, Range):
                u = np.linspace(0.0, 1.0, values.steps)
                axes.append(list(_range_values(values, u)))
            else:
                axes.append(list(values))
        combos = itertools.product(*axes)
    else:
        n, d = int(sweep.samples), len(paths)
        if sweep.method == "latin_hypercube":
            from scipy.stats import qmc  # lazy: scipy.stats costs ~1 s to import; grids never need it

            u = qmc.LatinHypercube(d=d, rng=stream_generator(spec.seed, 1)).random(n)
        else:
            u = stream_generator(spec.seed, 1).random((n, d))
        columns = []
        for j, (path, values) in enumerate(zip(paths, sweep.parameters.values())):
            if isinstance(values, Range) and setting_kind(path) == "int" and not values.log:  # each whole number
                low, levels = math.ceil(values.min), math.floor(values.max) - math.ceil(values.min) + 1  # alike
                columns.append(list(low + np.minimum((u[:, j] * levels).astype(int), levels - 1)))
            elif isinstance(values, Range):
                columns.append(list(_range_values(values, u[:, j])))
            else:
                idx = np.minimum((u[:, j] * len(values)).astype(int), len(values) - 1)
                columns.append([values[i] for i in idx])
        combos = zip(*columns)
    return [{p: _typed(p, v) for p, v in zip(paths, combo)} for combo in combos]


# --------------------------------------------------------------------------- cohort


def cohort_patients(spec: BatchSpec, n: int | None = None) -> list[dict[str, Any]]:
    """The cohort's virtual candidates: dotted path -> drawn value, one dict each.

    Draws are made in a fixed order from generators seeded by the batch seed, one stream
    per characteristic (:func:`~calcium_abm.batch.draws.draw_values`). Sex comes from
    ``female_probability`` or a ``sex = { choice = [...], p = [...] }`` distribution (the
    same stream either way); a rodent keeps the base's sex unless the file draws it, and a drawn
    female rodent is postmenopausal (an abrupt estrogen loss) with ``postmenopausal_probability``.
    Values are clipped to the distribution's ``min``/``max`` and then to what the scenario allows
    (intakes at 0; ages to adults who do not pass 120 in the run: an age distribution more than 1 % of
    which lies beyond is refused, :func:`~.draws.clip_problem`; a rodent's age is refused, as no law reads it).
    Each woman draws her age at natural menopause (:data:`AGE_AT_MENOPAUSE`); without ``postmenopausal_probability``
    she is postmenopausal once her age reaches it (``years_since_menopause`` = age minus it). With a probability,
    women of 30 and over are postmenopausal with it, and always past 60 (natural menopause
    comes by then). A premenopausal woman's final period comes at her age at menopause, or
    now if she is older (``age_at_final_menstrual_period``). A drawn ``years_since_menopause``, or one that
    ``[set]`` or the scenario fixes, applies to postmenopausal women only, clipped so that her menopause falls at 40-60 (at
    her age, if younger than 40). Person-level traits with ``distribution = "documented"``
    are drawn from their published distributions under the base scenario's parameters.
    ``n`` defaults to ``cohort.patients``; the first ``k`` of ``n`` candidates are the
    same for any ``n >= k`` (screening draws more candidates than it randomises).
    """
    cohort = _table_of(spec, "cohort", "cohort_patients")
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_RUNS):
        raise BatchError(f"n = {short_repr(n, 40)} "
                         f"is not allowed: must be a whole number from 1 to {MAX_RUNS} (candidates to draw)")
    n = cohort.patients if n is None else int(n)
    female = stream_generator(spec.seed, 10).random(n) < cohort.female_share()
    menopause_drawn = draw_values(AGE_AT_MENOPAUSE.model_copy(update={"min": None, "max": None}), n,
                                  stream_generator(spec.seed, 13))  # unclipped: the quantiles menopause_came_by reads
    menopause_age = np.clip(menopause_drawn, AGE_AT_MENOPAUSE.min, AGE_AT_MENOPAUSE.max)
    cdf = np.cumsum(cohort.ckd_stage_probabilities)
    stages = np.minimum(np.searchsorted(cdf / cdf[-1], stream_generator(spec.seed, 12).random(n), side="right"), 5)
    base = spec.base_scenario()
    fixed = fixed_fields(spec, base)  # what the scenario or [set] fixes and the cohort does not draw
    for problem in (menopause_without_women(cohort, fixed), stage_beside_measured_gfr(cohort, base),
                    hormone_therapy_cohort_problem(spec, base, fixed)):
        if problem is not None:
            raise BatchError(problem)
    rodent = base.patient.species != "human"  # no sex difference: the base's sex unless the file draws it
    if "patient.sex" in fixed or (rodent and not cohort.draws_sex()):
        female = np.full(n, fixed.get("patient.sex", base.patient.sex) == "female")
    if "patient.ckd_stage" in fixed:
        stages = np.full(n, fixed["patient.ckd_stage"])
    params = _base_parameters(base) if any(d.kind == "documented" for d in cohort.distributions.values()) else None
    keys = [k for k in sorted(cohort.distributions) if resolve_setting(k, "cohort.distributions") != "patient.sex"]
    drawn: dict[str, np.ndarray] = {}
    for j, key in enumerate(keys):
        dist = cohort.distributions[key]
        path = resolve_setting(key, "cohort.distributions")
        x = draw_values(dist, n, stream_generator(spec.seed, 100 + j), path, params)
        lo, hi = setting_bounds(path)
        if path == "patient.age_years" and rodent:
            raise BatchError(f"cohort.distributions.{key} is not allowed for species = \"{base.patient.species}\": "
                             "the rat and mouse presets have no age laws, so the drawn ages would change no run")
        if path == "patient.age_years":  # whom the model takes (adults), past a small tail
            lo, hi, range_means = _age_range(base)
            problem = clip_problem(f"cohort.distributions.{key}", dist, lo, hi, range_means)
        else:  # any other number: its field's range (an intake's normal tail below 0)
            problem = clip_problem(f"cohort.distributions.{key}", dist, lo, hi, "the range a scenario allows",
                                   setting_unit(path), f"{path}'s values")
        if problem:
            raise BatchError(problem)
        drawn[path] = np.clip(x, lo, hi)
    age = drawn.get("patient.age_years", np.full(n, base.patient.age_years))
    if problem := stages_age_passes(cohort, base, female, age, stages):
        raise BatchError(problem)
    if "patient.postmenopausal" in fixed:
        post = female & fixed["patient.postmenopausal"]
    elif rodent:  # a drawn female rodent acts only through an estrogen loss, at any age (as after ovariectomy)
        post = female & (stream_generator(spec.seed, 11).random(n) < (cohort.postmenopausal_probability or 0.0))
    elif cohort.postmenopausal_probability is None:
        post = female & (age >= menopause_age)
    else:
        post = female & (age >= MIN_AGE_AT_MENOPAUSE_YEARS) & (
            (stream_generator(spec.seed, 11).random(n) < cohort.postmenopausal_probability)
            | (age > MAX_AGE_AT_MENOPAUSE_YEARS))
    if cohort.postmenopausal_probability is not None and not rodent:  # recruited as postmenopausal: her menopause
        menopause_age = np.where(post, menopause_came_by(menopause_drawn, age), menopause_age)  # has come
    since = drawn.get("patient.years_since_menopause", np.maximum(age - menopause_age, 0.0))
    if "patient.years_since_menopause" not in drawn and is_fixed(spec, base, "patient.years_since_menopause"):
        since = np.full(n, base.patient.years_since_menopause)  # [set] or the scenario fixes it: every woman's
    earliest = np.minimum(age, AGE_AT_MENOPAUSE.min)  # her menopause falls in the natural range 40-60
    since = np.where(post, np.clip(since, np.maximum(age - MAX_AGE_AT_MENOPAUSE_YEARS, 0.0), age - earliest), 0.0)
    if post.any() or "patient.years_since_menopause" in drawn:
        drawn["patient.years_since_menopause"] = since
    ahead = female & ~post & (not rodent)  # her final period is still to come: at her age at menopause, or now
    final_period = np.maximum(menopause_age, age)
    patients = []
    for i in range(n):
        p: dict[str, Any] = {"patient.sex": "female" if female[i] else "male",
                             "patient.postmenopausal": bool(post[i]),
                             "patient.ckd_stage": int(stages[i])}
        for path, x in drawn.items():
            p[path] = float(x[i])
        if ahead.any():  # every run has the same settings (its columns)
            p["patient.age_at_final_menstrual_period"] = float(final_period[i]) if ahead[i] else None
        patients.append(p)
    return patients


def _age_range(base) -> tuple[float, float, str]:
    """Ages a cohort of humans may draw on ``base`` (adults who do not pass 120 years in the run) and
    why, in words. The oldest is the one a single run of the same whole days may start at
    (:func:`.sections.oldest_start_age_years`)."""
    oldest, years = oldest_age_years("human"), base.simulation.years
    return MIN_HUMAN_AGE_YEARS, oldest_start_age_years("human", base.days), (
        f"adults, as the model's laws are, who do not pass {fmt_num(oldest)} years in the {fmt_num(years)}-year "
        f"run of {base.days} days")


#: Median 51 (Australian Twin Registry, Do et al. 1998 Hum Biol 70:1073; NAMS; SWAN 52.5, Gold et
#: al. 2013 Am J Epidemiol 178:70), SD 4 years (assumption: ~10 % of women by 45 and ~90 % by 55,
#: as population surveys report), clipped to the normal range 40-60 (NAMS).
AGE_AT_MENOPAUSE = Distribution(distribution="normal", mean=51.0, sd=4.0, min=40.0, max=MAX_AGE_AT_MENOPAUSE_YEARS)


def _stage_acts_on_no_randomised_patient(cohort, base, patients: list[dict[str, Any]]) -> str | None:
    """:func:`.fixed.stages_age_passes` on the randomised patients: a stage may act on some candidates and on none
    the screening keeps (stage 1, 95 mL/min, on candidates of 50-70 kept at 55-65; a new user's batch stratified on it)."""
    problem = stages_age_passes(cohort, base, np.array([p["patient.sex"] == "female" for p in patients]), np.array(
        [p.get("patient.age_years", base.patient.age_years) for p in patients], dtype=float),
        np.array([p["patient.ckd_stage"] for p in patients]))
    return None if problem is None else problem.replace("these patients", "the patients the screening keeps").replace(
        "or draw younger patients", "or include younger patients")


def menopause_came_by(drawn_age: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Ages at natural menopause (years) of women postmenopausal at ``age``, from their unclipped draws of
    :data:`AGE_AT_MENOPAUSE` (``drawn_age``): a draw above her age moves, at its quantile ``q`` above it, to
    ``F^-1(F(40) + q (F(age) - F(40)))``, so the ages follow the distribution given that it has come (one recruited
    at 52 with a drawn 54 had her final period on the trial's day 0). The rest are clipped to 40-60; women under
    40 keep theirs (a premature menopause at her age). Same shapes as the inputs."""
    from scipy.stats import norm

    dist = AGE_AT_MENOPAUSE
    cdf = functools.partial(norm.cdf, loc=dist.mean, scale=dist.sd)
    moved = (drawn_age > age) & (age >= dist.min)
    top = np.minimum(age, dist.max)
    low, below, above = cdf(dist.min), cdf(top), 1.0 - cdf(top)
    q = np.divide(cdf(drawn_age) - cdf(top), above, out=np.zeros_like(above), where=moved & (above > 0))
    mapped = norm.ppf(low + np.clip(q, 0.0, 1.0) * (below - low), loc=dist.mean, scale=dist.sd)
    return np.where(moved, np.clip(mapped, dist.min, top), np.clip(drawn_age, dist.min, dist.max))


def _base_parameters(base):
    """The base scenario's parameter set (the spread of documented traits can be set there)."""
    from calcium_abm.physiology import parameter_set  # lazy: numba kernels load with the registry

    return parameter_set(base.parameters)


@dataclass(frozen=True)
class TrialPlan:
    """A cohort's runs before validation: ``(labels, overrides, seed, schedule)`` each, the
    screening counts (None without criteria), and the message of an arm whose ``set`` gives every
    patient their own value (:func:`.arms.inert_arm_set`), of a stratification factor every patient
    shares (:func:`.conduct.inert_strata`) or of a criterion on a setting every candidate shares
    (:func:`.conduct.inert_criteria`; None if none), raised once the
    batch's unread settings have been refused, which say more (a parameter of another species)."""

    plans: list[tuple[dict[str, Any], dict[str, Any], int, list[dict[str, Any]]]]
    screening: dict[str, Any] | None
    inert_arm: str | None = None


def plan_trial(spec: BatchSpec, base) -> TrialPlan:
    """Screen, randomise and schedule a cohort batch (see docs/batch.md, "Trial designs").

    Every arm of a patient shares the patient's drawn values and seed, so the runs are
    identical up to ``cohort.randomisation_day``; each arm's ``set``/``add`` start that day
    (:func:`arm_schedule`). A dropout's run ends on their last day (its last observation
    is the one analysed: intention to treat with last observation carried forward).
    """
    cohort = spec.cohort
    day = cohort.randomisation_day  # it, or an arm's change, past the run's last day: named as the file names it
    starts = [("cohort.randomisation_day", day, "randomisation")] + [(f"{arm_place(i, arm.name)}.schedule #{j + 1}: "
              "start_day", e.start_day, "a change") for i, arm in enumerate(spec.arms) for j, e in enumerate(arm.schedule)]
    if late := next((start for start in starts if start[1] >= base.days), None):
        raise BatchError(f"{late[0]} = {late[1]} is not allowed: the run simulates {counted(base.days, 'day')}, "
                         f"so {late[2]} can fall on days 0 to {base.days - 1} (day {base.days} is the state after "
                         "the last day)")
    candidates = cohort_patients(spec, cohort.candidates())
    seeds = derived_seeds(spec.seed, 3, len(candidates))  # one per candidate, shared by its arms
    chosen, screening = screen_candidates(spec, base, candidates, seeds)
    patients = [candidates[i] for i in chosen]
    if screening is not None and (problem := _stage_acts_on_no_randomised_patient(cohort, base, patients)):
        raise BatchError(problem)
    assignment = randomise(spec, patients)
    last_days = dropout_days(spec, len(patients), base.days)
    inert_arm = next((problem for a, arm in enumerate(spec.arms) if (problem := inert_arm_set(
        arm, [p for p, arms in zip(patients, assignment) if a in arms], base)) is not None), None) \
        or inert_strata(spec, patients, base) \
        or (inert_criteria(spec, candidates, base) if screening is not None else None)
    plans = []
    for i, (c, patient, arm_indices, last) in enumerate(zip(chosen, patients, assignment, last_days)):
        for a in arm_indices:
            arm = spec.arms[a]
            labels: dict[str, Any] = {"arm": arm.name, "patient": i}
            if screening is not None:
                labels["screening_number"] = c + 1
            if cohort.dropout_per_year > 0:
                labels["completed"] = last is None
                labels["last_day"] = base.days if last is None else last
            labels.update(_labels_for(patient))
            if day == 0:
                overrides = arm_overrides(arm, patient, base, cohort.adherence)
                schedule = arm_schedule(arm.model_copy(update={"set": {}, "add": {}}), patient, base, 0,
                                        cohort.adherence, last)
            else:
                overrides = dict(patient)
                schedule = arm_schedule(arm, patient, base, day, cohort.adherence, last)
            if last is not None:
                overrides["simulation.years"] = last / DAYS_PER_YEAR
            plans.append((labels, overrides, int(seeds[c]), schedule))
    return TrialPlan(plans, screening, inert_arm)


# ---------------------------------------------------------------------- sensitivity


def sensitivity_design(spec: BatchSpec) -> tuple[dict[str, Any], np.ndarray]:
    """The SALib problem and the sample matrix (one row per model evaluation)."""
    sens = spec.sensitivity
    assert sens is not None
    bounds = {column_name(resolve_setting(k, "sensitivity")): tuple(v) for k, v in sens.parameters.items()}
    return sample_design(sens.method, bounds, trajectories=sens.trajectories, levels=sens.levels,
                         samples=sens.samples, seed=spec.seed)


# ---------------------------------------------------------------------------- expand


@functools.cache
def _output_columns() -> frozenset[str]:
    # lazy: outputs imports Mesa (~1 s), which `calcium-abm summarize` does not otherwise need
    from calcium_abm.outputs import COLUMNS

    return frozenset(COLUMNS)


def label_column(path: str) -> str:
    """The column of a setting's value in a run's rows (sweep values, drawn patient values).

    Its short name (``diet.mk7_ug_per_day`` -> ``mk7_ug_per_day``), unless that is also a
    recorded output column: then the section joins it (``simulation.years`` ->
    ``simulation_years``, since ``years`` is each recorded day's time).
    """
    name = column_name(path)
    return path.replace(".", "_") if name in _output_columns() else name


def _labels_for(overrides: dict[str, Any]) -> dict[str, Any]:
    """Label columns of a run; an optional setting left unset (None) is NaN, so every run's
    column has one type."""
    return {label_column(p): math.nan if v is None else v for p, v in overrides.items()}


def _short(value: Any) -> str:
    """A drawn or swept value in a message: 6 significant digits (a draw is 62.48730112374618)."""
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def expand_runs(spec: BatchSpec) -> list[RunSpec]:
    """Every run of the batch, validated, in a fixed order.

    Raises :class:`BatchError` if a run's scenario does not validate (naming the run and
    the setting), or if two runs would be identical (sweeps and cohorts; a sensitivity
    design runs identical points once, see :func:`sample_run_ids`), or if no run reads a setting the
    batch gives (:class:`~calcium_abm.batch.inert.UnreadSettings`).
    """
    if not isinstance(spec, BatchSpec):  # a mapping failed on a missing attribute
        raise BatchError(f"expand_runs needs a BatchSpec, not {type(spec).__name__}: load the batch with load_batch")
    base = spec.base_scenario()
    if problem := rodent_column_problem(spec, base):
        raise BatchError(problem)
    plans: list[tuple[dict[str, Any], dict[str, Any], int]] = []  # (labels, overrides, seed)
    schedules: dict[int, list[dict[str, Any]]] = {}  # a cohort run's arm schedule entries
    screening = inert_arm = None
    if spec.sweep is not None:
        points = sweep_points(spec)
        seeds = derived_seeds(spec.seed, 2, spec.sweep.replicates)  # shared by all points
        for pi, point in enumerate(points):
            for r, seed in enumerate(seeds):
                plans.append(({"point": pi, "replicate": r, **_labels_for(point)}, point, int(seed)))
    elif spec.cohort is not None:
        trial = plan_trial(spec, base)
        screening, inert_arm = trial.screening, trial.inert_arm
        for labels, overrides, seed, schedule in trial.plans:
            plans.append((labels, overrides, seed))
            schedules[len(plans) - 1] = schedule
    else:
        _problem, x = sensitivity_design(spec)
        paths = [resolve_setting(k, "sensitivity") for k in spec.sensitivity.parameters]
        seeds = replicate_seeds(spec)
        seen: set[tuple] = set()
        for row in x:
            key = tuple(float(v) for v in row)
            if key in seen:
                continue  # Morris trajectories may share points; each runs once
            seen.add(key)
            point = {p: float(v) for p, v in zip(paths, row)}
            for r, seed in enumerate(seeds):
                replicate = {"replicate": r} if len(seeds) > 1 else {}
                plans.append(({**_labels_for(point), **replicate}, point, seed))
    runs, unread = RunList(), UnreadSettings(spec, base)
    runs.screening = screening
    ids: dict[str, int] = {}
    for index, (labels, overrides, seed) in enumerate(plans):
        try:
            scenario = base.with_overrides({**overrides, "simulation.seed": seed})
            scenario = scenario.with_schedule(schedules.get(index, []))
            # as the run would refuse them; a cohort's drawn day-0 stage runs on the GFR of age (person_of_cohort)
            first_day = 0 if spec.cohort is None else 1
            if missed := start_problems(scenario, first_day):
                raise ScenarioError(missed[0])
        except ScenarioError as exc:
            shown = ", ".join(f"{column_name(k)} = {_short(v)}" for k, v in overrides.items()) or "no overrides"
            arm = f"arm {labels['arm']!r}, " if "arm" in labels else ""
            menopause = any(word in str(exc) for word in ("postmenopausal", "menopause", "hormone_therapy"))
            hint = sweep_over_sex_hint(spec) if "patient.sex" in overrides and menopause else ""  # not for a typo
            raise BatchError(f"run {index + 1} ({arm}{shown}) is not a valid scenario: {exc}{hint}") from None
        unread.see(scenario, labels)
        toml = scenario.to_toml()
        run_id = run_id_for(toml, spec.output)
        if run_id in ids:
            raise BatchError(f"runs {ids[run_id] + 1} and {index + 1} would be identical "
                             f"({_describe(labels)} vs {_describe(runs[ids[run_id]].labels)}); "
                             "make the arms or the swept values differ")
        ids[run_id] = index
        runs.append(RunSpec(index, run_id, seed, {"run_index": index, "run_id": run_id, "seed": seed, **labels},
                            {k: v for k, v in overrides.items()}, toml))
    unread.refuse()  # a setting no run reads (batch.inert)
    if inert_arm is not None:
        raise BatchError(inert_arm)
    return runs


def replicate_seeds(spec: BatchSpec) -> list[int]:
    """A sensitivity batch's seeds: the batch seed, then ``replicates - 1`` derived ones.

    Every design point runs at each of them (common random numbers within a replicate), and
    the analysis averages each point's outputs over the replicates before the elementary
    effects (:func:`calcium_abm.batch.analysis.sensitivity_indices`), which damps the seed
    noise of stochastic outputs by the square root of ``replicates``.
    """
    extra = spec.sensitivity.replicates - 1
    return [int(spec.seed), *(int(s) for s in derived_seeds(spec.seed, 6, extra))] if extra else [int(spec.seed)]


def sample_run_ids(spec: BatchSpec, runs: list[RunSpec]) -> list[str]:
    """For a sensitivity batch: the run id of each row of the sample matrix, in order, for
    replicate 0, then replicate 1, ... (``replicates x rows`` ids)."""
    _problem, x = sensitivity_design(spec)
    names = [label_column(resolve_setting(k, "sensitivity")) for k in spec.sensitivity.parameters]
    by_point = {(tuple(float(r.labels[n]) for n in names), r.labels.get("replicate", 0)): r.run_id for r in runs}
    return [by_point[(tuple(float(v) for v in row), rep)] for rep in range(spec.sensitivity.replicates) for row in x]


def _describe(labels: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in labels.items() if k not in ("run_index", "run_id", "seed"))
