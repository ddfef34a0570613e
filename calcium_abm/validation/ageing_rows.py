"""Validation rows on age, sex and the menopause transition (rows 20b, A1, A3), and the rows
that describe a population (A2, 21), run as virtual populations drawn with the cohort
machinery (:mod:`calcium_abm.validation.population`). Known failures run and are shown.
Part of the table of :mod:`calcium_abm.validation.experiments`, in the same vocabulary
(:mod:`calcium_abm.validation.design`).
"""

from __future__ import annotations

from dataclasses import replace

import math

import numpy as np

from calcium_abm.physiology import parameter_set, skeleton
from calcium_abm.validation import effects
from calcium_abm.validation.design import BMD_ROW_SEEDS, YEAR, Arm, Criterion, Experiment, NotExpressible, loss_per_year
from calcium_abm.validation.hormone_therapy_rows import A2_WOMEN_KNOWN_FAILURE
from calcium_abm.validation.population import (Population, draw_by_sex, mean_by_group, percentile_by_sex,
                                                top_quartile_log_contrast)

__all__ = ["AGE_AT_FMP_YEARS", "AGEING_EXPERIMENTS", "AGEING_NOT_EXPRESSIBLE", "DUBBO", "HEINZ_NIXDORF", "NHANES_BMD"]

#: age at the final menstrual period of the virtual populations' women (assumption: the
#: median of SWAN's ~51.4 y, as row 20b)
AGE_AT_FMP_YEARS = 51.0
#: age from which a row-21 person's life course is simulated, with a media free of mineral
#: (CARDIA: CAC > 0 in 10.2 % at a mean age of 40.3, Carr 2017 JAMA Cardiol 2:391; 26 % of
#: white men and 10 % of white women aged 30-45, Javaid 2022 JACC 79(19))
LIFE_COURSE_START_YEARS = 35.0
#: the calcium score compared with Agatston percentiles (the model's Agatston-like column)
CAC_COLUMN = "calcification_score"
#: half-width of a row-21 band in ln(CAC + 1): the HNR 5-year prediction error itself has
#: SD 1.11 (men) / 1.29 (women) in ln(CAC + 1) (Erbel 2014); 0.7 is a factor of 2 on CAC + 1
CAC_LOG_BAND = 0.7


def _dubbo_person(person: dict) -> dict:
    """A Dubbo woman is postmenopausal since AGE_AT_FMP_YEARS."""
    if person["patient.sex"] == "female":
        person["patient.years_since_menopause"] = person["patient.age_years"] - AGE_AT_FMP_YEARS
    return person


def _life_course(person: dict) -> dict:
    """Simulate the person from LIFE_COURSE_START_YEARS to the age drawn (their CT scan);
    a woman's final period comes at AGE_AT_FMP_YEARS."""
    settings = {**person, "patient.age_years": LIFE_COURSE_START_YEARS,
                "simulation.years": round(person["patient.age_years"] - LIFE_COURSE_START_YEARS, 3)}
    if person["patient.sex"] == "female":
        settings.update({"patient.postmenopausal": False, "patient.years_since_menopause": 0.0,
                         "patient.age_at_final_menstrual_period": AGE_AT_FMP_YEARS})
    return settings


#: Dubbo: residents aged >= 60 (Jones 1994); ages uniform 60-80 (assumption: mean ~70)
DUBBO = draw_by_sex({"postmenopausal_probability": 1.0, "distributions": {
    "age_years": {"distribution": "uniform", "min": 60, "max": 80}}}, 30, seed=694, settings=_dubbo_person)
#: Heinz Nixdorf Recall: 1633 men and 1848 women aged 45-74 (Erbel 2014), random samples of the
#: residents' registers (Stang 2005 Eur J Epidemiol 20:489). The virtual cohort is drawn in six
#: 5-year age strata of HNR_PER_STRATUM people of each sex (stratified sampling: the ages cover
#: 45-75 evenly in every draw, so the percentiles carry no age-sampling error; the traits are
#: still drawn). Mean age 60 (HNR men ~58.7, the mean of Erbel 2014 Table 1's groups).
HNR_AGE_STRATA_YEARS = tuple((45.0 + 5.0 * k, 50.0 + 5.0 * k) for k in range(6))
HNR_PER_STRATUM = 20
#: batch seed of the first stratum; stratum k draws its men with seed + 2k, its women + 2k + 1
HNR_SEED = 2960


