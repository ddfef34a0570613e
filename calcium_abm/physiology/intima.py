"""Intimal (atherosclerotic) calcification: the part of the wall a coronary calcium scan sees.

Coronary artery calcium (CAC) is mostly intimal plaque calcium, while the media section of
:mod:`.calcification` is Mönckeberg-type medial calcification. The intima is one number
per person, its calcium (mg); the Agatston-like score of the wall is
``(media + intima) x agatston_units_per_mg_calcium``.

Law (one person, per physiological day ``dt``)::

    d sqrt(S)/dt = g0 x P(age, sex, estrogen) x trait x h(MGP) x (Ca x P)^n / 365.25

* ``S`` is the intimal score (Agatston units). Growth of the square root at a steady
  rate is the empirical law of CAC progression: the square-root transform makes the
  change independent of the baseline (Hokanson et al. 2004, AJR 182:1327; used as the
  progression criterion sqrt(CAC) change > 2.5 in MESA and KOICA, PLoS ONE 16:e0248884),
  and it is the surface-controlled growth of calcium phosphate on existing mineral
  (rate proportional to seed surface area: J Dent Res 1984 63:874; Koutsoukos 2000).
* ``P = exp(k (age - 50))`` (x ``intimal_female_factor`` x (1 - protection x E) for women):
  CAC percentiles rise with "exponentially shaped age-dependence" (Erbel 2014 EHJ 35:2960).
* ``h = f(a) / f(a_ref)`` with ``f(a) = K / (a + K)``: the saturating MGP inhibition of
  :func:`.calcification.mgp_free_fraction`, with a large half saturation, because
  circulating ucMGP is not associated with CAC (Shea 2011, J Nutr 141:1529) and vitamin K
  trials move CAC little (Shea 2009 AJCN 89:1799; Diederichsen 2022 Circulation 145:1387).
* A person's start: a measured baseline ``S0 > 0`` fixes the person's rate multiplier so
  that the law's trajectory passes through ``S0`` at their age (the person is on their own
  percentile track: HNR "progression along gender-specific percentiles", Erbel 2014); with
  no measurement the person starts on the typical trajectory (x trait), from
  ``intimal_onset_age_years``; ``S0 = 0`` starts at zero with the trait's rate. Relative
  progression of a person with CAC is then ``2 P(age) / integral of P``, about 15-25 %/y
  in later life (not fitted: compared with MESA, Budoff et al. (J Am Coll Cardiol; annual change
  24.9 AU), and PMC8673314, median 18.3 %/y).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calcium_abm.errors import UserInputError
from calcium_abm.parameters import Parameter, declare

DAYS_PER_YEAR = 365.25
_REFERENCE_AGE_YEARS = 50.0  # the model's default person

PARAMETERS = declare([
    Parameter("intimal_sqrt_score_growth_per_year", 0.29, "sqrt(AU)/year",
              "[C] calibration: the typical man's trajectory reaches the Heinz Nixdorf Recall median of 41 AU "
              "at ~59 y (Erbel 2014 EHJ 35:2960 [V]: men's median 41.0, mean age of the 25-50th and 50-75th "
              "groups 57.6 and 60.1 y) from onset at intimal_onset_age_years",
              "Growth of sqrt(intimal Agatston score) per year for the reference man of 50 (healthy MGP)",
              0.0, 100.0, ("21",)),
    Parameter("intimal_ageing_rate_per_year", 0.08, "1/year",
              "[C] calibration: with the onset age, the typical 40-year-old has CAC ~0 (CARDIA, Carr 2017 JAMA "
              "Cardiol 2:391 [V]: CAC > 0 in 10.2 % at mean age 40.3) and the typical man of ~59 has 41 (HNR); "
              "HNR: percentiles show exponentially shaped age-dependence (Erbel 2014 [V])",
              "Exponential age dependence of intimal calcification growth", 0.0, 0.5, ("21",)),
    Parameter("intimal_onset_age_years", 35.0, "years",
              "assumption: intimal plaque calcium appears from the mid-thirties (CARDIA: CAC > 0 in 9.9 % at "
              "33-45 y, JACC Imaging 2012 [V]); sensitivity in docs/sensitivity_vessel.md",
              "Age from which the typical person's intimal calcium accumulates", 0.0, 90.0),
    Parameter("intimal_female_factor", 0.43, "-",
              "[C] HNR women vs men, square-root scale of the upper percentiles: sqrt(139.8/557) = 0.50 (90th), "
              "sqrt(24.5/192.6) = 0.36 (75th) (Erbel 2014 [V]); mean 0.43",
              "Women's intimal growth relative to men's (beside estrogen protection)", 0.0, 10.0, ("21",)),
    Parameter("intimal_mgp_half_saturation", 1.0, "healthy MGP units",
              "assumption: weak MGP dependence of plaque calcification: ucMGP not associated with CAC (Shea 2011 "
              "J Nutr 141:1529 [S title]); trials: K1 500 ug 3 y 27 vs 37 AU (Shea 2009 AJCN [V]), MK-7 720 ug "
              "2 y AVC -17 AU (95 % CI -86 to 53) of 292 (Diederichsen 2022 Circulation [V])",
              "Active wall MGP giving half-maximal inhibition of intimal calcification", 1e-3, 1e3,
              ("21",)),
    Parameter("intimal_reference_active_mgp", 0.47, "healthy MGP units",
              "[C] the healthy adult's mean carboxylated MGP in this model (vascular_mgp_carboxylation_fraction "
              "0.47 on the usual diet), where intimal_sqrt_score_growth_per_year is defined",
              "Active MGP of the reference state of the intimal law", 1e-3, 10.0),
])


@dataclass
class Intima:
    """One person's intimal calcification state."""

    calcium_mg: float = 0.0
    rate_multiplier: float = 0.0     # person-level multiplier (0: no intimal disease, e.g. rodents)
    age_years: float = 50.0          # advanced by the wall each physiological day
    female: bool = False
    age_at_fmp_years: float | None = None  # women: final menstrual period (None: premenopausal)


