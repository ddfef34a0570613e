"""A lecturer's second rehearsal (/work/s60/educator/, 2026-12-06), mended: the vessel picture drew no
plaque; cell markers hid the mineral and osteoid's green was the switched cells'; the demos' person had no
plaque on day 0 and the vitamin K demo was missing; the header described the scenario's person, not the one
running; the sliders' reset kept an extreme run's warning and axes; presentation mode had no key and cut the
note; the serum calcium axis hid a value outside it; "45015 µg/day"; a phone's two charts a row; the vessel
text stated the model's assumption as fact. Rendered with ``solara.render`` (the browser side:
tests/browser/test_lecture60.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pytest
import solara

from calcium_abm import load_scenario

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "app"))

from calcium_dashboard import page as dp  # noqa: E402
from calcium_dashboard import demos as dm  # noqa: E402
from calcium_dashboard import settings as ds  # noqa: E402
from calcium_dashboard.charts import CHART_COLUMNS, CHARTS_BY_KEY, SERUM_CALCIUM_AXIS_MMOL_L, AxisLock  # noqa: E402
from calcium_dashboard.charts import mirrored_ranges  # noqa: E402
from calcium_dashboard.live import ChartView, FrameView  # noqa: E402
from calcium_dashboard.session import IMAGE_SCALE, build_runs  # noqa: E402
from calcium_dashboard.texts import EXPLANATIONS  # noqa: E402

PAGE_CODE = (ROOT / "app" / "calcium_dashboard" / "page.py").read_text(encoding="utf-8")


def _render(monkeypatch, query: str = ""):
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, query)
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    return solara.render(solara.AppLayout(children=[app.page()]), handle_error=False)[1]


def _run(query: str):
    return build_runs(ds.settings_from_query(query)[0])[0]


def _texts(rc) -> list[str]:
    return [str(c) for w in rc.find(v.Html).widgets for c in w.children if isinstance(c, str)]


# ------------------------------------------------------------------- finding 1: the intima
def _band_rgb(frame) -> tuple[int, ...]:
    from calcium_abm.render import LUMEN_PATCHES

    return tuple(int(c) for c in frame.vessel[LUMEN_PATCHES * IMAGE_SCALE + 1, 0])


def test_the_vessel_picture_draws_the_intimas_plaque_which_the_chart_counts():
    from calcium_abm.render import heat, intima_level

    young, old = _run("age_years=50"), _run("age_years=70")
    f_young, f_old = young.frame(CHART_COLUMNS), old.frame(CHART_COLUMNS)
    vessel_mg = f_old.series["vessel_calcification_mg"][1][0]
    assert vessel_mg > 0 and f_old.intima_mg == pytest.approx(vessel_mg)  # on day 0 the chart's is the plaque's
    assert f_young.intima_mg == 0.0
    full = old.intima_full_scale_mg()
    assert _band_rgb(f_old) == tuple(heat(intima_level(f_old.intima_mg, full)))
    assert _band_rgb(f_old) != _band_rgb(f_young) == tuple(heat(0.0))  # plaque is drawn, none is dark
    old.advance(3 * 365)
    later = old.frame(CHART_COLUMNS)
    assert later.intima_mg > f_old.intima_mg
    assert sum(_band_rgb(later)) > sum(_band_rgb(f_old))  # the vessel gains where the chart gains
    title, body = EXPLANATIONS["vessel"]
    assert "intima" in title and "media" in title
    assert "band under it is the intima's plaque" in body and "grid" in body and "is the media" in body


# ----------------------------------------------------------------- finding 2: cell markers
def test_cell_markers_leave_the_mineral_under_them_visible_and_osteoid_is_not_the_cells_green():
    from calcium_abm.render import OSTEOID_RGB, media_top_px
    from calcium_abm.render import OSTEOCHONDROGENIC_RGB

    run = _run("scenario=mgp_knockout")
    run.advance(45)
    snap = run.model.tissue_snapshot()
    vessel = run.frame(CHART_COLUMNS, series=False).vessel
    media = vessel[media_top_px():]
    s = IMAGE_SCALE
    mineralised = np.argwhere(snap["vessel_mineral"] > 0)
    assert len(mineralised) > 100
    hidden = 0
    for x, y in mineralised:
        patch = media[y * s:(y + 1) * s, x * s:(x + 1) * s].reshape(-1, 3)
        hidden += bool(np.all(np.all(patch == OSTEOCHONDROGENIC_RGB, axis=-1)))
    assert hidden == 0  # 3,730 of 3,756 were under green squares
    distance = np.linalg.norm(np.subtract(OSTEOID_RGB, OSTEOCHONDROGENIC_RGB))
    assert distance > 120, distance
    assert "osteoid (grey)" in EXPLANATIONS["bone"][1]


# ------------------------------------------------------------------------ finding 3: demos
def test_the_vitamin_k_demo_and_the_demos_person_has_plaque_on_day_0():
    demo = dm.DEMOS_BY_KEY["vitamin_k"]
    assert demo.title == "Enough vitamin K vs too little"  # A first (tests/test_dashboard_lecture61.py)
    low = load_scenario("k2_deficiency").diet
    assert dict(demo.changes) == {k: getattr(low, k) for k in ("vitamin_k1_ug_per_day", "mk4_ug_per_day",
                                                                 "mk7_ug_per_day")}
    for key, each in dm.DEMOS_BY_KEY.items():
        assert dm.current_demo(each.settings()) is each
        a, b = (run.model.datacollector.model_vars for run in build_runs(each.settings()))
        assert a["vessel_calcification_mg"][0] > 1.0, key  # plaque on day 0: the line is not flat at 0
        assert f"Both are {dict(each.shared)['age_years']}" in each.note_text(), key


def test_the_demos_figures_are_the_models():
    mk7 = dm.DEMOS_BY_KEY["mk7"]
    out = mk7.outcome()
    runs = build_runs(mk7.settings())
    for run in runs:
        run.advance(run.days_total)
    a, b = (run.model.datacollector.model_vars for run in runs)
    from calcium_dashboard.charts import BMD_MEAN_DAYS, trailing_mean
    # as the thick lines end: the past year's mean (a fresh lecturer found the last day's 0.7 points away)
    assert tuple(trailing_mean(r["bmd_change_pct"], BMD_MEAN_DAYS)[-1] for r in (a, b)) == pytest.approx(
        out.bone_end_pct)
    assert out.bone_end_pct != pytest.approx((a["bmd_change_pct"][-1], b["bmd_change_pct"][-1]))
    note = mk7.note_text()
    assert "effect on bone is small" in note and "dp-ucMGP is" in note
    assert f"{out.bone_end_pct[0]:+.1f} % in A, {out.bone_end_pct[1]:+.1f} % in B" in note
    assert f"{out.dp_ucmgp_day0_pmol_l[1]:.0f} pmol/L in B against {out.dp_ucmgp_day0_pmol_l[0]:.0f} in A" in note


def test_the_ckd5_demo_says_what_its_vessel_is_on_day_0():
    ckd5 = dm.DEMOS_BY_KEY["ckd5"]
    a, b = (run.model.datacollector.model_vars for run in build_runs(ckd5.settings()))
    assert a["vessel_calcification_mg"][0] == pytest.approx(b["vessel_calcification_mg"][0])  # the model's start
    text = ckd5.day_zero_text()
    assert "but not in the calcium already in the vessel wall" in text
    assert f"({a['vessel_calcification_mg'][0]:.1f} mg in both)" in text


# ------------------------------------------------------------------------ finding 4: header
def test_the_header_and_sidebar_describe_the_person_running(monkeypatch):
    query = "sex=female&age_years=80&warfarin_mg_per_day=5"
    side = ds.settings_from_query(query)[0].a
    caption = dp.scenario_caption(side, {})
    assert "50-year-old man" not in caption
    assert caption.startswith("healthy_adult with ") and "Age at the start 80 years (scenario: 50 years)" in caption
    assert "Sex female (scenario: male)" in caption and "Warfarin 5 mg/day (scenario: 0 mg/day)" in caption
    rc = _render(monkeypatch, query)
    try:
        (description,) = [str(w.children[0]) for w in rc.find(v.Html, class_="scenario-description").widgets]
        assert description.startswith("healthy_adult as written: ")  # the scenario's, said to be
        (running,) = [str(w.children[0]) for w in rc.find(v.Html, class_="scenario-changed").widgets]
        assert running == f"Running: {caption}"
    finally:
        rc.close()


# ------------------------------------------------------------------------- finding 5: reset
def _notices(rc) -> list[str]:
    return [str(a.children[0]) for a in rc.find(v.Alert).widgets if "notice" in a.class_]


def _paradox_axes(rc):
    (chart,) = [w for w in rc.find(ChartView).widgets
                if len(w.latest["yAxis"]) == 2 and w.latest["yAxis"][1].get("name") == CHARTS_BY_KEY["paradox"].right_axis]
    chart.vue_visible(True)  # on screen: its latest option is drawn
    return [(axis["min"], axis["max"]) for axis in chart.latest["yAxis"]]


def test_the_sliders_reset_drops_the_extreme_runs_warning_and_axes(monkeypatch):
    rc = _render(monkeypatch, "calcium_mg_per_day=0&ckd_stage=5&vitamin_k1_ug_per_day=0&age_years=60&speed=365")
    try:
        _paradox_axes(rc)
        for _ in range(5):
            rc.find(v.Btn, children=["Step"]).widget.click()
        assert any("left physiology" in n for n in _notices(rc)), _notices(rc)
        extreme = _paradox_axes(rc)
        rc.find(v.Btn, class_="reset-sliders").widget.click()
        rc.find(v.Btn, children=["Step"]).widget.click()  # the new run's frame
        assert not any("left physiology" in n for n in _notices(rc))
        fresh = _paradox_axes(rc)
        assert fresh[0][0] > extreme[0][0] and fresh[1][1] < extreme[1][1], (extreme, fresh)
        assert fresh == mirrored_ranges(list(CHARTS_BY_KEY["paradox"].at_least))
    finally:
        rc.close()


# ------------------------------------------------- finding 6: presentation key, the note wraps
def test_presentation_mode_has_a_key_and_the_caption_is_not_cut(monkeypatch):
    rc = _render(monkeypatch, dm.lecture_demo("warfarin").to_query() + "&present=1")
    try:
        (ramp,) = [str(w.children[0]) for w in rc.find(v.Html, class_="ca-key-ramp").widgets]
        full_mg = build_runs(dm.lecture_demo("warfarin"))[0].intima_full_scale_mg()  # the run's media
        assert ramp.startswith("mineral 0 → bone 100 %") and f"plaque {full_mg:.3g} mg" in ramp
    finally:
        rc.close()
    caption_css = PAGE_CODE.split(".ca-present .ca-caption {", 1)[1].split("}", 1)[0]
    assert "line-clamp" not in caption_css and "overflow: hidden" not in caption_css


# ------------------------------------------------------------------- finding 7: serum axis
def test_the_serum_calcium_axis_takes_in_a_value_outside_it():
    chart = CHARTS_BY_KEY["serum_calcium"]
    run = _run("")
    frame = run.frame(CHART_COLUMNS)
    years, values = frame.series["serum_calcium_mmol_l"]
    low = type(frame)(frame.label, frame.day, frame.days_total, frame.bone, frame.vessel,
                      {**frame.series, "serum_calcium_mmol_l": (years, [1.27] * len(values))})
    (axis,) = AxisLock().ranges_for(chart, [low])
    assert axis[0] <= 1.27 and axis[1] >= SERUM_CALCIUM_AXIS_MMOL_L[1]
    assert AxisLock().ranges_for(chart, [frame]) == [SERUM_CALCIUM_AXIS_MMOL_L]  # a steady value: the window
    assert "fixed" not in chart.title


# ---------------------------------------------------------------------- finding 8: mg labels
def test_a_large_vitamin_k_dose_reads_in_mg(monkeypatch):
    assert ds.amount_text(45015.0, "µg/day") == "45.015 mg/day" and ds.amount_text(180.0, "µg/day") == "180 µg/day"
    rc = _render(monkeypatch, "scenario=mk4_45mg")
    try:
        label = rc.find(v.Html, class_="ca-knob-label knob-label-mk4_ug_per_day").widget.children[0]
        assert label == f"Vitamin K2 as MK-4: {load_scenario('mk4_45mg').diet.mk4_ug_per_day / 1000:g} mg/day", label
    finally:
        rc.close()


# ---------------------------------------------------------------------- finding 9: a phone
def test_charts_and_explanations_stack_on_a_phone_and_pictures_keep_their_shape():
    phone = PAGE_CODE.split("@media (max-width: 600px) {", 1)[1].split("}", 1)[0]
    assert ".ca-pair > .ca-pair-item" in phone and "flex: 1 1 100%" in phone
    assert "solara.Columns(" not in PAGE_CODE  # Vuetify's columns stayed two a row on a phone
    present_canvas = PAGE_CODE.split(".ca-present canvas.ca-tissue {", 1)[1].split("}", 1)[0]
    assert "object-fit: contain" in present_canvas


# ------------------------------------------------------------- finding 10: the model's assumption
def test_the_vessel_text_gives_the_deep_wall_as_the_models_assumption():
    body = EXPLANATIONS["vessel"][1]
    assert "reaches the deep wall least, so" not in body
    assert "The model assumes" in body and "internal elastic lamina" in body


def test_the_plaque_band_keeps_brightening_past_the_medias_own_top():
    """The band's top was the media's full scale, 20 mg (250 AU), so a man starting at 400 AU showed a pegged band
    that never brightened while his plaque grew (fresh user, stop 60). Its top is now a score of 1000 AU."""
    from calcium_abm.render import INTIMA_FULL_SCALE_AU, intima_full_scale_mg, intima_level

    run = _run("age_years=65&baseline_calcification_score=400")
    before = run.frame(CHART_COLUMNS, series=False)
    run.advance(2 * 365)
    after = run.frame(CHART_COLUMNS, series=False)
    full = intima_full_scale_mg(run.model.tissue_snapshot())
    assert full * run.model.params.agatston_units_per_mg_calcium == pytest.approx(INTIMA_FULL_SCALE_AU)
    assert after.intima_mg > before.intima_mg and intima_level(after.intima_mg, full) < 1.0
    assert sum(_band_rgb(after)) > sum(_band_rgb(before))
