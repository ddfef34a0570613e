"""Rows Caluwe2014, RenaKvit and Aoun2017 (MK-7 in haemodialysis): the arms are one patient until MK-7 starts, the
MK-7 doses are the trials' weekly amounts as daily means, and the figures ODD section 8 quotes for them
are what the rows' runs give (one seed: dp-ucMGP hardly varies between seeds)."""

from __future__ import annotations

from pathlib import Path

from calcium_abm import simulate
from calcium_abm.validation.design import WEEK, YEAR
from calcium_abm.validation.dialysis_vitamin_k_rows import DIALYSIS_VITAMIN_K_EXPERIMENTS
from calcium_abm.validation.effects import value_at
from calcium_abm.validation.runner import arm_scenario

CALUWE, RENAKVIT, AOUN = DIALYSIS_VITAMIN_K_EXPERIMENTS[:3]
ODD = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text(encoding="utf-8").split())


def _runs(exp):
    return {arm.label: simulate(arm_scenario(exp, arm, grid=exp.grid, seed=1)) for arm in exp.arms}


def test_the_arms_are_one_patient_until_mk7_starts_at_the_trials_weekly_dose():
    for exp in DIALYSIS_VITAMIN_K_EXPERIMENTS:
        scenarios = [arm_scenario(exp, arm, grid=16, seed=3) for arm in exp.arms]
        starts = [s.state_at(0).model_dump(exclude={"name"}) for s in scenarios]
        assert all(start == starts[0] for start in starts)
        assert starts[0]["dialysis"]["sessions_per_week"] == 3
    doses = [arm_scenario(CALUWE, arm, grid=16, seed=3).state_at(CALUWE.days - 1).diet.mk7_ug_per_day
             for arm in CALUWE.arms]
    assert [round(d - doses[0], 6) for d in doses[1:]] == [round(w * 3 / 7, 6) for w in (360, 720, 1080)]


def test_the_odd_quotes_the_rows_figures():
    caluwe = _runs(CALUWE)
    start, end = 180, 180 + 8 * WEEK
    falls = [100 * (1 - value_at(caluwe[arm.label], "dp_ucmgp_pmol_l", end)
                    / value_at(caluwe[arm.label], "dp_ucmgp_pmol_l", start)) for arm in CALUWE.arms]
    assert abs(falls[0]) < 1.0  # no MK-7: the run-in left no drift
    renakvit = _runs(RENAKVIT)
    day = 180 + 2 * YEAR
    mk7, placebo = (value_at(renakvit[label], "dp_ucmgp_pmol_l", day) for label in ("MK-7 360 µg/day", "placebo"))
    quoted = (f"dp-ucMGP falls by {falls[1]:.0f} / {falls[2]:.0f} / {falls[3]:.0f} % after 8 weeks",
              f"sits {100 * (1 - mk7 / placebo):.0f} % below placebo after 2 years",
              f"the absolute difference, about -{round(placebo - mk7, -1):,.0f} pmol/L,",
              f"starts lower, at ~{round(value_at(renakvit['placebo'], 'dp_ucmgp_pmol_l', 0), -1):,.0f} pmol/L")
    aoun = _runs(AOUN)["MK-7 360 µg/day"]
    aoun_fall = 100 * (1 - value_at(aoun, "dp_ucmgp_pmol_l", 180 + 4 * WEEK) / value_at(aoun, "dp_ucmgp_pmol_l", 180))
    quoted += (f"where the model's patient falls by {aoun_fall:.0f} %",)
    assert all(q in ODD for q in quoted), [q for q in quoted if q not in ODD]