def propensity(age_years: float, female: bool, age_at_fmp_years: float | None, p) -> float:
    """Relative intimal growth at an age (1 for the man of 50): ``exp(k (age - 50))``,
    for women x ``intimal_female_factor`` x (1 - ``estrogen_vessel_protection`` x E) with E
    the ovarian estrogen level (:func:`.ageing.ovarian_estrogen_level`; 1 before the FMP)."""
    from calcium_abm.physiology.ageing import ovarian_estrogen_level  # ageing imports no vessel module
    value = math.exp(p.intimal_ageing_rate_per_year * (age_years - _REFERENCE_AGE_YEARS))
    if female:
        e = 1.0 if age_at_fmp_years is None else float(ovarian_estrogen_level(age_years - age_at_fmp_years, p))
        value *= p.intimal_female_factor * (1.0 - p.estrogen_vessel_protection * e)
    return value


def typical_sqrt_score(age_years: float, female: bool, age_at_fmp_years: float | None, p) -> float:
    """sqrt(score) of the typical person (trait 1, healthy MGP, reference Ca x P) at an age:
    the growth law integrated from ``intimal_onset_age_years`` (trapezoid, 0.1-year steps)."""
    a0 = p.intimal_onset_age_years
    if age_years <= a0:
        return 0.0
    ages = np.linspace(a0, age_years, max(2, int((age_years - a0) * 10) + 1))
    rates = np.array([propensity(a, female, age_at_fmp_years, p) for a in ages])
    return float(p.intimal_sqrt_score_growth_per_year * np.sum((rates[1:] + rates[:-1]) * 0.5 * np.diff(ages)))


def start_intima(age_years: float, female: bool, age_at_fmp_years: float | None, trait: float,
                 baseline_score: float | None, units_per_mg: float, p, human: bool = True) -> Intima:
    """The intima at day 0 (see the module docstring for the three cases).

    Raises:
        UserInputError: a negative or non-finite baseline score.
    """
    if not human:
        return Intima(0.0, 0.0, age_years, female, age_at_fmp_years)
    if baseline_score is not None and not (math.isfinite(baseline_score) and baseline_score >= 0.0):
        raise UserInputError(f"patient.baseline_calcification_score = {baseline_score!r} is not allowed: it must "
                             "be a number >= 0 (Agatston-like units)")
    typical = typical_sqrt_score(age_years, female, age_at_fmp_years, p)
    if baseline_score is None:
        root, multiplier = trait * typical, trait
    elif baseline_score == 0.0 or typical == 0.0:
        root, multiplier = math.sqrt(baseline_score), trait
    else:
        root = math.sqrt(baseline_score)
        multiplier = root / typical
    return Intima(root * root / units_per_mg if units_per_mg > 0 else 0.0, multiplier, age_years, female,
                  age_at_fmp_years)


def intima_day(intima: Intima, active_mgp: float, capxp_rel: float, capxp_exponent: float, units_per_mg: float,
               supply_mg: float, p, dt: float = 1.0) -> float:
    """Advance the intima one step of ``dt`` physiological days, in place; returns the mg
    deposited (>= 0, at most ``supply_mg``, what blood can still give today).
    ``active_mgp``: the wall's mean ``cMGP + w ucMGP`` (healthy units)."""
    age = intima.age_years
    intima.age_years = age + dt / DAYS_PER_YEAR
    if intima.rate_multiplier <= 0.0 or units_per_mg <= 0.0:
        return 0.0
    k = p.intimal_mgp_half_saturation
    h = (p.intimal_reference_active_mgp + k) / (max(active_mgp, 0.0) + k)
    growth = (p.intimal_sqrt_score_growth_per_year * intima.rate_multiplier * h * capxp_rel ** capxp_exponent
              * propensity(age, intima.female, intima.age_at_fmp_years, p) * dt / DAYS_PER_YEAR)
    root = math.sqrt(intima.calcium_mg * units_per_mg) + growth
    deposited = min(root * root / units_per_mg - intima.calcium_mg, max(supply_mg, 0.0))
    new_mg = intima.calcium_mg + deposited
    intima.calcium_mg = new_mg
    return deposited
