"""Validation rows on kidney disease (issue 11; design note section 10): K1 (PTH rises as GFR
falls), K2 (CKD 4-5 phosphate and calcitriol with calcium not high), K3 (dp-ucMGP on
haemodialysis with and without a vitamin K antagonist), K4 (a 10-year GFR decline against
OpenBoneMin's ``sim_2h``), K5 (CKD 4-5 bone loss at least that of a healthy person of the
same age), K6 (FGF23 rises before PTH and phosphate), C1 (a calcium supplement in healthy older
adults: serum calcium and phosphate stay put while PTH falls and urine calcium rises), C2 (the same
supplement's BMD effect: small, and not growing after the first year), Craver2007 (phosphate and calcium within the
K/DOQI ranges by CKD stage) and KEEP (calcium, phosphate and PTH from eGFR 55-59 to below 30). Part of the table of
:mod:`calcium_abm.validation.experiments`, in the same vocabulary (:mod:`calcium_abm.validation.design`).
"""

from __future__ import annotations

from calcium_abm.physiology.kidney import CALCIUM_MG_PER_MMOL, GFR_ML_PER_MIN_BY_CKD_STAGE, PHOSPHORUS_MG_PER_MMOL
from calcium_abm.validation.design import (BMD_ROW_SEEDS, WEEK, YEAR, Arm, Criterion, Experiment, Runs, pct_vs_control,
                                          pp_difference)

__all__ = ["KIDNEY_EXPERIMENTS", "window_mean", "ratio_of_means", "difference_of_means", "predialysis_mean",
           "rise_over_rise"]


def window_mean(name: str, arm: str, from_day: float, to_day: float):
    """Mean of ``name`` in ``arm`` over days ``from_day < day <= to_day`` (hormones and serum
    values are read as clinic averages, not single days; dialysis makes phosphate swing)."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        window = frame[(frame["day"] > from_day) & (frame["day"] <= to_day)]
        if window.empty:
            raise ValueError(f"no recorded day in ({from_day}, {to_day}] for {arm}")
        return float(window[name].mean())
    return measure


def predialysis_mean(name: str, arm: str, from_day: float, to_day: float, sessions_per_week: float = 3.0):
    """Mean of ``name`` in ``arm`` over the PRE-dialysis rows of days ``from_day < day <= to_day``
    (:func:`calcium_abm.physiology.minerals.predialysis_rows`): clinics sample before the session."""
    from calcium_abm.physiology.minerals import predialysis_rows

    def measure(runs: Runs) -> float:
        frame = runs[arm]
        window = frame[(frame["day"] > from_day) & (frame["day"] <= to_day)]
        window = window[predialysis_rows(window["day"], sessions_per_week)]
        if window.empty:
            raise ValueError(f"no pre-dialysis day in ({from_day}, {to_day}] for {arm}")
        return float(window[name].mean())
    return measure


def ratio_of_means(name: str, arm: str, control: str, from_day: float, to_day: float):
    """``window_mean`` of ``arm`` / that of ``control`` over the same days."""
    a, b = window_mean(name, arm, from_day, to_day), window_mean(name, control, from_day, to_day)
    return lambda runs: a(runs) / b(runs)


def difference_of_means(name: str, arm: str, control: str, from_day: float, to_day: float):
    """``window_mean`` of ``arm`` minus that of ``control`` over the same days, in the column's unit."""
    a, b = window_mean(name, arm, from_day, to_day), window_mean(name, control, from_day, to_day)
    return lambda runs: a(runs) - b(runs)


def rise_over_rise(first: str, second: str, arm: str, control: str, from_day: float, to_day: float):
    """How much further ``first`` rose than ``second`` between ``control`` and ``arm``: (``first``'s
    :func:`ratio_of_means`) / (``second``'s), over the same days; above 1 when ``first`` rose more."""
    a, b = ratio_of_means(first, arm, control, from_day, to_day), ratio_of_means(second, arm, control, from_day, to_day)
    return lambda runs: a(runs) / b(runs)


def _fgf23_first(gfr: int, reason: str) -> Criterion:
    """K6: FGF23's rise over PTH's at GFR ``gfr`` against GFR 90, year 2 (above 1: FGF23 rose first)."""
    return Criterion(f"FGF23 rise / PTH rise, GFR {gfr} vs GFR 90 (year 2)",
                     rise_over_rise("fgf23_relative", "pth_pmol_l", f"GFR {gfr}", "GFR 90", *_LAST_YEAR),
                     1.0, None, "FGF23 first", "ratio", reason)


def _gfr(value: float) -> dict:
    return {"kidney.residual_gfr_ml_per_min": value}


def _decline(end: float) -> dict:
    return {"kidney.gfr_end_ml_per_min": end, "kidney.gfr_decline_years": 10.0}


_LAST_YEAR = (YEAR, 2 * YEAR)
_AGE60 = {"patient.age_years": 60.0}

_RUN_IN = YEAR  # a year on the habitual diet: the arms settle on the person's own steady state first
_WEEKS_12_TO_16 = (_RUN_IN + 12 * WEEK, _RUN_IN + 16 * WEEK)
_OLDER_WOMAN = {"patient.age_years": 70.0, "patient.sex": "female", "patient.postmenopausal": True,
                "patient.years_since_menopause": 19.0, "diet.calcium_mg_per_day": 700.0}
