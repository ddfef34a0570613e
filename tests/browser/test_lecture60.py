"""A lecturer's second rehearsal in Chromium (/work/s60/educator/, 2026-12-06): the warfarin demo's note
cut off at 1280x720 in presentation mode, and a phone's charts two a row (~90 px wide) with its pictures
stretched tall. Marked ``browser`` (tests/browser/conftest.py)."""

from __future__ import annotations

from browser_helpers import open_dashboard, screenshot



def test_the_warfarin_note_is_read_whole_in_presentation_mode_at_1280x720(chromium, dashboard_url):
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 1280, 720,
                                "?scenario=healthy_adult&age_years=65&compare=healthy_adult&b.age_years=65"
                                "&b.warfarin_mg_per_day=5&present=1")
    try:
        caption = page.locator(".run-caption").first
        caption.wait_for()
        # the first time a demo's settings are shown its figures come from a thread (stop 68): wait for them
        page.wait_for_function("() => !document.querySelector('.run-caption').innerText.includes('computing the "
                               "figures')", timeout=180_000)
        assert "B's bone line lies on A's, while B's vessel gains more calcium" in caption.inner_text()
        cut = caption.evaluate("e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1")
        assert not cut  # it was clamped at two lines: "…B's bone line lies on A's, whi…"
        box = caption.bounding_box()
        assert box and box["y"] + box["height"] <= 720
        assert page.locator(".ca-key-compact").first.is_visible()  # the pictures' key
        chart = page.locator(".chart-paradox").first.bounding_box()
        assert chart and chart["y"] + chart["height"] <= 720 and chart["height"] > 150, chart
        screenshot(page, "lecture60-warfarin-present-1280x720")
        assert problems.errors == []
    finally:
        ctx.close()


def test_a_phone_stacks_the_charts_and_keeps_the_pictures_square(chromium, dashboard_url):
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 390, 844, "?scenario=k2_deficiency&compare=healthy_adult")
    try:
        page.locator(".chart-serum_calcium").first.wait_for()
        boxes = {key: page.locator(f".chart-{key}").first.evaluate(
            "e => { const r = e.getBoundingClientRect(); return {y: r.top + window.scrollY, width: r.width, "
            "height: r.height}; }") for key in ("paradox", "dp_ucmgp", "ucoc", "serum_calcium")}
        assert all(b["width"] > 300 for b in boxes.values()), boxes  # one a row (were ~90 px wide, two a row)
        assert boxes["dp_ucmgp"]["y"] > boxes["paradox"]["y"] + boxes["paradox"]["height"] - 1, boxes
        for canvas in page.locator("canvas.ca-tissue").all():
            b = canvas.bounding_box()
            assert b and 0.8 < b["height"] / b["width"] < 1.25, b
        page.goto(f"{dashboard_url}/?scenario=k2_deficiency&compare=healthy_adult&present=1")
        page.get_by_text("Day 0 · year 0.0").first.wait_for()
        for canvas in page.locator("canvas.ca-tissue").all():  # presentation mode stretched them tall
            shown = canvas.evaluate("""e => { const r = e.getBoundingClientRect();
                const scale = Math.min(r.width / e.width, r.height / e.height);
                return {w: e.width * scale, h: e.height * scale, fit: getComputedStyle(e).objectFit}; }""")
            assert shown["fit"] == "contain", shown
        screenshot(page, "lecture60-phone-present")
        assert problems.errors == []
    finally:
        ctx.close()
