"""Sensitivity of the skeleton's resistance to PTH in kidney failure (docs/ODD.md 7.11 and section 8).

Prints two markdown tables through the public API (``calcium_abm.simulate``):

* bone formation (calcium taken up by mineralising osteoid, mean of year 2) of a man of 60 on the
  built-in CKD 4, CKD 5 and haemodialysis scenarios relative to a healthy man of 60, with the
  scenario's year-2 mean PTH, at the defaults and with each assumption of the law moved;
* the lowest serum calcium after kidneys that fail overnight (healthy -> CKD 5 on day 30 by a
  schedule) for half-lives of the sensitivity from 0.1 to 80 days, on the test's small grids and on the
  default ones.

Usage (from the repository root; ~3 min on 2 idle cores)::

    .venv/bin/python scripts/skeletal_pth_resistance.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calcium_abm import simulate  # noqa: E402
from calcium_abm.scenario import load_scenario  # noqa: E402

MAN_60 = {"patient.age_years": 60.0, "patient.sex": "male"}
SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}
ONSET = "skeletal_pth_resistance_onset_gfr_ml_per_min"
SETTINGS = (("defaults", {}),
            ("no resistance (esrd_skeletal_pth_sensitivity = 1)", {"esrd_skeletal_pth_sensitivity": 1.0}),
            (f"{ONSET} = 30", {ONSET: 30.0}),
            (f"{ONSET} = 60", {ONSET: 60.0}),
            ("esrd_skeletal_pth_sensitivity = 0.11", {"esrd_skeletal_pth_sensitivity": 0.11}),
            ("esrd_skeletal_pth_sensitivity = 0.3", {"esrd_skeletal_pth_sensitivity": 0.3}))


def _year_two(scenario: str, parameters: dict) -> tuple[float, float]:
    # a parameter of the law that a run does not read is left out of it (a run refuses it): the law's parameters in
    # the healthy man (GFR above the onset), its onset on dialysis (the ESRD share holds whatever the onset)
    if scenario == "healthy_adult":
        parameters = {}
    elif scenario == "haemodialysis":
        parameters = {k: v for k, v in parameters.items() if k != ONSET}
    frame = simulate(load_scenario(scenario).with_overrides(
        {**MAN_60, **{f"parameters.{k}": v for k, v in parameters.items()}}), years=2)
    year_two = frame[frame["day"] > 365]
    return float(year_two["bone_mineralisation_mg_per_day"].mean()), float(year_two["pth_pmol_l"].mean())


def formation_table() -> list[str]:
    lines = ["| setting | CKD 4 | CKD 5 | haemodialysis |", "|---|---|---|---|"]
    for label, parameters in SETTINGS:
        healthy, _ = _year_two("healthy_adult", parameters)
        cells = []
        for scenario in ("ckd_stage4", "ckd_stage5", "haemodialysis"):
            formation, pth = _year_two(scenario, parameters)
            cells.append(f"{formation / healthy:.2f} (PTH {pth:.1f} pmol/L)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def overnight_failure_table() -> list[str]:
    lines = ["| half-life (days) | 16 x 16 grids, seed 2 (tests/test_kidney_schedule.py) | default grids, seed 2 | "
             "default grids, seed 42 |", "|---|---|---|---|"]
    for half_life in (0.1, 14.0, 40.0, 80.0):
        cells = []
        for grids, seed in ((SMALL, 2), ({}, 2), ({}, 42)):
            scenario = load_scenario("healthy_adult").with_overrides(
                {**grids, "parameters.skeletal_pth_resistance_half_life_days": half_life}).with_schedule(
                [{"start_day": 30, "set": {"patient.ckd_stage": 5}}])
            frame = simulate(scenario, years=0.5, seed=seed)
            cells.append(f"{frame[frame['day'] > 30]['serum_calcium_mmol_l'].min():.2f}")
        lines.append(f"| {half_life:g} | " + " | ".join(cells) + " |")
    return lines


if __name__ == "__main__":
    print("\n".join(formation_table()), flush=True)
    print()
    print("\n".join(overnight_failure_table()))
