"""A student's review (stop 69) of the sliders under the keyboard: arrow keys went past a slider's ends (CKD stage 6
refused, age 101 run), and 25 quick presses rebuilt the runs 25 times in turn, the page answering nothing else for
~17 s. A slider now keeps its value within its ends, and applies the last value once it has rested
(page.SLIDER_SETTLE_S)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import ipyvuetify as v
import reacton.core
import solara

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from calcium_dashboard import page as dp  # noqa: E402
from wait_helpers import wait_until  # noqa: E402


def _render(monkeypatch, query: str = ""):
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, query)
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    return solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)[1]


def _label(rc, key: str) -> str:
    return str(rc.find(v.Html, class_=f"ca-knob-label knob-label-{key}").widget.children[0])


def test_quick_key_presses_rebuild_the_runs_once_with_the_last_value(monkeypatch):
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 2.0)  # far longer than 12 presses take, however loaded the machine
    builds = []
    real = dp.build_runs
    monkeypatch.setattr(dp, "build_runs", lambda *a, **k: builds.append(1) or real(*a, **k))
    rc = _render(monkeypatch)
    try:
        slider = rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget
        before = len(builds)
        for value in range(10, 130, 10):  # 12 presses, each within the settling time of the one before
            _press(slider, value)
        assert "MK-7: 120 µg/day" in _label(rc, "mk7_ug_per_day")  # the label follows at once
        assert slider.v_model == 120  # and the slider stays where the browser put it: the next arrow key steps
        # from there (stop 70)
        assert wait_until(lambda: len(builds) > before)
        time.sleep(2.5)  # a later rebuild, from a press the wait let through, would come within a settling time
        assert len(builds) - before == 1
        assert "mk7_ug_per_day=120" in rc.find(v.TextField, class_="share-link").widget.v_model  # the run's value
    finally:
        rc.close()


def _hold_builds(monkeypatch):
    """Hold the page's run builds until ``release`` is set; ``building`` is set when one starts.
    Returns (the real ``build_runs``, building, release)."""
    real, building, release = dp.build_runs, threading.Event(), threading.Event()

    def held(*args, **kwargs):
        building.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(dp, "build_runs", held)
    return real, building, release


def _values_taken(slider) -> list:
    """Every value the slider's widget takes from now on, in order."""
    seen = []
    slider.observe(lambda change: seen.append(change["new"]), "v_model")
    return seen


def _before_the_page_sets(monkeypatch, slider, press) -> list:
    """Run ``press`` once, just before the page next sets the slider's props (a press arriving from the browser in
    the middle of a render); the list returned gets an item when it has run."""
    real, arrived = reacton.core.Element._update_widget, []

    def press_arrives_first(element, widget, *args, **kwargs):
        if widget is slider and not arrived:
            arrived.append(1)
            press()
        return real(element, widget, *args, **kwargs)

    monkeypatch.setattr(reacton.core.Element, "_update_widget", press_arrives_first)
    return arrived


def _press(slider, value) -> None:
    """What the browser sends for an arrow key: the slider's new value (Vuetify's input), then its change event."""
    slider.v_model = value
    slider.fire_event("change", value)


def test_a_render_that_lags_behind_the_key_presses_keeps_the_browser_s_value(monkeypatch):
    """The CI rehearsal of stop 70: on a loaded machine the render for a press (MK-7 110) came after the browser had
    sent the next press's value (120), and drew the slider at 110: it jumped back and the next press was lost. While
    it settles the slider keeps the value the browser last sent."""
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 2.0)
    rc = _render(monkeypatch)
    try:
        slider = rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget
        _press(slider, 110)
        slider.v_model = 120  # the second press's value arrives before a render that still holds 110: here the
        # page's, for a change of speed (the settings panel and its sliders render again)
        from calcium_dashboard import settings as ds
        rc.find(v.BtnToggle, class_="speed-toggle").widget.v_model = ds.SPEEDS_DAYS_PER_FRAME.index(91)
        assert slider.v_model == 120
        slider.fire_event("change", 120)
        assert wait_until(lambda: "mk7_ug_per_day=120" in _share(rc))
        assert slider.v_model == 120
    finally:
        rc.close()


