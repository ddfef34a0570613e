"""The README's typed numbers about the code agree with the code: each default, limit, count and
setting the prose names outside the generated blocks (tests/test_readme.py checks those) is read
here from where the code keeps it, so a changed default makes this fail instead of the README lie.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import tomllib
from pathlib import Path

from calcium_abm import CalciumParadoxModel, simulate
from calcium_abm.batch.spec import Cohort
from calcium_abm.commands import dashboard
from calcium_abm.inputs import sections
from calcium_abm.inputs.messages import fmt_num
from calcium_abm.model import SPINUP_DAYS
from calcium_abm.physiology import parameter_registry
from calcium_abm.scenario import MAX_SCENARIO_BYTES
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import DEFAULT_SEEDS, QUICK_SEEDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "app"))

from calcium_dashboard import server, settings  # noqa: E402
from calcium_dashboard.charts import SERUM_CALCIUM_AXIS_MMOL_L  # noqa: E402

RAW = (ROOT / "README.md").read_text(encoding="utf-8")
README = " ".join(RAW.split())  # the prose with its line breaks as spaces


def _default(model, field: str):
    return model.model_fields[field].default


def test_the_dashboard_address_is_the_commands_default():
    assert set(re.findall(r"127\.0\.0\.1:(\d+)", README)) == {dashboard.DEFAULT_PORT}
    assert f"The server binds {dashboard.DEFAULT_HOST} unless `--host` says otherwise" in README


def test_the_python_it_needs_is_the_packages():
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert wanted.startswith(">=")
    assert f"find a Python ≥ {wanted[2:]} on their own" in README


def test_scenario_defaults_and_limits():
    seed = _default(sections.Simulation, "seed")
    assert f"(default seed {seed})" in README
    grid = {_default(sections.Simulation, f"{side}_grid_{axis}") for side in ("bone", "vessel")
            for axis in ("width", "height")}
    assert len(grid) == 1 and f"vessel_grid_width/height (default {grid.pop()})" in README
    bounds = {type(m).__name__: m for m in sections.Patient.model_fields["ckd_stage"].metadata}
    assert f"ckd_stage ({bounds['Ge'].ge}-{bounds['Le'].le})" in README
    assert MAX_SCENARIO_BYTES % 2**20 == 0
    assert f"files over {MAX_SCENARIO_BYTES // 2**20} MiB are refused" in README
    from calcium_abm.scenario import MAX_SCHEDULE_ENTRIES

    assert f"more than {MAX_SCHEDULE_ENTRIES:,} `[[schedule]]` entries" in README
    half_life = parameter_registry()["mk7_half_life_h"].value
    assert f"some sources give 72 h instead of {fmt_num(half_life)} h" in README


def test_the_start_of_a_run():
    assert f"bone after a {SPINUP_DAYS}-day remodeling spin-up" in README
    peak = parameter_registry()["osteoblast_reference_age_years"].value
    assert f"the decades since the young-adult peak at {fmt_num(peak)} are run" in README


def test_the_built_in_scenarios_are_listed():
    listed = re.search(r"Built-ins \(`calcium-abm scenarios`\): (.*?); each names", README).group(1)
    shipped = {p.stem for p in (ROOT / "calcium_abm" / "scenarios").glob("*.toml")}
    assert set(re.findall(r"`(\w+)`", listed)) == shipped
    default = inspect.signature(simulate).parameters["scenario"].default
    assert default == inspect.signature(CalciumParadoxModel).parameters["scenario"].default == settings.DEFAULT_SCENARIO
    assert f"`{default}` (default)" in listed


def test_validation_seeds_and_the_rows_that_keep_theirs():
    assert f"intervention arms over the study's duration, {DEFAULT_SEEDS} seeds each" in README
    assert f"`--quick` is a rough check: its small grids and {QUICK_SEEDS} seeds" in README
    assert f"# {QUICK_SEEDS} seeds and small grids" in README and f"# {DEFAULT_SEEDS} seeds per arm" in README
    named = re.search(r"Rows whose design needs more seeds \(one virtual person's BMD against a trial of "
                      r"hundreds: (.*?)\) keep their seeds", README).group(1)
    keeping = {row for row, item in all_rows().items() if getattr(item, "min_seeds", None)}
    assert set(re.findall(r"\bH?T-\w+|\b[A-Z]?\d+\b", named)) == keeping


def test_dashboard_figures():
    low, high = SERUM_CALCIUM_AXIS_MMOL_L
    assert f"Serum calcium has a fixed {low:.1f}–{high:.1f} mmol/L axis" in README
    side = settings.MAX_GRID_SIDE_PATCHES
    assert f"grids up to {side}×{side} per section" in README
    assert server.DEFAULT_CULL_TIMEOUT == "1m" and "its session is freed after a minute" in README
    assert server.DISCONNECTED_GRACE_S < 60 and "a tab that disappears stops within seconds" in README
    tested = re.search(r'parametrize\("width, height", \[(.*?)\]\)',
                       (ROOT / "tests" / "browser" / "test_lecture_hall.py").read_text(encoding="utf-8")).group(1)
    sizes = [f"{w}×{h}" for w, h in re.findall(r"\((\d+), (\d+)\)", tested)]
    assert f"at {' and '.join(sorted(sizes))}" in README


def test_batches():
    assert f"on `randomisation_day` (default {_default(Cohort, 'randomisation_day')})" in README
    knapen = tomllib.loads((ROOT / "examples" / "batches" / "knapen2015_mk7.toml").read_text(encoding="utf-8"))
    mk7 = next(arm["add"]["mk7_ug_per_day"] for arm in knapen["arms"] if "add" in arm)
    assert f"`examples/batches/knapen2015_mk7.toml` (MK-7 {mk7} µg/d, {knapen['years']} years)" in README
    shea = tomllib.loads((ROOT / "examples" / "batches" / "shea2009_k1_cac.toml").read_text(encoding="utf-8"))
    k1 = {arm.get("add", {}).get("vitamin_k1_ug_per_day") for arm in shea["arms"]} - {None}
    assert f"`shea2009_k1_cac.toml` (K1 {k1.pop()} µg/d" in README


def test_benchmark_sizes_are_the_saved_runs():
    import json

    classroom = json.loads((ROOT / "bench" / "results" / "dashboard.json").read_text(encoding="utf-8"))
    assert f"and `--classroom` for {classroom['tabs']} tabs" in README
    assert f"The classroom's last measurement ({classroom['tabs']} tabs in one Chromium" in README
    batch = json.loads((ROOT / "bench" / "results" / "batch.json").read_text(encoding="utf-8"))
    assert f"the projected time of a {batch['cohort_patients']:,}-patient cohort" in README


def test_the_man_and_woman_of_60_are_the_generated_blocks_people():
    blocks = _script("readme_blocks")
    settings_of = [dict(item.split("=", 1) for item in s[1::2]) for s in blocks.MAN_AND_WOMAN_OF_60]
    ages = {s["age_years"] for s in settings_of}
    assert len(ages) == 1 and f"**A man and a woman of {ages.pop()}.**" in README
    since = settings_of[1]["years_since_menopause"]
    years = inspect.signature(blocks.man_and_woman_block).parameters["years"].default
    assert f"as a man and as a woman {since} years past her final period, over {years} years" in README


def test_the_docs_index_counts_the_assumption_screenings_settings():
    index = " ".join((ROOT / "docs" / "README.md").read_text(encoding="utf-8").split())
    module = _script("assumption_sensitivity")
    words = {3: "three", 4: "four", 5: "five", 6: "six"}
    assert f"of every parameter marked \"assumption\" in {words[len(module.SETTINGS)]} settings (" in index


def _script(name: str):
    """scripts/NAME.py as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_heinz_nixdorf_medians_are_row_21s():
    """The README's "Heinz Nixdorf Recall medians: men 41, women 1 AU" are the published values row 21 checks
    (it said women 0, the women's 25th percentile; a docs audit, stop 71)."""
    row = all_rows()["21"]
    found = re.search(r"men 25/50/75/90th [\d.]+/([\d.]+)/.*women 25/50/75/90th [\d.]+/([\d.]+)/", row.finding)
    men, women = (fmt_num(float(x)) for x in found.groups())
    assert f"Heinz Nixdorf Recall medians: men {men}, women {women} AU" in README, (men, women)
