"""The sections of a scenario (``[patient]``, ``[diet]``, ``[drugs]``, ``[genetics]``,
``[kidney]``, ``[dialysis]``, ``[simulation]``): each field typed, finite, range-checked and with its unit.

The defaults here *are* the model's defaults: ``Scenario()`` is the healthy 50-year-old man
of ``healthy_adult`` (sources in that file's ``source``). :class:`calcium_abm.scenario.Scenario`
assembles these sections with the free ``[parameters]`` table and the ``[[schedule]]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from calcium_abm.inputs.messages import fmt_num, fmt_value, rule_error
from calcium_abm.inputs.fields import allowed_text
from calcium_abm.time_units import DAYS_PER_YEAR, DAYS_PER_YEAR_OF_AGE

__all__ = ["DAYS_PER_YEAR", "Diet", "Dialysis", "Drugs", "FLAT_KEYS", "Genetics", "Kidney", "Patient", "MAX_AGE_YEARS", "SCHEDULABLE", "SECTIONS", "START_ONLY", "START_ONLY_PARAMETERS", "CHANGEABLE_DURING_RUN", "changes_during_run", "menopause_changes",
           "Simulation", "TOP_LEVEL_TEXT", "MIN_AGE_AT_MENOPAUSE_YEARS",
           "MAX_AGE_AT_MENOPAUSE_YEARS", "MIN_HUMAN_AGE_YEARS", "BATCH_KINDS", "SCENARIO_TABLES", "file_kind_problem", "MAX_RODENT_AGE_YEARS", "oldest_age_years", "oldest_start_age_years", "end_age_problem"]

#: The youngest age at menopause a human scenario may imply (age minus years since
#: menopause). Assumption: menopause before 30 is outside what the model's estrogen
#: rules were written for (premature ovarian insufficiency is defined as before 40).
MIN_AGE_AT_MENOPAUSE_YEARS = 30.0
#: The oldest age at natural menopause a human scenario may imply: the upper end of the normal
#: range, 40-60 years (NAMS, Menopause Practice: median 51; SWAN, Gold et al. 2001 Am J Epidemiol
#: 153:865, median 51.4). A woman older than this is postmenopausal.
MAX_AGE_AT_MENOPAUSE_YEARS = 60.0
#: The youngest human the model simulates: its bone, kidney, vessel and age laws are adult
#: laws (the bone reference is the young adult of 20-30 years, NHANES; the growing skeleton
#: of children and adolescents is not modelled).
MIN_HUMAN_AGE_YEARS = 18.0
#: The oldest age a rodent preset may reach by the end of its run (years): the maximum lifespan of
#: laboratory mice, ~3.5 y (C57BL/6: median ~2.4 y, Yuan et al. 2009 Aging Cell 8:277; median 866 /
#: 901 days for females / males, most strains' maximum about 4 y: UAB Nathan Shock Center; the AnAge
#: record for a normal mouse, 4 y, is one wild-derived male: de Magalhaes & Costa 2009 J Evol Biol
#: 22:1770, AnAge Mus musculus) and of laboratory rats, 3.8 y (AnAge Rattus norvegicus: the largest
#: study, thousands of rats; most do not live past 3 y). The rodent presets do not age (the age laws
#: are human), so an age or a run beyond the lifespan is a typo.
MAX_RODENT_AGE_YEARS = {"mouse": 3.5, "rat": 3.8}
#: patient settings the rodent presets refuse (they act only through human laws)
HUMAN_ONLY_PATIENT_KEYS = ("baseline_calcification_score", "baseline_bmd_t_score", "calcification_propensity",
                           "remodeling_balance", "calcium_absorption_efficiency", "vitamin_k_disposition",
                           "wall_plaque_growth", "remodeling_balance_varies", "kidney_disease_years")
MAX_SEED = 2**63 - 1  # numpy and Mesa seeds; larger integers are almost certainly typos


def oldest_age_years(species: str) -> float:
    """The oldest age a scenario of ``species`` may reach by the end of its run (years):
    :data:`MAX_AGE_YEARS` for a human, the maximum lifespan for a rodent."""
    return MAX_RODENT_AGE_YEARS.get(species, MAX_AGE_YEARS)


def oldest_start_age_years(species: str, days: int) -> float:
    """The oldest age at which a run of ``days`` whole days may start: it ends by
    :func:`oldest_age_years` (the age advances a day in
    :data:`~calcium_abm.time_units.DAYS_PER_YEAR_OF_AGE`)."""
    return oldest_age_years(species) - days / DAYS_PER_YEAR_OF_AGE


def end_age_problem(age_years: float, years: float, days: int, species: str) -> str | None:
    """The message for a run of ``days`` whole days (``years`` as given) from ``age_years`` that
    would carry the person past :func:`oldest_age_years` (:func:`oldest_start_age_years`), or None."""
    if age_years <= oldest_start_age_years(species, days):
        return None
    most = oldest_age_years(species)
    who = "the person would pass" if species == "human" else f"the {species} would pass its maximum lifespan,"
    most_days = math.floor((most - age_years) * DAYS_PER_YEAR_OF_AGE + 1e-9)
    if most_days < 1:  # no day is left at this age: the age is what is wrong, not the run's length
        start = math.floor(oldest_start_age_years(species, days) * 1e4) / 1e4
        return (f"patient.age_years = {fmt_num(age_years)} is not allowed with simulation.years = {fmt_num(years)} "
                f"({days} days): a run ends by {fmt_num(most)} years of age, so it may start at most at "
                f"{fmt_num(start)}")
    longest = most_days / DAYS_PER_YEAR  # in run years of 365 days, floored to 4 digits: a value that is allowed
    scale = 10 ** (3 - math.floor(math.log10(longest))) if longest > 0 else 1
    with_age = f"with patient.age_years = {fmt_num(age_years)}" if species == "human" else \
        f"for patient.species = \"{species}\" (a rodent's run counts from age 0)"
    return (f"simulation.years = {fmt_num(years)} ({days} days) is not allowed {with_age}: {who} {fmt_num(most)} "
            f"years (the run may last at most {most_days} days: "
            f"simulation.years at most {fmt_num(math.floor(longest * scale + 1e-9) / scale)}, "
            f"at {DAYS_PER_YEAR} days a year)")


def number(default: float, lo: float, hi: float, unit: str, *, gt: bool = False, range_note: str = "") -> Any:
    """A finite float field in [lo, hi] (or (lo, hi] with ``gt``), with its unit; ``range_note`` follows
    the range in a message (where a rule narrows it for some cases)."""
    bounds = {"gt": lo} if gt else {"ge": lo}
    extra = {"unit": unit, **({"range_note": range_note} if range_note else {})}
    return Field(default, le=hi, allow_inf_nan=False, json_schema_extra=extra, **bounds)


def optional_number(lo: float, hi: float, unit: str) -> Any:
    """A finite float field in [lo, hi] with its unit, None (not given) by default."""
    return Field(None, ge=lo, le=hi, allow_inf_nan=False, json_schema_extra={"unit": unit})


def integer(default: int, lo: int, hi: int) -> Any:
    """An integer field in [lo, hi]."""
    return Field(default, ge=lo, le=hi)


class Section(BaseModel):
    """A strict, frozen table whose unknown keys are errors."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


