"""A lecturer's rehearsal (/work/s59/edu/findings.md, 2026-12-06), mended: the locked axes of one demo
flattened the next; a double-clicked Play paused; the paradox chart's axis names and tooltip; presentation
mode said nothing of the scenario running; a 60-day run's time axis in fractions of a year; a refusal that
stayed after it was fixed; and the demos' words for what B's day 0 is. The page is rendered with
``solara.render`` (no browser, no timing assertions; the browser side: test_dashboard_lecture_browser.py)."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import ipyvuetify as v
import pytest
import solara

from calcium_abm import builtin_scenarios, load_scenario

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "app"))

from calcium_dashboard import page as dp  # noqa: E402
from calcium_dashboard import demos as dm  # noqa: E402
from calcium_dashboard import settings as ds  # noqa: E402
from calcium_dashboard.charts import CHART_COLUMNS, CHARTS_BY_KEY, AxisLock, echarts_option, mirrored_ranges  # noqa: E402
from calcium_dashboard.live import ChartView, FrameView  # noqa: E402
from calcium_dashboard.session import build_runs  # noqa: E402

GUIDE = " ".join((ROOT / "docs" / "dashboard.md").read_text(encoding="utf-8").split())
PARADOX = CHARTS_BY_KEY["paradox"]


@pytest.fixture(autouse=True)
def _sliders_apply_at_once(monkeypatch):
    """These tests fire one slider change and look at once: no settling delay (tests/test_dashboard_keys.py
    tests the delay that coalesces quick key presses)."""
    from calcium_dashboard import page as _page

    monkeypatch.setattr(_page, "SLIDER_SETTLE_S", 0.0)


def _render(monkeypatch, query: str = ""):
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, query)
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    return solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)[1]


def _day(rc) -> int:
    views = {id(w): w for w in rc.find(FrameView).widgets}
    assert len(views) == 1
    return int(next(iter(views.values())).latest[1].split()[1])


def _is_paradox(widget) -> bool:
    """The paradox chart's view: two y axes, the right one the vessel's (the vitamin K chart has two as well)."""
    axes = widget.latest["yAxis"]
    return len(axes) == 2 and axes[1].get("name") == PARADOX.right_axis


def _vessel_axis(rc) -> tuple[float, float]:
    """The paradox chart's right axis (vessel wall calcium) as the page draws it now."""
    charts = [w for w in rc.find(ChartView).widgets if _is_paradox(w)]
    assert len(charts) == 1
    axis = charts[0].latest["yAxis"][1]
    return axis["min"], axis["max"]


def _notices(rc) -> list[str]:
    return [str(a.children[0]) for a in rc.find(v.Alert).widgets if "notice" in a.class_]


def _captions(rc, expect: list[str] | None = None) -> list[str]:
    """The run captions once a demo's figures, computed in a thread the first time, have come (and, given
    ``expect``, once they read so: the thread's re-render may come after the click's)."""
    for _ in range(3000):  # at most ~5 min on a loaded machine; a caption that never settles fails its assert
        texts = [str(w.children[0]) for w in rc.find(v.Html, class_="ca-caption run-caption").widgets]
        if not any("computing the figures" in t for t in texts) and (expect is None or texts == expect):
            return texts
        time.sleep(0.1)
    return texts


# ------------------------------------------------------------------ finding 3: the axis lock
def _wide(frame, vessel_mg: float):
    """``frame`` with a vessel line up to ``vessel_mg`` (a CKD 5 demo's ten years)."""
    series = dict(frame.series)
    series["vessel_calcification_mg"] = ([0.0, 10.0], [0.0, vessel_mg])
    return replace(frame, series=series)


