"""docs/sensitivity_vessel.md's prose around its generated table states the screening's setting and
the figures behind its reading; each is computed here from the batch file, the parameters and a run
of the same setting. (The table itself is written by scripts/assumption_sensitivity.py.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from calcium_abm import load_scenario, simulate
from calcium_abm.batch.expand import expand_runs
from calcium_abm.batch.spec import load_batch
from calcium_abm.physiology import parameter_registry, parameter_set
from calcium_abm.physiology.dialysis import systemic_inhibitor_fraction
from calcium_abm.physiology.wall_laws import systemic_free_fraction

ROOT = Path(__file__).resolve().parent.parent
BATCH = ROOT / "examples" / "batches" / "sensitivity_vessel_morris.toml"
TABLE = tomllib.loads(BATCH.read_text(encoding="utf-8"))
DOC = " ".join((ROOT / "docs" / "sensitivity_vessel.md").read_text(encoding="utf-8").split())
PROSE = DOC.split("<!-- generated: vessel-morris -->")[0]


def test_the_setting_is_the_batch_files():
    spec = load_batch(BATCH)
    assert f"`examples/batches/sensitivity_vessel_morris.toml` ({len(expand_runs(spec))} runs," in PROSE
    person = load_scenario(TABLE["scenario"]).patient
    grid = {TABLE["set"][f"{side}_grid_{axis}"] for side in ("bone", "vessel") for axis in ("width", "height")}
    assert len(grid) == 1
    side = grid.pop()
    sex = {"male": "man", "female": "woman"}[person.sex]
    assert f"Setting: a {sex} of {person.age_years:g} on long-term warfarin (`{TABLE['scenario']}`), " \
           f"{TABLE['years']} years, {side} x {side} grids" in PROSE


def test_how_far_each_parameter_moves():
    registry = parameter_registry()
    ranges = TABLE["sensitivity"]["parameters"]
    halving_doubling = [name for name, (low, high) in ranges.items()
                        if 0.45 <= low / registry[name].value <= 0.55 and 1.9 <= high / registry[name].value <= 2.1]
    assert f"{len(halving_doubling)} of the {len(ranges)} parameters varied over about 0.5x to 2x" in PROSE
    volume_low, volume_high = (x / registry["mineral_nucleus_volume"].value for x in ranges["mineral_nucleus_volume"])
    assert f"such as {volume_low:.1f}x to {volume_high:.0f}x for the nucleus volume" in PROSE
    ucmgp_low, ucmgp_high = (x / registry["ucmgp_relative_inhibition"].value for x in ranges["ucmgp_relative_inhibition"])
    assert f"{ucmgp_low:.0f}x to {ucmgp_high:.0f}x for the residual ucMGP inhibition" in PROSE
    low, high = ranges["systemic_calcification_inhibition"]
    s = registry["systemic_calcification_inhibition"].value
    assert (1 - low) / (1 - s) == pytest.approx(2) and (1 - high) / (1 - s) == pytest.approx(0.5)
    assert f"over a range of the human systemic inhibition of {low:g}-{high:g} (its calibrated {s:g} leaves " \
           f"{1 - s:.0%} of growth free; the range is 2x to 0.5x that share)".replace("%", " %") in PROSE


def test_the_mans_falling_gfr_and_what_it_did_to_the_medias_free_growth_share():
    days = simulate(TABLE["scenario"], years=TABLE["years"], seed=TABLE["seed"], overrides=TABLE["set"])
    gfr = days["gfr_ml_per_min"]
    assert f"the man's GFR falls from {gfr.iloc[0]:.0f} to {gfr.iloc[-1]:.0f} mL/min over the 5 years" in PROSE
    p = parameter_set({})
    s = p.systemic_calcification_inhibition

    def rises(day: int) -> tuple[float, float]:
        f = systemic_inhibitor_fraction(float(gfr.iloc[day]), False, p)
        saturating = systemic_free_fraction(f, s) / systemic_free_fraction(1.0, s) - 1
        linear = (1 - s * f) / (1 - s) - 1  # the former law, 1 - s f
        return linear, saturating

    (linear_1, now_1), (linear_5, now_5) = rises(365), rises(len(gfr) - 1)
    said = re.search(r"already raised his media's free growth share by (\d+) % after 1 year and (\d+) % by year 5 "
                     r"\(now ([\d.]+) % and ([\d.]+) %\)", PROSE)
    assert said, "the sentence on the former linear law changed"
    assert said.groups() == (f"{100 * linear_1:.0f}", f"{100 * linear_5:.0f}", f"{100 * now_1:.1f}",
                             f"{100 * now_5:.1f}")
