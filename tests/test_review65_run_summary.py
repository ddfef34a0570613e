"""Fresh reviewers' findings on `run`'s summary and the frame's attrs (review 65): a human warfarin dose far beyond
the calibrated range warned nowhere; the ucOC level printed as a result; hormone therapy on day 0 not said to be
taken since the final period; uraemic anorexia's cut of the diet invisible through the Python API; the late INR
averaged across a schedule change."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from calcium_abm import simulate
from calcium_abm.cli import main
from calcium_abm.commands.run import summary
from calcium_abm.physiology import parameter_set, vitamin_k
from calcium_abm.scenario import load_scenario, parse_scenario_toml
from calcium_abm.simulation import (WARFARIN_CALIBRATED_MAX_MG_PER_DAY, WARFARIN_DOSE_MARGIN,
                                    calibrated_plasma_warfarin_max_mg_l, warfarin_warning)
from calcium_abm.validation.anticoagulation_rows import ANTICOAGULATION_EXPERIMENTS, OVERANTICOAGULATED
from calcium_abm.validation.experiments import EXPERIMENTS

TINY = {f"simulation.{t}_grid_{s}": 16 for t in ("bone", "vessel") for s in ("width", "height")}
SMALL = [f"--set={key}=16" for key in TINY]


def _lines(text: str) -> list[tuple[str, str]]:
    """The summary's (label, value) rows: the labels are padded to the longest one, then two spaces."""
    return [tuple(re.fullmatch(r"(.*?) {2,}(.*)", line).groups()) for line in text.splitlines()]


# --------------------------------------------------------------------------- 1. warfarin beyond calibration

def test_the_calibrated_range_is_the_top_of_the_warfarin_rows():
    """The bound cites rows W1-W7 (and W-Age): none runs a dose above row W4's, nor a person's steady plasma
    warfarin above the calibrated level."""
    rows = [e for e in (*EXPERIMENTS, *ANTICOAGULATION_EXPERIMENTS) if re.fullmatch(r"W(\d|-Age)", e.row)]
    assert sorted({e.row for e in rows}) == ["W-Age", *(f"W{i}" for i in range(1, 8))]
    top, levels, doses = calibrated_plasma_warfarin_max_mg_l(), [], []
    for arm in (arm for e in rows for arm in e.arms):
        person = load_scenario(arm.scenario).with_overrides(dict(arm.settings))
        for dose in (person.drugs.warfarin_mg_per_day, *(o.get("drugs.warfarin_mg_per_day", 0.0)
                                                         for _, _, o in arm.periods)):
            p = parameter_set(person.parameters)
            doses.append(dose)
            levels.append(vitamin_k.steady_plasma_warfarin_mg_per_l(dose, p._replace(
                warfarin_half_life_h=vitamin_k.personal_warfarin_half_life_h(person.patient.age_years, p))))
    assert max(doses) == WARFARIN_CALIBRATED_MAX_MG_PER_DAY == OVERANTICOAGULATED["drugs.warfarin_mg_per_day"]
    assert max(levels) == pytest.approx(top) and min(levels) == 0.0
    p = parameter_set()
    assert top == pytest.approx(WARFARIN_CALIBRATED_MAX_MG_PER_DAY * p.warfarin_half_life_h / 24.0
                                / 0.6931471805599453 / p.warfarin_distribution_volume_l)


def test_the_steady_plasma_warfarin_is_where_the_model_settles():
    frame = simulate("healthy_adult", years=20 / 365, seed=1, overrides={**TINY, "warfarin_mg_per_day": 10.0})
    p = parameter_set()
    steady = vitamin_k.steady_plasma_warfarin_mg_per_l(10.0, p._replace(
        warfarin_half_life_h=vitamin_k.personal_warfarin_half_life_h(50.0, p)))
    assert frame["plasma_warfarin_mg_l"].iloc[-1] == pytest.approx(steady, rel=1e-3)


def test_a_human_warfarin_dose_far_beyond_the_rows_is_warned_in_attrs_and_the_summary(tmp_path, capsys):
    frame = simulate("healthy_adult", years=0.05, overrides={**TINY, "warfarin_mg_per_day": 1000})
    (warning,) = frame.attrs["calibration_warnings"]
    assert frame.attrs["physiology_warnings"] == []  # the run stayed physiological: a batch must not mark it
    top = calibrated_plasma_warfarin_max_mg_l()
    assert "drugs.warfarin_mg_per_day = 1000" in warning and f"0-{top:.3g} mg/L" in warning
    level = float(re.search(r"plasma warfarin of ([\d.]+) mg/L", warning).group(1))
    assert level == pytest.approx(frame["plasma_warfarin_mg_l"].iloc[-1], rel=0.01)  # the level the run reads
    assert main(["run", "healthy_adult", "--years", "0.1", *SMALL, "--set", "warfarin_mg_per_day=1000",
                 "--out", str(tmp_path / "w.csv")]) == 0
    captured = capsys.readouterr()
    assert ("calibration warning", warning) in _lines(captured.out)
    assert captured.err.count("warning: drugs.warfarin_mg_per_day = 1000") == 1