def _by_age_strata(strata, per_stratum: int, seed: int, settings) -> Population:
    """``per_stratum`` men and women per age stratum (each :func:`draw_by_sex` with ages uniform
    in the stratum, batch seeds ``seed + 2k`` and ``+ 2k + 1``), numbered consecutively by sex."""
    arms, people, count = [], {}, {"male": 0, "female": 0}
    for k, (low, high) in enumerate(strata):
        part = draw_by_sex({"distributions": {"age_years": {"distribution": "uniform", "min": low, "max": high}}},
                           per_stratum, seed=seed + 2 * k, settings=settings)
        for arm in part.arms:
            person = part.people[arm.label]
            sex = person["patient.sex"]
            count[sex] += 1
            label = f"{'woman' if sex == 'female' else 'man'} {count[sex]}, {person['patient.age_years']:.1f} y"
            arms.append(replace(arm, label=label))
            people[label] = person
    return Population(tuple(arms), people)


HEINZ_NIXDORF = _by_age_strata(HNR_AGE_STRATA_YEARS, HNR_PER_STRATUM, HNR_SEED, _life_course)


#: age from which a row-A4 person's skeleton is simulated: the young-adult peak (the NHANES
#: reference group is 21-30 y; ageing.osteoblast_reference_age_years)
BONE_LIFE_COURSE_START_YEARS = 30.0


def _bone_life_course(person: dict) -> dict:
    """Simulate the person's skeleton from BONE_LIFE_COURSE_START_YEARS (their peak bone mass,
    the drawn ``peak_bone_mass`` trait) to the age drawn (their DXA scan)."""
    settings = {**person, "patient.age_years": BONE_LIFE_COURSE_START_YEARS,
                "simulation.years": round(person["patient.age_years"] - BONE_LIFE_COURSE_START_YEARS, 3),
                "patient.remodeling_balance_varies": True}
    if person["patient.sex"] == "female":
        settings.update({"patient.postmenopausal": False, "patient.years_since_menopause": 0.0,
                         "patient.age_at_final_menstrual_period": AGE_AT_FMP_YEARS})
    return settings


#: NHANES 2005-2008 age groups 61-70 and 71-80 (Looker 2012): ages uniform 61-80
NHANES_BMD = draw_by_sex({"distributions": {"age_years": {"distribution": "uniform", "min": 61, "max": 80}}},
                         20, seed=1351, settings=_bone_life_course)


#: one uniform draw per NHANES person (seed 1351 + 7, in label order): the person has lumbar
#: osteophytes at the scan if it falls below the prevalence for their age and sex
#: (:func:`.skeleton.lumbar_osteophyte_prevalence`)
_OSTEOPHYTE_DRAW = dict(zip(NHANES_BMD.people, np.random.default_rng(1351 + 7).random(len(NHANES_BMD.people))))


def _bmd_at(runs, labels, at_scan: bool) -> np.ndarray:
    """Lumbar-spine DXA reading (g/cm2) of each person in ``labels``: at 30 (day 0) and at the scan
    (the run's last day), what DXA reads of the section at that age (:func:`.skeleton.spine_dxa_bmd_g_cm2`:
    the vertebra's depth grown since 30, plus osteophyte mineral if the person has osteophytes at the scan)."""
    p = parameter_set()
    values = []
    for k in labels:
        df, person = runs[k], NHANES_BMD.people[k]
        bmd = effects.value_at(df, "bone_mineral_density_g_cm2", float(df["day"].iloc[-1]) if at_scan else 0.0)
        age, sex = person["patient.age_years"] if at_scan else BONE_LIFE_COURSE_START_YEARS, person["patient.sex"]
        osteophytes = at_scan and _OSTEOPHYTE_DRAW[k] < skeleton.lumbar_osteophyte_prevalence(age, sex, p)
        values.append(skeleton.spine_dxa_bmd_g_cm2(bmd, age, BONE_LIFE_COURSE_START_YEARS, sex, osteophytes, p))
    return np.array(values)


def _bmd_ratio_to_young(sex: str):
    """Mean BMD of the people of ``sex`` at their scan / their mean BMD at 30 (day 0)."""
    labels = NHANES_BMD.labels(lambda p: p["patient.sex"] == sex)
    return lambda runs: float(np.mean(_bmd_at(runs, labels, True)) / np.mean(_bmd_at(runs, labels, False)))


def _bmd_cv(sex: str):
    """Coefficient of variation (SD / mean) of BMD at the scan across the people of ``sex``."""
    labels = NHANES_BMD.labels(lambda p: p["patient.sex"] == sex)

    def measure(runs) -> float:
        final = _bmd_at(runs, labels, True)
        return float(final.std(ddof=1) / final.mean())
    return measure