_OLDER_MAN = {"patient.age_years": 65.0, "diet.calcium_mg_per_day": 800.0}
#: C2's participants: most supplement trials studied community-dwelling women under 70 (Tai 2015)
_WOMAN_65 = {"patient.age_years": 65.0, "patient.sex": "female", "patient.postmenopausal": True,
             "patient.years_since_menopause": 14.0, "diet.calcium_mg_per_day": 700.0}


_CALCITRIOL_BLIND = (
    "issue 10: calcitriol barely follows dietary calcium: calcitriol_pth_exponent 0.11 (OpenBoneMin's Hill "
    "exponent, used as a power) moves it by ~1 % where PTH moves by 20-60 %, and on the supplement the gut's "
    "calcium-phosphate binding lowers phosphate and FGF23, which raise it (published x1.46 after 4 days of "
    "deprivation). Tried 2026-12-02 (ODD section 8): a power of 0.3-0.5 with a calcium suppression of "
    "1-alpha-hydroxylase turns it down (x0.94-0.96) but fails row A1 (loss at 85 / at 65: 1.3-1.6 against >= 1.8) "
    "and takes away the woman of 60's extra bone loss; a power of 0.3 alone leaves it at x1.00; a weaker dietary "
    "FGF23 response (power 0.3, Burnett 2006) with it passes C1 (x0.94) but lowers phosphate on the supplement and "
    "fails rows A1, 20b and C2. Examined 2026-12-05, not tried: OpenBoneMin's slow 1-alpha-hydroxylase pool "
    "(Peterson & Riggs 2010: elimination T64 0.05/h, half-life 14 h; calcitriol T69 0.10/h, 7 h; calcitriol's "
    "plasma half-life is hours, J Lab Clin Med 1985 105:239) is quasi-steady within a day, so it moves only the "
    "first day, not the week 12-16 means, and its Hill form (T67 1.55 over a reference 3.85 pmol/L, gamma 0.111) "
    "gives x0.99 for this row's PTH x0.83, less than the power 0.11 here; Adams, Gray & Lemann 1979 saw x0.55 "
    "within 18-24 h on CaCO3, so the missing piece is a larger steady sensitivity, not a time constant")


#: mg/dL -> mmol/L: 10 dL/L over the molar mass (phosphorus 30.97, calcium 40.08 g/mol; physiology.kidney)
_P_MG_DL, _CA_MG_DL = 10.0 / PHOSPHORUS_MG_PER_MMOL, 10.0 / CALCIUM_MG_PER_MMOL
#: KEEP's means from eGFR 55-59 to below 30: PTH (pg/mL), phosphorus and calcium (mg/dL)
_KEEP_PTH, _KEEP_P, _KEEP_CA = (66.3, 164.0), (3.70, 4.15), (9.55, 9.34)
_KEEP_PTH_RATIO = _KEEP_PTH[1] / _KEEP_PTH[0]
_KEEP_P_RISE, _KEEP_CA_FALL = (_KEEP_P[1] - _KEEP_P[0]) * _P_MG_DL, (_KEEP_CA[1] - _KEEP_CA[0]) * _CA_MG_DL
#: the model's representative GFR of CKD stages 3, 4 and 5 (kidney.GFR_ML_PER_MIN_BY_CKD_STAGE, as rows K2 and K4)
_STAGE_GFR = {stage: GFR_ML_PER_MIN_BY_CKD_STAGE[stage] for stage in (3, 4, 5)}
#: KEEP's top eGFR band, 55 to < 60 mL/min/1.73 m2
_KEEP_TOP_GFR = 57.0
_KEEP_PHOSPHATE_AT_THE_EDGE = (
    "issue 10: the model's phosphate rises about half as much as KEEP's from GFR 57 to 22, and the mean sits on the "
    "band's lower edge (0.0727): 0.072 [0.051, 0.094] mmol/L (5 seeds, 2026-12-06), so a 5-seed verdict is a draw. "
    "Before uraemic anorexia (dialysis.mineral_intake_share) it sat on the upper edge (0.29, a known failure at 60 "
    "seeds); the calcium and phosphorus eaten at GFR 22 (0.71 of the diet) set it now. Ikizler 1995's groups are by "
    "creatinine clearance, which overstates GFR in advanced CKD, so in GFR the anorexia would start lower and this "
    "rise be larger; not changed for this row")
_CALCIUM_FALLS_TOO_LITTLE = (
    "issue 10: from GFR 57 to 22 the model's serum calcium falls by 0.018 mmol/L [0.004, 0.032] (5 seeds, "
    "2026-12-06), a third of KEEP's 0.052. It rose by 0.066 until uraemic anorexia (dialysis.mineral_intake_share: "
    "less calcium and phosphorus eaten below GFR 53, Ikizler 1995) took calcium at GFR 10 from 2.41 to 2.30 mmol/L "
    "(row Craver2007 now passes), but at GFR 22 the person still eats 0.71 of the diet and the kidney sets "
    "steady-state calcium (docs/ODD.md section 8: with fewer nephrons the same urine needs a higher serum calcium "
    "unless the tubule sees less PTH), while from GFR 57 to 22 the gland's capacity grows with falling calcitriol "
    "about as fast as PTH. Tried 2026-12-05 before the anorexia, not kept (validate --rows, 5 seeds; GFR-10 calcium, "
    "GFR 22 - 57 difference): fractional calcium excretion rising per nephron apart from PTH "
    "(urine_calcium_gfr_exponent 0.5): 2.36, +0.033; more renal PTH resistance (renal_pth_resistance_gfr_exponent "
    "1.25): 2.27, -0.006, but K4's PTH at GFR 10 x6.02 (band to 5.74); skeletal PTH resistance "
    "(bone_fluid_pth_calcitriol_exponent 2): 2.39, +0.060"
)


