"""Warfarin's clearance falls with age past 71 (Hamberg 2007; :func:`.vitamin_k.warfarin_clearance_relative`):
the law, what it does to a run, and that its parameters are refused where it cannot act."""

from __future__ import annotations

import pytest

from calcium_abm import simulate
from calcium_abm.errors import ScenarioError
from calcium_abm.physiology import ageing, parameter_set, vitamin_k

P = parameter_set()
SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


def _warfarin_run(age: float, years: float = 8 * 7 / 365, **overrides):
    return simulate("healthy_adult", years=years, seed=4,
                    overrides={**SMALL, "age_years": age, "warfarin_mg_per_day": 5.0, **overrides})


def test_the_clearance_law_is_flat_to_71_then_falls_0_91_percent_a_year():
    assert vitamin_k.warfarin_clearance_relative(30.0, P) == vitamin_k.warfarin_clearance_relative(71.0, P) == 1.0
    assert vitamin_k.warfarin_clearance_relative(85.0, P) == pytest.approx(1.0 - 0.0091 * 14.0, rel=1e-12)
    # the parameters' ranges keep it above 0 at the oldest age allowed
    worst = P._replace(warfarin_clearance_decline_per_year=0.012, warfarin_clearance_decline_onset_age_years=40.0)  # ranges
    assert vitamin_k.warfarin_clearance_relative(120.0, worst) > 0.0
    # the half-life of the person's set (the volume stays, so it rises as the clearance falls)
    assert vitamin_k.personal_warfarin_half_life_h(85.0, P) == pytest.approx(34.7 / (1.0 - 0.0091 * 14.0))
    assert ageing.personal_parameters(P, 85.0, "male", None).warfarin_half_life_h == (
        vitamin_k.personal_warfarin_half_life_h(85.0, P))


def test_a_man_of_85_on_5_mg_has_more_warfarin_in_plasma_and_a_higher_inr_than_a_man_of_50():
    young, old = _warfarin_run(50.0), _warfarin_run(85.0)
    # at the steady state the day-mean concentration is dose / clearance
    ratio = old["plasma_warfarin_mg_l"].iloc[-1] / young["plasma_warfarin_mg_l"].iloc[-1]
    assert ratio == pytest.approx(1.0 / vitamin_k.warfarin_clearance_relative(85.0, P), rel=1e-3)
    assert old["inr"].iloc[-1] > young["inr"].iloc[-1] + 0.1


def test_before_71_age_does_not_change_warfarin():
    young, older = _warfarin_run(50.0), _warfarin_run(70.0)
    assert older["plasma_warfarin_mg_l"].iloc[-1] == young["plasma_warfarin_mg_l"].iloc[-1]


def test_a_man_turning_71_on_warfarin_sees_his_inr_rise_as_he_ages():
    frame = _warfarin_run(70.0, years=4.0, record_every_days=30)
    warfarin = frame["plasma_warfarin_mg_l"].to_numpy()
    day_of_71 = 365.25
    before = frame["day"].to_numpy() < day_of_71
    assert max(warfarin[before]) == pytest.approx(min(warfarin[before]), rel=1e-9)
    # three years past 71 the clearance is 2.7 % lower: the steady concentration ~2.8 % higher
    assert warfarin[-1] / warfarin[before][-1] == pytest.approx(1.0 / (1.0 - 0.0091 * 3.0), rel=5e-3)
    assert frame["inr"].iloc[-1] > frame["inr"][before].iloc[-1]


def test_the_laws_parameters_are_refused_where_no_day_reaches_71_and_act_where_one_does():
    with pytest.raises(ScenarioError, match=r"parameters.warfarin_clearance_decline_per_year = 0.005 does nothing in "
                                            r"this run: it acts only where drugs.warfarin_mg_per_day is above 0 in a "
                                            r"person \(not a rodent preset\) who is older by the run's end than "
                                            r"parameters.warfarin_clearance_decline_onset_age_years \(71 unless set\)"):
        _warfarin_run(50.0, warfarin_clearance_decline_per_year=0.005)
    with pytest.raises(ScenarioError, match="warfarin_clearance_decline_onset_age_years"):
        simulate("healthy_adult", years=0.1, seed=4, overrides={**SMALL, "age_years": 85.0,
                                                                "warfarin_clearance_decline_onset_age_years": 60.0})
    # a man of 70 running 2 years passes 71: accepted, and it acts
    base = _warfarin_run(70.0, years=2.0, record_every_days=30)
    faster = _warfarin_run(70.0, years=2.0, record_every_days=30, warfarin_clearance_decline_per_year=0.012)
    assert faster["plasma_warfarin_mg_l"].iloc[-1] > base["plasma_warfarin_mg_l"].iloc[-1]



def test_row_w_age_reads_the_older_man_s_dose_from_the_rules_and_the_odd_quotes_it():
    """Row W-Age's dose share comes from the arms' INRs (it is the clearance law's ~1 / 1.146 only through the
    model's dose-response), and the ODD's limitation quotes the value it gives."""
    from pathlib import Path

    from calcium_abm.validation.anticoagulation_rows import ANTICOAGULATION_EXPERIMENTS
    from calcium_abm.validation.runner import arm_scenario

    row = next(e for e in ANTICOAGULATION_EXPERIMENTS if e.row == "W-Age")
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    share = row.criteria[0].measure(runs)
    assert 0.84 < share < 0.9  # 1 - 0.127 of the clearance, read back through the INRs
    assert not row.criteria[0].passes(share) and row.criteria[0].known_failure
    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text().split())
    assert f"a man of 85 needs {share:.2f} of a man of 50's dose for the same INR" in text


def test_an_onset_moved_past_the_person_s_age_acts_and_is_taken():
    """A fresh user's onset of 76 for a man of 75 was refused as doing nothing, though it turns the fall off
    (onset 71 by default): it is the same run as no fall at all."""
    later = _warfarin_run(75.0, warfarin_clearance_decline_onset_age_years=76.0)
    none = _warfarin_run(75.0, warfarin_clearance_decline_per_year=0.0)
    default = _warfarin_run(75.0)
    assert later["inr"].iloc[-1] == none["inr"].iloc[-1] < default["inr"].iloc[-1]
    with pytest.raises(ScenarioError, match=r"older by the run's end than this onset or the default one \(71\)"):
        _warfarin_run(50.0, warfarin_clearance_decline_onset_age_years=60.0)


def test_the_docs_quote_the_law_s_fall_at_85():
    """ODD 7.1, the parameter's source and row W-Age's reason quote the clearance fall at 85 the law gives."""
    from pathlib import Path

    from calcium_abm.validation.anticoagulation_rows import AGE_SENSITIVITY

    fall = f"{100.0 * (1.0 - vitamin_k.warfarin_clearance_relative(85.0, P)):.1f} %"
    odd = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text().split())
    source = next(p.source for p in vitamin_k.PARAMETERS if p.name == "warfarin_clearance_decline_per_year")
    assert f"gives {fall})" in odd and f"this law gives {fall};" in source and f"{fall} lower at 85" in AGE_SENSITIVITY