_US_LAW = ("the intimal law is calibrated on US cohorts (onset: CARDIA, Carr 2017, and Wong 1994; the median person's "
           "growth: MESA's median change among people with CAC, Kronmal 2007; its spread between people: MESA's SD of "
           "the annual change, Budoff 2013) and reproduces US data: in these 240 people 45-75, 49 % have a score of "
           "1 AU or more and the mean is 154 AU (MESA white adults 45-75: 52.6 % > 0, mean 244.6 AU). HNR differs "
           "from MESA: CAC > 0 in 67.0 vs 52.6 % of white adults 45-75 (prevalence ratio 0.78, 95 % CI 0.72-0.85, the "
           "same after adjustment for the known risk factors, so drawing smoking, cholesterol or blood pressure at "
           "HNR's prevalence would not close it), with similar means (240.3 vs 244.6 AU) because many HNR scores are "
           "near zero (Erbel 2008 Eur Heart J 29:2782, PMC2582985; HNR men 82.3 %, women 55.2 % > 0: Erbel 2008 "
           "Dtsch Arztebl 105:1)")
_MEN_ZEROS = ("issue 12: " + _US_LAW + ". The model's men have US prevalence: 42 of the 120 men aged 45-75 "
              "(age-stratified) have a score below 1 AU (HNR 18 % at 0), so their 25th percentile is ~0 where HNR's "
              "is 2.3 AU; their 50th / 75th / 90th percentiles (53.3 / 179 / 497 AU) pass against HNR's "
              "(41 / 193 / 557)")


def _fn_loss_per_year(df) -> float:
    """Annualised BMD loss (%/year) over Dubbo's mean scan interval of 2.5 years."""
    return -effects.annual_percent_change(df, "bone_mineral_density_g_cm2", 0, 2.5)


def _cac_criterion(sex: str, q: int, published: float, **known) -> Criterion:
    low = max((published + 1.0) * math.exp(-CAC_LOG_BAND) - 1.0, 0.0)
    high = (published + 1.0) * math.exp(CAC_LOG_BAND) - 1.0
    who = "men" if sex == "male" else "women"
    return Criterion(f"{who}: {q}th percentile of the score", percentile_by_sex(HEINZ_NIXDORF, sex, q, CAC_COLUMN),
                     round(low, 2), round(high, 1), f"{published:g}", "AU",
                     f"±{CAC_LOG_BAND:g} in ln(CAC + 1) (a factor of 2 on CAC + 1)", **known)

#: seeds of row A1: its ratio of two small losses swings by ~0.3 between 20-seed draws
A1_SEEDS = 40
_A1_RATIO_KNOWN_FAILURE = (
    "issue 10: loss does not accelerate enough with age. At 40 seeds the ratio is ~1.5-1.9: 1.86 [1.64, 2.12] and "
    "1.62 [1.39, 1.90] for two parameter sets whose rates for this man differ by 3e-5 (2026-12-03), 1.51 after "
    "the cortical start was made the daily step's steady state (2026-12-04; the section's "
    "few osteoclasts make each run's loss at 65, the denominator, chaotic), so at the former 5 seeds it read "
    "anywhere from 1.7 to 2.4 (2.33 on 2026-12-02). Tried 2026-12-03: a calcitriol drive blunted by renal mass "
    "(docs/ODD.md section 8) raised the loss at 65 (0.22 to 0.30 %/year) and not the loss at 85, so the ratio "
    "fell, and its one set that passed row C1 failed row C2: not kept. Tried 2026-12-04 (16 seeds, 96 x 96): PTH "
    "secretion rising with age at a given ionised calcium, GFR and vitamin D, +5 % a decade (Carrivick et al. 2015 "
    "J Clin Endocrinol Metab: +5.0 % and +4.2 % in two laboratories' data) lowered the loss at 65 and at 85 alike "
    "(0.32 to 0.28 and 0.45 to 0.39 %/year; ratio 1.43 to 1.40): the higher PTH raised calcitriol and calcium "
    "absorption more than resorption. Not kept. Tried 2026-12-04 (40 seeds, 96 x 96): men's falling bioavailable "
    "estradiol acting through women's estrogen-loss effect on the bone cells, as the share of men below Khosla et al. "
    "2001's threshold of 40 pmol/L (J Clin Endocrinol Metab 86:3555) x the effect of being below it; bio E2 "
    "log-normal with MrOS's quartile limits (Cauley et al. 2010 J Clin Endocrinol Metab 95:4314: < 39.7, >= 66.0 "
    "pmol/L, so median 51.2 at 73.6 y and log SD 0.377) falling 1.74 %/year (Khosla et al. 2005 J Bone Miner Res "
    "20:730: -9 % at 40-59 y, -38 % at >= 60 y; share below 0.15 at 65, 0.45 at 85), the effect 0.12 (a woman's "
    "early menopause: 1), with which the man of 73.6 loses 38 % faster, as Cauley's lowest quartile did against the "
    "highest. The ratio rose to 1.77 [1.51, 2.06], short of the band, and over the sources' range read 1.54-2.02 "
    "(a decline of 1.2 / 1.5 / 1.8 %/year: 1.61 / 1.83 / 1.94; at 1.8 %/year an effect of 0.10 / 0.12 / 0.13 / "
    "0.14: 1.54 / 1.94 / 1.79 / 2.02), passing in half the settings by the chaos of its denominator; with the "
    "decline at 1.8 %/year every other row with men stayed in its verdict (A2 men 0.67 to "
    "0.74 %/year, published 0.82) and women's rows were unchanged bit for bit. Not kept. Tried 2026-12-05 (40 "
    "seeds, 96 x 96): a parathyroid gland secreting 5.5 % more per decade at a given calcium, phosphate, calcitriol "
    "and GFR (Haden et al. 2000 Clin Endocrinol 52:329; row Carrivick2015's reason) raised the ratio from 1.51 to "
    "1.65 [1.40, 1.96], short of the band, and failed rows KEEP and A4: not kept")