#: Oldest age a run may reach (start age plus simulated years).
MAX_AGE_YEARS = 120.0
#: the least dietary phosphorus (mg/day) a scenario may give: below it the quasi-steady phosphate balance (absorbed =
#: renal clearance x Pi) has no physiological meaning; uraemic anorexia never takes what is eaten below it either
#: (physiology.minerals.LEAST_PHOSPHORUS_EATEN_MG_PER_DAY)
MIN_PHOSPHATE_INTAKE_MG_PER_DAY = 100.0


class Patient(Section):
    """Who is simulated."""

    age_years: float = number(50.0, 0, MAX_AGE_YEARS, "years", range_note=(
        f"from {MIN_HUMAN_AGE_YEARS:g} for a human; 0 for a rat or a mouse: no age laws"))
    sex: Literal["female", "male"] = "male"
    postmenopausal: bool = False
    years_since_menopause: float = number(0.0, 0, MAX_AGE_YEARS - MIN_AGE_AT_MENOPAUSE_YEARS, "years")
    ckd_stage: int = integer(0, 0, 5)  # 0 = normal kidney function
    species: Literal["human", "rat", "mouse"] = "human"  # rodent presets for validation rows
    # a premenopausal woman's final menstrual period, if it falls in (or just after) the run
    age_at_final_menstrual_period: float | None = optional_number(MIN_AGE_AT_MENOPAUSE_YEARS, MAX_AGE_AT_MENOPAUSE_YEARS,
                                                                  "years")
    # measured baselines (None = not measured: the start follows from age and sex)
    baseline_calcification_score: float | None = optional_number(0.0, 5000.0, "Agatston-like units")
    baseline_bmd_t_score: float | None = optional_number(-6.0, 6.0, "SD")
    # person-level traits (physiology/person_traits.py): 1 = the typical person (median)
    calcification_propensity: float = number(1.0, 0.01, 100.0, "-", gt=True)
    remodeling_balance: float = number(1.0, 0.01, 2.0, "-", gt=True)
    calcium_absorption_efficiency: float = number(1.0, 0.01, 10.0, "-", gt=True)
    vitamin_k_disposition: float = number(1.0, 0.01, 100.0, "-", gt=True)
    peak_bone_mass: float = number(1.0, 0.5, 1.5, "-")
    wall_plaque_growth: float = number(1.0, 0.01, 100.0, "-", gt=True)
    # true: remodeling_balance is the day-0 value of a trait that wanders around the population
    # median (person_traits.wandering_trait_step); false: a lifelong constant (the typical person)
    remodeling_balance_varies: bool = False
    # years the day-0 kidney function has lasted before day 0: the intima's onset clock and plaque growth ran
    # at its chemistry over them (intima.live_kidney_history); 0 = a healthy history
    kidney_disease_years: float = number(0.0, 0, MAX_AGE_YEARS, "years")

    @model_validator(mode="after")
    def _a_possible_person(self) -> Patient:
        if self.postmenopausal and self.sex != "female":
            raise rule_error(f'patient.postmenopausal = true is not allowed with patient.sex = "{self.sex}": '
                             "only a female patient can be postmenopausal")
        if not self.postmenopausal and self.years_since_menopause > 0:
            raise rule_error(f"patient.years_since_menopause = {fmt_num(self.years_since_menopause)} is not "
                             "allowed with patient.postmenopausal = false: must be 0 unless the patient "
                             "is postmenopausal")
        if self.age_at_final_menstrual_period is not None and (self.sex != "female" or self.postmenopausal):
            raise rule_error(
                f"patient.age_at_final_menstrual_period = {fmt_num(self.age_at_final_menstrual_period)} is not "
                "allowed here: it is for a premenopausal woman (sex = \"female\", postmenopausal = false); a "
                "postmenopausal woman gives years_since_menopause instead")
        if (self.age_at_final_menstrual_period is not None
                and self.age_at_final_menstrual_period < self.age_years):
            raise rule_error(
                f"patient.age_at_final_menstrual_period = {fmt_num(self.age_at_final_menstrual_period)} is not "
                f"allowed with patient.age_years = {fmt_num(self.age_years)}: a woman past her final period "
                "is postmenopausal = true with years_since_menopause = age_years minus that age")
        self._an_age_for_the_species()
        self._human_only_settings()
        self._a_possible_kidney_history()

        if self.postmenopausal and self.species == "human":
            at_menopause = self.age_years - self.years_since_menopause
            if not MIN_AGE_AT_MENOPAUSE_YEARS <= at_menopause <= MAX_AGE_AT_MENOPAUSE_YEARS:
                raise rule_error(
                    f"patient.age_years = {fmt_num(self.age_years)} is not allowed with patient.years_since_"
                    f"menopause = {fmt_num(self.years_since_menopause)} for a postmenopausal woman: she would "
                    f"have reached menopause at {fmt_num(round(at_menopause, 2))}; age_years minus "
                    f"years_since_menopause must be from {fmt_num(MIN_AGE_AT_MENOPAUSE_YEARS)} to "
                    f"{fmt_num(MAX_AGE_AT_MENOPAUSE_YEARS)} (natural menopause comes at 40-60)")
        if (self.sex == "female" and self.species == "human" and not self.postmenopausal
                and self.age_at_final_menstrual_period is None and self.age_years > MAX_AGE_AT_MENOPAUSE_YEARS):
            raise rule_error(
                f"patient.age_years = {fmt_num(self.age_years)} is not allowed for a premenopausal woman "
                f"(patient.postmenopausal = false): natural menopause comes by {fmt_num(MAX_AGE_AT_MENOPAUSE_YEARS)}; "
                "set postmenopausal = true with years_since_menopause (e.g. age_years minus 51, the median age "
                "at menopause)")
        return self

    def _human_only_settings(self) -> None:
        """The person-level traits (but peak_bone_mass) and the measured baselines act through the
        human laws (ageing, the intima, the T-score's human reference): a rodent preset refuses them."""
        if self.species == "human":
            return
        for name in HUMAN_ONLY_PATIENT_KEYS:
            value, default = getattr(self, name), type(self).model_fields[name].default
            if value != default:
                shown, usual = (str(v).lower() if isinstance(v, bool) else "none" if v is None
                                 else f'"{v}"' if isinstance(v, str) else fmt_num(v) for v in (value, default))
                raise rule_error(
                    f"patient.{name} = {shown} is not allowed for species = \"{self.species}\": it acts through "
                    f"the human laws (age, sex, the intima, a T-score's young-adult reference), which the rodent "
                    f"presets do not use; leave it at its default ({usual}) or set species = \"human\"")
        if self.sex == "female" and not self.postmenopausal:  # measured: a female rodent's run = a male's, bit for bit
            raise rule_error(
                f'patient.sex = "female" is not allowed for species = "{self.species}" with patient.postmenopausal = '
                f"false: the rodent presets have no sex difference, a female acts only through an estrogen loss; "
                f'set postmenopausal = true (an abrupt loss, as after ovariectomy) or leave sex at "male"')

    def _a_possible_kidney_history(self) -> None:
        """Years of kidney disease fit in the person's life and act through the intima's history, which a
        measured coronary score replaces."""
        years = self.kidney_disease_years
        if years > self.age_years:
            raise rule_error(f"patient.kidney_disease_years = {fmt_num(years)} is not allowed with patient.age_years = "
                             f"{fmt_num(self.age_years)}: the years with kidney disease fit in the person's life "
                             f"(at most age_years)")
        if years > 0 and self.baseline_calcification_score is not None:
            raise rule_error(
                f"patient.kidney_disease_years = {fmt_num(years)} does nothing beside patient.baseline_calcification_"
                f"score = {fmt_num(self.baseline_calcification_score)}: the years act through the plaque they grew "
                "before day 0, which the measured score replaces; leave one of them out")

    def _an_age_for_the_species(self) -> None:
        if self.species == "human" and self.age_years < MIN_HUMAN_AGE_YEARS:
            raise rule_error(
                f"patient.age_years = {fmt_num(self.age_years)} is not allowed for species = \"human\": the model's "
                f"bone, kidney and vessel laws are adult laws; age_years must be from {fmt_num(MIN_HUMAN_AGE_YEARS)} "
                f"to {fmt_num(MAX_AGE_YEARS)}")
        if self.species != "human" and self.age_years != 0.0:  # no rule reads a rodent's age: refused, not ignored
            raise rule_error(
                f"patient.age_years = {fmt_num(self.age_years)} is not allowed for species = \"{self.species}\": the "
                f"rat and mouse presets have no age laws, so a {self.species}'s run is the same at any age; leave "
                f"age_years at 0 (its run may last up to the {self.species}'s lifespan, "
                f"{fmt_num(MAX_RODENT_AGE_YEARS[self.species])} years) or set species = \"human\"")


