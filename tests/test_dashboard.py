"""Dashboard tests without a browser: the renderer, link settings, uploads and the page
rendered with ``solara.render`` (the browser tests are in ``tests/browser/``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

import ipyvuetify as v
import numpy as np
import pytest
import solara

from calcium_abm import CalciumParadoxModel, ScenarioError, UserInputError
from calcium_abm.render import (
    DEFAULT_SCALE,
    OSTEOBLAST_RGB,
    OSTEOCHONDROGENIC_RGB,
    OSTEOCLAST_RGB,
    png_bytes,
    render_bone,
    render_tissues_png,
    render_vessel,
)

APP_DIR = Path(__file__).resolve().parent.parent / "app"
sys.path.insert(0, str(APP_DIR))

from calcium_dashboard import settings as ds  # noqa: E402
from calcium_dashboard.charts import CHART_COLUMNS, CHARTS, chart_png, echarts_option  # noqa: E402
from calcium_dashboard.session import build_runs, combined_csv, date_text  # noqa: E402
from calcium_dashboard.upload import scenario_from_upload  # noqa: E402

SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def snapshot():
    model = CalciumParadoxModel("k2_deficiency", rng=3, **SMALL)
    for _ in range(60):
        model.step()
    return model.tissue_snapshot()


# ----------------------------------------------------------------------------- renderer
def test_bone_image_has_grid_shape_and_cells_in_their_colours(snapshot):
    img = render_bone(snapshot)
    w, h = snapshot["bone_mineral"].shape
    assert img.shape == (h * DEFAULT_SCALE, w * DEFAULT_SCALE, 3) and img.dtype == np.uint8
    centre = DEFAULT_SCALE // 2
    for xy, rgb in ((snapshot["osteoclast_xy"], OSTEOCLAST_RGB),):
        for x, y in xy:
            assert tuple(img[y * DEFAULT_SCALE + centre, x * DEFAULT_SCALE + centre]) == rgb
    assert len(snapshot["osteoclast_xy"]) + len(snapshot["osteoblast_xy"]) > 0
    drawn = np.all(img == OSTEOBLAST_RGB, axis=-1).any() or np.all(img == OSTEOCLAST_RGB, axis=-1).any()
    assert drawn


def test_more_mineral_is_drawn_brighter_in_both_tissues(snapshot):
    empty = {**snapshot, "osteoclast_xy": np.zeros((0, 2), int), "osteoblast_xy": np.zeros((0, 2), int),
             "bone_osteoid": np.zeros_like(snapshot["bone_osteoid"]),
             "vsmc_osteochondrogenic": np.zeros_like(snapshot["vsmc_osteochondrogenic"])}
    low = render_bone({**empty, "bone_mineral": np.full_like(snapshot["bone_mineral"], 0.1)})
    high = render_bone({**empty, "bone_mineral": np.full_like(snapshot["bone_mineral"], 0.9)})
    assert high.astype(int).sum() > low.astype(int).sum()
    vlow = render_vessel({**empty, "vessel_mineral": np.full_like(snapshot["vessel_mineral"], 0.001)})
    vhigh = render_vessel({**empty, "vessel_mineral": np.full_like(snapshot["vessel_mineral"], 0.03)})
    assert vhigh.astype(int).sum() > vlow.astype(int).sum()


def test_vessel_image_marks_osteochondrogenic_cells_below_the_lumen_strip(snapshot):
    osteo = np.zeros_like(snapshot["vsmc_osteochondrogenic"])
    osteo[2, 5] = True
    img = render_vessel({**snapshot, "vsmc_osteochondrogenic": osteo})
    s, c = DEFAULT_SCALE, DEFAULT_SCALE // 2
    assert img.shape[0] == (snapshot["vessel_mineral"].shape[1] + 1) * s  # + the lumen strip
    assert tuple(img[s + 5 * s + c, 2 * s + c]) == OSTEOCHONDROGENIC_RGB
    assert np.all(img == OSTEOCHONDROGENIC_RGB, axis=-1).sum() == (s - 2) ** 2


def test_png_frames_are_png(snapshot):
    bone, vessel = render_tissues_png(snapshot)
    assert bone.startswith(PNG_SIGNATURE) and vessel.startswith(PNG_SIGNATURE)
    assert png_bytes(np.zeros((4, 4, 3), np.uint8)).startswith(PNG_SIGNATURE)


# ----------------------------------------------------------------------- link settings
def test_link_round_trip_restores_scenarios_sliders_seed_and_speed():
    settings = ds.DashboardSettings(
        a=ds.SideSettings("k2_deficiency", (("ckd_stage", 3), ("postmenopausal", True))),
        b=ds.SideSettings("healthy_adult", (("mk7_ug_per_day", 180.0),)), seed=7, days_per_frame=30)
    restored, problems = ds.settings_from_query(settings.to_query())
    assert problems == []
    assert restored == settings
    query = parse_qs(settings.to_query())
    assert query["compare"] == ["healthy_adult"] and query["b.mk7_ug_per_day"] == ["180"]


@pytest.mark.parametrize("query, field", [
    ("scenario=healthy_adult&mk7_ug_per_day=-5", "mk7_ug_per_day"),
    ("scenario=healthy_adult&mk7_ug_per_day=nan", "mk7_ug_per_day"),
    ("scenario=healthy_adult&ckd_stage=9", "ckd_stage"),
    ("scenario=healthy_adult&mgp_knockout=maybe", "mgp_knockout"),
    ("scenario=no_such_scenario", "no_such_scenario"),
    ("scenario=../../etc/passwd", "etc/passwd"),
    ("scenario=healthy_adult&seed=-1", "seed"),
    ("scenario=healthy_adult&speed=2", "speed"),
    ("scenario=healthy_adult&bogus=1", "bogus"),
])
def test_a_bad_link_is_reported_and_falls_back_to_defaults(query, field):
    settings, problems = ds.settings_from_query(query)
    assert len(problems) == 1 and field in problems[0]
    build_runs(settings)  # what is left still builds a model


def test_slider_value_equal_to_the_scenario_is_not_a_change():
    scenario = ds.resolve_scenario("k2_deficiency")
    side = ds.SideSettings("k2_deficiency").with_change("mk7_ug_per_day", 180.0, scenario)
    assert side.changed == {"mk7_ug_per_day": 180.0}
    back = side.with_change("mk7_ug_per_day", scenario.diet.mk7_ug_per_day, scenario)
    assert back.changes == ()


def test_postmenopausal_switch_makes_the_patient_female():
    side = ds.SideSettings("healthy_adult", (("postmenopausal", True),))
    scenario = ds.side_scenario(side)  # healthy_adult is male: this would fail without sex=female
    assert scenario.patient.postmenopausal and scenario.patient.sex == "female"


def test_lecture_demo_compares_low_k2_with_an_mk7_supplement():
    demo = ds.lecture_demo()
    assert demo.b is not None
    low, high = ds.side_scenario(demo.a), ds.side_scenario(demo.b)
    assert high.diet.mk7_ug_per_day >= 100 > low.diet.mk7_ug_per_day


# ------------------------------------------------------------------------------ uploads
def test_upload_parses_a_good_file_and_rejects_broken_or_large_ones():
    good = scenario_from_upload("mine.toml", 40, b"[diet]\nmk7_ug_per_day = 360\n")
    assert good.name == "mine" and good.diet.mk7_ug_per_day == 360
    with pytest.raises(ScenarioError, match="mk7_ug_per_day"):
        scenario_from_upload("bad.toml", 30, b"[diet]\nmk7_ug_per_day = -1\n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        scenario_from_upload("bad.toml", 5, b"[diet")
    with pytest.raises(ScenarioError, match="1 MiB"):
        scenario_from_upload("big.toml", 5 * 1024 * 1024, None)
    with pytest.raises(ScenarioError, match="UTF-8"):
        scenario_from_upload("bin.toml", 3, b"\xff\xfe\x00")


# ------------------------------------------------------------------------- runs & charts
def test_compare_runs_share_the_seed_and_export_both_to_csv():
    settings = ds.DashboardSettings(a=ds.SideSettings("k2_deficiency"),
                                    b=ds.SideSettings("healthy_adult", (("mk7_ug_per_day", 180.0),)), seed=5)
    runs = build_runs(settings)
    assert [r.seed for r in runs] == [5, 5] and runs[0].model is not runs[1].model
    for run in runs:
        assert run.advance(3) == 3
    frames = [r.frame(CHART_COLUMNS) for r in runs]
    assert [f.day for f in frames] == [3, 3]
    text = combined_csv(runs).decode()
    header = text.splitlines()[0].split(",")
    assert header[:2] == ["scenario", "seed"] and "vessel_calcification_mg" in header
    assert len(text.splitlines()) == 1 + 2 * 4  # days 0..3 for both runs
    option = echarts_option(CHARTS[0], frames, 10.0)
    assert len(option["series"]) == 2 * len(CHARTS[0].lines)
    assert {s["lineStyle"]["type"] for s in option["series"]} == {"solid", "dashed"}
    assert chart_png(CHARTS[0], frames, 10.0).startswith(PNG_SIGNATURE)


def test_chart_series_contain_no_nan_for_the_browser():
    runs = build_runs(ds.DashboardSettings(a=ds.SideSettings("healthy_adult", (("osteocalcin_knockout", True),))))
    runs[0].advance(2)
    years, values = runs[0].frame(CHART_COLUMNS).series["ucoc_fraction"]
    assert values and all(v is None for v in values)  # %ucOC is undefined without osteocalcin


def test_date_text():
    assert date_text(365) == "Day 365 · year 1.0"
    assert date_text(0) == "Day 0 · year 0.0"


# ------------------------------------------------------------------------- the page
def _page():
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py, found through APP_DIR on sys.path

    return app.page


def _date(rc) -> str:
    texts = [w.children[0] for w in rc.find(v.Html, class_="ca-date sim-date").widgets]
    assert len(texts) == 1
    return texts[0]


def _day(rc) -> int:
    return int(_date(rc).split()[1])


def test_page_steps_plays_and_pauses():
    box, rc = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    try:
        assert _day(rc) == 0
        rc.find(v.Btn, children=["Step"]).widget.click()
        assert _day(rc) == ds.DEFAULT_DAYS_PER_FRAME
        rc.find(v.Btn, children=["▶ Play"]).widget.click()
        deadline = time.time() + 20
        while _day(rc) < 5 * ds.DEFAULT_DAYS_PER_FRAME and time.time() < deadline:
            time.sleep(0.05)
        rc.find(v.Btn, children=["❚❚ Pause"]).widget.click()
        time.sleep(0.3)  # a frame being drawn when Pause was pressed may still land
        paused_at = _day(rc)
        assert paused_at >= 5 * ds.DEFAULT_DAYS_PER_FRAME
        time.sleep(0.5)
        assert _day(rc) == paused_at
        rc.find(v.Btn, children=["Reset"]).widget.click()
        assert _day(rc) == 0
    finally:
        rc.close()


def test_two_pages_have_independent_models():
    _, rc1 = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    _, rc2 = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    try:
        for _ in range(3):
            rc1.find(v.Btn, children=["Step"]).widget.click()
        assert _day(rc1) == 3 * ds.DEFAULT_DAYS_PER_FRAME
        assert _day(rc2) == 0
        rc2.find(v.Btn, children=["Step"]).widget.click()
        assert (_day(rc1), _day(rc2)) == (3 * ds.DEFAULT_DAYS_PER_FRAME, ds.DEFAULT_DAYS_PER_FRAME)
    finally:
        rc1.close()
        rc2.close()


def test_slider_change_restarts_the_run_and_updates_the_link():
    _, rc = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    try:
        rc.find(v.Btn, children=["Step"]).widget.click()
        assert _day(rc) > 0
        slider = rc.find(v.Slider, class_="knob-mk7_ug_per_day").widget
        slider.fire_event("change", 180)
        assert _day(rc) == 0  # a slider change starts a fresh run with the new setting
        rc.find(v.Html, children=["Vitamin K2 as MK-7: 180 µg/day"]).assert_single()
        link = rc.find(v.TextField, class_="share-link").widget.v_model
        assert "mk7_ug_per_day=180" in link
    finally:
        rc.close()


def test_lecture_demo_button_opens_compare_mode_with_two_runs():
    _, rc = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    try:
        rc.find(v.Btn, children=["Lecture demo: low K2 vs MK-7"]).widget.click()
        labels = [w.children[0] for w in rc.find(v.Html, class_="ca-label run-label-b").widgets]
        assert labels and all("MK-7" in text or "mk7" in text for text in labels)
        rc.find(v.Btn, children=["Step"]).widget.click()
        assert _day(rc) == ds.DEFAULT_DAYS_PER_FRAME  # both runs advance together: one date
    finally:
        rc.close()


# ------------------------------------------------------------------------- the command
def _args(**kw):
    return argparse.Namespace(**{"host": "127.0.0.1", "port": "8765", "scenario": None, "no_open": True, **kw})


def test_dashboard_command_binds_localhost_in_production_mode():
    from calcium_abm.commands import dashboard

    cmd = dashboard.solara_command(_args())
    assert cmd[1:4] == ["-m", "solara", "run"] and Path(cmd[4]) == APP_DIR / "app.py"
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and "--production" in cmd and "--no-open" in cmd
    assert dashboard.solara_command(_args(host="0.0.0.0"))[cmd.index("--host") + 1] == "0.0.0.0"


@pytest.mark.parametrize("kw, word", [({"port": "http"}, "--port"), ({"port": "70000"}, "--port"),
                                      ({"scenario": "nope"}, "--scenario")])
def test_dashboard_command_rejects_bad_options(kw, word):
    from calcium_abm.commands import dashboard

    with pytest.raises(UserInputError, match=word):
        dashboard.main(_args(**kw))
