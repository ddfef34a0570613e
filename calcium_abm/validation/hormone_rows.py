"""Validation rows on the mineral hormones in people with healthy kidneys, findings the model was not given
(added 2026-12-04): ``Carrivick2015`` (PTH rises with age at a normal GFR). Part of the table of
:mod:`calcium_abm.validation.experiments`, in the same vocabulary (:mod:`calcium_abm.validation.design`).

No parameter of the model describes how PTH changes with age: its PTH rises with age only through the
age laws it was given for other reasons (calcium absorption falling after 60, Heaney 1989; the GFR law;
for women the menopause's renal calcium leak), so the size of the rise is a prediction.
"""

from __future__ import annotations

import math

import numpy as np

from calcium_abm.validation.ageing_rows import AGE_AT_FMP_YEARS
from calcium_abm.validation.design import YEAR, Arm, Criterion, Experiment, Runs
from calcium_abm.validation.kidney_rows import window_mean

__all__ = ["HORMONE_EXPERIMENTS", "CARRIVICK_AGES", "CARRIVICK_GFR", "pth_rise_per_decade"]

#: ages of the virtual people, evenly across the adult range of a laboratory's patients (the study's averaged ~60 y)
CARRIVICK_AGES = (30.0, 45.0, 60.0, 75.0, 90.0)
#: every virtual person's GFR, held: the study's estimate is adjusted for eGFR, in its subgroup with eGFR >= 60
CARRIVICK_GFR = 90.0
#: PTH is read as its mean over the second half-year, after the start has settled
_WINDOW = (YEAR // 2, YEAR)
#: each 10-year increase in age: PTH +6.1 % (95 % CI 5.5-6.8) in laboratory 1, +4.9 % (3.5-6.2) in laboratory 2
#: (the subgroups with eGFR >= 60 and 25(OH)D >= 50 nmol/L, adjusted for sex, ionised calcium, 25(OH)D, phosphate
#: and eGFR); the band spans both laboratories' 95 % CIs
CARRIVICK_BAND = (3.5, 6.8)


_NO_AGE_TERM = (
    "issue 10: at a held GFR the model's PTH rises with age only through its ionised calcium, as calcium absorption "
    "falls after 60 (and in women through the menopause's renal calcium leak); it has no change of the parathyroid "
    "glands themselves with age (set point or gland mass), which is what the study found, a rise independent of "
    "ionised calcium, 25(OH)D, phosphate and eGFR. So the rise is too small, most in men, who have no menopause")


def _label(sex: str, age: float) -> str:
    return f"{'woman' if sex == 'female' else 'man'} {age:g} y"


def _person(sex: str, age: float) -> Arm:
    settings = {"patient.sex": sex, "patient.age_years": age, "kidney.residual_gfr_ml_per_min": CARRIVICK_GFR}
    if sex == "female" and age > AGE_AT_FMP_YEARS:
        settings.update({"patient.postmenopausal": True, "patient.years_since_menopause": age - AGE_AT_FMP_YEARS})
    return Arm(_label(sex, age), "healthy_adult", settings=settings)


def pth_rise_per_decade(sex: str, ages=CARRIVICK_AGES, window=_WINDOW):
    """PTH's rise per 10 years of age (%) among the virtual people of one ``sex``: the least-squares slope of
    ln(mean PTH over ``window``) against age, as a log-linear regression of PTH on age gives it."""
    def measure(runs: Runs) -> float:
        logs = [math.log(window_mean("pth_pmol_l", _label(sex, age), *window)(runs)) for age in ages]
        slope = float(np.polyfit(np.asarray(ages, dtype=float), np.asarray(logs), 1)[0])
        return 100.0 * math.expm1(10.0 * slope)
    return measure


def _rise(sex: str, known_failure: str = "") -> Criterion:
    low, high = CARRIVICK_BAND
    people = "women" if sex == "female" else "men"
    return Criterion(f"PTH rise per 10 years of age, {people} at GFR {CARRIVICK_GFR:g}", pth_rise_per_decade(sex),
                     low, high, "+6.1 % (lab 1), +4.9 % (lab 2) per decade", "% per decade",
                     f"{low:g} to {high:g} %: from the lower end of laboratory 2's 95 % CI (3.5-6.2) to the upper end "
                     "of laboratory 1's (5.5-6.8), the subgroups with eGFR >= 60 and 25(OH)D >= 50 nmol/L; one slope "
                     "for both sexes (the study adjusted for sex)", known_failure)


HORMONE_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        row="Carrivick2015",
        title="PTH rises with age in people with normal kidneys",
        finding="In fasting metabolic bone panels from two laboratories (n = 17,275 and 4,878; in the subgroups "
                "with eGFR >= 60 and 25(OH)D >= 50 nmol/L n = 12,051 and 3,473), each 10-year increase in age "
                "went with a 6.1 % (95 % CI 5.5-6.8) and 4.9 % (3.5-6.2) higher PTH, after adjustment for sex, "
                "ionised calcium, 25(OH)D, phosphate and eGFR (all participants: 5.0 % (4.4-5.6) and 4.2 % "
                "(3.0-5.4)); mean age about 60, about 80 % women",
        source="Carrivick et al. 2015, J Clin Endocrinol Metab 100:2131 (doi 10.1210/jc.2014-4370, PMID 25751107) "
               "[V abstract]; [S] Healio's report of the paper (mean age ~60, ~80 % women)",
        days=YEAR,
        arms=tuple(_person(sex, age) for sex in ("female", "male") for age in CARRIVICK_AGES),
        criteria=(_rise("female", _NO_AGE_TERM), _rise("male", _NO_AGE_TERM)),
        grid=32, quick_grid=32, max_seeds=3,
        plot_columns=("pth_pmol_l", "ionized_calcium_mmol_l", "calcitriol_relative"),
        notes=f"Women and men of {', '.join(f'{a:g}' for a in CARRIVICK_AGES)} years (women past an FMP at "
              f"{AGE_AT_FMP_YEARS:g} postmenopausal), each at a GFR held at {CARRIVICK_GFR:g} mL/min, the model's "
              "equivalent of the study's adjustment for eGFR in its subgroup with eGFR >= 60; the usual diet, "
              "vitamin D replete (the model has no 25(OH)D). PTH is each person's mean over days 182-365, and the "
              "rise is the slope of ln(PTH) against age. The study also adjusted for ionised calcium and phosphate; "
              "the model has no PTH term of its own for age, so its rise passes through ionised calcium (lower "
              "calcium absorption with age, the menopause's renal leak): what an adjustment for ionised calcium "
              "would leave of it is smaller still.",
    ),
)