class Diet(Section):
    """Daily intakes."""

    calcium_mg_per_day: float = number(1000.0, 0, 5000, "mg/day")
    # below ~100 mg/day the quasi-steady phosphate balance (absorbed = renal clearance x Pi)
    # has no physiological meaning: bone and cells would supply phosphate. Calcium and phosphate are the habitual
    # diet: off dialysis below GFR 53 the person eats less of both (uraemic anorexia, dialysis.mineral_intake_share)
    phosphate_mg_per_day: float = number(1200.0, MIN_PHOSPHATE_INTAKE_MG_PER_DAY, 5000, "mg/day")
    vitamin_k1_ug_per_day: float = number(100.0, 0, 100000, "µg/day")
    mk4_ug_per_day: float = number(15.0, 0, 100000, "µg/day")
    mk7_ug_per_day: float = number(5.0, 0, 10000, "µg/day")


class Drugs(Section):
    """Daily drug doses (phosphate binders taken with meals)."""

    warfarin_mg_per_day: float = number(0.0, 0, 1000, "mg/day")  # up to overdoses and the rat protocol (row 2)
    sevelamer_g_per_day: float = number(0.0, 0, 15, "g/day")
    calcium_acetate_g_per_day: float = number(0.0, 0, 12, "g/day")
    # standard-dose menopausal hormone therapy (CEE 0.625 mg/day or an equivalent estradiol dose), for a woman past or
    # nearing her final period; on day 0 = taken since her estrogen began to fall, from a [[schedule]] entry = from
    # that day
    # (calcium_abm.physiology.hormone_therapy)
    menopausal_hormone_therapy: bool = False