def _within(name: str, gfr: float, low: float, high: float, share: str, range_text: str) -> Criterion:
    """Craver2007: the stage's year-2 mean of ``name`` within the K/DOQI range (mmol/L); more than half the
    patients within it puts their median within it."""
    return Criterion(f"serum {name.split('_')[1]} at GFR {gfr:g} (year 2)",
                     window_mean(name, f"GFR {gfr:g}", *_LAST_YEAR),
                     low, high, f"within {range_text} in {share} %", "mmol/L",
                     f"K/DOQI 2003's {range_text} in mmol/L; {share} % within it, so the median patient is")


def _supplement_criteria(who: str) -> tuple[Criterion, ...]:
    """C1's five effects for one sex: the supplemented arm against its placebo, weeks 12-16."""
    arm, control = f"{who} + calcium 1000 mg", f"{who} placebo"
    return (
        Criterion(f"serum calcium, supplement - placebo ({who})",
                  difference_of_means("serum_calcium_mmol_l", arm, control, *_WEEKS_12_TO_16),
                  -0.05, 0.05, "unchanged", "mmol/L",
                  "no significant change in total (or ionised) calcium in any of the trials; +-0.05 mmol/L is about "
                  "half a population SD, within their power"),
        Criterion(f"PTH, supplement / placebo ({who})",
                  ratio_of_means("pth_pmol_l", arm, control, *_WEEKS_12_TO_16),
                  0.65, 0.95, "x0.84 (50.1 -> 41.9 pg/mL)", "ratio",
                  "falls by 5-35 %: -16 % at 1000 mg/day for 4 weeks (Kochersberger 1990), -19 % at 1600 mg/day "
                  "(Riggs 1998), -25 % at 1200 mg/day (Reid, men)"),
        Criterion(f"calcitriol, supplement / placebo ({who})",
                  ratio_of_means("calcitriol_relative", arm, control, *_WEEKS_12_TO_16),
                  0.55, 0.97, "down", "ratio",
                  "lower in every study: 2 g/day for 16 weeks (J Hypertens 1995) and +2 g/day for 6-7 weeks (Eur J "
                  "Clin Invest 1988, doi 10.1111/j.1365-2362.1988.tb01165.x); the floor is 4 days of 1.5-5 g/day of "
                  "calcium carbonate, 84 -> 46 pmol/L (Adams, Gray & Lemann 1979 J Clin Endocrinol Metab 48:1008)",
                  _CALCITRIOL_BLIND),
        Criterion(f"serum phosphate, supplement - placebo ({who})",
                  difference_of_means("serum_phosphate_mmol_l", arm, control, *_WEEKS_12_TO_16),
                  -0.1, 0.1, "unchanged", "mmol/L", "no significant change in plasma phosphate"),
        Criterion(f"urine calcium, supplement - placebo ({who})",
                  difference_of_means("urine_calcium_mg_per_day", arm, control, *_WEEKS_12_TO_16),
                  20.0, 150.0, "rises: +18 % (Ca/creatinine); 6-8 % of an intake increment", "mg/day",
                  "a modest rise: 2-15 % of the extra 1000 mg"),
    )


def _supplement_gain(site: str, column: str, years: int, low: float, high: float, expected: str,
                     reason: str) -> Criterion:
    """C2: the supplemented woman's BMD at ``site`` relative to her placebo twin's, ``years`` after the start."""
    return Criterion(f"{site}: supplement vs placebo at {years} year{'s' if years > 1 else ''}",
                     pct_vs_control(column, _RUN_IN + years * YEAR, "calcium 1000 mg", "placebo"),
                     low, high, expected, "%", reason)


