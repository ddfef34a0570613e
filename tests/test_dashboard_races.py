"""A reviewer's reading of the dashboard's threads (stop 71): a slider still settling when a demo was chosen
changed the demo's A, and a play loop that had made its run's last frame paused the runs a slider had put in
its place. Each test holds the racing thread at the point where the race was, then lets it go."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import ipyvuetify as v
import solara

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from calcium_dashboard import demos as dm  # noqa: E402
from calcium_dashboard import page as dp  # noqa: E402
from wait_helpers import wait_until  # noqa: E402


def _render(monkeypatch, query: str = ""):
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, query)
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    return solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)[1]


def _link(rc) -> str:
    return rc.find(v.TextField, class_="share-link").widget.v_model


def test_a_slider_moved_before_a_demo_does_not_change_the_demo(monkeypatch):
    """CKD stage moved to 5, then the MK-7 demo chosen within the slider's settling time: the slider's thread
    applied stage 5 to the demo's A (every demo's A is the default scenario, so the scenario check passed)."""
    go_on, settling = threading.Event(), []
    real_sleep = dp.time.sleep

    def sleep(seconds: float) -> None:  # the slider's wait is held until the demo has been chosen
        if seconds == dp.SLIDER_SETTLE_S:
            settling.append(threading.current_thread())
            go_on.wait(60)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(dp.time, "sleep", sleep)
    rc = _render(monkeypatch)
    try:
        rc.find(v.Slider, class_="knob-ckd_stage").widget.fire_event("change", 5)
        assert wait_until(lambda: bool(settling)), "the slider did not start settling"
        rc.find(v.Btn, children=[dm.DEMOS_BY_KEY["mk7"].title]).widget.click()
        go_on.set()
        settling[0].join(60)
        assert not settling[0].is_alive()
        assert "ckd_stage" not in _link(rc), _link(rc)
        assert dp.current_demo(dp.settings_from_query(_link(rc).split("?", 1)[1])[0]) is not None
        go_on.clear()  # the same demo chosen again while a slider settles: it restarts from its own settings
        rc.find(v.Slider, class_="knob-ckd_stage").widget.fire_event("change", 4)
        assert wait_until(lambda: len(settling) == 2), "the slider did not start settling"
        rc.find(v.Btn, children=[dm.DEMOS_BY_KEY["mk7"].title]).widget.click()
        go_on.set()
        settling[1].join(60)
        assert not settling[1].is_alive() and "ckd_stage" not in _link(rc), _link(rc)
        rc.find(v.Slider, class_="knob-ckd_stage").widget.fire_event("change", 3)  # moved in this comparison: applied
        assert wait_until(lambda: "ckd_stage=3" in _link(rc)), _link(rc)
    finally:
        go_on.set()
        rc.close()


def test_a_play_loop_that_finished_does_not_pause_the_runs_that_replaced_it(monkeypatch):
    """The loop checked that it should go on, sent its last frame, then paused the page: a slider moved while
    that frame was being sent had started new runs, still playing, and the old loop paused them."""
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 0.0)
    builds, sending, go_on = [], threading.Event(), threading.Event()
    real_build, real_report = dp.build_runs, dp.report_physiology

    def build_runs(*args, **kwargs):
        runs = real_build(*args, **kwargs)
        if not builds:  # the first runs start two frames before their end
            for run in runs:
                run.advance(run.days_total - 14)
        builds.append(runs)
        return runs

    def report_physiology(runs, notify):  # the last frame is being sent: held until the slider has moved
        real_report(runs, notify)
        if runs is builds[0] and all(r.finished for r in runs):
            sending.set()
            go_on.wait(60)

    monkeypatch.setattr(dp, "build_runs", build_runs)
    monkeypatch.setattr(dp, "report_physiology", report_physiology)
    rc = _render(monkeypatch)
    try:
        rc.find(v.Btn, children=["▶ Play"]).widget.click()
        assert sending.wait(60), "the first runs did not reach their last frame"
        rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget.fire_event("change", 100)  # new runs, still playing
        assert len(builds) == 2 and rc.find(v.Btn, class_="pause-button")
        go_on.set()
        assert wait_until(lambda: builds[1][0].day >= 28)  # the new runs play on past the old loop's end
        assert rc.find(v.Btn, class_="pause-button"), "the old loop paused the new runs"
    finally:
        go_on.set()
        rc.close()


def test_matplotlib_is_imported_with_the_page_not_in_a_download_thread():
    """"Chart as PNG" runs in a thread solara stops, when the download is made stale, by raising inside whatever
    line it is on; the first PNG of a server imported matplotlib there, and a stop inside that import left it
    half-imported: every later PNG failed (AttributeError: module 'matplotlib' has no attribute 'colors'). The
    page's import of the charts now imports everything a PNG needs."""
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    code = ("import sys; import calcium_dashboard.charts as c; "
            "print(all(m in sys.modules for m in ('matplotlib.figure', 'matplotlib.backends.backend_agg', "
            "'matplotlib.font_manager')))")
    app_dir = str(Path(__file__).resolve().parents[1] / "app")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
                              app_dir, os.environ.get("PYTHONPATH", "")]))})
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr[-2000:]
