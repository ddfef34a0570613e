"""docs/dashboard.md's typed numbers about the dashboard agree with the code: each default,
limit, rate and size the guide names is read here from where the code keeps it (the age
slider's range has its own test in test_dashboard_age_slider.py). The dated measurements in its
Speed section are records of past benchmark runs and are left as they were measured."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from calcium_abm import simulate
from calcium_abm.commands import dashboard
from calcium_abm.inputs import sections
from calcium_abm.render import VESSEL_MINERAL_FULL_SCALE
from calcium_abm.scenario import MAX_SCENARIO_BYTES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "app"))

from calcium_dashboard import demos as dm, page, server, settings  # noqa: E402
from calcium_dashboard.charts import BMD_MEAN_DAYS, SERUM_CALCIUM_AXIS_MMOL_L  # noqa: E402
from calcium_dashboard.session import date_text  # noqa: E402

GUIDE = " ".join((ROOT / "docs" / "dashboard.md").read_text(encoding="utf-8").split())


def _num(x: float) -> str:
    return f"{x:g}"


def test_the_commands_defaults():
    assert set(re.findall(r"127\.0\.0\.1:(\d+)", GUIDE)) == {dashboard.DEFAULT_PORT}
    assert f"| `--port {dashboard.DEFAULT_PORT}` | port to listen on |" in GUIDE
    assert f"| `--host {dashboard.DEFAULT_HOST}` | who may connect. The default is this computer only." in GUIDE
    env = dashboard.SERVER_ENVIRONMENT
    assert f"starts the server with `PYTHONMALLOC={env['PYTHONMALLOC']}` and " \
           f"`MALLOC_ARENA_MAX={env['MALLOC_ARENA_MAX']}`" in GUIDE


def test_the_demos_and_the_speed_control():
    demos = dm.DEMOS_BY_KEY
    assert f"with MK-7 at {_num(demos['mk7'].value)} µg/day (B)" in GUIDE
    assert f"**The same person with and without warfarin** ({_num(demos['warfarin'].value)} mg/day)" in GUIDE
    assert f"**The same person: healthy kidneys vs CKD {demos['ckd5'].value}**" in GUIDE
    *first, last = settings.SPEEDS_DAYS_PER_FRAME
    assert f"set the speed to {', '.join(map(str, first))} or {last} simulated days per frame" in GUIDE
    assert settings.DEFAULT_DAYS_PER_FRAME == 7 and "one week per frame is the default" in GUIDE
    assert f'The date ("{date_text(365)}") counts up' in GUIDE


def test_presentation_sizes_are_the_ones_the_browser_test_checks():
    tested = re.search(r'parametrize\("width, height", \[(.*?)\]\)',
                       (ROOT / "tests" / "browser" / "test_lecture_hall.py").read_text(encoding="utf-8")).group(1)
    width_height = re.findall(r"\((\d+), (\d+)\)", tested)
    assert len(width_height) == 2
    assert "fit on one screen without scrolling, at {}×{} and at {}×{}".format(*width_height[0], *width_height[1]) \
        in GUIDE


def test_what_the_charts_and_pictures_show():
    low, high = SERUM_CALCIUM_AXIS_MMOL_L
    assert f"**Serum calcium** has a physiological axis of at least {low:.1f}–{high:.1f} mmol/L" in GUIDE
    assert BMD_MEAN_DAYS == 365 and "**Bone density** is drawn as the mean of the past year, or since day 0 in the first year" in GUIDE
    side = sections.Simulation.model_fields["bone_grid_width"].default
    assert sections.Simulation.model_fields["bone_grid_height"].default == side
    assert f"A slice of trabecular bone, {side}×{side} patches." in GUIDE
    assert f"The daily value of a {side}×{side} bone section wanders" in GUIDE
    assert f"stretched to 0–{VESSEL_MINERAL_FULL_SCALE:.0%} of a patch".replace("%", " %") in GUIDE
    from calcium_dashboard.session import IMAGE_SCALE

    pixels_kb = side * side * 3 * IMAGE_SCALE**2 / 1024  # one byte per colour channel, IMAGE_SCALE² pixels a patch
    assert f"each picture's raw RGB pixels ({pixels_kb:.0f} KB at {side}×{side}, {IMAGE_SCALE}×{IMAGE_SCALE} pixels " \
           "a patch)" in GUIDE
    from calcium_abm import parameter_registry
    from calcium_abm.render import INTIMA_FULL_SCALE_AU, intima_full_scale_mg

    full = intima_full_scale_mg({"agatston_units_per_mg": parameter_registry()["agatston_units_per_mg_calcium"].value})
    assert f"a coronary score of {INTIMA_FULL_SCALE_AU:.0f} AU ({full:.0f} mg; the key under the pictures gives it)" in GUIDE
    onset = parameter_registry()["intimal_onset_age_median_male_years"].value
    age = dm.DEMOS_BY_KEY["mk7"].shared
    assert f"The person is `healthy_adult` at {dict(age)['age_years']} on both sides" in GUIDE
    assert f"a man's plaque calcium starts at a median age of {onset:g}" in GUIDE


@pytest.mark.parametrize("seed", [1, 2, 42])
def test_the_daily_bone_density_wanders_about_one_percent_around_its_yearly_mean(seed):
    """What the guide says of the faint daily line, measured on the default person and grids."""
    assert "wanders up to about ±1 % around its one-year mean" in GUIDE
    bmd = simulate("healthy_adult", years=3, seed=seed)["bone_mineral_density_g_cm2"]
    deviation_pct = (100 * (bmd / bmd.rolling(BMD_MEAN_DAYS).mean() - 1)).dropna().abs().max()
    assert round(deviation_pct) == 1, deviation_pct


def test_upload_limits():
    assert MAX_SCENARIO_BYTES == 2**20 and "Files over 1 MiB are refused in the browser" in GUIDE
    side = settings.MAX_GRID_SIDE_PATCHES
    assert f"may have grids of at most {side}×{side} patches per section" in GUIDE


def test_many_tabs_share_the_server():
    budget, cap = page.SERVER_FRAMES_PER_S, page.MAX_FRAMES_PER_S
    capped = max(n for n in range(1, 100) if page.frame_interval_s(n) == 1 / cap)
    assert f"its share of {budget:.0f} frames per second for the whole server ({cap:.0f} frames/s with " \
           f"one to {['one', 'two', 'three', 'four', 'five'][capped - 1]} tabs, " \
           f"{1 / page.frame_interval_s(30):.1f} with 30)" in GUIDE
    assert f"The play loop is capped at {cap:.0f} frames/s" in GUIDE
    assert f"the server's budget is now {budget:.0f} frames/s" in GUIDE
    assert f"({budget:.0f} frames/s shared by 30 tabs, {1 / page.frame_interval_s(30):.2f} each)" in GUIDE
    per_tab = server.CHART_INTERVAL_PER_PLAYING_TAB_S
    assert f"Charts redraw at {1 / page.CHART_INTERVAL_S:.0f} Hz while one tab plays, less often when many do " \
           f"(every {per_tab:g} s per playing tab, so every {30 * per_tab:g} s with 30)" in GUIDE
    assert f"A tab's charts are redrawn every {6 * per_tab:g} s with 6 tabs playing" in GUIDE


def test_a_vanished_tab_is_cleaned_up():
    assert f"stops playing within about {server.DISCONNECTED_GRACE_S:.0f} seconds of its connection dropping" in GUIDE
    assert server.DEFAULT_CULL_TIMEOUT == "1m"
    assert f"freed one minute later (Solara's kernel cull timeout, set by the dashboard to " \
           f"`{server.DEFAULT_CULL_TIMEOUT}`" in GUIDE


def test_the_benchmarks_tab_counts():
    source = (ROOT / "bench" / "dashboard.py").read_text(encoding="utf-8")
    classroom = int(re.search(r"bench_classroom\(args\.tabs or (\d+)", source).group(1))
    frame_cost = int(re.search(r"bench_frame_cost\(args\.tabs or (\d+)", source).group(1))
    assert f"with `--classroom`: {classroom} tabs playing at once (loopback only), a {classroom + 1}st tab" in GUIDE
    assert f"a few tabs ({frame_cost} by default) playing in one Chromium" in GUIDE


def test_the_slider_settling_time():
    assert (f"A slider's new value applies once it has rested for {_num(page.SLIDER_SETTLE_S)} s (`SLIDER_SETTLE_S`)"
            in GUIDE)
