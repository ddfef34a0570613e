"""The age slider of a rodent scenario, without a browser: rounded ends and steps in years, and the
age the slider sets is the age the page's model runs (the page rendered with ``solara.render``)."""

from __future__ import annotations

import sys
from pathlib import Path

import ipyvuetify as v
import pytest
import solara

APP_DIR = Path(__file__).resolve().parent.parent / "app"
sys.path.insert(0, str(APP_DIR))

from calcium_dashboard import settings as ds  # noqa: E402


def _page():
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py, found through APP_DIR on sys.path

    return app.page


@pytest.fixture
def mouse_page(monkeypatch):
    """The page opened on ``mgp_knockout`` (a mouse), and the runs it builds, newest last."""
    from calcium_dashboard import page as page_module

    built = []

    def build_runs(*args, **kwargs):
        built.append(real(*args, **kwargs))
        return built[-1]

    real = page_module.build_runs
    monkeypatch.setattr(page_module, "build_runs", build_runs)
    monkeypatch.setenv(page_module.DEFAULT_QUERY_ENV, "scenario=mgp_knockout")
    _, rc = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    yield rc, built
    rc.close()


def _label(rc) -> str:
    return str(rc.find(v.Html, class_="ca-knob-label knob-label-age_years").widget.children[0])


def _on_steps(value: float, slider) -> bool:
    return abs((value - slider.min) / slider.step - round((value - slider.min) / slider.step)) < 1e-9


def test_a_mouses_age_slider_has_rounded_ends_and_steps_and_sets_the_age_that_runs(mouse_page):
    """A mouse's age slider ran from 0 to 3.335728952772074 years in whole years: the End key gave
    'Age at the start: 3.33573 years' (the lifespan, 3.5 years, less the 60-day run in years), and the
    positions were 0, 1, 2, 3. Its ends and steps are now tenths of a year, and the age each position
    shows is the model's start age."""
    rc, built = mouse_page
    slider = rc.find(v.Slider, class_="knob-age_years").widget
    assert (slider.min, slider.max, slider.step) == (0.0, 3.3, 0.1)
    assert _on_steps(slider.max, slider)
    assert _label(rc) == "Age at the start: 0 years"
    for sent, shown in ((slider.max, "3.3"), (3.3 - 0.1, "3.2"), (1.2, "1.2")):  # End; then a Left arrow's sum
        rc.find(v.Slider, class_="knob-age_years").widget.fire_event("change", sent)
        assert _label(rc) == f"Age at the start: {shown} years"
        model = built[-1][0].model
        assert model.start_age_years == float(shown) == model.age_years  # the age runs, as shown
        assert f"age_years={shown}" in rc.find(v.TextField, class_="share-link").widget.v_model


def test_every_age_slider_end_is_a_step_that_runs():
    """The ends of every built-in scenario's age slider lie on its steps, and a run starts there."""
    age = ds.KNOBS_BY_KEY["age_years"]
    for name in ds.scenario_choices():
        scenario = ds.resolve_scenario(name)
        low, high = age.slider_range(scenario)
        step = age.slider_step(scenario)
        for end in (low, high):
            assert abs(end / step - round(end / step)) < 1e-9, (name, end, step)
            side = ds.SideSettings(name).with_change("age_years", end, scenario)
            ds.side_scenario(side)
