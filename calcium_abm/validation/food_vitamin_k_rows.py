"""Validation row ``Knapen2015-yogurt``: a yogurt drink fortified with a low dose of menaquinone-7 (MK-7) in healthy
middle-aged adults, a finding the model was not given (added 2026-12-04). Part of the table of
:mod:`calcium_abm.validation.experiments`, in the same vocabulary (:mod:`calcium_abm.validation.design`).

Knapen et al. 2015 gave 60 healthy men and postmenopausal women (mean age 56) a basic or an MK-7-fortified yogurt
drink (28 µg MK-7 a drink) twice a day for 12 weeks and measured circulating MK-7, ucOC and dp-ucMGP. Plasma MK-7 is
a test of the model's absolute MK-7 kinetics: its distribution volume was set from the MK-7 / K1 ratio of Schurgers
et al. 2007 and its K1 kinetics from a plasma K1 of ~1 nmol/L, never from a measured MK-7 concentration.
"""

from __future__ import annotations

from calcium_abm.physiology.vitamin_k import MOLAR_MASS_G_PER_MOL
from calcium_abm.validation.design import (USUAL_DIET, WEEK, Arm, Criterion, Experiment, change_vs_control,
                                           pct_vs_control)

__all__ = ["FOOD_VITAMIN_K_EXPERIMENTS", "KNAPEN_MK7_BAND", "KNAPEN_MK7_UG_PER_DAY"]

#: two drinks a day of 28 µg MK-7 each
KNAPEN_MK7_UG_PER_DAY = 2 * 28.0
_DAYS = 12 * WEEK
_BASIC, _FORTIFIED = "basic yogurt", "MK-7 yogurt"
#: circulating MK-7 (ng/mL) before and after 12 weeks on the fortified drink, and the P of the difference from the
#: basic drink
_MK7_BEFORE, _MK7_AFTER, _P = 0.28, 1.94, 0.004
#: the z of a two-sided P of 0.004
_Z = 2.878


def _mk7_band() -> tuple[float, float, float]:
    """The rise of circulating MK-7 (ng/mL) and its 95 % CI backed out of the published P: SE = rise / z."""
    rise = _MK7_AFTER - _MK7_BEFORE
    half = 1.96 * rise / _Z
    return round(rise, 2), round(rise - half, 2), round(rise + half, 2)


#: 1.66 ng/mL, 95 % CI 0.53 to 2.79: SE = 1.66 / 2.878 = 0.577, 1.96 x 0.577 = 1.13 either side
KNAPEN_MK7_BAND = _mk7_band()


_RISE, _LOW, _HIGH = KNAPEN_MK7_BAND
_DIRECTION = ("the direction only: the abstract reports a significant fall on the fortified drink without its "
              "size")

FOOD_VITAMIN_K_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        row="Knapen2015-yogurt",
        title="A yogurt drink with 28 µg MK-7 twice a day for 12 weeks in healthy adults: plasma MK-7, ucOC and "
              "dp-ucMGP",
        finding="In 60 healthy men and postmenopausal women (mean age 56) randomised to a basic or an MK-7-fortified "
                "yogurt drink (28 µg MK-7 a drink) twice a day for 12 weeks, circulating MK-7 rose from 0.28 to "
                "1.94 ng/mL (P = 0.004 against the basic drink) and ucOC and dp-ucMGP fell significantly",
        source="Knapen et al. 2015, J Nutr Sci 4:e35 ('Yogurt drink fortified with menaquinone-7 improves vitamin K "
               "status in a healthy population'; 32 men, 28 postmenopausal women) [V abstract, Cambridge Core]; "
               "[S] the P against the basic drink as Nutrients 2024 16:2356's review tabulates it (PMC11279569, "
               "Table 2, which counts 39 men and 26 women, likely those randomised). Not the 3-year trial of row 9 "
               "(Knapen et al. 2015 Thromb Haemost)",
        days=_DAYS,
        arms=(Arm(_BASIC), Arm(_FORTIFIED, start={"diet.mk7_ug_per_day": USUAL_DIET.mk7_ug_per_day
                                                  + KNAPEN_MK7_UG_PER_DAY})),
        criteria=(
            Criterion("plasma MK-7 rise at 12 weeks, fortified minus basic drink",
                      change_vs_control("plasma_mk7_nmol_l", _DAYS, _FORTIFIED, _BASIC,
                                        MOLAR_MASS_G_PER_MOL["mk7"] / 1000.0),
                      _LOW, _HIGH, f"{_RISE:g} ng/mL (0.28 to 1.94)", "ng/mL",
                      f"the 95 % CI backed out of the published P ({_P:g}, two-sided: z = {_Z:g}) for the rise on the "
                      f"fortified drink, the basic drink's change taken as 0 (not in the abstract): SE = {_RISE:g} / "
                      f"{_Z:g}, 1.96 x SE = {_HIGH - _RISE:.2f} ng/mL either side; the model's nmol/L x 649.0 g/mol"),
            Criterion("dp-ucMGP vs basic drink at 12 weeks", pct_vs_control("dp_ucmgp_pmol_l", _DAYS, _FORTIFIED,
                                                                             _BASIC),
                      -100.0, 0.0, "lower", "%", _DIRECTION),
            Criterion("%ucOC vs basic drink at 12 weeks", pct_vs_control("ucoc_fraction", _DAYS, _FORTIFIED, _BASIC),
                      -100.0, 0.0, "lower", "%", _DIRECTION + "; the model's share of ucOC stands for the ucOC "
                      "concentration the trial measured"),
        ),
        grid=16, quick_grid=12,
        plot_columns=("plasma_mk7_nmol_l", "dp_ucmgp_pmol_l", "ucoc_to_coc_ratio"),
        notes=f"Healthy adults (the healthy_adult scenario); the fortified drink adds {KNAPEN_MK7_UG_PER_DAY:g} "
              f"µg/day of MK-7 to the diet's {USUAL_DIET.mk7_ug_per_day:g} µg/day from study day 1. The drink also "
              "held n-3 fatty acids, vitamins C and D, calcium and magnesium in amounts the abstract does not give; "
              "none of them changes the model's vitamin K kinetics, and they are left out.",
        unexpressed=(("no effect on markers of inflammation, endothelial dysfunction or lipid metabolism",
                      "none of these is a model output"),),
    ),
)