def test_another_demo_or_scenario_drops_the_locked_axes_a_restart_keeps_them(monkeypatch):
    """After the CKD 5 demo (vessel axis 0-50 mg) the MK-7 demo ran on the same axes and its lines lay flat
    on the floor; presentation mode has no switch for the lock."""
    locks: list[AxisLock] = []

    class Recorded(AxisLock):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            locks.append(self)

    monkeypatch.setattr(dp, "AxisLock", Recorded)
    rc = _render(monkeypatch, dm.lecture_demo("ckd5").to_query())
    try:
        (lock,) = locks
        frame = build_runs(ds.DashboardSettings(seed=1))[0].frame(CHART_COLUMNS)
        floor = mirrored_ranges([PARADOX.at_least[1]])[0]  # drawn about the bone axis's zero (-5 to 5 mg)
        assert lock.ranges_for(PARADOX, [_wide(frame, 43.0)])[1] == (0.0, 50.0)  # the CKD demo's range, seen
        rc.find(v.Btn, children=["Reset"]).widget.click()  # the same comparison again: its axes stay
        assert _vessel_axis(rc) == (-50.0, 50.0)
        rc.find(v.Slider, class_="knob-calcium_mg_per_day").widget.fire_event("change", 1500)  # a slider: stay
        assert _vessel_axis(rc) == (-50.0, 50.0)
        rc.find(v.Btn, children=[dm.DEMOS_BY_KEY["mk7"].title]).widget.click()  # another demo: fresh axes
        assert _vessel_axis(rc)[1] < 43.0  # its own (its 65-year-old starts with plaque above the floor)
        lock.ranges_for(PARADOX, [_wide(frame, 43.0)])
        rc.find(v.Select, class_="scenario-b").widget.v_model = "k2_deficiency"  # another scenario B
        assert _vessel_axis(rc)[1] < 43.0
        lock.ranges_for(PARADOX, [_wide(frame, 43.0)])
        rc.find(v.Select, class_="scenario-a").widget.v_model = "ckd_stage4"  # another scenario A
        assert _vessel_axis(rc) == floor
    finally:
        rc.close()
    assert "Choosing another demo or scenario (A or B), switching compare mode, or loading a file starts" in GUIDE


def test_a_frame_of_the_comparison_before_does_not_widen_the_new_ones_axes():
    """A play loop's last frame of the old demo, drawn after the new one began, must not bring its range back."""
    lock = AxisLock(locked=True)
    frame = build_runs(ds.DashboardSettings(seed=1))[0].frame(CHART_COLUMNS)
    old = lock.comparison
    lock.ranges_for(PARADOX, [_wide(frame, 43.0)], old)
    lock.forget()
    assert lock.ranges_for(PARADOX, [_wide(frame, 43.0)], old)[1] == (0.0, 50.0)  # drawn as it is ...
    assert lock.ranges_for(PARADOX, [frame], lock.comparison)[1] == PARADOX.at_least[1]  # ... not remembered


# ------------------------------------------------------------- finding 13: Play, Pause, Reset
def test_the_second_click_of_a_double_click_on_play_does_not_pause(monkeypatch):
    """A double-clicked ▶ Play: the first click turned the button into ❚❚ Pause under the cursor, the second
    paused the run at its first frame. The browser numbers a double-click's clicks (``detail``)."""
    rc = _render(monkeypatch, "scenario=k2_deficiency")
    try:
        rc.find(v.Btn, children=["▶ Play"]).widget.fire_event("click", {"detail": 1})
        rc.find(v.Btn, children=["❚❚ Pause"]).widget.fire_event("click", {"detail": 2})  # the double-click's second
        rc.find(v.Btn, children=["❚❚ Pause"]).assert_single()  # still playing
        rc.find(v.Btn, children=["❚❚ Pause"]).widget.fire_event("click", {"detail": 1})  # a click of its own
        rc.find(v.Btn, children=["▶ Play"]).assert_single()
        assert not rc.find(v.Btn, children=["❚❚ Pause"])
        assert dp.second_click({"detail": 2}) and not dp.second_click({"detail": 1}) and not dp.second_click(None)
    finally:
        rc.close()


