"""The educator's findings of stop 68 that need no browser: the paradox chart's axis labels are evenly spaced."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from calcium_dashboard.charts import (  # noqa: E402
    CHART_COLUMNS, CHARTS, CHARTS_BY_KEY, AxisLock, chart_png, drawn_ranges, echarts_option, mirrored_ranges, nice_range,
    tick_step,
)
from calcium_dashboard.session import build_runs  # noqa: E402
from calcium_dashboard import demos as dm  # noqa: E402
from calcium_dashboard import settings as ds  # noqa: E402
from wait_helpers import wait_until  # noqa: E402


@pytest.mark.parametrize("lo, hi", [(-9.6, 3.1), (-3.79, 0.4), (0.0, 74.8), (-0.31, 0.02), (2.1, 2.6), (0.0, 1234.0)])
def test_a_pinned_axis_is_labelled_in_even_steps_from_end_to_end(lo, hi):
    """The postmenopausal run's bone axis read 5, 3, 0, -3, -6, -9, -10: ECharts chose 3 inside the pinned -10 to 5.
    Every range the axis lock pins (nice_range) gets a step that divides both ends."""
    a, b = nice_range(lo, hi)
    step = tick_step(a, b)
    assert step is not None and 2 <= round((b - a) / step) <= 8
    for end in (a, b):
        assert abs(end / step - round(end / step)) < 1e-6
    assert tick_step(-10.0, 5.0) == 5.0 and tick_step(-0.5, 0.25) is None


def test_the_chart_option_carries_the_step_or_hides_uneven_end_labels():
    runs = build_runs(ds.DashboardSettings(a=ds.SideSettings("postmenopausal"), seed=2))
    runs[0].advance(30)
    frames = [r.frame(CHART_COLUMNS) for r in runs]
    chart = CHARTS_BY_KEY["dp_ucmgp"]  # two axes, each its own range (the paradox chart's share their zero)
    ranges = AxisLock().ranges_for(chart, frames)
    option = echarts_option(chart, frames, 10.0, ranges=ranges)
    for axis, pinned in zip(option["yAxis"], ranges):
        assert (axis["min"], axis["max"]) == pinned and axis["interval"] == tick_step(*pinned)
    odd = echarts_option(chart, frames, 10.0, ranges=[(-0.5, 0.25), (0.0, 7.4)])
    for axis in odd["yAxis"]:
        assert "interval" not in axis
        assert axis["axisLabel"]["showMinLabel"] is False and axis["axisLabel"]["showMaxLabel"] is False


def test_the_paradox_charts_axes_share_their_zero_in_the_middle():
    """A lecturer (stop 70): bone's axis had its zero two thirds up, the vessel's at the bottom, so the lines crossed
    where two unrelated scales put them. Both axes now run from -top to top around a shared zero, bone falling below
    it and the vessel's calcium rising above it; the vessel axis labels 0 and above only, on the page and the PNG."""
    paradox = CHARTS_BY_KEY["paradox"]
    runs = build_runs(ds.DashboardSettings(a=ds.SideSettings("healthy_adult", (("ckd_stage", 5),)), seed=2))
    runs[0].advance(730)
    frames = [r.frame(CHART_COLUMNS) for r in runs]
    for ranges in (AxisLock(locked=True).ranges_for(paradox, frames), AxisLock(locked=False).ranges_for(paradox, frames)):
        option = echarts_option(paradox, frames, 10.0, ranges=ranges)
        (bone, vessel) = [(axis["min"], axis["max"]) for axis in option["yAxis"]]
        assert bone[0] == -bone[1] and vessel[0] == -vessel[1], (bone, vessel)
        for series in option["series"]:  # every line inside its axis
            low, high = (bone, vessel)[series["yAxisIndex"]]
            assert all(low <= y <= high for _, y in series["data"] if y is not None), series["name"]
        assert option["yAxis"][1]["ca_hide_negative"] and "ca_hide_negative" not in option["yAxis"][0]
        assert all(a["interval"] and round(a["max"] / a["interval"]) >= 1 for a in option["yAxis"])
    assert drawn_ranges(paradox, frames, [(-2.0, 1.0), (0.0, 5.0)]) == [(-2.0, 2.0), (-5.0, 5.0)]
    assert mirrored_ranges([(0.0, 0.0), (float("nan"), float("nan")), (-0.3, 43.0)]) == [(-1.0, 1.0), (-1.0, 1.0),
                                                                                        (-50.0, 50.0)]
    assert mirrored_ranges([(0.0, 1.7e308)]) == [(-1.7e308, 1.7e308)]  # no OverflowError from a run gone wild
    assert option["yAxis"][1]["axisTick"] == {"show": False}  # no unlabelled marks below the vessel's zero
    other = CHARTS_BY_KEY["dp_ucmgp"]  # two axes of their own: unchanged
    assert drawn_ranges(other, frames, [(0.0, 500.0), (0.8, 3.0)]) == [(0.0, 500.0), (0.8, 3.0)]
    assert chart_png(paradox, frames, 10.0).startswith(b"\x89PNG")


