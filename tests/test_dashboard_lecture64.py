"""A fresh lecturer's findings (session 64): the sliders stay put once one has moved, a slider keeps reaching
its scenario's own value, a rodent run says its amounts are the human model's, and a file that reads clears
the refusal of the one before."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest

import ipyvuetify as v
import solara

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from calcium_dashboard import page as dp  # noqa: E402
from calcium_dashboard.upload import ScenarioFileInput  # noqa: E402


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


def _order(rc) -> list[str]:
    """The sidebar's texts and sliders in page order (a depth-first walk of the widget tree)."""
    seen: list[str] = []

    def walk(widget) -> None:
        classes = getattr(widget, "class_", None) or ""
        if isinstance(widget, v.Slider):
            seen.append("slider")
        elif "scenario-description" in classes or "scenario-changed" in classes:
            seen.append(classes.split()[-1] if " " in classes else classes)
        for child in getattr(widget, "children", None) or []:
            if not isinstance(child, str):
                walk(child)

    walk(rc.container)
    return seen


def test_moving_a_slider_adds_nothing_above_the_sliders(monkeypatch):
    """The second drag of a fresh lecturer landed on the slider above the one aimed at: the first change added
    a 'Running: ...' line above the sliders (71 px) and reworded the description."""
    rc = _render(monkeypatch)
    try:
        before = _order(rc)
        (description,) = [str(w.children[0]) for w in rc.find(v.Html, class_="scenario-description").widgets]
        calcium = rc.find(v.Slider, class_="knob-calcium_mg_per_day").widget
        warfarin = rc.find(v.Slider, class_="knob-warfarin_mg_per_day").widget
        calcium.fire_event("change", 1800)
        # the same widgets: the line inserted above them made new ones, and the keyboard's focus fell to the page
        assert rc.find(v.Slider, class_="knob-calcium_mg_per_day").widget is calcium
        assert rc.find(v.Slider, class_="knob-warfarin_mg_per_day").widget is warfarin
        after = _order(rc)
        (again,) = [str(w.children[0]) for w in rc.find(v.Html, class_="scenario-description").widgets]
        assert again == description  # the same words above the sliders
        first_slider = after.index("slider")
        assert after[:first_slider] == before[:before.index("slider")]  # nothing new above them
        assert "scenario-changed" in after[first_slider:]  # what runs is said below them
    finally:
        rc.close()


def test_a_slider_keeps_reaching_its_scenarios_value_after_a_drag_down(monkeypatch):
    """mk4_45mg's MK-4 slider ended at the value last set: 45 mg -> 22.5 -> 11.3, never back up."""
    rc = _render(monkeypatch, "scenario=mk4_45mg")
    try:
        slider = rc.find(v.Slider, class_="knob-mk4_ug_per_day").widget
        top = slider.max
        assert top >= 45000
        slider.v_model = top / 2  # the browser's drag: the slider's value, then its change event
        slider.fire_event("change", top / 2)
        slider = rc.find(v.Slider, class_="knob-mk4_ug_per_day").widget
        assert slider.max == top and slider.v_model == top / 2
    finally:
        rc.close()


def test_a_mouse_run_says_its_amounts_are_the_human_models(monkeypatch):
    rc = _render(monkeypatch, "scenario=mgp_knockout")
    try:
        texts = [str(c) for w in rc.find(v.Html, class_="ca-caption run-caption").widgets for c in w.children]
        assert any("A mouse run keeps the human model's pool sizes and doses" in t for t in texts), texts
    finally:
        rc.close()
    rc = _render(monkeypatch)
    try:
        texts = [str(c) for w in rc.find(v.Html, class_="ca-caption run-caption").widgets for c in w.children]
        assert not any("pool sizes" in t for t in texts)
    finally:
        rc.close()


def _alerts(rc) -> list[str]:
    return [str(a.children[0]) for a in rc.find(v.Alert).widgets]


def test_a_file_that_reads_takes_away_the_refusal_of_the_last_one(monkeypatch):
    rc = _render(monkeypatch)
    try:
        upload = rc.find(ScenarioFileInput).widget

        def send(name: str, data: bytes) -> None:
            upload.vue_file_chosen({"name": name, "size": len(data), "data_b64": base64.b64encode(data).decode()})

        send("broken.toml", b"[diet")
        assert any("broken.toml" in a for a in _alerts(rc))
        send("good.toml", b'name = "lecture_trial"\n[diet]\nmk7_ug_per_day = 360\n')
        assert not any("broken.toml" in a for a in _alerts(rc)), _alerts(rc)
        assert rc.find(v.Html, class_="scenario-description") is not None
    finally:
        rc.close()


def test_female_pressed_at_50_is_the_typical_woman_with_her_final_period_at_51():
    """A fresh lecturer pressed 'female' at the default age of 50: she ran 10 years premenopausal (the page's rule
    acted only past 60) and lost a third of the man's bone, so 'women lose less bone'. She now has the typical
    final period at 51, and the Running line says the page set it."""
    from calcium_abm import simulate
    from calcium_dashboard import settings as ds

    base = ds.resolve_scenario("healthy_adult")
    woman = ds.SideSettings().with_change("sex", "female", base)
    scenario = ds.side_scenario(woman)
    assert scenario.patient.age_at_final_menstrual_period == 51.0 and not scenario.patient.postmenopausal
    assert "final period at 51 during the run (the typical age" in ds.changed_text(woman, base)
    small = {f"simulation.{s}_grid_{a}": 32 for s in ("bone", "vessel") for a in ("width", "height")}
    loss = {who: simulate(sc, years=4, seed=1, overrides=small)["bmd_change_pct"].iloc[-1]
            for who, sc in (("woman", scenario), ("man", ds.side_scenario(ds.SideSettings())))}
    assert loss["woman"] < loss["man"] - 2.0  # her menopause's loss, percentage points
    young = ds.SideSettings().with_change("sex", "female", base).with_change("age_years", 40.0, base)
    assert ds.side_scenario(young).patient.age_at_final_menstrual_period is None  # her run ends at 50


def test_the_running_line_is_the_side_the_sliders_change(monkeypatch):
    """A second reviewer: below B's sliders the line described A's changes."""
    rc = _render(monkeypatch, "mk7_ug_per_day=90&compare=healthy_adult&b.mk7_ug_per_day=180")
    try:
        running = lambda: [str(w.children[0]) for w in rc.find(v.Html, class_="scenario-changed").widgets]  # noqa
        rc.find(v.BtnToggle, class_="editing-toggle").widget.v_model = 0  # A's sliders
        (a,) = running()
        assert a.startswith("Running: ") and "90 µg/day" in a, a
        rc.find(v.BtnToggle, class_="editing-toggle").widget.v_model = 1  # B's
        (b,) = running()
        assert b.startswith("Running (B): ") and "180 µg/day" in b, b
    finally:
        rc.close()
