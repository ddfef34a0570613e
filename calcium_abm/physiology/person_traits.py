"""Person-level traits: how one virtual patient differs from another.

A trait is a dimensionless multiplier on one rule of the model, constant over a run. Each
has a distribution (``scipy.stats``) whose median is 1, so **the typical person -- every
trait at its median -- is the model's default patient**; a single run uses it unless the
scenario sets traits. Cohorts draw traits per virtual patient from a
``numpy.random.Generator`` in a fixed order, so a seed gives the same people.

===============================  =============  ========================================
trait                            distribution   multiplies (see docs/design/person.md)
===============================  =============  ========================================
calcification_propensity         log-normal     media switch + nucleation drive (with
                                                :func:`ageing.vascular_calcification_propensity`);
                                                its percentile sets the intimal onset age
remodeling_balance               normal         osteoblast team size per cavity
calcium_absorption_efficiency    log-normal     gut calcium absorption rate
vitamin_k_disposition            log-normal     vitamin K reaching plasma per unit intake
peak_bone_mass                   normal         young-adult bone volume fraction / BMD
wall_plaque_growth               log-normal     growth of sqrt(intimal calcium score) after
                                                onset (:func:`intima.intima_day`)
===============================  =============  ========================================

Traits are drawn independently (assumption: no published joint distribution was found; for
the intima this makes the age of onset and the growth after it independent, although the
same risk factors predict both in MESA, Kronmal 2007 Circulation 115:2722).

A drawn trait is the person's value on day 0. ``remodeling_balance`` may instead wander
(``patient.remodeling_balance_varies``, set in the validation populations): an
Ornstein-Uhlenbeck process around the population median whose stationary distribution is
the trait's own (:func:`wandering_trait_step`), so a person's deviation in loss rate does
not persist for life (Pouilles 1996; Melton 2000; docs/design/person.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from calcium_abm.errors import ScenarioError, UserInputError
from calcium_abm.parameters import Parameter, declare, module_defaults

PARAMETERS = declare([
    Parameter("calcification_propensity_log_sd", 0.5, "-",
              "assumption (not fitted; sensitivity in docs/sensitivity_vessel.md): spread of the media's "
              "calcification drive; for the intima only the trait's percentile acts (the person's age of onset, "
              "intima.onset_age_years, whose spread is intimal_onset_age_sd_years); row 21 (Erbel 2014) tests it",
              "SD of ln(calcification propensity) between people", 0.0, 5.0, ("21",)),
    Parameter("remodeling_balance_sd", 0.04, "-",
              "[C] from the persistent between-person spread of the rate of bone loss, through the model's "
              "sensitivity: [V] Melton 2000 J Bone Miner Res 15:24 (Rochester, 304 women 30-94 y, femoral neck, "
              "16 y): baseline vs 16-year BMD correlation 0.83, no subset of fast losers, so the SD of the 16-year "
              "change is ~0.67 x the baseline SD (~10 % of the mean, ~0.6 %/y); [V] Cawthon 2009 J Bone Miner Res 24:1728 "
              "(MrOS, PMC2743283 Table 2): SD of the 4.6-year femoral-neck change 0.034 g/cm2 at 0.78 g/cm2 "
              "(~0.95 %/y, with DXA error and short-lived changes); [V] Ahlborg 2003 N Engl J Med 349:327 (108 women "
              "followed 15 y from menopause, distal radius): annual BMD loss 1.9 +/- 0.7 %/y (SD between women of "
              "their 15-year rates); [V] Osteoporos Int 1996 6:320 (93 women, two "
              "22-month periods): individual rates not stable, 20-47 % kept their class. A persistent SD of "
              "~0.55 %/y (0.6 less the vitamin K and absorption traits' share) at the model's 0.18 %/y per 0.01 "
              "of balance (women 60-76) gives 0.04 (was 0.07 from the 7 % CV of completed wall thickness, which "
              "is coupled to erosion depth and so overstates the spread of the balance); sensitivity: row A4. "
              "It is the spread at any moment: where the trait wanders (patient.remodeling_balance_varies, "
              "remodeling_balance_correlation_years 2 y) the SD of a person's 16-year mean balance is 0.47 x "
              "0.04 (~0.34 %/y of loss, ~0.41 with the constant vitamin K and absorption traits: below Melton's "
              "0.6, a lower bound)",
              "SD of the osteoblast team-size multiplier between people", 0.0, 0.3, ("A1", "A2", "A4")),
    Parameter("remodeling_balance_correlation_years", 2.0, "years",
              "[C] from how the between-person SD of the rate of bone loss shrinks with the span it is averaged "
              "over, read as an Ornstein-Uhlenbeck process (SD of a T-year mean rate = s sqrt(2/x - 2(1 - "
              "exp(-x))/x^2), x = T / tau): [V] Cawthon 2009 J Bone Miner Res 24:1728 (MrOS, PMC2743283): SD "
              "~0.95 %/y over 4.6 y; [V] Melton 2000 J Bone Miner Res 15:24: ~0.6 %/y over 16 y; ratio 0.63, "
              "which tau = 2 y gives (0.64; 3 y: 0.69, 1 y: 0.58); [V] Pouilles 1996 Osteoporos Int 6:320 (93 "
              "women, two consecutive 22-month periods, DXA spine and femur): no significant relationship "
              "between the two rates, 20-47 % kept their loss class; [V] Wakayama cohort (KAKEN 13670383): the "
              "fast losers of the first 3 years did not lose faster over 10. Acts only with "
              "patient.remodeling_balance_varies (sensitivity: row A4)",
              "Correlation time of a person's wandering remodeling balance (Ornstein-Uhlenbeck)", 0.01, 100.0,
              ("A4",)),
    Parameter("calcium_absorption_cv", 0.405, "-",
              "[C] fractional absorption 18.5 +/- 7.5 % (dual stable isotopes, 19 adults 54-74 y; Horm Metab "
              "Res 2009, doi 10.1055/s-0029-1234088); [V] Heaney 1989 JBMR 4(4): 'range of absorptive "
              "performance very broad at all intake levels' (includes measurement error)",
              "Coefficient of variation of calcium absorption efficiency between people", 0.0, 2.0),
    Parameter("vitamin_k_disposition_log_sd", 1.09, "-",
              "[C] plasma phylloquinone, UK NDNS 2000-1 (1154 adults; Br J Nutr 2007): geometric mean 0.94 "
              "nmol/L, 95 % of values 0.10-8.72 -> ln-SD 1.14, of which intake explains 8 %: 1.14 x sqrt(0.92); "
              "[V] hemodialysis cohort (Thromb Haemost, 10.1055/s-0038-1649921): intra/inter-individual "
              "variance 0.17, 'individual disposition' dominates",
              "SD of ln(vitamin K reaching plasma per unit intake) between people", 0.0, 3.0, ("8", "9")),
    Parameter("peak_bone_mass_cv", 0.10, "-",
              "[C] NHANES young-adult lumbar-spine BMD SD/mean: women 0.106/1.064, men 0.110/1.057 "
              "(PMC12995607 Table 3); Xue 2021 JCEM: 0.122/1.065",
              "Coefficient of variation of peak bone mass between people", 0.0, 0.5, ("A1", "A2", "A3")),
    Parameter("wall_plaque_growth_log_sd", 0.55, "-",
              "[C] MESA, the spread of progression between people: [V] annual change 24.9 +/- 65.3 AU (Budoff 2013 J Am "
              "Coll Cardiol, 6,778 people 45-84 y, 52.8 % women): under the onset law and the median growth "
              "intimal_sqrt_score_growth_per_year, ln-SD 0.5 gives 22 +/- 51, 0.55 gives 24.9 +/- 64, 0.6 gives "
              "28 +/- 81 AU/y (ages 45-84 uniform, 47 % men; docs/design/vessel_wall.md); [V] check: MESA white adults 45-75 have a mean "
              "score of 244.6 AU with CAC > 0 in 52.6 % (Erbel 2008 Eur Heart J 29:2782, PMC2582985): 0.55 gives "
              "169 AU and 54 % (no spread: 93 AU); mechanism: the risk factors that differ between people "
              "(hypertension, BMI, diabetes, family history) each predict faster progression of existing calcium "
              "(Kronmal 2007 Circulation 115:2722 [V])",
              "SD of ln(growth of sqrt(intimal score)) between people", 0.0, 3.0, ("21", "P1")),
])


@dataclass(frozen=True)
class Trait:
    """One person-level trait: a multiplier with median 1 on the rule named in ``multiplies``."""

    name: str
    multiplies: str
    kind: str            # "lognormal" (spread = SD of ln), "lognormal_cv" (spread = CV) or "normal" (SD = CV)
    spread_parameter: str

    def distribution(self, p):
        """The frozen ``scipy.stats`` distribution of this trait under parameters ``p`` (median 1)."""
        spread = float(getattr(p, self.spread_parameter))
        if spread == 0.0:  # no spread: everyone is typical
            return stats.rv_discrete(values=([1.0], [1.0]))
        if self.kind == "lognormal":
            return stats.lognorm(s=spread, scale=1.0)
        if self.kind == "lognormal_cv":
            return stats.lognorm(s=math.sqrt(math.log1p(spread * spread)), scale=1.0)
        return stats.norm(loc=1.0, scale=spread)


#: the traits, in the fixed order they are drawn
TRAITS: tuple[Trait, ...] = (
    Trait("calcification_propensity",
          "vsmc_switch_per_day and matrix_vesicle_nucleation_per_day (media calcification drive); its "
          "percentile sets the age of intimal calcium onset (intima.onset_age_years)",
          "lognormal", "calcification_propensity_log_sd"),
    Trait("remodeling_balance", "osteoblast_cells_per_cavity_volume (team size, hence the refill margin)",
          "normal", "remodeling_balance_sd"),
    Trait("calcium_absorption_efficiency", "the gut absorption rate in calcium.gut_day",
          "lognormal_cv", "calcium_absorption_cv"),
    Trait("vitamin_k_disposition", "vitamin K reaching plasma per unit of intake (all forms)",
          "lognormal", "vitamin_k_disposition_log_sd"),
    Trait("peak_bone_mass", "the young-adult trabecular bone volume fraction (and reference BMD)",
          "normal", "peak_bone_mass_cv"),
    # last in the draw order, and named to sort last among a cohort's keys (one stream per key in
    # sorted order, batch.expand.cohort_patients): the traits drawn before it keep their values
    Trait("wall_plaque_growth", "intimal_sqrt_score_growth_per_year (growth of the coronary plaque's calcium "
          "after onset, intima.intima_day)", "lognormal", "wall_plaque_growth_log_sd"),
)
TRAIT_NAMES = tuple(t.name for t in TRAITS)
#: the spreads that act in a single run too: the onset percentile of the person's own propensity
#: (intima.onset_z) and the wandering of their remodeling balance (person.py, with
#: patient.remodeling_balance_varies)
SPREADS_READ_BY_ONE_PERSON = ("calcification_propensity_log_sd", "remodeling_balance_sd")
#: spread parameter -> trait, for the spreads read only where a cohort draws its people
#: (batch cohorts, the validation populations): a single run takes the person's own trait
#: value (``patient.<trait>``), so there they would do nothing (``calcium-abm run`` refuses them)
DRAW_ONLY_SPREADS = {t.spread_parameter: t.name for t in TRAITS if t.spread_parameter not in SPREADS_READ_BY_ONE_PERSON}


def draw_only_spread_problems(parameters: Mapping[str, float]) -> list[str]:
    """One message per :data:`DRAW_ONLY_SPREADS` entry set in a single run's ``parameters``
    (name -> value): it would do nothing there (the model, ``simulate``, ``calcium-abm run`` and the
    dashboard refuse it)."""
    return [f"parameters.{name} = {parameters[name]:g} does nothing in a single run: it is the spread of "
            f"patient.{trait} between people, read where a cohort draws them (calcium-abm batch); give this "
            f"person's own patient.{trait} instead" for name, trait in DRAW_ONLY_SPREADS.items() if name in parameters]


#: spread parameter -> (patient key, what that key must be somewhere in the run for the spread to act):
#: the spreads of :data:`SPREADS_READ_BY_ONE_PERSON` (and the wandering's correlation time) act in a
#: single run only for a person whose trait is not typical or whose balance wanders
CONDITIONAL_SPREADS = {
    "calcification_propensity_log_sd": ("calcification_propensity", "not 1 on day 0 (it places that trait in the "
                                        "intimal onset distribution at the start; the typical person's percentile is "
                                        "the median whatever the spread)"),
    "remodeling_balance_sd": ("remodeling_balance_varies", "true (the spread of the wandering balance)"),
    "remodeling_balance_correlation_years": ("remodeling_balance_varies", "true (the wandering's correlation time)"),
}


#: why ``wall_plaque_growth`` can be unread (:func:`plaque_growth_unread`), for the run's and the batch's messages
PLAQUE_GROWTH_UNREAD = ("it scales the growth of intimal plaque calcium after its onset (sex, calcification_propensity "
                        "and a measured score set the onset age),")


def t_score_sets_start_bone(patient) -> bool:
    """True if a measured T-score sets the patient's start bone, so ``peak_bone_mass`` is unread whatever
    its value (:func:`calcium_abm.person.start_bone_fraction_relative`)."""
    return patient.baseline_bmd_t_score is not None


def peak_bone_mass_beside_t_score(patient) -> bool:
    """:func:`t_score_sets_start_bone` for a patient whose ``peak_bone_mass`` is not the typical 1."""
    return t_score_sets_start_bone(patient) and patient.peak_bone_mass != 1.0


def plaque_onset_after_run(scenario) -> tuple[float, float] | None:
    """``(onset age, age at the run's end)`` in years if the validated ``scenario``'s person (human) reaches
    the onset of intimal plaque (:func:`.intima.plaque_onset_age_years`, and at the earliest the onset clock
    can bring it, :func:`_earliest_onset_age_years`) only after the last day of the run,
    else None: then ``wall_plaque_growth``, which scales the plaque's growth after onset, is unread
    (before onset the start score is 0 too), whatever its value."""
    from calcium_abm.physiology import intima

    patient = scenario.patient
    if patient.species != "human":
        return None
    laws = (*intima.PARAMETERS, *PARAMETERS)  # the onset law's: the intima's and the propensity's spread
    names = {q.name for q in laws}
    p = module_defaults(laws, "intima", {k: v for k, v in scenario.parameters.items() if k in names})
    onset = intima.plaque_onset_age_years(patient.age_years, patient.sex == "female",
                                          patient.calcification_propensity, patient.baseline_calcification_score, p)
    end = patient.age_years + scenario.days / intima.DAYS_PER_YEAR_OF_AGE  # the intima's own age (advance_intima)
    return (onset, end) if _earliest_onset_age_years(scenario, onset, end) >= end else None


#: the highest serum Ca x P relative to health a person with healthy kidneys is taken to reach (a generous
#: bound: the healthy model's stays within 3 % of 1 from 25 to 85 years on the usual diet)
HEALTHY_CAPXP_BOUND = 1.5


def _earliest_onset_age_years(scenario, onset: float, end: float) -> float:
    """The earliest the onset clock (:func:`.intima.next_onset_age_years`) can bring a healthy-history ``onset``
    in a run to ``end`` (years): with healthy kidneys all through, at most at the drive of
    :data:`HEALTHY_CAPXP_BOUND` and the age law's GFR at ``end``; with kidney disease on any day, or years of it
    before day 0, the drive has no bound the inputs set, so the onset may come any day (-inf)."""
    from calcium_abm.inputs.kidney_rules import healthy_kidneys
    from calcium_abm.physiology import ageing, dialysis, intima, kidney

    laws = (*intima.PARAMETERS, *dialysis.PARAMETERS, *ageing.PARAMETERS, *kidney.PARAMETERS)
    names = {q.name for q in laws}
    p = module_defaults(laws, "kidney and intima", {k: v for k, v in scenario.parameters.items() if k in names})
    states = [scenario.state_at(day) for day in (0, *scenario.schedule_boundaries())]
    if scenario.patient.kidney_disease_years > 0 or not all(
            healthy_kidneys(s, p.reference_gfr_ml_per_min) and s.kidney.gfr_end_ml_per_min is None for s in states):
        return -math.inf
    patient = scenario.patient
    gfr = ageing.gfr_for_person_ml_per_min(end, patient.sex, p.reference_gfr_ml_per_min, p)
    fastest = intima.plaque_chemistry_drive(HEALTHY_CAPXP_BOUND, dialysis.systemic_inhibitor_fraction(gfr, False, p), p)
    return onset - (fastest - 1.0) * (end - patient.age_years) if onset > patient.age_years else onset


def plaque_growth_unread(scenario) -> tuple[float, float] | None:
    """:func:`plaque_onset_after_run` for a patient whose ``wall_plaque_growth`` is not the typical 1."""
    return None if scenario.patient.wall_plaque_growth == 1.0 else plaque_onset_after_run(scenario)


#: the intima's parameters read only once plaque has begun (its growth, :func:`.intima.intima_growth_mg`, and the
#: chemistry that drives it, which :func:`plaque_onset_after_run` already takes at its fastest for the onset); the
#: onset's own parameters move the onset and are not among them
PLAQUE_LAW_PARAMETERS = ("intimal_sqrt_score_growth_per_year", "intimal_mgp_half_saturation",
                         "intimal_reference_active_mgp", "intimal_capxp_exponent", "intimal_esrd_growth_factor",
                         "intimal_inhibitor_loss_exponent")


def plaque_parameters_unread(scenario) -> list[str]:
    """The :data:`PLAQUE_LAW_PARAMETERS` a validated ``scenario`` sets whose person's plaque begins only after the
    run (:func:`plaque_onset_after_run`): a healthy man of 50 over a year (his onset comes at 53)."""
    set_here = [name for name in PLAQUE_LAW_PARAMETERS if name in scenario.parameters]
    return set_here if set_here and plaque_onset_after_run(scenario) else []


def _acts_for(name: str, patients) -> bool:
    key = CONDITIONAL_SPREADS[name][0]
    if key == "calcification_propensity":  # read when the wall starts (intima.start_intima), not later
        return patients[0].calcification_propensity != 1.0
    return any(getattr(p, key) for p in patients)


def inert_spreads(scenario) -> list[str]:
    """The :data:`CONDITIONAL_SPREADS` a validated ``scenario`` sets that no state of its run (day 0 and
    each schedule boundary) lets act."""
    set_here = [name for name in CONDITIONAL_SPREADS if name in scenario.parameters]
    if not set_here:
        return []
    patients = [scenario.state_at(day).patient for day in (0, *scenario.schedule_boundaries())]
    return [name for name in set_here if not _acts_for(name, patients)]


def inert_setting_problems(scenario) -> list[str]:
    """One message per setting of a validated ``scenario`` that would do nothing for its person:
    another species' parameter (:func:`.species.other_species_parameter_problems`; a species cannot
    change during a run), a ``peak_bone_mass`` beside a measured T-score, each of :func:`inert_spreads` and
    of :func:`.conditional_parameters.inert_conditional_parameters` (a drug's parameter without the drug), a
    ``wall_plaque_growth`` whose plaque starts after the run (:func:`plaque_growth_unread`)."""
    from calcium_abm.physiology.conditional_parameters import condition_text, inert_conditional_parameters
    from calcium_abm.physiology.species import other_species_parameter_problems

    patient, parameters = scenario.patient, scenario.parameters
    problems = other_species_parameter_problems(parameters, patient.species)
    if peak_bone_mass_beside_t_score(patient):
        problems.append(f"patient.peak_bone_mass = {patient.peak_bone_mass:g} does nothing beside "
                        f"patient.baseline_bmd_t_score = {patient.baseline_bmd_t_score:g}: the measured "
                        "T-score sets the start bone; leave peak_bone_mass at 1 or leave the T-score out")
    for name in inert_spreads(scenario):
        key, needed = CONDITIONAL_SPREADS[name]
        problems.append(f"parameters.{name} = {parameters[name]:g} does nothing in this run: it acts only where "
                        f"patient.{key} is {needed}")
    problems += [f"parameters.{name} = {parameters[name]:g} does nothing in this run: {condition_text(name)}"
                 for name in inert_conditional_parameters(scenario)]
    if unread := plaque_growth_unread(scenario):
        problems.append(f"patient.wall_plaque_growth = {patient.wall_plaque_growth:g} does nothing in this run: "
                        f"{PLAQUE_GROWTH_UNREAD} this person's onset comes at age {unread[0]:.1f} and the run "
                        f"ends at {unread[1]:.1f}; run longer or leave it at 1")
    if names := plaque_parameters_unread(scenario):
        onset, end = plaque_onset_after_run(scenario)
        problems += [f"parameters.{name} = {parameters[name]:g} does nothing in this run: it acts on intimal plaque "
                     f"once it has begun, and this person's onset comes at age {onset:.1f} and the run ends at "
                     f"{end:.1f}; run longer or leave it out" for name in names]
    return problems


def refuse_draw_only_spreads(parameters: Mapping[str, float], scenario=None, origin: str | None = None) -> None:
    """Raise :class:`~calcium_abm.errors.ScenarioError` with :func:`draw_only_spread_problems`, one
    line each, if a single run's ``parameters`` set any; with the validated ``scenario``, also with
    :func:`inert_setting_problems` (settings that do nothing for this person). With ``origin`` (a
    scenario name or file) the message names it: one line, or a count and a bulleted list
    (:func:`~calcium_abm.inputs.messages.join_problems`)."""
    from calcium_abm.inputs.messages import join_problems

    problems = draw_only_spread_problems(parameters) + (inert_setting_problems(scenario) if scenario else [])
    if problems:
        raise ScenarioError("\n".join(problems) if origin is None else join_problems(problems, origin))


def without_draw_only_spreads(parameters: Mapping[str, float]) -> dict[str, float]:
    """``parameters`` without the :data:`DRAW_ONLY_SPREADS` (a cohort's run hands its person's run
    only what that run reads; the spreads did their work in the draw)."""
    return {name: value for name, value in parameters.items() if name not in DRAW_ONLY_SPREADS}


def trait_distributions(p) -> dict[str, object]:
    """``{trait name: frozen scipy.stats distribution}`` in draw order."""
    return {t.name: t.distribution(p) for t in TRAITS}


def typical_person(p) -> dict[str, float]:
    """The typical person: every trait at its distribution's median (all 1.0)."""
    return {name: float(d.median()) for name, d in trait_distributions(p).items()}


def draw_person_traits(rng: np.random.Generator, p, n: int | None = None) -> dict[str, float | np.ndarray]:
    """Draw traits for one virtual patient (``n=None``: floats) or ``n`` patients (arrays of shape (n,)).

    Deterministic for a given generator state: traits are drawn in :data:`TRAITS` order, one
    block of ``n`` per trait. Normal traits are kept positive (redrawn below 1 % of the
    median, which for the default spreads is beyond 9 SD).

    Raises:
        UserInputError: ``rng`` is not a ``numpy.random.Generator`` or ``n`` is not a positive integer.
    """
    if not isinstance(rng, np.random.Generator):
        raise UserInputError(f"rng = {rng!r} is not allowed: pass a numpy.random.Generator "
                             "(numpy.random.default_rng(seed))")
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
        raise UserInputError(f"n = {n!r} is not allowed: it must be a positive whole number of patients or None")
    size = 1 if n is None else int(n)
    out: dict[str, float | np.ndarray] = {}
    for trait in TRAITS:
        values = draw_trait(trait.name, rng, p, size)
        out[trait.name] = float(values[0]) if n is None else values
    return out


def wandering_trait_step(value, median: float, sd: float, dt_years: float, correlation_years: float,
                         standard_normal):
    """One exact step of an Ornstein-Uhlenbeck trait (float or array of shape (n,)).

    ``median + (value - median) e^{-dt/tau} + sd sqrt(1 - e^{-2 dt/tau}) z`` with ``z`` the
    ``standard_normal`` draw(s) (same shape as ``value``): the stationary distribution is
    normal(median, sd), the trait's own, and two values ``dt`` apart correlate as
    ``e^{-dt/tau}`` (Gillespie 1996 Phys Rev E 54:2084, exact updating formula). The result is kept at
    or above 1 % of the median (as :func:`draw_trait` keeps normal traits positive).

    Raises:
        UserInputError: ``sd`` < 0, ``dt_years`` < 0 or ``correlation_years`` <= 0.
    """
    if not (sd >= 0.0 and dt_years >= 0.0 and correlation_years > 0.0):
        raise UserInputError(f"sd = {sd!r}, dt_years = {dt_years!r}, correlation_years = {correlation_years!r} are "
                             "not allowed: sd and dt_years must be >= 0 and correlation_years > 0")
    keep = math.exp(-dt_years / correlation_years)
    new = median + (np.asarray(value, dtype=np.float64) - median) * keep + sd * math.sqrt(
        max(1.0 - keep * keep, 0.0)) * np.asarray(standard_normal, dtype=np.float64)
    new = np.maximum(new, 0.01 * median)
    return float(new) if new.ndim == 0 else new


def expected_past_trait(value_now: float, median: float, years_before: float, correlation_years: float) -> float:
    """The expected value of an Ornstein-Uhlenbeck trait ``years_before`` years ago, given its
    value now: ``median + (value_now - median) e^{-years_before/tau}``. The stationary process is
    time-reversible, so the past regresses to the median as the future does
    (:func:`wandering_trait_step`'s mean). A person's life course before day 0 uses it: a balance
    measured or set today says little about the person's balance decades ago.

    Raises:
        UserInputError: ``years_before`` < 0 or ``correlation_years`` <= 0.
    """
    if not (years_before >= 0.0 and correlation_years > 0.0):
        raise UserInputError(f"years_before = {years_before!r}, correlation_years = {correlation_years!r} are not "
                             "allowed: years_before must be >= 0 and correlation_years > 0")
    return median + (value_now - median) * math.exp(-years_before / correlation_years)


def draw_trait(name: str, rng: np.random.Generator, p, n: int) -> np.ndarray:
    """``n`` draws (shape (n,)) of trait ``name`` from its distribution under parameters ``p``.

    Normal traits are kept positive (redrawn below 1 % of the median, beyond 9 SD for the
    default spreads). Used by :func:`draw_person_traits` and by cohorts
    (``distribution = "documented"``, :mod:`calcium_abm.batch.draws`).

    Raises:
        UserInputError: ``name`` is not a trait.
    """
    trait = next((t for t in TRAITS if t.name == name), None)
    if trait is None:
        raise UserInputError(f"trait = {name!r} is not allowed: must be one of {', '.join(TRAIT_NAMES)}")
    dist = trait.distribution(p)
    values = np.asarray(dist.rvs(size=n, random_state=rng), dtype=np.float64)
    if trait.kind == "normal":
        low = values < 0.01
        while np.any(low):
            values[low] = dist.rvs(size=int(low.sum()), random_state=rng)
            low = values < 0.01
    return values