def test_reset_goes_back_to_day_0_and_pauses_as_the_guide_says(monkeypatch):
    rc = _render(monkeypatch, "scenario=k2_deficiency")
    try:
        rc.find(v.Btn, children=["▶ Play"]).widget.click()
        deadline = time.time() + 20
        while _day(rc) < 3 * ds.DEFAULT_DAYS_PER_FRAME and time.time() < deadline:
            time.sleep(0.05)
        assert _day(rc) >= 3 * ds.DEFAULT_DAYS_PER_FRAME
        rc.find(v.Btn, children=["Reset"]).widget.click()
        assert _day(rc) == 0
        rc.find(v.Btn, children=["▶ Play"]).assert_single()  # paused at day 0, ready to be talked over
    finally:
        rc.close()
    assert "**Reset** goes back to day 0 and pauses there" in GUIDE
    assert "A double-click on **▶ Play** plays" in GUIDE


# ----------------------------------------------------- findings 4 and 14: axis names, tooltip
def test_the_paradox_charts_axes_have_short_names_and_its_legend_says_units_and_sides():
    run = build_runs(ds.DashboardSettings(seed=1))[0]
    run.advance(30)
    option = echarts_option(PARADOX, [run.frame(CHART_COLUMNS)], 10.0)
    names = [axis["name"] for axis in option["yAxis"]]
    assert names == ["bone, %", "vessel, mg"]  # were "bone density change (%)", "vessel wall calcium (mg)"
    colours = [axis["nameTextStyle"]["color"] for axis in option["yAxis"]]
    assert colours == [line.color for line in PARADOX.lines]  # each name in its line's colour
    labels = [line.label for line in PARADOX.lines]
    assert labels == ["bone density change, % (left axis; mean of up to 1 year)", "vessel wall calcium, mg (right axis)"]


def test_tooltips_carry_units_and_decimals_and_stay_inside_the_chart():
    runs = build_runs(dm.lecture_demo("mk7"))
    for run in runs:
        run.advance(30)
    option = echarts_option(PARADOX, [run.frame(CHART_COLUMNS) for run in runs], 10.0)
    assert option["tooltip"]["confine"] is True  # was cut off at the page's left edge
    assert option["tooltip"]["ca_tip"] == {"time": "year", "digits": 1}
    tips = [s["ca_tip"] for s in option["series"] if "ca_tip" in s]
    assert tips == [{"name": "bone A", "unit": "%", "digits": 1}, {"name": "vessel A", "unit": "mg", "digits": 2},
                    {"name": "bone B", "unit": "%", "digits": 1}, {"name": "vessel B", "unit": "mg", "digits": 2}]
    assert all(not s.get("ca_tip") for s in option["series"] if s.get("silent"))  # the faint daily lines: none
    chart_vue = (ROOT / "app" / "calcium_dashboard" / "chart.vue").read_text(encoding="utf-8")
    assert chart_vue.count("this.withTooltip(") == 2  # the first option and every later one


# --------------------------------------------------- finding 10: presentation, one scenario
def test_presentation_mode_with_one_scenario_says_which_scenario_runs(monkeypatch):
    rc = _render(monkeypatch, "scenario=k2_deficiency&present=1")
    try:
        description = builtin_scenarios()['k2_deficiency'].rstrip()  # a sentence, full stop added if missing
        assert _captions(rc) == [f"k2_deficiency: {description}{'' if description[-1] in '.!?' else '.'}"]
    finally:
        rc.close()
    rc = _render(monkeypatch, "scenario=k2_deficiency&mk7_ug_per_day=180")  # the sidebar says it: no caption
    try:
        assert _captions(rc) == []
        rc.find(v.Btn, children=["Presentation mode"]).widget.click()
        # the scenario changed by the controls, not its description (which describes another person)
        assert _captions(rc) == ["k2_deficiency with MK-7 180 µg/day (scenario: 0 µg/day)."]
    finally:
        rc.close()