_A4_RATIO_KNOWN_FAILURE = (
    "issue 10: as row A1 in men, loss does not accelerate enough with age: the model's women lose 0.54 %/year at 68 "
    "and 0.93 %/year at 86 (10 seeds), and the ratio of their absolute losses is 1.4 (20 seeds; 2026-12-04, when the "
    "row was added; nothing was fitted to it) where SOF found 4.2. The age laws (osteoblast capacity, absorption, GFR) decline linearly, and "
    "a loss of ~0.2 %/year that vitamin K status sets at every age dilutes the rise")


#: the label suffix of row A5's women on menopausal hormone therapy since their final period
_SOF_USER = ", estrogen user"
_SOF_USERS_KNOWN_FAILURE = (
    "issue 10: the model's therapy takes away little of its women's loss at 68 and 87: 0.985 [0.82, 1.17] at 40 seeds "
    "before the renal phosphate law of estrogen and 1.10 [0.92, 1.30] with it (2026-12-07; 0.85 [0.71, 1.02] at 20 "
    "seeds on 2026-12-05): a non-user's higher phosphate speeds osteoid mineralisation (skeleton.mineralisation_"
    "capxp_exponent 2, an assumption), and by 68 the estrogen-loss effect on the bone cells has subsided "
    "(estrogen_loss_late_effect_fraction 0), so therapy gives back only the kidney's calcium leak and the gut's "
    "absorption; at 87 the age laws (osteoblast capacity, absorption, GFR) carry the loss, and estrogen acts on none "
    "of them. No parameter was changed for this criterion; measure again: validate --rows A5 --seeds 40")


def _absolute_loss_per_year(run) -> float:
    """BMD lost per year over the row's 3.55 years (g/cm2/year), from day 0."""
    bmd = "bone_mineral_density_g_cm2"
    return (effects.value_at(run, bmd, 0) - effects.value_at(run, bmd, 3.55 * YEAR)) / 3.55


