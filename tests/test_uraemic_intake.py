"""People eat less calcium and phosphorus as kidney failure advances (dialysis.mineral_intake_share, docs/ODD.md 7.11):
uraemic anorexia lowers spontaneous protein intake (Ikizler et al. 1995: 1.01 / 0.85 / 0.70 / 0.54 g/kg/day at
creatinine clearance > 50 / 25-50 / 10-25 / < 10 mL/min), on dialysis the habitual diet is eaten, and the
calcium and phosphorus ledgers carry what is eaten."""

import pytest

from calcium_abm import simulate
from calcium_abm.physiology import dialysis, parameter_set

P = parameter_set()
ONSET, LOSS = P.uraemic_intake_onset_gfr_ml_per_min, P.uraemic_intake_loss_at_zero_gfr
SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}
#: Ikizler et al. 1995's groups below the first: (creatinine clearance at the group's middle, mL/min; protein intake
#: as a share of the > 50 mL/min group's 1.01 g/kg/day); the < 10 group's middle is taken at 6
IKIZLER_1995 = ((37.5, 0.85 / 1.01), (17.5, 0.70 / 1.01), (6.0, 0.54 / 1.01))


def test_the_share_is_one_above_its_onset_and_on_dialysis_and_linear_below():
    assert dialysis.mineral_intake_share(100.0, False, P) == 1.0
    assert dialysis.mineral_intake_share(ONSET, False, P) == 1.0
    assert dialysis.mineral_intake_share(ONSET / 2, False, P) == pytest.approx(1.0 - LOSS / 2)
    assert dialysis.mineral_intake_share(0.0, False, P) == pytest.approx(1.0 - LOSS)
    assert dialysis.mineral_intake_share(0.0, True, P) == 1.0
    with pytest.raises(ValueError, match="gfr"):
        dialysis.mineral_intake_share(float("nan"), False, P)


@pytest.mark.parametrize("clearance, observed", IKIZLER_1995)
def test_the_share_follows_the_protein_intake_ikizler_measured(clearance, observed):
    """Within 0.04 of each group's share of the first group's intake (the line's residuals are up to 0.03; the
    groups' SDs are 0.16-0.23 g/kg/day)."""
    assert dialysis.mineral_intake_share(clearance, False, P) == pytest.approx(observed, abs=0.04)


def _eaten_mg_per_day(overrides: dict) -> tuple[float, float]:
    """(calcium, phosphorus) the ledgers booked as eaten per day over a short run."""
    diet = {"diet.calcium_mg_per_day": 900.0, "diet.phosphate_mg_per_day": 1100.0}
    frame = simulate("healthy_adult", years=0.1, seed=1, overrides={**SMALL, **diet, **overrides})
    last = frame.iloc[-1]
    return last["ca_intake_cum_mg"] / last["day"], last["p_intake_cum_mg"] / last["day"]


@pytest.mark.parametrize("overrides, share", [
    ({"kidney.residual_gfr_ml_per_min": 10.0}, dialysis.mineral_intake_share(10.0, False, P)),
    ({"patient.ckd_stage": 5, "dialysis.sessions_per_week": 3}, 1.0),  # on dialysis: the habitual diet
    ({}, 1.0)])                                                        # health
def test_the_ledgers_carry_the_calcium_and_phosphorus_eaten(overrides, share):
    calcium, phosphorus = _eaten_mg_per_day(overrides)
    assert (calcium, phosphorus) == (pytest.approx(900.0 * share, rel=1e-9), pytest.approx(1100.0 * share, rel=1e-9))


def test_eating_less_lowers_phosphate_and_calcium_and_raises_pth_in_kidney_failure():
    """The same man at GFR 10 with and without the anorexia: lower serum phosphate and calcium, higher PTH."""
    def year_end(loss: float):
        frame = simulate("healthy_adult", years=1, seed=1, overrides={
            **SMALL, "kidney.residual_gfr_ml_per_min": 10.0, "parameters.uraemic_intake_loss_at_zero_gfr": loss})
        return frame[["serum_phosphate_mmol_l", "serum_calcium_mmol_l", "pth_pmol_l"]].iloc[-28:].mean()
    eating_less, eating_all = year_end(LOSS), year_end(0.0)
    assert eating_less["serum_phosphate_mmol_l"] < eating_all["serum_phosphate_mmol_l"] - 0.2
    assert eating_less["serum_calcium_mmol_l"] < eating_all["serum_calcium_mmol_l"] - 0.02
    assert eating_less["pth_pmol_l"] > eating_all["pth_pmol_l"]