# ------------------------------------------- finding 12 (part): days axis, a refusal fixed
def test_a_run_shorter_than_a_year_has_its_time_axis_in_days():
    assert load_scenario("mgp_knockout").days < 365 <= load_scenario("osteocalcin_knockout").days
    run = build_runs(ds.DashboardSettings(a=ds.SideSettings("mgp_knockout")))[0]
    run.advance(30)
    option = echarts_option(PARADOX, [run.frame(CHART_COLUMNS)], run.days_total / 365)
    assert option["xAxis"]["name"] == "days" and option["xAxis"]["max"] == run.days_total
    assert option["series"][0]["data"][-1][0] == 30 and option["tooltip"]["ca_tip"] == {"time": "day", "digits": 0}
    year_long = build_runs(ds.DashboardSettings(a=ds.SideSettings("osteocalcin_knockout")))[0]
    assert echarts_option(PARADOX, [year_long.frame(CHART_COLUMNS)], 1.0)["xAxis"]["name"] == "years"
    assert "in days for a run shorter than a year" in GUIDE


def test_a_refusal_goes_away_once_another_control_fixes_it(monkeypatch):
    """On a mouse, "female" was refused with advice to switch "Postmenopausal woman" on; done, the message
    stayed. A control set elsewhere that leaves the refused value refused keeps it."""
    rc = _render(monkeypatch, "scenario=mgp_knockout")
    try:
        rc.find(class_="knob-sex").widget.v_model = 0  # female: refused
        (refusal,) = _notices(rc)
        assert "set postmenopausal = true" in refusal
        rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget.fire_event("change", 180)  # unrelated: it stays
        assert _notices(rc) == [refusal]
        rc.find(v.Switch, class_="knob-postmenopausal").widget.v_model = True  # the advised fix
        assert _notices(rc) == []
        assert rc.find(class_="knob-sex").widget.v_model == 0  # she runs female now
    finally:
        rc.close()


# ------------------------------------------------------ findings 5 and 6: the demos' words
def test_the_demos_say_what_b_is_on_day_0_and_what_warfarin_does_to_bone(monkeypatch):
    rc = _render(monkeypatch)
    try:
        assert _captions(rc) == []
        rc.find(v.Btn, children=[dm.DEMOS_BY_KEY["warfarin"].title]).widget.click()
        (caption,) = _captions(rc)
        warfarin = dm.DEMOS_BY_KEY["warfarin"]
        assert caption == f"{warfarin.day_zero_text()} {warfarin.note_text()}"  # day 0 first
        assert "Warfarin users' bone is expected to change like non-users'" in caption
        assert "validation row W3: MrOS, Woo et al. 2008" in caption and "B's vessel gains more calcium" in caption
        assert "B has been on warfarin for years before day 0" in caption and "differ on day 0" in caption
        rc.find(v.Btn, children=[dm.DEMOS_BY_KEY["ckd5"].title]).widget.click()
        ckd5 = dm.DEMOS_BY_KEY["ckd5"]
        assert _captions(rc, [f"{ckd5.day_zero_text()} {ckd5.note_text()}"]) == [
            f"{ckd5.day_zero_text()} {ckd5.note_text()}"]
        assert "B has had CKD 5 for years before day 0" in _captions(rc)[0]
        rc.find(v.Btn, children=["Presentation mode"]).widget.click()  # the projector shows it too
        assert _captions(rc) == [f"{ckd5.day_zero_text()} {ckd5.note_text()}"]
    finally:
        rc.close()
    # the row the warfarin note names: warfarin users lose bone as non-users do, from Woo et al. 2008 (MrOS)
    from calcium_abm.validation import all_rows

    w3 = all_rows()["W3"]
    assert "Woo et al. 2008" in w3.source and "MrOS" in w3.source and "as fast as non-users" in w3.finding