class Kidney(Section):
    """Kidney function beyond ``patient.ckd_stage``: a measured (residual) GFR, and an
    exponential decline of GFR during the run (Peterson & Riggs 2010 form)."""

    # None = the stage's GFR (KDIGO midpoint), lowered with age for normal kidneys
    residual_gfr_ml_per_min: float | None = optional_number(1.0, 130.0, "mL/min/1.73m2")
    gfr_end_ml_per_min: float | None = optional_number(0.5, 130.0, "mL/min/1.73m2")
    gfr_decline_years: float = number(10.0, 0.1, 100, "years")

    @model_validator(mode="after")
    def _decline_needs_an_end(self) -> Kidney:
        if self.gfr_end_ml_per_min is None and self.gfr_decline_years != 10.0:
            raise rule_error(f"kidney.gfr_decline_years = {fmt_num(self.gfr_decline_years)} is not allowed without "
                             "kidney.gfr_end_ml_per_min: it is the time GFR takes to reach that end value")
        return self


class Dialysis(Section):
    """Haemodialysis sessions (0 = none)."""

    sessions_per_week: int = integer(0, 0, 7)
    session_hours: float = number(4.0, 0.5, 12, "hours")

    @model_validator(mode="after")
    def _hours_need_sessions(self) -> Dialysis:
        if self.sessions_per_week == 0 and self.session_hours != 4.0:
            raise rule_error(f"dialysis.session_hours = {fmt_num(self.session_hours)} is not allowed with "
                             "dialysis.sessions_per_week = 0: session length acts only when there are sessions")
        return self