KIDNEY_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        row="K1",
        title="Secondary hyperparathyroidism: PTH rises as GFR falls",
        finding="iPTH >= 70 pg/mL in 8.2 / 19.3 / 38.3 % at eGFR >= 60 / 45-59 / 30-44: with one log-normal SD, "
                "geometric-mean PTH x1.26 at 45-59 and x1.62 at 30-44 of the >= 60 group",
        source="NHANES 2003-04, Muntner et al. 2009 (PMC2615703); ratios computed in the design note section 6",
        days=2 * YEAR,
        arms=(Arm("GFR 90", settings={**_AGE60, **_gfr(90.0)}), Arm("GFR 52", settings={**_AGE60, **_gfr(52.0)}),
              Arm("GFR 37", settings={**_AGE60, **_gfr(37.0)})),
        criteria=(
            Criterion("PTH at GFR 52 / PTH at GFR 90 (year 2)", ratio_of_means("pth_pmol_l", "GFR 52", "GFR 90",
                                                                              *_LAST_YEAR),
                      1.05, 1.55, "x1.26", "ratio", "design note section 10: x1.26 with the NHANES spread"),
            Criterion("PTH at GFR 37 / PTH at GFR 90 (year 2)", ratio_of_means("pth_pmol_l", "GFR 37", "GFR 90",
                                                                              *_LAST_YEAR),
                      1.3, 2.1, "x1.62", "ratio", "design note section 10"),
        ),
        grid=32, quick_grid=16,
        plot_columns=("pth_pmol_l", "parathyroid_gland_capacity", "calcitriol_relative", "serum_calcium_mmol_l"),
        notes="Steady kidneys at a measured GFR (kidney.residual_gfr_ml_per_min) from the kidney-hormone loop's "
              "steady state; PTH follows from FGF23, calcitriol, the slowly adapting gland and serum calcium.",
    ),
    Experiment(
        row="K2",
        title="CKD 4-5: high phosphate, low calcitriol, calcium not high",
        finding="Hyperphosphataemia only at eGFR < 30; calcitriol 58 vs 120 pmol/L in CKD 3-5 vs controls, falling "
                "with eGFR; serum calcium normal or low",
        source="Gutierrez et al. 2005 J Am Soc Nephrol 16:2205; Nephron Clin Pract 107:c109; KDIGO CKD-MBD",
        days=2 * YEAR,
        arms=(Arm("GFR 60", settings={**_AGE60, **_gfr(60.0)}), Arm("GFR 22", settings={**_AGE60, **_gfr(22.0)}),
              Arm("GFR 10", settings={**_AGE60, **_gfr(10.0)})),
        criteria=(
            Criterion("serum phosphate at GFR 10", window_mean("serum_phosphate_mmol_l", "GFR 10", *_LAST_YEAR),
                      1.45, None, "hyperphosphataemia", "mmol/L", "above the normal upper limit 1.45 mmol/L"),
            Criterion("serum phosphate at GFR 22", window_mean("serum_phosphate_mmol_l", "GFR 22", *_LAST_YEAR),
                      None, 1.6, "normal to mildly high", "mmol/L", "design note section 10"),
            Criterion("calcitriol at GFR 22 (relative)", window_mean("calcitriol_relative", "GFR 22", *_LAST_YEAR),
                      None, 0.7, "0.49 of controls in CKD 3-5", "-", "below 0.7 of normal below GFR 30"),
            Criterion("calcitriol GFR 22 / GFR 60", ratio_of_means("calcitriol_relative", "GFR 22", "GFR 60",
                                                                   *_LAST_YEAR),
                      None, 0.95, "falls with eGFR", "ratio", "lower at 22 than at 60 by more than 5 %"),
            Criterion("serum calcium at GFR 10", window_mean("serum_calcium_mmol_l", "GFR 10", *_LAST_YEAR),
                      2.0, 2.6, "normal or low", "mmol/L", "not high (issue 11: it was 2.70)"),
            Criterion("serum calcium at GFR 22", window_mean("serum_calcium_mmol_l", "GFR 22", *_LAST_YEAR),
                      2.0, 2.6, "normal", "mmol/L", "normal range"),
        ),
        grid=32, quick_grid=16,
        plot_columns=("serum_phosphate_mmol_l", "calcitriol_relative", "fgf23_relative", "serum_calcium_mmol_l"),
        notes="Steady kidneys at GFR 60, 22 and 10 mL/min, usual diet (1200 mg/day phosphorus), no binders.",
    ),
    Experiment(
        row="K3",
        title="Haemodialysis: dp-ucMGP without and with a vitamin K antagonist; pre-dialysis phosphate",
        finding="dp-ucMGP median 1939 [IQR 1419-2841] pmol/L without and 5604 [3758-7836] with a VKA",
        source="Delanaye et al. 2014, BMC Nephrol 15:145; phosphate: Isakova et al. 2009 J Am Soc Nephrol 20:388",
        days=2 * YEAR,
        arms=(Arm("HD", "haemodialysis"), Arm("HD + warfarin 5 mg", "haemodialysis",
                                              {"drugs.warfarin_mg_per_day": 5.0})),
        criteria=(
            Criterion("dp-ucMGP on haemodialysis (year 2)", window_mean("dp_ucmgp_pmol_l", "HD", *_LAST_YEAR),
                      1419, 2841, "1939 pmol/L (median)", "pmol/L", "the cohort's interquartile range"),
            Criterion("dp-ucMGP on haemodialysis + VKA (year 2)",
                      window_mean("dp_ucmgp_pmol_l", "HD + warfarin 5 mg", *_LAST_YEAR),
                      3758, 7836, "5604 pmol/L (median)", "pmol/L", "the cohort's interquartile range"),
            Criterion("pre-dialysis serum phosphate on haemodialysis (year 2)",
                      predialysis_mean("serum_phosphate_mmol_l", "HD", *_LAST_YEAR),
                      1.19, 1.81, "4.6 mg/dL = 1.49 mmol/L (median)", "mmol/L",
                      "quartile cut points 3.7 / 4.6 / 5.6 mg/dL of incident HD patients (Isakova 2009 J Am Soc "
                      "Nephrol 20:388); means 4.8-5.5 mg/dL by residual GFR (Penne 2010, 569 HD patients)"),
        ),
        grid=32, quick_grid=16,
        plot_columns=("dp_ucmgp_pmol_l", "serum_phosphate_mmol_l", "pth_pmol_l", "vessel_calcification_mg"),
        notes="The built-in haemodialysis scenario (3 x 4 h a week, residual GFR 3, sevelamer, K1 60 ug/day), "
              "with warfarin 5 mg/day in the second arm from the start.",
    ),
    Experiment(
        row="K6",
        title="FGF23 rises before PTH and phosphate as GFR falls",
        finding="FGF23 is raised in early CKD, before PTH and serum phosphate: in 3879 adults with CKD 2-4 "
                "(CRIC) FGF23 rose from a higher eGFR than PTH did, high FGF23 was more common than secondary "
                "hyperparathyroidism or hyperphosphataemia at every eGFR, and mean phosphate stayed normal; in 464 "
                "children (CKiD, median GFR 45) FGF23 was above normal in 67 % before PTH and phosphorus rose",
        source="Isakova et al. 2011 Kidney Int 79:1370 (CRIC); Portale et al. 2014 Clin J Am Soc Nephrol 9:344 "
               "(CKiD) [V abstracts]",
        days=2 * YEAR,
        arms=(Arm("GFR 90", settings={**_AGE60, **_gfr(90.0)}), Arm("GFR 60", settings={**_AGE60, **_gfr(60.0)}),
              Arm("GFR 45", settings={**_AGE60, **_gfr(45.0)})),
        criteria=(
            _fgf23_first(60, "FGF23 has risen further than PTH at the edge of CKD 3 (Isakova 2011: its rise "
                             "begins at a higher eGFR)"),
            _fgf23_first(45, "still ahead of PTH at the CKiD cohort's median GFR (Portale 2014)"),
            Criterion("serum phosphate at GFR 45 (year 2)",
                      window_mean("serum_phosphate_mmol_l", "GFR 45", *_LAST_YEAR),
                      None, 1.45, "normal", "mmol/L",
                      "below the normal upper limit 1.45 mmol/L (4.5 mg/dL) while FGF23 is raised"),
        ),
        grid=32, quick_grid=16,
        plot_columns=("fgf23_relative", "pth_pmol_l", "serum_phosphate_mmol_l", "calcitriol_relative"),
        notes="Steady kidneys at a measured GFR (kidney.residual_gfr_ml_per_min), a man of 60, usual diet; each "
              "hormone's rise is its year-2 mean over that of GFR 90. The model has FGF23 as a multiple of normal, "
              "not in RU/mL, so the row compares rises, not concentrations. Added as a finding the model was not "
              "calibrated to (fgf23_nephron_load_exponent's form names Isakova 2011 for the direction only).",
    ),
    Experiment(
        row="K4",
        title="GFR declining over 10 years (OpenBoneMin sim_2h)",
        finding="GFR 100 -> 45 / 22 / 10 mL/min over 10 years: PTH x1.5 / x3.5 / x4.1 of its start "
                "(5.9 / 13.5 / 15.7 from 3.85 pmol/L), LS BMD -7 / -12.8 / -13.2 %",
        source="Peterson & Riggs 2010 Bone 46:49, OpenBoneMin sim_2h (science brief §6, K4)",
        days=10 * YEAR,
        arms=(Arm("healthy 60", settings=_AGE60), Arm("to 45", settings={**_AGE60, **_decline(45.0)}),
              Arm("to 22", settings={**_AGE60, **_decline(22.0)}), Arm("to 10", settings={**_AGE60, **_decline(10.0)})),
        criteria=(
            Criterion("PTH in year 10, GFR to 45 / healthy of the same age",
                      ratio_of_means("pth_pmol_l", "to 45", "healthy 60", 9 * YEAR, 10 * YEAR),
                      0.9, 2.1, "x1.5", "ratio", "±40 % of OpenBoneMin (design note section 10)"),
            Criterion("PTH in year 10, GFR to 22 / healthy of the same age",
                      ratio_of_means("pth_pmol_l", "to 22", "healthy 60", 9 * YEAR, 10 * YEAR),
                      2.1, 4.9, "x3.5", "ratio", "±40 % of OpenBoneMin"),
            Criterion("PTH in year 10, GFR to 10 / healthy of the same age",
                      ratio_of_means("pth_pmol_l", "to 10", "healthy 60", 9 * YEAR, 10 * YEAR),
                      2.46, 5.74, "x4.1", "ratio", "±40 % of OpenBoneMin"),
            Criterion("BMD change at 10 years, GFR to 10 minus healthy",
                      pp_difference("bmd_change_pct", 10 * YEAR, "to 10", "healthy 60"),
                      None, 0.0, "-13.2 % (OpenBoneMin, no ageing)", "percentage points",
                      "at least the loss of a healthy person of the same age"),
        ),
        grid=32, quick_grid=16,
        plot_columns=("gfr_ml_per_min", "pth_pmol_l", "serum_phosphate_mmol_l", "bmd_change_pct"),
        notes="A 60-year-old man whose GFR (kidney.gfr_end_ml_per_min, gfr_decline_years = 10) falls "
              "exponentially from its age value as in OpenBoneMin. OpenBoneMin has no ageing, so its PTH ratio "
              "to its start is compared with the ratio to a healthy man of the same age over the same year "
              "(the model's own PTH also changes with age); OpenBoneMin has no FGF23 and no GFR term in "
              "1-alpha-hydroxylase, so its PTH rises later.",
    ),
    Experiment(
        row="K5",
        title="CKD 4-5 bone loss at least that of a healthy person of the same age",
        finding="Renal osteodystrophy: high-turnover bone loss in CKD 4-5 (secondary hyperparathyroidism), "
                "at least the age-related loss of a healthy person",
        source="issue 11; KDIGO CKD-MBD 2017 (high-turnover disease with SHPT) [S]",
        days=10 * YEAR,
        arms=(Arm("healthy 60", settings=_AGE60), Arm("CKD 4", "ckd_stage4"), Arm("CKD 5", "ckd_stage5")),
        criteria=(
            Criterion("BMD change at 10 years, CKD 4 minus healthy",
                      pp_difference("bmd_change_pct", 10 * YEAR, "CKD 4", "healthy 60"),
                      None, 0.0, "more loss", "percentage points", "at least the healthy loss"),
            Criterion("BMD change at 10 years, CKD 5 minus healthy",
                      pp_difference("bmd_change_pct", 10 * YEAR, "CKD 5", "healthy 60"),
                      None, 0.0, "more loss", "percentage points", "at least the healthy loss"),
        ),
        grid=48, quick_grid=24,
        plot_columns=("bmd_change_pct", "pth_pmol_l", "osteoclast_count"),
        notes="The built-in ckd_stage4 / ckd_stage5 scenarios (60-year-old man) against a healthy man of 60.",
    ),
    Experiment(
        row="C1",
        title="A calcium supplement in healthy older adults: PTH falls, serum calcium and phosphate stay put",
        finding="1000 mg/day calcium for 4 weeks: PTH 50.1 -> 41.9 pg/mL, urine calcium up, serum calcium unchanged; "
                "2 g/day for 16 weeks: PTH and calcitriol down, urine calcium up, total and ionised calcium and "
                "phosphate unchanged",
        source="Kochersberger et al. 1990 J Gerontol (1000 mg/day, 4 weeks, n = 40); J Hypertens 1995 13(8) (PMID "
               "8557965: 2 g/day, 16 weeks, 32 men); Riggs et al. 1998 J Bone Miner Res 13:168; Reid et al., Arch "
               "Intern Med (323 men) [V abstracts]; Trautvetter et al. 2016 Nutr J 15:7 (fasting phosphate); "
               "calcitriol: Adams, Gray & Lemann 1979 J Clin Endocrinol Metab 48:1008, Eur J Clin Invest 1988",
        days=_RUN_IN + 16 * WEEK, run_in_days=_RUN_IN,
        arms=(Arm("woman 70 placebo", settings=_OLDER_WOMAN),
              Arm("woman 70 + calcium 1000 mg", settings=_OLDER_WOMAN, start={"diet.calcium_mg_per_day": 1700.0}),
              Arm("man 65 placebo", settings=_OLDER_MAN),
              Arm("man 65 + calcium 1000 mg", settings=_OLDER_MAN, start={"diet.calcium_mg_per_day": 1800.0})),
        criteria=(*_supplement_criteria("woman 70"), *_supplement_criteria("man 65")),
        # the woman's serum calcium rise sits near its band's top (0.048-0.050 mmol/L at 40 seeds, 2026-12-07), where
        # a 5-seed mean's verdict was a draw (0.045 and 0.051 for two versions of the kidney whose 40-seed means agree)
        grid=64, quick_grid=32, min_seeds=40,
        plot_columns=("serum_calcium_mmol_l", "pth_pmol_l", "serum_phosphate_mmol_l", "urine_calcium_mg_per_day"),
        notes="Both arms of each pair are the same person on a usual diet (700 / 800 mg/day calcium) for a year's "
              "run-in; the supplement (1000 mg/day with meals) starts on the day after. Effects are the arms' means "
              "over weeks 12-16, as clinic averages. Nothing was fitted to this row.",
    ),
    Experiment(
        row="C2",
        title="A calcium supplement and BMD: a small increase, most of it in the first year",
        finding="Calcium supplements raise BMD by 0.7-1.8 % at every site at 1, 2 and > 2.5 years, the later "
                "increase no larger than the first year's (a remodeling transient): lumbar spine +1.2 % (95 % CI "
                "0.8-1.7) at 1 year, +1.0 (0.3-1.6) at > 2.5 years; total hip +1.4 (0.6-2.3) and +1.2 (0.5-1.9)",
        source="Tai et al. 2015 BMJ 351:h4183 (51 supplement trials, n = 12,257, participants > 50; Table 5, "
               "PMC4784773); Shea et al. 2002 Endocr Rev 23:552 (15 trials in postmenopausal women: after >= 2 years "
               "lumbar spine +1.66 % (95 % CI 0.92-2.39), hip +1.64 % (0.70-2.57)); within single 4-year trials a "
               "sustained reduction in the rate of loss: Reid et al. 1995 Am J Med 98:331 (total body 0.25 +- 0.11 "
               "%/year in years 2-4, spine in year 1 only), Devine et al. 1997 Osteoporos Int 7:23 (hip and ankle) "
               "[V abstracts]",
        days=_RUN_IN + 3 * YEAR, run_in_days=_RUN_IN,
        arms=(Arm("placebo", settings=_WOMAN_65),
              Arm("calcium 1000 mg", settings=_WOMAN_65, start={"diet.calcium_mg_per_day": 1700.0})),
        criteria=(
            _supplement_gain("total hip (the trabecular section)", "bone_mineral_density_g_cm2", 1, 0.6, 2.3,
                             "+1.4 % (0.6 to 2.3)", "Tai 2015's 95 % CI"),
            _supplement_gain("total hip", "bone_mineral_density_g_cm2", 3, 0.5, 1.9,
                             "+1.2 % (0.5 to 1.9) at > 2.5 years",
                             "Tai 2015's 95 % CI; Shea 2002: +1.64 % (0.70-2.57) at >= 2 years"),
            _supplement_gain("lumbar spine (DXA readout)", "lumbar_spine_dxa_bmd_g_cm2", 1, 0.8, 1.7,
                             "+1.2 % (0.8 to 1.7)", "Tai 2015's 95 % CI"),
            _supplement_gain("lumbar spine", "lumbar_spine_dxa_bmd_g_cm2", 3, 0.3, 1.6,
                             "+1.0 % (0.3 to 1.6) at > 2.5 years",
                             "Tai 2015's 95 % CI; Shea 2002: +1.66 % (0.92-2.39) at >= 2 years"),
        ),
        grid=64, quick_grid=32, record_every_days=30, min_seeds=BMD_ROW_SEEDS,
        plot_columns=("bmd_change_pct", "lumbar_spine_dxa_bmd_g_cm2", "pth_pmol_l", "serum_calcium_mmol_l"),
        notes="A woman of 65, 14 years past her final period, on 700 mg/day calcium for a year's run-in; the "
              "supplement (1000 mg/day) starts on the day after; effects are the supplemented arm's BMD relative to "
              "the placebo arm's on the same day (both arms are the same person and seed, identical up to the "
              f"start). {BMD_ROW_SEEDS} seeds (design.BMD_ROW_SEEDS): one section's BMD difference spreads by ~+-1 % "
              "from seed to seed, so 5 "
              "seeds gave 95 % CIs of +-0.6-1.3 %, wider than the bands, and the 1-year spine gain read +0.77 % in "
              "one 5-seed run (a known failure until 2026-12-02) and +0.98 % over 20. Nothing was fitted to this "
              "row; it was added as a finding the model was not given. Since dietary calcium binds phosphate in the "
              "gut (dialysis.dietary_calcium_phosphate_binding_mg) the gain grows slowly after year 1, as in Reid "
              "1995 and Devine 1997 and more than in Tai 2015's pooled later time points; that binding's strength is "
              "taken at the low end of its sourced range, where these bands hold (docs/design/person.md).",
    ),
    Experiment(
        row="Craver2007",
        title="Phosphate and calcium by CKD stage: within the K/DOQI ranges until stage 5",
        finding="In 1836 patients in CKD stages 1-5 a fall in calcitriol and a rise in PTH came first and calcium "
                "and phosphate changed later: serum phosphate within the K/DOQI range in 90.9 / 77.1 / 70.3 % and "
                "calcium in 90.7 / 85.6 / 55 % of stages 3 / 4 / 5",
        source="Craver et al. 2007, Nephrol Dial Transplant 22(4):1171-1176, doi 10.1093/ndt/gfl718, PMID 17205962 "
               "[V abstract on PubMed]; K/DOQI 2003 ranges: phosphorus 2.7-4.6 mg/dL in stages 3-4 and 3.5-5.5 "
               "mg/dL in stage 5 (J Am Board Fam Med table adapted from the National Kidney Foundation 2003; "
               "Medscape summary: 4.6 mg/dL = 1.49 mmol/L, 5.5 mg/dL = 1.78 mmol/L) [V pages]; stage-5 calcium "
               "8.4-9.5 mg/dL (2.1-2.4 mmol/L; Nephrol Dial Transplant 2009 24:1358, Flinders University page) "
               "[V page]",
        days=2 * YEAR,
        arms=tuple(Arm(f"GFR {gfr:g}", settings={**_AGE60, **_gfr(gfr)}) for gfr in _STAGE_GFR.values()),
        criteria=(
            _within("serum_phosphate_mmol_l", _STAGE_GFR[3], 2.7 * _P_MG_DL, 4.6 * _P_MG_DL, "90.9",
                    "2.7-4.6 mg/dL"),
            _within("serum_phosphate_mmol_l", _STAGE_GFR[4], 2.7 * _P_MG_DL, 4.6 * _P_MG_DL, "77.1",
                    "2.7-4.6 mg/dL"),
            _within("serum_phosphate_mmol_l", _STAGE_GFR[5], 3.5 * _P_MG_DL, 5.5 * _P_MG_DL, "70.3",
                    "3.5-5.5 mg/dL"),
            _within("serum_calcium_mmol_l", _STAGE_GFR[5], 8.4 * _CA_MG_DL, 9.5 * _CA_MG_DL, "55",
                    "8.4-9.5 mg/dL"),
        ),
        grid=32, quick_grid=16,
        plot_columns=("serum_phosphate_mmol_l", "serum_calcium_mmol_l", "pth_pmol_l", "calcitriol_relative"),
        notes="Steady kidneys at the model's representative GFR of stages 3, 4 and 5 (45, 22 and 10 mL/min, "
              "kidney.GFR_ML_PER_MIN_BY_CKD_STAGE, as rows K2 and K4), a man of 60 on the usual diet without "
              "binders; year-2 means. The abstract gives shares within ranges, not means: more than half of a "
              "group within a range puts its median within it, so only the shares above 50 % are criteria (PTH "
              "within its stage targets in 42.4 / 24.6 / 46.8 %, under half, does not place the median). The "
              "stage-3 and -4 calcium shares (90.7 / 85.6 %) count against ranges the sources read do not give. Until "
              "uraemic anorexia (dialysis.mineral_intake_share, 2026-12-06: less calcium and phosphorus eaten below "
              "GFR 53, from Ikizler 1995's protein intakes, nothing fitted to this row) the stage-5 person ate the "
              "usual 1200 mg/day of phosphorus and its phosphate settled at 2.35 mmol/L and its calcium at 2.41 "
              "(both known failures), and the stage-4 phosphate sat near the range's top (1.44 against 1.49). "
              "Not a source of any parameter.",
    ),
    Experiment(
        row="KEEP",
        title="Calcium, phosphate and PTH from eGFR 55-59 to below 30 (KEEP)",
        finding="In 2,646 people with eGFR < 60 screened by the Kidney Early Evaluation Program (2005-2006), from "
                "eGFR 55-59 to below 30: calcium 9.55 -> 9.34 mg/dL, phosphorus 3.70 -> 4.15 mg/dL, PTH 66.3 -> "
                "164 pg/mL (means); PTH rises early in stage 3 with calcium and phosphorus mostly normal",
        source="KEEP, National Kidney Foundation (cross-sectional, n = 2,646, with a parallel NHANES 1999-2004 "
               "analysis) [V abstract on BVS/LILACS, listed under co-author Whaley-Connell AT]; first author, "
               "journal, year and pages not verified (from memory: Vassalotti et al. 2008 Am J Kidney Dis 51(4 "
               "Suppl 2))",
        days=2 * YEAR,
        arms=(Arm(f"GFR {_KEEP_TOP_GFR:g}", settings={**_AGE60, **_gfr(_KEEP_TOP_GFR)}),
              Arm(f"GFR {_STAGE_GFR[4]:g}", settings={**_AGE60, **_gfr(_STAGE_GFR[4])})),
        criteria=(
            Criterion(f"PTH at GFR {_STAGE_GFR[4]:g} / at GFR {_KEEP_TOP_GFR:g} (year 2)",
                      ratio_of_means("pth_pmol_l", f"GFR {_STAGE_GFR[4]:g}", f"GFR {_KEEP_TOP_GFR:g}", *_LAST_YEAR),
                      0.6 * _KEEP_PTH_RATIO, 1.4 * _KEEP_PTH_RATIO, "x2.47 (164 / 66.3 pg/mL)", "ratio",
                      "+-40 % of 164 / 66.3 = 2.47, as row K4: a ratio of means of a skewed hormone, and the mean "
                      "eGFR of the group below 30 is not in the abstract"),
            Criterion(f"serum phosphate, GFR {_STAGE_GFR[4]:g} - GFR {_KEEP_TOP_GFR:g} (year 2)",
                      difference_of_means("serum_phosphate_mmol_l", f"GFR {_STAGE_GFR[4]:g}",
                                          f"GFR {_KEEP_TOP_GFR:g}", *_LAST_YEAR),
                      _KEEP_P_RISE / 2, 2 * _KEEP_P_RISE, "+0.45 mg/dL (3.70 -> 4.15) = +0.145 mmol/L", "mmol/L",
                      "half to double the published rise", _KEEP_PHOSPHATE_AT_THE_EDGE),
            Criterion(f"serum calcium, GFR {_STAGE_GFR[4]:g} - GFR {_KEEP_TOP_GFR:g} (year 2)",
                      difference_of_means("serum_calcium_mmol_l", f"GFR {_STAGE_GFR[4]:g}",
                                          f"GFR {_KEEP_TOP_GFR:g}", *_LAST_YEAR),
                      2 * _KEEP_CA_FALL, _KEEP_CA_FALL / 2, "-0.21 mg/dL (9.55 -> 9.34) = -0.052 mmol/L", "mmol/L",
                      "half to double the published fall", _CALCIUM_FALLS_TOO_LITTLE),
        ),
        grid=32, quick_grid=32,
        plot_columns=("pth_pmol_l", "serum_phosphate_mmol_l", "serum_calcium_mmol_l", "fgf23_relative"),
        notes=f"Steady kidneys at GFR {_KEEP_TOP_GFR:g} (the middle of KEEP's top band, 55 to < 60) and "
              f"{_STAGE_GFR[4]:g} (the model's stage-4 value for the group below 30), a man of 60 on the usual diet; "
              "year-2 means; mg/dL converted with 30.97 (P) and 40.08 (Ca) g/mol. KEEP is a screening cohort "
              "(people with diabetes, hypertension or a family history), not the NHANES 2003-04 analysis of row "
              "K1; no parameter cites it. The phosphate rise sat at the band's top (+0.288, 95 % CI 0.280-0.295 "
              "mmol/L, 5 seeds, 2026-12-04; a known failure at 60 seeds) until uraemic anorexia "
              "(dialysis.mineral_intake_share, 2026-12-06) lowered the calcium and phosphorus eaten below GFR 53: "
              "+0.07, on the lower edge. On a 16-cell grid the rise read higher, so --quick keeps the full grid (2 arms, seconds); "
              "the mean eGFR of KEEP's group below 30 is not in the abstract.",
    ),
)