@pytest.mark.parametrize("key", sorted(dm.DEMOS_BY_KEY))
def test_a_demo_stays_itself_when_a_control_moves_both_sides(key):
    demo = dm.DEMOS_BY_KEY[key]
    settings = demo.settings()
    assert dm.current_demo(settings) is demo
    base = ds.resolve_scenario(demo.scenario)
    a, b = ds.change_both(settings.a, settings.b, "sex", "female")
    assert dm.current_demo(replace(settings, a=a, b=b)) is demo
    moved_b = settings.b.with_change("calcium_mg_per_day", 1500, base)  # B alone moved: not the demo
    assert dm.current_demo(replace(settings, b=moved_b)) is None


def test_what_the_demos_words_say_is_what_their_runs_show():
    """Each demo's A and B differ on day 0 (B's long history), and in the warfarin demo B's bone follows A's
    while B's vessel gains more calcium."""
    for key in dm.DEMOS_BY_KEY:
        a, b = (run.model.datacollector.model_vars for run in build_runs(dm.lecture_demo(key)))
        assert abs(b["dp_ucmgp_pmol_l"][0] - a["dp_ucmgp_pmol_l"][0]) > 100, key  # pmol/L, on day 0
    runs = build_runs(dm.lecture_demo("warfarin"))
    for run in runs:
        run.advance(2 * 365)
    a, b = (run.model.datacollector.model_vars for run in runs)
    assert abs(b["bmd_change_pct"][-1] - a["bmd_change_pct"][-1]) < 0.01  # percentage points: one line on screen
    assert b["vessel_calcification_mg"][-1] > a["vessel_calcification_mg"][-1] + 0.01


def test_a_demo_s_words_follow_a_control_moved_for_both_sides_and_the_seed():
    """The words kept the default demo's figures (a man of 65, the scenario's seed) after FEMALE was pressed
    for A and B or the seed box changed, beside a chart that showed other runs (an educator's finding)."""
    demo = dm.DEMOS_BY_KEY["warfarin"]
    settings = demo.settings()
    a, b = ds.change_both(settings.a, settings.b, "sex", "female")
    women = replace(settings, a=a, b=b)
    assert dm.current_demo(women) is demo
    runs = build_runs(women)
    for run in runs:
        run.advance(10)
    day0_mg = [run.model.datacollector.model_vars["vessel_calcification_mg"][0] for run in runs]
    assert demo.outcome(women).vessel_day0_mg == pytest.approx(tuple(day0_mg))
    assert demo.outcome(women).vessel_day0_mg != demo.outcome().vessel_day0_mg
    words = f"{demo.day_zero_text(demo.outcome(women))} {demo.note_text(demo.outcome(women), women)}"
    assert f"({day0_mg[0]:.1f} mg in both)" in words and "a woman's plaque" in words
    reseeded = replace(settings, seed=4)
    assert demo.outcome(reseeded).seed == 4 and demo.outcome(reseeded).bone_end_pct != demo.outcome().bone_end_pct
    # a link that compares two people without the demo's age says nothing about an age
    bare = replace(settings, a=replace(settings.a, changes=()),
                   b=replace(settings.b, changes=(("warfarin_mg_per_day", ds.WARFARIN_DEMO_MG_PER_DAY),)))
    assert dm.current_demo(bare) is demo and "Both are" not in demo.note_text(None, bare)


def test_b_s_label_names_what_it_differs_in_first():
    """A projector's one-line heading cut B off where it differs from A ("healthy_adult + Age at the start 65 years,
    Chronic kidney dis…"): B's own settings come first, what it shares with A after them."""
    runs = build_runs(dm.lecture_demo("ckd5"))
    a_label, b_label = (run.label for run in runs)
    assert a_label == "healthy_adult + Age at the start 65 years", a_label
    assert b_label == "healthy_adult + Chronic kidney disease stage 5, Age at the start 65 years", b_label