class Genetics(Section):
    """Knockouts of the two vitamin-K-dependent proteins."""

    mgp_knockout: bool = False
    osteocalcin_knockout: bool = False


class Simulation(Section):
    """How long and how finely to simulate."""

    years: float = number(10.0, 0, 100, "years", gt=True, range_note=(
        f"at least 1 day: a run lasts years x {DAYS_PER_YEAR} rounded to whole days, so more than "
        f"0.5/{DAYS_PER_YEAR} = {0.5 / DAYS_PER_YEAR:.5f}"))
    seed: int = integer(42, 0, MAX_SEED)
    bone_grid_width: int = integer(64, 8, 4096)
    bone_grid_height: int = integer(64, 8, 4096)
    vessel_grid_width: int = integer(64, 8, 4096)
    vessel_grid_height: int = integer(64, 8, 4096)
    record_every_days: int = integer(1, 1, 100 * DAYS_PER_YEAR)

    @field_validator("years", mode="after")
    @classmethod
    def _at_least_a_day(cls, value: float) -> float:
        if round(value * DAYS_PER_YEAR) < 1:  # a run lasts years x 365 rounded to whole days (1/365.25 is a day)
            raise rule_error(f"simulation.years = {fmt_num(value)} is not allowed: "
                             f"{allowed_text(cls, 'years')}")
        return value


#: Section name -> its model, in file order.
SECTIONS: dict[str, type[Section]] = {
    "patient": Patient,
    "diet": Diet,
    "drugs": Drugs,
    "genetics": Genetics,
    "kidney": Kidney,
    "dialysis": Dialysis,
    "simulation": Simulation,
}
#: Top-level text fields of a scenario.
TOP_LEVEL_TEXT = ("name", "description", "source")

#: top-level tables that only a batch file has, and those that only a scenario file has
BATCH_KINDS = ("sweep", "cohort", "sensitivity")
SCENARIO_TABLES = (*SECTIONS, "parameters", "schedule")


