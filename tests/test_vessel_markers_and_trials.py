"""dp-ucMGP at the general population's level and by age (carboxylation.py), row 21 read from
Erbel 2014 Table 1, and the report's section "trials with structural endpoints"."""

from calcium_abm.simulation import simulate
from calcium_abm.validation.ageing_rows import POPULATION_EXPERIMENTS
from calcium_abm.validation.design import Experiment
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.report import structural_trials_section
from calcium_abm.validation.runner import CriterionResult, ExperimentResult
from calcium_abm.validation.vessel_rows import OTHER_TRIAL_ENDPOINTS

EXPERIMENTS = [e for e in all_rows().values() if isinstance(e, Experiment)]


def _dp_ucmgp(age: float, sex: str = "male") -> float:
    overrides = {"patient.age_years": age, "patient.sex": sex, "simulation.bone_grid_width": 8,
                 "simulation.bone_grid_height": 8, "simulation.vessel_grid_width": 8,
                 "simulation.vessel_grid_height": 8}
    return float(simulate("healthy_adult", years=1 / 365.25, seed=1, overrides=overrides)["dp_ucmgp_pmol_l"].iloc[0])


def test_typical_adult_dp_ucmgp_sits_at_the_general_population_median_and_rises_with_age():
    """PREVEND (Groothof 2021): median 363, IQR 219-532 pmol/L at a mean age of 52; LASA
    (van Ballegooijen 2018): 376 +/- 233 at 55-65. The typical person is the population's
    median; older kidneys clear less (+23 % over 8.9 years in FLEMENGHO, Wei 2018)."""
    at_52, at_71 = _dp_ucmgp(52.0), _dp_ucmgp(71.0)
    assert 363 * 0.9 < at_52 < 363 * 1.1
    assert 219 < _dp_ucmgp(60.0) < 532
    assert 1.05 < at_71 / at_52 < 1.4


def test_row_21_tests_the_womens_percentiles_erbel_2014_reports():
    """Erbel 2014 Table 1: women's 25/50/75/90th = 0 / 1.0 / 24.5 / 139.8 AU."""
    row = next(e for e in POPULATION_EXPERIMENTS if e.row == "21")
    women = {c.label: c for c in row.criteria if c.label.startswith("women")}
    assert set(women) == {f"women: {q}th percentile of the score" for q in (50, 75, 90)}
    assert women["women: 75th percentile of the score"].expected == "24.5"
    assert women["women: 75th percentile of the score"].passes(24.5)
    assert not women["women: 75th percentile of the score"].passes(1.0)


def _result(exp: Experiment, value: float) -> ExperimentResult:
    result = ExperimentResult(exp)
    result.criteria = [CriterionResult(c, (value,), value, value, value) for c in exp.criteria]
    return result


def test_structural_trials_section_lists_trial_rows_and_the_bmd_endpoints_of_other_trials():
    by_row = {e.row: e for e in EXPERIMENTS if isinstance(e, Experiment)}
    results = [_result(by_row[row], 0.0) for row in ("T-Shea2009", "11", "8")]
    text = "\n".join(structural_trials_section(results))
    assert "Shea et al. 2009" in text and "−27 % (−76 to +22)" in text
    for _, label in OTHER_TRIAL_ENDPOINTS:
        assert label in text
    assert "%ucOC change from baseline" not in text       # row 11's biomarker criteria stay out
    assert "Dalmeijer" not in text                        # a biomarker-only trial row stays out


def test_every_other_trial_endpoint_names_an_existing_criterion():
    labels = {(e.row, c.label) for e in EXPERIMENTS if isinstance(e, Experiment) for c in e.criteria}
    assert OTHER_TRIAL_ENDPOINTS and set(OTHER_TRIAL_ENDPOINTS) <= labels


def test_structural_trials_section_is_empty_without_trials():
    exp = next(e for e in EXPERIMENTS if isinstance(e, Experiment) and e.row == "8")
    assert structural_trials_section([_result(exp, 0.0)]) == []



def test_the_odd_gives_the_extra_score_of_years_on_warfarin():
    """ODD 8 ("Warfarin's extra vessel calcification in humans") quotes the default man's extra score on
    5 mg/day over non-users at 2.5-15 years (16 x 16, means of seeds 1-5) and the intima's share of the
    15-year excess: the figures are the model's, and the excess grows with the years."""
    from pathlib import Path

    import numpy as np

    from calcium_abm.model import CalciumParadoxModel

    odd = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text().split())
    small = {f"{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
    days, excess, intima = [int(y * 365) for y in (2.5, 5, 7.5, 10, 15)], [], []
    for seed in range(1, 6):
        arms = []
        for warfarin in (5.0, 0.0):
            model = CalciumParadoxModel("healthy_adult", rng=seed, years=15, warfarin_mg_per_day=warfarin, **small)
            while model.running:
                model.step()
            frame = model.datacollector.get_model_vars_dataframe()
            arms.append((frame["calcification_score"].to_numpy(), model.vessel.intima.calcium_mg
                         * model.params.agatston_units_per_mg_calcium))
        excess.append([arms[0][0][d] - arms[1][0][d] for d in days])
        intima.append(arms[0][1] - arms[1][1])
    mean = np.mean(excess, axis=0)
    assert all(np.diff(mean) > 0) and 0.5 < np.mean(intima) / mean[-1] < 1.0
    quoted = ("the score of the default man gains " + " / ".join(f"+{v:.1f}" for v in mean)
              + " AU over non-users at 2.5 / 5 / 7.5 / 10 / 15 years",
              f"(+{np.mean(intima):.0f} of +{mean[-1]:.0f} AU)")
    assert all(q in odd for q in quoted), quoted


def test_the_odd_says_a_ckd5_media_stays_free_of_mineral_for_15_years():
    """ODD 8 states that the osteopontin cover leaves the ckd_stage5 scenario's media almost without mineral
    for 15 years (a gap it names) while the intima calcifies: this checks the quoted range on the first seed."""
    from pathlib import Path

    from calcium_abm.model import CalciumParadoxModel

    odd = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text().split())
    small = {f"{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
    model = CalciumParadoxModel("ckd_stage5", rng=1, years=15, record_every_days=36500, **small)
    while model.running:
        model.step()
    units = model.params.agatston_units_per_mg_calcium
    media, intima = model.vessel.media_calcium_mg() * units, model.vessel.intima.calcium_mg * units
    assert round(media, 4) == 0.0003 and intima > 1000.0
    assert "media holds almost no mineral after 15 years (0.0003 AU on 16 × 16" in odd
