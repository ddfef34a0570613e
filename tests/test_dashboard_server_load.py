"""What a tab costs the server, and what it leaves behind: frames without chart series
between chart redraws, models freed when a page closes, the memory and profile diagnostics.
No browser, no timing assertions."""

from __future__ import annotations

import gc
import sys
import threading
import time
import weakref
from pathlib import Path

import numpy as np
import solara

from calcium_abm import CalciumParadoxModel

APP_DIR = Path(__file__).resolve().parent.parent / "app"
sys.path.insert(0, str(APP_DIR))

from calcium_dashboard import settings as ds  # noqa: E402
from calcium_dashboard.charts import CHART_COLUMNS, CHARTS, AxisLock  # noqa: E402
from calcium_dashboard.page import FrameSink, _frames, play_frames  # noqa: E402
from calcium_dashboard.server import memory_report, sample_threads  # noqa: E402
from calcium_dashboard.live import rgb_buffer  # noqa: E402
from calcium_dashboard.session import build_runs  # noqa: E402


def _runs():
    return build_runs(ds.DashboardSettings(a=ds.SideSettings("healthy_adult"), seed=2))


def test_a_frame_without_series_has_the_same_pictures_and_no_series():
    run = _runs()[0]
    run.advance(30)
    full, bare = run.frame(CHART_COLUMNS), run.frame(CHART_COLUMNS, series=False)
    assert bare.series is None and full.series is not None
    assert bare.day == full.day
    assert np.array_equal(bare.bone, full.bone) and np.array_equal(bare.vessel, full.vessel)
    years, values = full.series["bmd_change_pct"]
    assert len(years) == len(values) and years[-1] == round(30 / 365, 4)


def test_a_frame_without_series_updates_the_pictures_and_keeps_the_charts():
    runs = _runs()
    sink = FrameSink(_frames(runs), AxisLock())
    for chart in sink.charts.values():
        chart.vue_visible(True)  # as the page says of charts on screen
    options = {c.key: sink.charts[c.key].latest for c in CHARTS}
    shown_series = sink.latest[0].series
    runs[0].advance(60)
    sink.show(_frames(runs, series=False), charts=True)  # a bare frame never redraws the charts
    day, date, pictures = sink.view.latest
    assert (day, date) == (60, "Day 60 · year 0.2")
    assert pictures[0] == rgb_buffer(runs[0].frame(CHART_COLUMNS, series=False).bone)
    assert {c.key: sink.charts[c.key].latest for c in CHARTS} == options
    assert sink.latest[0].series is shown_series and sink.latest[0].day == 60  # what the page shows
    sink.show(_frames(runs), charts=True)
    assert sink.charts["paradox"].latest != options["paradox"]


def test_play_loop_builds_series_only_for_the_frames_that_redraw_the_charts(monkeypatch):
    from calcium_dashboard import page

    monkeypatch.setattr(page, "CHART_INTERVAL_S", 3600.0)  # charts not due again in this test
    runs = _runs()
    sink = FrameSink(_frames(runs), AxisLock())
    built = []
    frame = runs[0].frame

    def counting_frame(specs, series=True):
        built.append(series)
        return frame(specs, series)

    runs[0].frame = counting_frame
    sink._charts_shown = time.perf_counter()  # charts just drawn

    class Watch:
        kernel_id = "series-test"
        left = 4

        def gone(self):
            self.left -= 1
            return "" if self.left >= 0 else "tab closed"

        def backlog(self):
            return 0

    play_frames(runs, sink, 7, lambda: True, Watch(), lambda: None, lambda reason: None)
    assert runs[0].day == 4 * 7 and built == [False] * 4
    assert sink.view.latest[:2] == (28, "Day 28 · year 0.1")


def _live_models() -> list[weakref.ref]:
    return [weakref.ref(o) for o in gc.get_objects() if isinstance(o, CalciumParadoxModel)]


def test_a_closed_page_leaves_no_model_behind():
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    gc.collect()
    before = {id(r()) for r in _live_models()}
    box, rc = solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)
    from ipyvuetify import Btn

    rc.find(Btn, children=["Step"]).widget.click()
    mine = [r for r in _live_models() if id(r()) not in before]
    assert mine, "the page built no model"
    rc.close()
    del box, rc
    gc.collect()
    assert [r for r in mine if r() is not None] == []


def test_memory_report_counts_live_models_and_the_c_heap():
    gc.collect()
    base = memory_report()["instances"]["CalciumParadoxModel"]
    held = CalciumParadoxModel("healthy_adult", rng=1, bone_grid_width=16, bone_grid_height=16,
                               vessel_grid_width=16, vessel_grid_height=16)
    report = memory_report(top=5)
    assert report["instances"]["CalciumParadoxModel"] == base + 1
    assert len(report["most_common_types"]) == 5 and report["objects_tracked_by_gc"] > 0
    if report["malloc"]:  # glibc
        assert report["malloc"]["in_use_bytes"] > 0
    del held
    assert memory_report()["instances"]["CalciumParadoxModel"] == base


def test_sample_threads_sees_a_busy_thread_and_not_an_idle_one():
    stop = threading.Event()

    def spin_in_a_named_function():
        while not stop.is_set():
            sum(i * i for i in range(2000))

    busy = threading.Thread(target=spin_in_a_named_function)
    idle = threading.Thread(target=stop.wait)
    busy.start(), idle.start()
    try:
        profile = sample_threads(0.3, interval_s=0.002)
    finally:
        stop.set()
        busy.join(), idle.join()
    assert any("spin_in_a_named_function" in key for key in profile["inclusive"])
    assert 0 < profile["busy"] < profile["samples"]


def test_the_dashboard_command_starts_the_server_with_the_c_allocator_unless_told_otherwise():
    from calcium_abm.commands.dashboard import server_environment

    env = server_environment({"PATH": "/bin"})
    assert env["PYTHONMALLOC"] == "malloc" and env["MALLOC_ARENA_MAX"] == "2" and env["PATH"] == "/bin"
    mine = server_environment({"PYTHONMALLOC": "pymalloc", "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "True"})
    assert mine["PYTHONMALLOC"] == "pymalloc" and mine["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