def test_a_demo_shown_the_first_time_turns_the_page_at_once_and_its_words_follow(monkeypatch):
    """The educator: for 2-4 s after a demo was chosen the page kept the last demo's day, words and end note, while
    the new demo's figures were computed. Now they are computed in a thread; the page says so meanwhile."""
    import threading

    import ipyvuetify as v
    import solara

    from calcium_dashboard import demos
    from calcium_dashboard import page as dp

    release, started = threading.Event(), threading.Event()
    real = demos.demo_outcome

    def slow(a, b, seed=None):
        started.set()
        assert release.wait(300)
        return real(a, b, seed)

    monkeypatch.setattr(demos, "demo_outcome", slow)
    monkeypatch.setattr(demos, "_COMPUTED", set())
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, "")
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    rc = solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)[1]

    def captions():
        return [str(w.children[0]) for w in rc.find(v.Html, class_="ca-caption run-caption").widgets]

    try:
        ckd5 = dm.DEMOS_BY_KEY["ckd5"]
        rc.find(v.Btn, children=[ckd5.title]).widget.click()
        assert started.wait(300)
        assert captions() == [f"{ckd5.title}: computing the figures for these settings (a few seconds)…"]
        release.set()
        for _ in range(3000):
            if captions() != [f"{ckd5.title}: computing the figures for these settings (a few seconds)…"]:
                break
            __import__("time").sleep(0.1)
        monkeypatch.setattr(demos, "demo_outcome", real)  # the expected words, from the same (cached) figures
        assert captions() == [f"{ckd5.day_zero_text()} {ckd5.note_text()}"]
        assert ckd5.outcome_ready()
    finally:
        release.set()
        rc.close()


def test_a_rodent_scenario_s_caption_reads_as_sentences():
    """The educator: "...in the artery wall A mouse run keeps..." (a description without a full stop before the
    scale note)."""
    import ipyvuetify as v
    import solara

    from calcium_dashboard import page as dp

    for name in ("mgp_knockout", "warfarin_high_k1", "osteocalcin_knockout"):
        _, rc = solara.render(dp.Caption(ds.DashboardSettings(a=ds.SideSettings(name), present=True), {}),
                              handle_error=False)
        try:
            (caption,) = [str(w.children[0]) for w in rc.find(v.Html, class_="ca-caption run-caption").widgets]
        finally:
            rc.close()
        assert caption.endswith(".") and " A mouse run" not in caption.replace(". A mouse run", "")
        assert " A rat run" not in caption.replace(". A rat run", "")


def test_a_link_with_an_unknown_scenario_says_what_runs_instead():
    """The educator: with compare=k2_defic, B quietly became the default scenario; the message named the bad name
    only."""
    settings, problems = ds.settings_from_query("scenario=k2_deficiency&compare=k2_defic")
    assert settings.b is not None and settings.b.scenario == ds.DEFAULT_SCENARIO
    assert problems[-1].startswith("link: unknown scenario 'k2_defic'")
    assert problems[-1].endswith(f"; B runs {ds.DEFAULT_SCENARIO} instead")
    _, problems = ds.settings_from_query("scenario=nonexistent")
    assert problems[-1].endswith(f"; A runs {ds.DEFAULT_SCENARIO} instead")


def test_a_demo_whose_figures_fail_says_so_in_its_caption(monkeypatch):
    """A demo whose figures raise left the caption blank; it now names the demo and the error in one line."""
    import ipyvuetify as v
    import solara

    from calcium_dashboard import demos
    from calcium_dashboard import page as dp

    def broken(a, b, seed=None):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(demos, "demo_outcome", broken)
    monkeypatch.setattr(demos, "_COMPUTED", set())
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, "")
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    rc = solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)[1]
    try:
        ckd5 = dm.DEMOS_BY_KEY["ckd5"]
        rc.find(v.Btn, children=[ckd5.title]).widget.click()
        want = (f"{ckd5.title}: its figures for these settings could not be computed (ZeroDivisionError: float "
                "division by zero); the runs on the charts are not affected.")
        computing = [f"{ckd5.title}: computing the figures for these settings (a few seconds)…"]

        def texts():
            return [str(w.children[0]) for w in rc.find(v.Html, class_="ca-caption run-caption").widgets]

        wait_until(lambda: texts() not in ([], computing), 300)
        assert texts() == [want]
    finally:
        rc.close()