def test_a_press_that_arrives_while_the_page_renders_is_never_sent_back(monkeypatch):
    """The CI of stop 71: the page's renders and the browser's messages run in different threads, so a render
    could read the slider's value (K1 160) just before the browser's next press (170) reached the widget, and set
    160 on it afterwards: the browser's slider jumped back and 10 presses gave 160-170, not 200. Here the press
    arrives in the middle of a render (before the page sets the slider's props); every value the widget
    takes must then be one the browser sent, in the order it sent them."""
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 2.0)
    rc = _render(monkeypatch)
    try:
        slider = rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget
        seen = _values_taken(slider)
        _press(slider, 110)
        # the browser's next press, just before the page sets the props its render computed on this widget
        arrived = _before_the_page_sets(monkeypatch, slider, lambda: setattr(slider, "v_model", 120))
        from calcium_dashboard import settings as ds
        rc.find(v.BtnToggle, class_="speed-toggle").widget.v_model = ds.SPEEDS_DAYS_PER_FRAME.index(91)
        assert arrived, "the panel did not render again"
        slider.fire_event("change", 120)
        _press(slider, 130)
        assert wait_until(lambda: "mk7_ug_per_day=130" in _share(rc))
        assert seen == [110, 120, 130]
    finally:
        rc.close()


def test_a_press_made_while_the_last_value_is_applied_is_not_set_back(monkeypatch):
    """A reviewer (stop 72): presses ~0.35 s apart, each coming while the one before was being applied; the
    render that applied 110 set 110 on the slider after the browser had moved on to 120 (the value sent with
    the slider's version was today's value, not the one set with that version)."""
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 0.3)
    rc = _render(monkeypatch)
    real_build, building, release = _hold_builds(monkeypatch)
    try:
        slider = rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget
        seen = _values_taken(slider)
        _press(slider, 110)
        assert building.wait(60)  # 110 is being applied: its rebuild waits on `release`
        monkeypatch.setattr(dp, "build_runs", real_build)
        # the next press, as the render applying 110 sets the slider
        arrived = _before_the_page_sets(monkeypatch, slider, lambda: _press(slider, 120))
        release.set()
        assert wait_until(lambda: "mk7_ug_per_day=120" in _share(rc))
        assert arrived, "the slider was not rendered again"
        assert seen == [110, 120]
    finally:
        release.set()
        rc.close()


def test_a_press_after_the_demo_on_screen_is_chosen_again_stays(monkeypatch):
    """A reviewer (stop 72): the demo on screen chosen again counts a new comparison but changes nothing, so the
    page does not render; the next press's render was the first to see the new count, and set the slider back to
    what ran (calcium 1000 mg/day under a press to 1050): a second quick press stepped from 1000."""
    from calcium_dashboard import demos as dm

    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 2.0)
    rc = _render(monkeypatch)
    try:
        demo = lambda: rc.find(v.Btn, children=[dm.DEMOS_BY_KEY["mk7"].title]).widget  # noqa: E731
        demo().click()
        demo().click()
        slider = rc.find(v.Slider, class_="knob-calcium_mg_per_day").widget
        seen = _values_taken(slider)
        _press(slider, 1050)
        _press(slider, 1100)
        assert wait_until(lambda: "calcium_mg_per_day=1100" in _share(rc))
        assert seen == [1050, 1100]
        assert slider.v_model == 1100
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
        assert wait_until(lambda: f"{int(age.max)} years" in _label(rc, "age_years"))
        assert "101" not in _label(rc, "age_years")
    finally:
        rc.close()


def _share(rc) -> str:
    return rc.find(v.TextField, class_="share-link").widget.v_model


def test_two_sliders_settling_together_keep_both_values(monkeypatch):
    """A second reading (stop 69): each settled value was applied to the settings of the render that started its
    wait, so a second slider moved within the settling time undid the first (MK-7 back to 5)."""
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 0.3)
    rc = _render(monkeypatch)
    try:
        rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget.fire_event("change", 120)
        rc.find(v.Slider, class_="knob-age_years").widget.fire_event("change", 70)
        assert wait_until(lambda: "mk7_ug_per_day=120" in _share(rc) and "age_years=70" in _share(rc))
    finally:
        rc.close()


def test_a_key_press_during_the_last_value_s_rebuild_is_applied_too(monkeypatch):
    """A second reading (stop 69): the settled value's task cleared the waiting value when it finished, so a press
    made while its rebuild ran was lost (120 stayed where 60 was pressed)."""
    monkeypatch.setattr(dp, "SLIDER_SETTLE_S", 0.3)
    rc = _render(monkeypatch)
    _, building, release = _hold_builds(monkeypatch)
    try:
        rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget.fire_event("change", 120)
        assert building.wait(60)  # 120 is being applied: its rebuild waits on `release`
        rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget.fire_event("change", 60)
        release.set()
        assert wait_until(lambda: "mk7_ug_per_day=60" in _share(rc))
        assert wait_until(lambda: _label(rc, "mk7_ug_per_day").endswith("60 µg/day"))
    finally:
        release.set()
        rc.close()
