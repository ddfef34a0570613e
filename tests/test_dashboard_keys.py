"""A student's review (stop 69) of the sliders under the keyboard: arrow keys went past a slider's ends (CKD stage 6
refused, age 101 run), and 25 quick presses rebuilt the runs 25 times in turn, the page answering nothing else for
~17 s. A slider now keeps its value within its ends, and applies the last value once it has rested
(page.SLIDER_SETTLE_S)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import ipyvuetify as v
import solara

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from calcium_dashboard import page as dp  # noqa: E402


def _render(monkeypatch, query: str = ""):
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, query)
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    return solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)[1]


def _label(rc, key: str) -> str:
    return str(rc.find(v.Html, class_=f"ca-knob-label knob-label-{key}").widget.children[0])


def _wait(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_quick_key_presses_rebuild_the_runs_once_with_the_last_value(monkeypatch):
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 0.5)
    builds = []
    real = dp.build_runs
    monkeypatch.setattr(dp, "build_runs", lambda *a, **k: builds.append(1) or real(*a, **k))
    rc = _render(monkeypatch)
    try:
        slider = rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget
        before = len(builds)
        for value in range(10, 130, 10):  # 12 presses, each within the settling time of the one before
            slider.fire_event("change", value)
        assert "MK-7: 120 µg/day" in _label(rc, "mk7_ug_per_day")  # the label follows at once
        assert _wait(lambda: len(builds) > before)
        time.sleep(1.0)  # any late rebuild would come within a settling time
        assert len(builds) - before == 1
        assert "mk7_ug_per_day=120" in rc.find(v.TextField, class_="share-link").widget.v_model  # the run's value
    finally:
        rc.close()


def test_a_key_press_past_a_slider_s_end_stays_at_the_end(monkeypatch):
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 0.0)
    rc = _render(monkeypatch)
    try:
        slider = rc.find(v.Slider, class_="knob-ckd_stage").widget
        top = slider.max
        slider.fire_event("change", top + 1)  # End, then an arrow: stage 6 was refused with a red message
        assert _label(rc, "ckd_stage").endswith(f": {int(top)}")
        assert not [w for w in rc.find(v.Alert).widgets if "is not allowed" in str(w.children)]
        age = rc.find(v.Slider, class_="knob-age_years").widget
        age.fire_event("change", age.max + 1)  # age 101 ran
        assert _wait(lambda: f"{int(age.max)} years" in _label(rc, "age_years"))
        assert "101" not in _label(rc, "age_years")
    finally:
        rc.close()
