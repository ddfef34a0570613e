"""`run`'s summary says what its late means and balance maxima are taken over: with
``simulation.record_every_days`` > 1 they come from the recorded rows only, so a 1-year run
recorded every 100 days does not claim a 'last 4 weeks (mean)' that is one day's value, nor a
mass-balance maximum 'over days' it never looked at."""

from __future__ import annotations

import pandas as pd
import pytest

from calcium_abm.commands.run import summary
from calcium_abm.scenario import parse_scenario_toml


def _rows(days):
    return pd.DataFrame({"day": days, "serum_calcium_mmol_l": 2.3, "serum_phosphate_mmol_l": 1.1,
                         "pth_pmol_l": 3.5, "calcitriol_relative": 1.0, "ca_balance_error_mg": 1e-9,
                         "p_balance_error_mg": 1e-9})


@pytest.mark.parametrize("every, days, mean, over", [
    (1, list(range(366)), "(mean)", "over days)"),
    (100, [0, 100, 200, 300, 365], "(mean of 1 recorded day)", "over the days recorded, every 100)"),
    (7, [0, *range(7, 365, 7), 365], "(mean of 5 recorded days)", "over the days recorded, every 7)"),
])
def test_the_late_window_and_the_balance_name_the_rows_they_read(every, days, mean, over):
    scenario = parse_scenario_toml(f"[simulation]\nyears = 1\nrecord_every_days = {every}\n", "s.toml")
    text = summary(scenario, _rows(days), "x.csv")
    lines = {line[:30].strip(): line[30:].strip() for line in text.splitlines()}
    assert lines["serum Ca, last 4 weeks"] == f"2.300 mmol/L {mean}", text
    assert lines["PTH, last 4 weeks"].startswith(f"3.5 pmol/L {mean}; calcitriol"), text
    assert lines["Ca mass-balance error"].endswith(over) and lines["P mass-balance error"].endswith(over), text


@pytest.mark.parametrize("toml, patient, drugs", [
    ("", "male, 50 years", "none"),
    ('[patient]\nsex = "female"\nage_years = 60\npostmenopausal = true\nyears_since_menopause = 9\nckd_stage = 3\n'
     "[drugs]\nmenopausal_hormone_therapy = true\nwarfarin_mg_per_day = 5\n",
     "female, 60 years, 9 years past menopause, CKD stage 3", "warfarin 5 mg/day, menopausal hormone therapy"),
    # a day-0 schedule entry is in force on day 0 (a fresh user: the summary showed the [drugs] table's warfarin)
    ('[patient]\nsex = "female"\nage_years = 45\nage_at_final_menstrual_period = 46\n[drugs]\nwarfarin_mg_per_day = 5\n'
     '[[schedule]]\nstart_day = 0\nend_day = 10\nset = { warfarin_mg_per_day = 0, menopausal_hormone_therapy = true }\n',
     "female, 45 years, premenopausal (final period at 46)", "menopausal hormone therapy"),
    ('[patient]\nspecies = "mouse"\nage_years = 0\nsex = "female"\npostmenopausal = true\n[genetics]\nmgp_knockout = true\n',
     "mouse, female, estrogen loss from day 0 (as after ovariectomy), mgp knockout", "none"),
    ("[patient]\nckd_stage = 5\n[kidney]\nresidual_gfr_ml_per_min = 3\n[dialysis]\nsessions_per_week = 3\n",
     "male, 50 years, CKD stage 5, GFR 3 mL/min, haemodialysis 3x/week", "none"),
])
def test_the_summary_names_the_patient_and_the_drugs_of_day_0(toml, patient, drugs):
    """A fresh user could not tell from the summary that a run had hormone therapy."""
    scenario = parse_scenario_toml(toml.replace("[[schedule]]", "[simulation]\nyears = 1\n[[schedule]]", 1)
                                   if "[[schedule]]" in toml else f"{toml}[simulation]\nyears = 1\n", "s.toml")
    lines = {line[:30].strip(): line[30:].strip() for line in summary(scenario, _rows([0, 365]), "x.csv").splitlines()}
    assert (lines["patient on day 0"], lines["drugs on day 0"]) == (patient, drugs)


def test_the_summary_lists_the_schedule_s_changes():
    scenario = parse_scenario_toml("[simulation]\nyears = 1\n" + "".join(
        f"[[schedule]]\nstart_day = {day}\n{end}set = {{ warfarin_mg_per_day = {dose} }}\n"
        for day, end, dose in ((30, "end_day = 60\n", 2.5), (90, "", 5), (120, "", 7.5), (150, "", 0))), "s.toml")
    lines = {line[:30].strip(): line[30:].strip() for line in summary(scenario, _rows([0, 365]), "x.csv").splitlines()}
    assert lines["schedule"] == ("days 30-60: warfarin_mg_per_day = 2.5; from day 90: warfarin_mg_per_day = 5; "
                                 "from day 120: warfarin_mg_per_day = 7.5; and 1 more (see the scenario)")