def file_kind_problem(data: Mapping[str, Any], expected: str) -> str | None:
    """What is wrong with ``data`` as a whole: not a table, or a batch file read as a scenario
    (``expected = "scenario"``) or a scenario file read as a batch: one line, instead of an
    "unknown key" line for each of its tables."""
    if not isinstance(data, Mapping):
        return f"must be a table of settings, not {fmt_value(data)}"
    if expected == "scenario":
        tables = [k for k in BATCH_KINDS if k in data]
        return (f"is a batch file (it has [{tables[0]}]), not a scenario: run it with "
                "`calcium-abm batch FILE --out DIR`") if tables else None
    tables = [k for k in SCENARIO_TABLES if k in data]
    if tables and not any(k in data for k in BATCH_KINDS):
        return (f"is a scenario file (it has [{tables[0]}]), not a batch file: run it with "
                "`calcium-abm run FILE --out FILE.csv`, or name it in a batch file as scenario = \"FILE\"")
    return None
#: Sections a ``[[schedule]]`` entry may change.
SCHEDULABLE = ("patient", "diet", "drugs", "genetics", "kidney", "dialysis", "parameters")
#: Fields of schedulable sections that describe the person at the start and cannot change
#: during a run (no rule reads them after day 0: the peak bone mass sets the young-adult bone the
#: life course starts from, the plaque growth trait the day-0 intima, intima.start_intima).
START_ONLY = ("patient.age_years", "patient.sex", "patient.species", "patient.baseline_calcification_score",
              "patient.baseline_bmd_t_score", "patient.age_at_final_menstrual_period", "patient.peak_bone_mass",
              "patient.wall_plaque_growth", "patient.kidney_disease_years")


#: Model parameters read only while the model builds the day-0 state (model._build: the section's
#: bone volume and calcium, the sex's bone size, the media's capacity and vitamin K gradient; the
#: intimal onset age and the propensity spread that places the person in it, intima.start_intima) or
#: before it, where a cohort draws its people (the trait spreads of person_traits.DRAW_ONLY_SPREADS,
#: tested to be here): a scheduled change would be accepted and do nothing.
START_ONLY_PARAMETERS = ("trabecular_bone_volume_fraction", "skeletal_calcium_mg", "trabecular_calcium_fraction",
                         "female_bone_size_factor", "vessel_media_calcium_capacity_mg",
                         "vessel_vitamin_k_penetration_fraction", "intimal_onset_age_median_female_years",
                         "intimal_onset_age_median_male_years", "intimal_onset_age_sd_years",
                         "calcification_propensity_log_sd", "calcium_absorption_cv", "vitamin_k_disposition_log_sd",
                         "peak_bone_mass_cv", "wall_plaque_growth_log_sd")


def changes_during_run(path: str) -> bool:
    """True if a dotted setting may change during a run (a schedule entry or an arm that starts
    at randomisation); False for start-only settings and parameters and for sections such as ``simulation``."""
    section, _, name = path.partition(".")
    return section in SCHEDULABLE and path not in START_ONLY and not (
        section == "parameters" and name in START_ONLY_PARAMETERS)


def menopause_changes(before: Patient, after: Patient) -> list[str]:
    """What a schedule may not do to the menopause from one day's settings to the next: undo it
    (no rule reads postmenopausal = false after the final period; estrogen is given back by
    drugs.menopausal_hormone_therapy), or change years_since_menopause of a woman already past it (it is read on the day
    she becomes postmenopausal, person.take_inputs, and her years count on from there)."""
    if before.postmenopausal and not after.postmenopausal:
        return ["patient.postmenopausal = false is not allowed after it was true: a menopause cannot be undone "
                "during a run, so an entry that sets postmenopausal = true has no end_day (to give estrogen back "
                "for a time, an entry with its own end_day sets drugs.menopausal_hormone_therapy = true)"]
    if before.postmenopausal and after.years_since_menopause != before.years_since_menopause:
        return [f"patient.years_since_menopause = {fmt_num(after.years_since_menopause)} is not allowed here: she "
                f"is postmenopausal already (years_since_menopause = {fmt_num(before.years_since_menopause)}) and "
                "her years count on by themselves; set it only together with postmenopausal = true, on the day "
                "menopause begins"]
    return []