AGEING_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        row="20b",
        title="Menopause transition counted from the final period (perimenopausal start)",
        finding="LS BMD loss begins ~1-2 years before the final menstrual period (~1.7 %/year in the 2 years "
                "before), is fastest in the 2 years after (~3.3 %/year) and totals ~10.6 % over 10 years",
        source="Greendale et al. 2012, J Bone Miner Res 27:111 (SWAN); PMC2869543 (JCEM 2010)",
        days=10 * YEAR,
        arms=(Arm("no final period in the window", settings={"patient.sex": "female", "patient.age_years": 46.0}),
              Arm("final period at 51", settings={"patient.sex": "female", "patient.age_years": 46.0,
                                                  "patient.age_at_final_menstrual_period": 51.0})),
        criteria=(
            Criterion("LS loss per year in the 2 years before the final period",
                      loss_per_year("bone_mineral_density_g_cm2", 3, 5, "final period at 51"), 0.7, 2.7,
                      "1.7 %/year", "%/year", "±1 %/year around the cohort mean (PMC2869543)"),
            Criterion("LS loss over the 10 years from 5 before to 5 after the final period",
                      lambda runs: -effects.percent_change(runs["final period at 51"], "bone_mineral_density_g_cm2",
                                                           10 * YEAR),
                      7.6, 13.6, "10.6 %", "%", "±3 percentage points (SWAN's 10-year span)"),
            Criterion("LS loss per year in the 2 years after the final period",
                      loss_per_year("bone_mineral_density_g_cm2", 5, 7, "final period at 51"), 2.3, 4.3,
                      "3.3 %/year", "%/year", "±1 %/year around the cohort mean, as row 20"),
        ),
        grid=64, quick_grid=48,  # 24x24 is too noisy for a 2-seed rate (as rows 20, S1)
        plot_columns=("bmd_change_pct", "osteoclast_count"),
        notes="A premenopausal woman of 46 whose final menstrual period comes at 51 "
              "(patient.age_at_final_menstrual_period): the estrogen-loss effect rises before the final "
              "period (ageing.perimenopausal_estrogen_effect), counted from the age she reaches it; "
              "remodeling activation follows it with a lag (ageing.lagged_activation_effect) and new "
              "mineral lacks its secondary share for months (skeleton.mineralise), so the fastest loss "
              "comes after the final period.",
    ),
    Experiment(
        row="A1",
        title="Ageing men: bone loss accelerates with age (MrOS)",
        finding="Femoral-neck BMD -1.72 % over 4.6 years at a mean age of ~73; loss ~2.5x faster at 85 than at 65",
        source="MrOS (science brief §6, row A1)",
        days=5 * YEAR,
        arms=(Arm("man 65", settings={"patient.age_years": 65.0}),
              Arm("man 73", settings={"patient.age_years": 73.0}),
              Arm("man 85", settings={"patient.age_years": 85.0})),
        criteria=(
            Criterion("BMD change over 4.6 years, man of 73",
                      lambda runs: -effects.percent_change(runs["man 73"], "bone_mineral_density_g_cm2", 4.6 * YEAR),
                      0.92, 2.52, "1.72 % loss", "%", "±0.8 percentage points"),
            Criterion("loss per year at 85 / loss per year at 65",
                      lambda runs: tuple(effects.annual_percent_change(runs[arm], "bone_mineral_density_g_cm2", 0, 4.6)
                                         for arm in ("man 85", "man 65")),
                      1.8, 3.5, "2.5", "ratio",
                      "MrOS 2.5 (design note's band); a ratio of group means, so the ratio of the two arms' mean "
                      "losses over the seeds, with a bootstrap CI (a mean of per-seed ratios is dominated by a seed "
                      "whose loss at 65 is near zero: -38.6 at 20 seeds)", ratio_of_means=True,
                      known_failure=_A1_RATIO_KNOWN_FAILURE),
        ),
        grid=96, quick_grid=64,  # the ratio of two small rates needs a large section (64: CI of the ratio ~±3)
        min_seeds=A1_SEEDS,
        plot_columns=("bmd_change_pct", "pth_pmol_l"),
        notes="Healthy men, the age laws of ageing.py only (no disease). The model's bone is trabecular, "
              "compared with femoral-neck DXA (mixed): a proxy.",
    ),
    Experiment(
        row="A3",
        title="Late postmenopausal women: slow continuing loss",
        finding="LS loss ~0.5 %/year in women 60-79 more than 10 years past the final period",
        source="science brief §6 (KAKEN 13670383, as cited there; not re-read)",
        days=3 * YEAR,
        arms=(Arm("woman 65, 14 y past menopause", "postmenopausal",
                  {"patient.age_years": 65.0, "patient.years_since_menopause": 14.0}),),
        criteria=(
            Criterion("LS loss per year over 3 years",
                      loss_per_year("bone_mineral_density_g_cm2", 0, 3, "woman 65, 14 y past menopause"), 0.3, 0.7,
                      "~0.5 %/year", "%/year", "0.3-0.7 %/year (design note)"),
        ),
        # 24x24 is too noisy for a 2-seed 3-year rate (as rows 20, 20b, S1)
        grid=64, quick_grid=48, min_seeds=BMD_ROW_SEEDS,
        plot_columns=("bmd_change_pct",),
        notes="Her spin-up runs under her own late estrogen-loss effect and her own steady PTH (her kidneys "
              "and her age- and menopause-lowered calcium absorption, person.start_pth_relative), so she "
              "re-lives neither the early menopause transient nor a remodeling-space expansion at day 0; her "
              "bone starts from what the rules leave from 30 to 65 (the life-course start, docs/ODD.md section 5).",
    ),
    Experiment(
        row="A5",
        title="Elderly women: hip bone loss accelerates with age (SOF)",
        finding="Total-hip loss rose steadily with age in 5,698 white women >= 65 followed for 3.55 years, from "
                "2.5 mg/cm2/year (95 % CI 2.0-2.9) at 67-69 to 10.4 (8.4-12.4) at 85 and older; estrogen users "
                "lost a third less",
        source="Ensrud et al. 1995, J Bone Miner Res 10:1778 (Study of Osteoporotic Fractures) [V abstract]",
        days=round(3.55 * YEAR),
        arms=tuple(Arm(f"woman {age:g}{user}", "postmenopausal",
                       {"patient.age_years": age, "patient.years_since_menopause": age - 50.0, **therapy})
                   for user, therapy in (("", {}), (_SOF_USER, {"drugs.menopausal_hormone_therapy": True}))
                   for age in (68.0, 87.0)),
        criteria=(
            Criterion("loss per year (g/cm2) at 85+ / at 67-69",
                      lambda runs: tuple(_absolute_loss_per_year(runs[arm]) for arm in ("woman 87", "woman 68")),
                      2.9, 6.2, "4.2 (10.4 / 2.5 mg/cm2/year)", "ratio",
                      "the ratio's range over the two groups' 95 % CIs (8.4 / 2.9 to 12.4 / 2.0); absolute rates, "
                      "as SOF reports them (a ratio has no unit, so the model's lumbar-calibrated g/cm2 stand for "
                      "the hip's); a ratio of the arms' mean losses over the seeds", ratio_of_means=True,
                      known_failure=_A4_RATIO_KNOWN_FAILURE),
            Criterion("loss per year (g/cm2), estrogen users / non-users (68 and 87 together)",
                      lambda runs: tuple(sum(_absolute_loss_per_year(runs[f"woman {age}{user}"]) for age in (68, 87))
                                         for user in (_SOF_USER, "")),
                      0.5, 0.8, "a third less (0.67)", "ratio",
                      "'a third less' with no CI in the abstract, read as a fifth to a half less; users on standard-"
                      "dose therapy since the final period (drugs.menopausal_hormone_therapy on day 0), non-users the "
                      "row's women; a ratio of the arms' mean losses over the seeds", ratio_of_means=True,
                      known_failure=_SOF_USERS_KNOWN_FAILURE),
        ),
        grid=64, quick_grid=48, min_seeds=BMD_ROW_SEEDS,
        plot_columns=("bmd_change_pct",),
        notes="Women whose final period came at 50, each starting from her own life course (docs/ODD.md section 5). "
              "Independent of row A1 (men, MrOS), which it tests in the other sex: the age laws are shared. The "
              "estrogen users took menopausal hormone therapy from their final period on "
              "(calcium_abm.physiology.hormone_therapy; nothing in the model was set from SOF).",
    ),
)

