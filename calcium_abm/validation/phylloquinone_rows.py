"""Validation rows ``T-BoltonSmith2007`` and ``Bugel2007``: nutritional doses of vitamin K1 (phylloquinone) and the
carboxylation of osteocalcin, findings the model was not given (added 2026-12-04). Part of the table of
:mod:`calcium_abm.validation.experiments`, in the same vocabulary (:mod:`calcium_abm.validation.design`).

Bone's potency per µg of K1 (``bone_k1_uptake_weight``) was calibrated with MK-7 and MK-4 trials only (rows 8 and 11),
and its source says what stays open: per µg, K1 then acts 1.4 times as strongly as MK-7 at bone. These trials of K1
at 200-500 µg/day test that potency, and whether the response still grows between 200 and 500 µg/day.
"""

from __future__ import annotations

from calcium_abm.validation.bone_trial_rows import postmenopausal_woman
from calcium_abm.validation.design import (BIOMARKER_BAND_PP, BIOMARKER_REASON, BMD_ROW_SEEDS, USUAL_DIET, WEEK, YEAR,
                                           Arm, Criterion, Experiment, pct_vs_control)

__all__ = ["PHYLLOQUINONE_EXPERIMENTS"]

_K1_FOOD = USUAL_DIET.vitamin_k1_ug_per_day  # µg/day K1 in the usual diet
_HIP = "bone_mineral_density_g_cm2"  # the trabecular section's BMD stands for the hip (as rows C2, T-Booth2008)


def _k1(extra_ug_per_day: float) -> dict:
    return {"diet.vitamin_k1_ug_per_day": _K1_FOOD + extra_ug_per_day}


# ---------------------------------------------------------------- Bolton-Smith et al. 2007
_BS_DAYS = 2 * YEAR
_BS_WOMAN = postmenopausal_woman(68.0, 17.0)
_BS_PLACEBO, _BS_K1 = "placebo", "K1 200"
#: the fall of %ucOC (the percentage of undercarboxylated osteocalcin) and the rise of serum K1 over 2 years on K1
_BS_UCOC_PCT, _BS_K1_PCT = -51.0, 157.0
_DAY_MEAN = ("the direction only: the model's plasma K1 is a day mean, the trial's a single blood sample, and with K1's "
             "half-life of 1.5 h the two differ by the time since the last dose, which the abstract does not give")

# ---------------------------------------------------------------- Bügel et al. 2007
_BUGEL_DAYS = 6 * WEEK
_BUGEL_WOMAN = postmenopausal_woman(60.0, 10.0)
_BUGEL_ARMS = ("placebo", "K1 200", "K1 500")
_DOSE_DEPENDENT = ("the direction only: the abstract reports that ucOC fell with increasing K1 intake in a "
                   "dose-dependent manner (P < 0.001) without the sizes; the model's share of ucOC stands for the ucOC "
                   "concentration the trial measured")

