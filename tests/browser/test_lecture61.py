"""A lecturer's third rehearsal in Chromium (2026-12-06), mended: in presentation mode the paradox chart
collapsed on a phone (~20 px) and kept a ~90 px plot at 1280x720 in A vs B, its axis labels overlapping;
a phone's first load showed only the sidebar; a phone cut both sides' headings to "healthy_adult + Age ..."
and no picture said A or B. Marked ``browser`` (tests/browser/conftest.py); the server side:
tests/test_dashboard_lecture61.py."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from browser_helpers import open_dashboard, screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))

from calcium_dashboard.present import PRESENT_CHART_MIN_PX  # noqa: E402

WARFARIN = ("?scenario=healthy_adult&age_years=65&compare=healthy_adult&b.age_years=65"
            "&b.warfarin_mg_per_day=5&present=1")


def _chart_boxes(page) -> dict:
    """The paradox chart's canvas and its legend, in page coordinates (the presentation may scroll)."""
    return page.evaluate("""() => {
        const box = (s) => { const r = document.querySelector(s).getBoundingClientRect();
                             return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, height: r.height}; };
        return {canvas: box('.chart-paradox .solara-echarts'), legend: box('.legend-paradox'),
                chart: box('.chart-paradox')}; }""")


def _play_to_the_end(page) -> None:
    page.locator(".speed-toggle").get_by_role("button", name="365", exact=True).click()
    page.get_by_role("button", name="▶ Play").click()
    page.get_by_text("Day 3650 · year 10.0").first.wait_for(timeout=120_000)
    time.sleep(1.0)


def test_a_phone_in_presentation_mode_keeps_the_paradox_chart_readable_to_the_end(chromium, dashboard_url):
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 390, 844, WARFARIN)
    try:
        _play_to_the_end(page)
        boxes = _chart_boxes(page)
        assert boxes["canvas"]["height"] >= PRESENT_CHART_MIN_PX - 1, boxes  # it collapsed to ~20 px
        assert boxes["legend"]["top"] >= boxes["canvas"]["bottom"] - 1, boxes  # axis labels ran into the legend
        page.locator(".legend-paradox").scroll_into_view_if_needed()  # the presentation scrolls to it
        assert page.locator(".legend-paradox").is_visible()
        page.wait_for_function("() => document.querySelector('.chart-paradox .solara-echarts').dataset.years === '10'")
        time.sleep(0.5)
        screenshot(page, "lecture61-phone-present-end")
        assert problems.errors == []
    finally:
        ctx.close()


def test_a_vs_b_at_1280x720_gives_the_paradox_chart_its_minimum_plot_on_one_screen(chromium, dashboard_url):
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 1280, 720, WARFARIN)
    try:
        page.locator(".chart-paradox canvas").first.wait_for()
        boxes = _chart_boxes(page)
        assert boxes["canvas"]["height"] >= PRESENT_CHART_MIN_PX - 1, boxes  # was 180 px: a plot of ~90 px
        assert boxes["chart"]["bottom"] <= 720, boxes  # still one screen, legend included
        assert page.evaluate("document.scrollingElement.scrollTop") == 0
        screenshot(page, "lecture61-present-1280x720")
        assert problems.errors == []
    finally:
        ctx.close()


def test_a_phone_opens_with_the_sidebar_closed_and_names_the_sides_a_and_b(chromium, dashboard_url):
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 390, 844, WARFARIN.replace("&present=1", ""))
    try:
        page.wait_for_function("() => !document.querySelector('.v-navigation-drawer--open')")
        page.get_by_role("button", name="▶ Play").click()  # not covered by the sidebar
        page.get_by_role("button", name="❚❚ Pause").click()
        assert page.locator(".run-label-a").first.inner_text().startswith("A (solid): healthy_adult")
        assert page.locator(".run-label-b").first.inner_text().startswith("B (dashed): healthy_adult")
        titles = [t.inner_text() for t in page.locator(".ca-tissue-title").all()]
        assert titles == ["A · Bone", "A · Vessel wall", "B · Bone", "B · Vessel wall"], titles
        page.locator(".v-app-bar__nav-icon").click()  # the menu button still opens it
        page.wait_for_function("() => !!document.querySelector('.v-navigation-drawer--open')")
        page.goto(f"{dashboard_url}/{WARFARIN}")
        page.get_by_text("Day 0 · year 0.0").first.wait_for()
        for side in "ab":
            label = page.locator(f".run-label-{side}").first
            assert not label.evaluate("e => e.scrollWidth > e.clientWidth + 1"), side  # cut to "healthy_adult + Age ..."
            text = label.inner_text()  # B names the setting it differs in first (review 67: cut where shared)
            first = "Age at the start 65 years" if side == "a" else "Warfarin"
            assert text.startswith(f"{side.upper()}: healthy_adult + {first}") and "Age at the start 65 years" in text
        assert page.locator(".ca-present-tissues").first.inner_text().startswith("A · bone")
        screenshot(page, "lecture61-phone-present-labels")
        assert problems.errors == []
    finally:
        ctx.close()


def test_a_wide_screen_keeps_its_sidebar_open(chromium, dashboard_url):
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 1280, 900)
    try:
        time.sleep(1.5)
        assert page.locator(".v-navigation-drawer--open").count() == 1
        assert problems.errors == []
    finally:
        ctx.close()