def test_the_rat_protocol_and_usual_doses_are_not_warned():
    assert simulate("warfarin_high_k1", years=0.02, overrides=TINY).attrs["calibration_warnings"] == []
    for dose in (5.0, WARFARIN_CALIBRATED_MAX_MG_PER_DAY):  # row W1's and row W4's person of 50
        assert warfarin_warning(load_scenario("healthy_adult").with_overrides({"warfarin_mg_per_day": dose})) is None
    assert "12 mg/day" not in "".join(simulate("healthy_adult", years=0.02, overrides={
        **TINY, "warfarin_mg_per_day": 12.0}).attrs["calibration_warnings"])


def test_the_bound_reads_age_schedule_and_the_dose_margin():
    base = load_scenario("healthy_adult")
    # warfarin's half-life rises past 71: row W4's dose at 85 is above the calibrated level
    top = WARFARIN_CALIBRATED_MAX_MG_PER_DAY
    assert f"= {top:g} gives" in warfarin_warning(base.with_overrides({"warfarin_mg_per_day": top, "age_years": 85}))
    # a dose set by a schedule entry
    scheduled = parse_scenario_toml("[simulation]\nyears = 1\n[[schedule]]\nstart_day = 200\nend_day = 210\n"
                                    "set = { warfarin_mg_per_day = 100 }\n", "s.toml")
    assert "drugs.warfarin_mg_per_day = 100 gives" in warfarin_warning(scheduled)
    # a short half-life keeps the plasma low, but the dose is still far beyond the rows
    dose = WARFARIN_DOSE_MARGIN * WARFARIN_CALIBRATED_MAX_MG_PER_DAY + 1.0
    short = base.with_overrides({"warfarin_mg_per_day": dose, "parameters.warfarin_half_life_h": 2.0})
    assert f"= {dose:g} gives" in warfarin_warning(short)
    assert warfarin_warning(base.with_overrides({"warfarin_mg_per_day": WARFARIN_DOSE_MARGIN * top - 1.0,
                                                  "parameters.warfarin_half_life_h": 2.0})) is None


# --------------------------------------------------------------------------- 2. ucOC level