def schedule_cover(key: str, entries: list[Any], from_day: int, days: int) -> tuple[int, int | None]:
    """How far ``entries`` (schedule entries, in order) set ``key`` without a gap from ``from_day``: the
    first day from which none is known to, and the index in ``entries`` of the first entry that covers
    ``from_day`` (None if none does). An entry without ``end_day`` lasts to ``days``."""
    reach, first = from_day, None
    for start, stop, i in sorted((e.start_day, e.end_day or days, i) for i, e in enumerate(entries) if key in e.set):
        if start > reach:
            break
        reach, first = max(reach, stop), first if first is not None else i
    return reach, first


def shadowed_schedule_keys(schedule: list[Any], days: int) -> list[str]:
    """Keys of a schedule entry that later entries set on every day it is active (days before
    ``days``): entries apply in order (``Scenario.state_at``), so its value never acts."""
    problems = []
    for i, entry in enumerate(schedule):
        end = min(days, entry.end_day or days)
        for key in entry.set if entry.start_day < days else ():  # one outside the run: refused already
            if schedule_cover(key, schedule[i + 1:], entry.start_day, days)[0] >= end:
                problems.append(f"schedule entry {i + 1} (start_day = {entry.start_day}): {key} never acts: a later "
                                "entry sets it on every day this one is active (entries apply in order; the last "
                                "active one wins); list it after the entry it should override, or leave it out")
    return problems


def shadowed_file_settings(data: Any, schedule: list[Any], days: int) -> list[str]:
    """Settings given in an unvalidated scenario table ``data`` (sections of dotted keys, as read
    from a file with any ``--set`` written in) that ``schedule`` entries set on every day of the
    run from day 0 (:func:`shadowed_settings`)."""
    given = {}
    for key in dict.fromkeys(key for entry in schedule for key in entry.set):
        section, _, field = key.partition(".")
        table = data.get(section) if isinstance(data, Mapping) else None
        if isinstance(table, Mapping) and field in table:
            given[key] = table[field]
    return shadowed_settings(given, schedule, days)


def shadowed_settings(given: Mapping[str, Any], schedule: list[Any], days: int) -> list[str]:
    """One message per setting of ``given`` (dotted path -> value: a file's, a ``--set``'s, an override's)
    that ``schedule`` entries set on every day of the run from day 0: an active entry overrides a value
    given for the whole run, so it never acts."""
    problems = []
    for key, value in given.items():
        reach, first = schedule_cover(key, schedule, 0, days)
        if first is not None and reach >= days:
            problems.append(f"{key} = {fmt_value(value)} never acts: schedule entry {first + 1} sets it from day 0 "
                            f"and entries set it on every day of the run (an active entry overrides a value given "
                            f"for the whole run); leave it out, or start the entry later")
    return problems


#: The settings :func:`changes_during_run` accepts, in words (for messages).
CHANGEABLE_DURING_RUN = (f"{', '.join(SCHEDULABLE)}, except {', '.join(START_ONLY)} and the {len(START_ONLY_PARAMETERS)} "
                         f"parameters read only when the model is built or a cohort drawn (such as {START_ONLY_PARAMETERS[0]})")


#: Sections whose fields are substances taken in (an unknown key there is "not modelled").
SUBSTANCE_SECTIONS = ("diet", "drugs")

#: Flat field name -> dotted path, for every section field (names are unique).
FLAT_KEYS: dict[str, str] = {
    field: f"{section}.{field}" for section, model in SECTIONS.items() for field in model.model_fields
}
if len(FLAT_KEYS) != sum(len(m.model_fields) for m in SECTIONS.values()):  # pragma: no cover
    raise RuntimeError("two scenario sections have a field of the same name: flat keys would clash")



def other_section_hint(section: str, field: str) -> str:
    """``": warfarin_mg_per_day belongs in [drugs] (drugs.warfarin_mg_per_day)"`` when
    ``field`` is a setting of a section other than ``section`` (``parameters`` included),
    else ``""``: a modelled substance in the wrong section is not "not modelled"."""
    path = FLAT_KEYS.get(field)
    if path is None or path.partition(".")[0] == section:
        return ""
    return f": {field} belongs in [{path.partition('.')[0]}] ({path})"