AGEING_NOT_EXPRESSIBLE: tuple[NotExpressible, ...] = ()

_MEN, _WOMEN = (lambda p: p["patient.sex"] == "male"), (lambda p: p["patient.sex"] == "female")

POPULATION_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        row="A2",
        title="Ageing men and women >= 60: femoral-neck loss, faster with age (Dubbo)",
        finding="Femoral-neck loss 0.96 %/year (95 % CI 0.64-1.28) in women and 0.82 %/year (0.52-1.12) in men "
                "aged 60+, over a mean scan interval of 2.5 years; the rate of loss increased with age in both "
                "sexes (lumbar spine: no significant loss, attributed to osteoarthritis)",
        source="Jones et al. 1994, BMJ 309:691 (Dubbo Osteoporosis Epidemiology Study, n = 769)",
        days=3 * YEAR,
        arms=DUBBO.arms,
        criteria=(
            Criterion("men: BMD loss per year over 2.5 years (population mean)",
                      mean_by_group(DUBBO, _MEN, _fn_loss_per_year), 0.52, 1.12, "0.82 %/year", "%/year",
                      "the published 95 % CI"),
            Criterion("women: BMD loss per year over 2.5 years (population mean)",
                      mean_by_group(DUBBO, _WOMEN, _fn_loss_per_year), 0.64, 1.28, "0.96 %/year", "%/year",
                      "the published 95 % CI", known_failure=A2_WOMEN_KNOWN_FAILURE),
            Criterion("loss per year at 72-80 minus at 60-68 (both sexes)",
                      lambda runs: (mean_by_group(DUBBO, lambda p: p["patient.age_years"] >= 72,
                                                  _fn_loss_per_year)(runs)
                                    - mean_by_group(DUBBO, lambda p: p["patient.age_years"] < 68,
                                                    _fn_loss_per_year)(runs)),
                      0.0, None, "positive (loss rises with age)", "%/year", "the sign Dubbo reports"),
        ),
        grid=64, quick_grid=32,
        plot_columns=("bmd_change_pct",),
        notes=f"{len(DUBBO.arms)} virtual patients drawn with the cohort machinery (seeds 694-695): 30 men, "
              "30 women, age "
              "uniform 60-80 (assumption: Dubbo's mean age ~70), women postmenopausal since "
              f"{AGE_AT_FMP_YEARS:g}, every person-level trait from its documented distribution. The model's "
              "trabecular BMD stands for femoral-neck DXA (a proxy, as row A1). Each person runs at the "
              "validation's seeds (5): a 64 x 64 section's loss over 2.5 years varies from seed to seed, so a "
              "population mean moved by ~0.34 %/year between 2 seeds (2026-12-02), as much as the band's "
              "half-width; 5 seeds put its 95 % CI at about +-0.2.",
    ),
    Experiment(
        row="A4",
        title="Lumbar-spine BMD by age and sex across a population (NHANES)",
        finding="Lumbar-spine BMD at 61-80 y relative to 21-30 y: women 0.952 (SD 0.142) at 61-70 and 0.902 "
                "(0.167) at 71-80 vs 1.064 (0.106) at 21-30; men 1.070 (0.142) and 1.068 (0.177) vs 1.057 "
                "(0.110): spine BMD falls with age in women, not in men, and spreads wider with age",
        source="NHANES 2005-2008 as tabulated in Varatharajan 2026 Front Endocrinol 17:1748490 (PMC12995607, "
               "Table 3); Looker et al. 2012, Osteoporos Int 23:1351",
        days=round((80 - BONE_LIFE_COURSE_START_YEARS) * YEAR),
        arms=NHANES_BMD.arms,
        criteria=(
            Criterion("women 61-80: mean BMD / the same women's mean at 30", _bmd_ratio_to_young("female"),
                      0.82, 0.92, "0.87 (0.927 / 1.064)", "ratio",
                      "±0.05 (about half a young-adult SD)"),
            Criterion("women 61-80: coefficient of variation of BMD", _bmd_cv("female"), 0.13, 0.21,
                      "~0.17 (SD 0.142-0.167 around 0.90-0.95)", "-", "±0.04"),
            Criterion("men 61-80: mean BMD / the same men's mean at 30", _bmd_ratio_to_young("male"),
                      0.96, 1.06, "1.01 (1.069 / 1.057)", "ratio", "±0.05 (about half a young-adult SD)"),
            Criterion("men 61-80: coefficient of variation of BMD", _bmd_cv("male"), 0.11, 0.19,
                      "~0.15 (SD 0.142-0.177 around 1.07)", "-", "±0.04"),
        ),
        grid=32, quick_grid=32, max_seeds=1, record_every_days=365,  # a 24 x 24 section adds its own noise
        # to each person's BMD, which a CV between people counts (women's CV 0.212 at 24 x 24, 0.201 at 32 x 32)
        plot_columns=("bmd_change_pct",),
        notes=f"{len(NHANES_BMD.arms)} virtual people drawn with the cohort machinery (seeds 1351-1352): 20 men, "
              "20 women, age at the scan uniform 61-80, every person-level trait from its documented "
              f"distribution. Each skeleton is simulated from {BONE_LIFE_COURSE_START_YEARS:g} (its peak, the "
              f"peak_bone_mass trait) to the age of the scan (a run starting at {BONE_LIFE_COURSE_START_YEARS:g} "
              "has no life-course start, docs/ODD.md section 5, so no decade is counted twice); a woman's final "
              f"period comes at {AGE_AT_FMP_YEARS:g}. "
              "A person's remodeling_balance wanders around the population median (patient.remodeling_balance_"
              "varies: an Ornstein-Uhlenbeck process with the trait's own SD and a 2-year correlation time, "
              "person_traits.wandering_trait_step), as longitudinal cohorts find individual loss rates unstable "
              "(Pouilles 1996 Osteoporos Int 6:320; Wakayama, KAKEN 13670383): a lifelong constant compounded "
              "every deviation over 30-50 years (women's CV 0.275). The reading at the scan is what lumbar-spine "
              "DXA sees of the section (skeleton.spine_dxa_bmd_g_cm2): the section's volumetric BMD x the "
              "vertebra's depth, grown with its cross-sectional area (+15 % over life, Riggs 2004 J Bone Miner "
              "Res 19:1945; Ruhling 2024 Front Endocrinol 15:1352048), plus osteophyte mineral (men +0.17 "
              "g/cm2, Orwoll 1990 J Clin Endocrinol Metab 70:1202; women +0.13 from Liu 1997) in the people "
              "drawn to have osteophytes (one "
              "uniform draw per person, seed 1358, against the prevalence at 60+: men 75 %, women 61.1 %, Liu "
              "1997 Osteoporos Int 7:564); the trabecular readouts of rows A1-A3 and 20 stay volumetric. "
              "Nothing about BMD at the scan is drawn: the fall and its spread come from the age, sex and "
              "menopause laws and the traits acting through the rules, and the reading from the DXA readout. "
              "Ratios to the same people at 30 compare shapes, not the model's absolute BMD scale "
              "(reference_bmd_g_cm2). One seed, a 32 x 32 bone section: the spread is between people. The "
              "peak_bone_mass trait's spread was set from the young-adult NHANES SD (person_traits), so only "
              "the older spread is a prediction; the remodeling_balance spread and correlation time come from "
              "longitudinal loss-rate spreads (Melton 2000, Cawthon 2009, Pouilles 1996), not from this row. "
              "Sensitivity: the typical woman and man alone (no trait spread, no DXA readout) read 0.80 and "
              "0.91 of their BMD at 30 over 61-80 y (trabecular loss from 30 on, as QCT finds: Riggs 2008 J "
              "Bone Miner Res 23:205); docs/design/person.md gives the correlation-time sensitivity.",
    ),
    Experiment(
        row="21",
        title="Coronary calcium across a population, by sex (Heinz Nixdorf Recall)",
        finding="Agatston percentiles at ages 45-74: men 25/50/75/90th 2.3/41/193/557, women 25/50/75/90th "
                "0/1.0/24.5/140 (CAC > 0 in 82 % of the men and 55 % of the women)",
        source="Erbel et al. 2014, Eur Heart J 35:2960 (Heinz Nixdorf Recall, 1633 men, 1848 women; Table 1: "
               "women grouped 0-50th because their 25th percentile is 0); Greenland et al. 2018, J Am Coll "
               "Cardiol 72:434, Table 1 (HNR: CAC > 0 in 82 % of men, 55 % of women); CAC by dp-ucMGP: Shea et al. 2011, "
               "J Nutr 141:1529",
        days=round((75 - LIFE_COURSE_START_YEARS) * YEAR),
        arms=HEINZ_NIXDORF.arms,
        criteria=(
            _cac_criterion("male", 25, 2.3, known_failure=_MEN_ZEROS),
            _cac_criterion("male", 50, 41.0),
            _cac_criterion("male", 75, 193.0),
            _cac_criterion("male", 90, 557.0),
            _cac_criterion("female", 50, 1.0),
            _cac_criterion("female", 75, 24.5),
            _cac_criterion("female", 90, 139.8),
            Criterion("people 60-75: ln(score + 1), median in the top quartile of dp-ucMGP minus in the other three",
                      top_quartile_log_contrast(HEINZ_NIXDORF, lambda p: p["patient.age_years"] >= 60.0,
                                                "dp_ucmgp_pmol_l", CAC_COLUMN),
                      -CAC_LOG_BAND, CAC_LOG_BAND, "no difference (CAC by ucMGP quartile: P = 0.35)", "ln(AU + 1)",
                      f"Shea et al. 2011, J Nutr 141:1529 (438 community-dwelling adults 60-80 y): CAC did not differ "
                      f"by plasma ucMGP quartile, while vitamin K status did; read as the top quartile's median within "
                      f"the row's factor on CAC + 1 (±{CAC_LOG_BAND:g} in ln) of the others'"),
        ),
        grid=16, quick_grid=16, max_seeds=1, record_every_days=30,
        plot_columns=(CAC_COLUMN,),
        notes=f"{len(HEINZ_NIXDORF.arms)} virtual people drawn with the cohort machinery in "
              f"{len(HNR_AGE_STRATA_YEARS)} 5-year age strata of {HNR_PER_STRATUM} men and {HNR_PER_STRATUM} women "
              f"each (batch seeds {HNR_SEED}-{HNR_SEED + 2 * len(HNR_AGE_STRATA_YEARS) - 1}): age at the scan "
              "45-75 evenly covered, every person-level trait from its documented distribution. Each "
              f"life course is simulated from {LIFE_COURSE_START_YEARS:g} (media free of mineral) to the age of "
              "the scan; the score is read on the last day. Nothing about the score is drawn: its spread comes "
              "from age, sex, menopause and the traits acting through the rules. One seed: the spread is "
              "between people, not between seeds. Small grids (16 x 16): only the vessel score is read. "
              "Sampling error: under the onset and growth laws alone (4,000 repeated draws of the former design "
              "of 10 per stratum, no media; 20 per stratum is expected to divide these SDs by about sqrt(2), not "
              "re-measured) the SD of a percentile in ln(CAC + 1) is 0.73 for the men's median and the women's "
              "75th and "
              "0.38-0.49 for the upper percentiles (0.24-0.36 before the growth spread of task cac5); the share of "
              "draws inside each band is men 25th 3 %, 50th 59 %, 75th 93 %, 90th 92 %, women 50th 100 %, 75th 70 "
              "%, 90th 84 % (one rate for everyone: 4 / 70 / 82 / 98 / 99 / 51 / 78 %). With 10 per stratum this "
              "draw gave men 0 / 32.1 / 170 / 299 and women 0 / 30.4 / 297.5 AU (the women's 90th a known failure "
              "until 2026-12-02); a second draw of that size (batch seeds 7000-7011, simulated) gave men "
              "0 / 18.0 / 270 / 1150 and women 0 / 20.8 / 123 AU, dp-ucMGP "
              "contrast 0.63 (before the vessel carboxylation was recalibrated: 0.06 / 19.8 / 296 / 1277 and "
              "0.52 / 25.2 / 206). The bands "
              "(+-0.7) are not widened for it. "
              "Independent of this study: the intima's onset ages come from CARDIA (Carr 2017) and Wong 1994, "
              "the median person's growth from MESA's median change (Kronmal 2007) and its spread between people "
              "(the wall_plaque_growth trait) from MESA's SD of the annual change (Budoff 2013); every percentile "
              "is a prediction.",
    ),
)

AGEING_EXPERIMENTS = AGEING_EXPERIMENTS + POPULATION_EXPERIMENTS