def test_its_parameters_are_refused_where_no_one_eats_less():
    """Healthy kidneys, or dialysis: the law cannot act, so setting it is an error naming the parameter."""
    for scenario, name, value in (("healthy_adult", "uraemic_intake_loss_at_zero_gfr", 0.3),
                                  ("haemodialysis", "uraemic_intake_onset_gfr_ml_per_min", 60.0)):
        with pytest.raises(ValueError, match=name):
            simulate(scenario, years=0.02, seed=1, overrides={**SMALL, f"parameters.{name}": value})


def test_the_odd_quotes_the_phosphate_at_gfr_10_for_three_losses():
    """ODD 7.11's sensitivity sentence: year-2 serum phosphate of a man of 60 at a steady GFR of 10 (seed 42) at the
    calibrated loss, Ikizler's within-patient slope's and none: row Craver2007's pass rests on the first."""
    from pathlib import Path

    odd = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text().split())
    year_two = [simulate("healthy_adult", years=2, seed=42, overrides={
        "age_years": 60, "kidney.residual_gfr_ml_per_min": 10.0, "parameters.uraemic_intake_loss_at_zero_gfr": loss})
        [["serum_phosphate_mmol_l", "pth_pmol_l"]].iloc[-365:].mean() for loss in (LOSS, 0.33, 0.0)]
    phosphate, pth = [y["serum_phosphate_mmol_l"] for y in year_two], [y["pth_pmol_l"] for y in year_two]
    assert f"PTH rises in CKD 5 ({pth[0]:.1f} against {pth[2]:.1f} pmol/L at GFR 10, below)" in odd
    assert ("a man of 60 at a steady GFR of 10 mL/min ends 2 years at a serum phosphate of "
            f"{phosphate[0]:.2f} mmol/L with `L` = {LOSS:g}, {phosphate[1]:.2f} with 0.33 (Ikizler's within-patient "
            f"slope) and {phosphate[2]:.2f} with 0") in odd


def _day0_kidney_inputs(overrides: dict):
    from calcium_abm import CalciumParadoxModel

    return CalciumParadoxModel("healthy_adult", rng=1, **{**SMALL, "years": 0.01}, **overrides).kidney_inputs()


def test_less_of_the_same_food_binds_its_phosphate_in_proportion():
    """Eating less of the same diet is not a low-calcium diet: the calcium eaten beyond the reference binds phosphate
    scaled by the share, so at the reference diet nothing is freed (a fresh reviewer found 0.625 -> 0.687 of the
    phosphorus absorbed at GFR 10 when the binding compared the calcium eaten with the full reference)."""
    share = dialysis.mineral_intake_share(10.0, False, P)
    at_reference = _day0_kidney_inputs({"residual_gfr_ml_per_min": 10.0})
    assert at_reference.binder_mg_per_day == 0.0 and at_reference.calcium_mg_per_day == pytest.approx(1000.0 * share)
    low_calcium = _day0_kidney_inputs({"residual_gfr_ml_per_min": 10.0, "calcium_mg_per_day": 600.0})
    assert low_calcium.binder_mg_per_day == pytest.approx(
        share * dialysis.dietary_calcium_phosphate_binding_mg(600.0, P))


def test_the_phosphorus_eaten_never_falls_below_the_diets_least():
    """The diet key's lowest phosphorus (100 mg/day) is eaten whole at any GFR: below it the quasi-steady phosphate
    balance has no meaning."""
    from calcium_abm.physiology.minerals import LEAST_PHOSPHORUS_EATEN_MG_PER_DAY

    k = _day0_kidney_inputs({"residual_gfr_ml_per_min": 5.0, "phosphate_mg_per_day": 100.0})
    assert k.phosphate_mg_per_day == LEAST_PHOSPHORUS_EATEN_MG_PER_DAY == 100.0
    k = _day0_kidney_inputs({"residual_gfr_ml_per_min": 5.0, "phosphate_mg_per_day": 1000.0})
    assert k.phosphate_mg_per_day == pytest.approx(1000.0 * dialysis.mineral_intake_share(5.0, False, P))
