"""The age control, without a browser: a rat or a mouse has none (the rodent presets have no age laws,
and the model refuses any age but 0), a person's slider has ends on its steps, and the age it sets is
the age the page's model runs (the page rendered with ``solara.render``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import ipyvuetify as v
import solara

APP_DIR = Path(__file__).resolve().parent.parent / "app"
sys.path.insert(0, str(APP_DIR))

from calcium_dashboard import settings as ds  # noqa: E402


@pytest.fixture(autouse=True)
def _sliders_apply_at_once(monkeypatch):
    """These tests fire one slider change and look at once: no settling delay (tests/test_dashboard_keys.py
    tests the delay that coalesces quick key presses)."""
    from calcium_dashboard import page as _page

    monkeypatch.setattr(_page, "SLIDER_SETTLE_S", 0.0)


def _page():
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py, found through APP_DIR on sys.path

    return app.page


def _open(monkeypatch, scenario):
    """The page opened on ``scenario``, and the runs it builds, newest last."""
    from calcium_dashboard import page as page_module

    built = []

    def build_runs(*args, **kwargs):
        built.append(real(*args, **kwargs))
        return built[-1]

    real = page_module.build_runs
    monkeypatch.setattr(page_module, "build_runs", build_runs)
    monkeypatch.setenv(page_module.DEFAULT_QUERY_ENV, f"scenario={scenario}")
    _, rc = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    return rc, built


def _label(rc) -> str:
    return str(rc.find(v.Html, class_="ca-knob-label knob-label-age_years").widget.children[0])


def test_a_mouse_has_no_age_slider_but_a_line_that_says_why(monkeypatch):
    """A mouse's age slider ran from 0 to 3.335728952772074 years, and every position ran the same
    mouse: the rodent presets have no age laws. The page now shows why there is no slider."""
    rc, built = _open(monkeypatch, "mgp_knockout")
    try:
        assert not rc.find(v.Slider, class_="knob-age_years").widgets
        assert _label(rc) == "Age at the start: 0 years (the mouse preset has no age laws, so its age is not a setting)"
        assert built[-1][0].model.start_age_years == 0.0
    finally:
        rc.close()


def test_a_persons_age_slider_sets_the_age_that_runs(monkeypatch):
    rc, built = _open(monkeypatch, "healthy_adult")
    try:
        slider = rc.find(v.Slider, class_="knob-age_years").widget
        assert (slider.min, slider.max, slider.step) == (18.0, 100.0, 1)
        for sent, shown in ((slider.max, "100"), (64.0, "64"), (64.00000000000001, "64")):
            rc.find(v.Slider, class_="knob-age_years").widget.fire_event("change", sent)
            assert _label(rc) == f"Age at the start: {shown} years"
            model = built[-1][0].model
            assert model.start_age_years == float(shown) == model.age_years  # the age runs, as shown
            assert f"age_years={shown}" in rc.find(v.TextField, class_="share-link").widget.v_model
    finally:
        rc.close()


def test_every_age_slider_end_is_a_step_that_runs():
    """The ends of every built-in person's age slider lie on its steps, and a run starts there;
    each rodent scenario shows its note instead."""
    age = ds.KNOBS_BY_KEY["age_years"]
    for name in ds.scenario_choices():
        scenario = ds.resolve_scenario(name)
        if scenario.patient.species != "human":
            assert age.fixed_note(scenario) is not None
            continue
        assert age.fixed_note(scenario) is None
        low, high = age.slider_range(scenario)
        for end in (low, high):
            assert abs(end / age.step - round(end / age.step)) < 1e-9, (name, end, age.step)
            side = ds.SideSettings(name).with_change("age_years", end, scenario)
            ds.side_scenario(side)


def test_the_guide_states_the_age_sliders_range():
    """docs/dashboard.md gave the age slider as "18 to the oldest age the run does not carry past 120", but it
    ends at 100 for the built-in people (healthy_adult's 10-year run allows 110; found moving it to its end)."""
    guide = " ".join((Path(__file__).resolve().parents[1] / "docs" / "dashboard.md").read_text(encoding="utf-8").split())
    base = ds.resolve_scenario("healthy_adult")
    low, high = ds.KNOBS_BY_KEY["age_years"].slider_range(base)
    assert f"age at the start (whole years, {low:.0f} to {high:.0f}, or to the oldest age the run does not " \
           "carry past 120 if that is younger" in guide
