"""Kidney states set by a schedule begin on their start day (issue 11): a stage change moves
serum calcium through the hormones' dynamics instead of a one-day crash, and a scheduled GFR
decline is timed from the day it was scheduled, not from day 0."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def run_with_schedule(years: float, entries: list[dict]):
    scenario = load_scenario("healthy_adult").with_overrides(SMALL).with_schedule(entries)
    return simulate(scenario, years=years, seed=2)


@pytest.mark.parametrize("stage", [4, 5])
def test_a_scheduled_stage_change_does_not_crash_serum_calcium(stage):
    """Before: healthy -> CKD 5 on day 30 moved serum Ca 2.33 -> 1.23 mmol/L overnight (the
    skeleton's calcitriol signal followed plasma calcitriol within the day)."""
    frame = run_with_schedule(0.25, [{"start_day": 30, "set": {"patient.ckd_stage": stage}}])
    after = frame[frame["day"] > 30]
    assert after["gfr_ml_per_min"].max() < 30.0                       # the stage did change
    assert after["serum_calcium_mmol_l"].min() >= 2.0, after["serum_calcium_mmol_l"].min()
    assert frame["serum_calcium_mmol_l"].diff().abs().max() < 0.15    # no one-day step


def test_a_scheduled_gfr_decline_starts_on_its_start_day():
    start, years = 60, 1.0
    frame = run_with_schedule(0.75, [{"start_day": start, "set": {"kidney.gfr_end_ml_per_min": 20.0,
                                                                  "kidney.gfr_decline_years": years}}])
    gfr = frame.set_index("day")["gfr_ml_per_min"]
    g0 = gfr.loc[start - 1]
    # on its start day the decline has not begun (timed from day 0 it would already be at
    # g0 * (20 / g0) ** (60 / 365), 24 % lower)
    assert gfr.loc[start + 1] == pytest.approx(g0, rel=0.01)
    # half-way (in time) through the exponential decline GFR is the geometric mean of its ends
    half = start + 1 + round(365 * years / 2)
    assert gfr.loc[half] == pytest.approx((g0 * 20.0) ** 0.5, rel=0.02)