def test_the_ucoc_line_says_its_level_is_not_calibrated(tmp_path, capsys):
    assert main(["run", "healthy_adult", "--years", "0.01", *SMALL, "--out", str(tmp_path / "h.csv")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ucOC fraction at the end +0\.\d{3} \(level not calibrated; compare runs: docs/outputs.md\)$",
                     out, re.M), out
    outputs = Path(__file__).resolve().parent.parent / "docs" / "outputs.md"
    assert "its level is not" in outputs.read_text(encoding="utf-8")  # what the line points to


# --------------------------------------------------------------------------- 3. hormone therapy on day 0

def test_hormone_therapy_on_day_0_is_said_to_be_taken_since_the_final_period(tmp_path, capsys):
    argv = ["run", "healthy_adult", "--years", "0.02", *SMALL, "--set", "sex=female", "--set", "age_years=74",
            "--set", "postmenopausal=true", "--set", "years_since_menopause=24", "--out", str(tmp_path / "x.csv")]
    assert main([*argv, "--set", "menopausal_hormone_therapy=true"]) == 0
    lines = _lines(capsys.readouterr().out)
    at = lines.index(("drugs on day 0", "menopausal hormone therapy"))
    assert lines[at + 1][0] == "" and "taken since her final period" in lines[at + 1][1]
    assert "[[schedule]] entry from day 1" in lines[at + 1][1]
    assert main(argv) == 0  # without therapy: no such line
    assert "final period" not in capsys.readouterr().out


# --------------------------------------------------------------------------- 4. uraemic anorexia through the API

def test_the_api_notes_what_uraemic_anorexia_left_uneaten_without_a_warning():
    frame = simulate("ckd_stage4", years=0.1, seed=1, overrides={**TINY, "calcium_mg_per_day": 2500})
    assert frame.attrs["physiology_warnings"] == []  # a CKD run has not left physiology for eating less
    (note,) = frame.attrs["notes"]
    days = frame["day"].iloc[-1]
    calcium = (frame["ca_intake_cum_mg"].iloc[-1] - frame["ca_intake_cum_mg"].iloc[0]) / days
    assert f"calcium {calcium:.0f} of the diet's 2500 mg/day" in note
    assert f"{100 * calcium / 2500:.0f} %" in note and "uraemic_intake_loss_at_zero_gfr = 0" in note
    measured = simulate("ckd_stage4", years=0.1, seed=1, overrides={
        **TINY, "calcium_mg_per_day": 2500, "parameters.uraemic_intake_loss_at_zero_gfr": 0})
    assert measured.attrs["notes"] == []
    assert simulate("healthy_adult", years=0.02, overrides=TINY).attrs["notes"] == []
    ends = simulate("ckd_stage4", years=0.1, seed=1, rows="ends", overrides={**TINY, "calcium_mg_per_day": 2500})
    assert ends.attrs["notes"] == frame.attrs["notes"]


def test_the_note_reads_a_diet_changed_by_the_schedule():
    """The diet's run mean over its days: phosphorus 1200 for 20 days then 600 for 20."""
    scenario = parse_scenario_toml("[patient]\nckd_stage = 4\n[simulation]\nyears = 0.1096\n"
                                   "[[schedule]]\nstart_day = 20\nset = { phosphate_mg_per_day = 600 }\n", "s.toml")
    assert scenario.days == 40
    frame = simulate(scenario, overrides=TINY)
    assert "of the diet's 900 mg/day" in frame.attrs["notes"][0]


# --------------------------------------------------------------------------- 5. the late INR and a schedule change

def _inr_frame(days: int, change: int) -> pd.DataFrame:
    day = list(range(days + 1))
    return pd.DataFrame({"day": day, "inr": [2.0 if d <= change else 3.0 for d in day],
                         "plasma_warfarin_mg_l": 1.0, "serum_calcium_mmol_l": 2.3, "serum_phosphate_mmol_l": 1.1,
                         "pth_pmol_l": 3.5, "calcitriol_relative": 1.0})


def _scenario(days: int, change: int):
    return parse_scenario_toml(f"[drugs]\nwarfarin_mg_per_day = 5\n[simulation]\nyears = {days / 365}\n"
                               f"[[schedule]]\nstart_day = {change}\nset = {{ vitamin_k1_ug_per_day = 1000 }}\n",
                               "s.toml")


def test_the_late_inr_is_taken_after_a_change_in_the_window():
    scenario = _scenario(73, 60)
    rows = dict(_lines(summary(scenario, _inr_frame(73, 60), "x.csv")))
    assert "INR, last 4 weeks" not in rows
    assert rows["INR, after the day-60 change"].startswith("3.00 (mean of days 61-73: the schedule changed inside "
                                                           "the last 4 weeks; highest recorded 3.00)")
    early = dict(_lines(summary(_scenario(120, 60), _inr_frame(120, 60), "x.csv")))  # the change before the window
    assert early["INR, last 4 weeks"].startswith("3.00 (mean;")


def test_a_real_run_with_k1_on_day_60_reads_its_inr_after_the_change(tmp_path, capsys):
    toml = tmp_path / "k1.toml"
    toml.write_text('[drugs]\nwarfarin_mg_per_day = 5\n[simulation]\nyears = 0.2\n'
                    '[[schedule]]\nstart_day = 60\nset = { vitamin_k1_ug_per_day = 1000 }\n', encoding="utf-8")
    out = tmp_path / "k1.csv"
    assert main(["run", str(toml), *SMALL, "--out", str(out)]) == 0
    rows = dict(_lines(capsys.readouterr().out))
    frame = pd.read_csv(out)
    after = frame.loc[frame["day"] > 60, "inr"].mean()
    assert frame["day"].iloc[-1] == 73 and frame.loc[frame["day"] == 60, "inr"].item() > after + 0.1  # K1 acts
    assert rows["INR, after the day-60 change"].startswith(f"{after:.2f} (mean of days 61-73")


def test_a_day_0_entry_keeps_the_plain_window_and_one_on_the_last_day_reads_one_row():
    """A day-0 entry is the start's own state; one on the last day acts in the last row alone."""
    def rows(change):
        scenario = parse_scenario_toml(f"[drugs]\nwarfarin_mg_per_day = 5\n[simulation]\nyears = {14 / 365}\n"
                                       f"[[schedule]]\nstart_day = {change}\nset = {{ vitamin_k1_ug_per_day = 1000 }}\n",
                                       "s.toml")
        return dict(_lines(summary(scenario, _inr_frame(14, 7), "x.csv")))
    assert rows(0)["INR, whole run"].startswith(f"{(8 * 2.0 + 7 * 3.0) / 15:.2f} (mean;")
    assert rows(13)["INR, after the day-13 change"].startswith("3.00 (mean of day 14: the schedule changed inside the "
                                                               "whole run;")


def test_a_batch_run_keeps_its_notes_and_calibration_warnings_in_its_file(tmp_path):
    """A batch's run file carries the run's notes and calibration warnings beside its physiology warnings
    (Parquet metadata), so a cohort does not lose what a single run says (review 65)."""
    import json

    import pyarrow.parquet as pq

    from calcium_abm.batch.runner import run_batch

    run_batch({"name": "notes", "scenario": "ckd_stage4", "seed": 1, "years": 0.05, "output": "summary",
               "set": {**{k.split(".")[1]: v for k, v in TINY.items()}, "warfarin_mg_per_day": 60.0},
               "sweep": {"parameters": {"mk7_ug_per_day": [0, 90]}}}, tmp_path / "out")
    (path,) = list((tmp_path / "out").rglob("*.parquet"))  # the summary part file: a row and an entry per run
    attrs = json.loads(pq.read_schema(path).metadata[b"PANDAS_ATTRS"])
    assert len(attrs["notes"]) == 2 and all(n[0].startswith("eaten (run mean): ") for n in attrs["notes"].values())
    assert all("drugs.warfarin_mg_per_day = 60" in w[0] for w in attrs["calibration_warnings"].values())
    assert len(attrs["calibration_warnings"]) == 2 and attrs["physiology_warnings"] == {}