PHYLLOQUINONE_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        row="T-BoltonSmith2007",
        title="Vitamin K1 200 µg/day for 2 years in healthy older women: %ucOC, serum K1 and hip BMD (RCT)",
        finding="In 244 healthy Scottish women aged 60 or more (mean 68) given placebo, K1 200 µg/day, vitamin D3 "
                "10 µg with calcium 1000 mg/day, or both for 2 years, K1 lowered the percentage of undercarboxylated "
                "osteocalcin by 51 % and raised serum K1 by 157 % (both p < 0.001); no group differed in bone loss "
                "at the hip",
        source="Bolton-Smith et al. 2007, J Bone Miner Res 22:509 (doi 10.1359/jbmr.070116, PMID 17243866; "
               "double-blind, placebo-controlled, 2 x 2 factorial) [V abstract, PubMed and the University of Dundee's "
               "research portal]; [S] the mean age (68) and group sizes (60-62) as the Cochrane review CD007470 "
               "tabulates the trial (PMC11285307)",
        days=_BS_DAYS,
        arms=(Arm(_BS_PLACEBO, settings=_BS_WOMAN), Arm(_BS_K1, settings=_BS_WOMAN, start=_k1(200.0))),
        criteria=(
            Criterion("%ucOC, K1 200 vs placebo at 2 years", pct_vs_control("ucoc_fraction", _BS_DAYS, _BS_K1,
                                                                           _BS_PLACEBO),
                      _BS_UCOC_PCT - BIOMARKER_BAND_PP, _BS_UCOC_PCT + BIOMARKER_BAND_PP, f"{_BS_UCOC_PCT:g} %", "%",
                      BIOMARKER_REASON + "; the abstract's fall on K1 read as the supplement's effect (the model's "
                      "placebo %ucOC does not move)"),
            Criterion("serum K1, K1 200 vs placebo at 2 years", pct_vs_control("plasma_k1_nmol_l", _BS_DAYS, _BS_K1,
                                                                              _BS_PLACEBO),
                      0.0, None, f"+{_BS_K1_PCT:g} %", "%", _DAY_MEAN),
            Criterion("hip BMD, K1 200 vs placebo at 2 years", pct_vs_control(_HIP, _BS_DAYS, _BS_K1, _BS_PLACEBO),
                      -1.0, 1.0, "no difference", "%",
                      "'no significant difference between groups' at the hip, with no confidence interval in the "
                      "abstract: within ±1 percentage point, as the other BMD rows (about the difference trials of "
                      "60-150 per arm can detect)"),
        ),
        grid=64, quick_grid=24, min_seeds=BMD_ROW_SEEDS,
        plot_columns=("ucoc_fraction", "plasma_k1_nmol_l", _HIP),
        notes="A woman of 68, 17 years past menopause (the trial's mean age; years since menopause our choice, as row "
              "T-Booth2008), on the usual diet in both arms; the K1 arm adds 200 µg/day to the 100 µg/day from food. "
              "The vitamin D and calcium arms are left out: vitamin D is not a model input, and the K1 effects the "
              "abstract reports are those of K1. Not independent of row T-Booth2008 for the hip (K1 500 µg/day in "
              "women of 68 there), but a lower dose over a shorter time.",
        unexpressed=(("ultradistal radius BMD and BMC up with K1 + vitamin D + calcium",
                      "the model has no radius readout, and vitamin D is not a model input"),
                     ("serum 25(OH)D +17 % with vitamin D + calcium", "vitamin D is not a model input")),
    ),
    Experiment(
        row="Bugel2007",
        title="Vitamin K1 0, 200 and 500 µg/day for 6 weeks each in postmenopausal women: ucOC by dose",
        finding="In 31 postmenopausal women given 0, 200 and 500 µg/day of K1 for 6 weeks each (randomised crossover, "
                "10 µg/day vitamin D3 throughout), carboxylated osteocalcin rose and ucOC fell with the dose in a "
                "dose-dependent manner (P < 0.001)",
        source="Bügel et al. 2007, Br J Nutr 97(2) ('Effect of phylloquinone supplementation on biochemical markers of "
               "vitamin K status and bone turnover in postmenopausal women'; doi 10.1017/S000711450715460X as the "
               "publisher's file id gives it) [V abstract, University College Cork's repository and Cambridge Core; "
               "the pages not verified]",
        days=_BUGEL_DAYS,
        arms=tuple(Arm(label, settings=_BUGEL_WOMAN, start=_k1(dose) if dose else {})
                   for label, dose in zip(_BUGEL_ARMS, (0.0, 200.0, 500.0))),
        criteria=(
            Criterion("%ucOC, K1 200 vs placebo at 6 weeks",
                      pct_vs_control("ucoc_fraction", _BUGEL_DAYS, _BUGEL_ARMS[1], _BUGEL_ARMS[0]), None, 0.0,
                      "lower", "%", _DOSE_DEPENDENT),
            Criterion("%ucOC, K1 500 vs K1 200 at 6 weeks",
                      pct_vs_control("ucoc_fraction", _BUGEL_DAYS, _BUGEL_ARMS[2], _BUGEL_ARMS[1]), None, 0.0,
                      "lower still", "%", _DOSE_DEPENDENT + "; a response saturated at 200 µg/day would fail it"),
        ),
        grid=16, quick_grid=12,
        plot_columns=("ucoc_fraction", "plasma_k1_nmol_l"),
        notes="The abstract gives no ages: a woman of 60, 10 years past menopause (our choice, as row T-Knapen2013), on "
              "the usual diet; the three periods are three parallel arms of the same woman (the crossover's washout, "
              "if any, is not in the abstract), K1 added to the 100 µg/day from food. Vitamin D3 is not a model input. "
              "Serum K1 is not a criterion: the abstract's K1 at 200 µg/day did not differ from placebo (P = 0.15) "
              "where the model's day-mean plasma K1 triples, but the trial's sampling time (K1's half-life is 1.5 h) "
              "and effect size are not given, so no band can be set.",
        unexpressed=(("total osteocalcin up on 500 (not 200) µg/day; bone-specific alkaline phosphatase, urinary "
                      "resorption markers and urinary Gla unchanged",
                      "total osteocalcin and these markers are not model outputs"),),
    ),
)
