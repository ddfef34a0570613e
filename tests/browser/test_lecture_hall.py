"""The dashboard as a lecturer and a classroom use it: presentation mode on a projector,
a Play pressed while a demo builds, hostile links, and tabs that vanish without closing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from browser_helpers import day, wait_for_day, CHROMIUM, CHROMIUM_ARGS, PageProblems, free_port, screenshot

pytestmark = pytest.mark.browser

MK7_DEMO = "The same person with and without MK-7"


def dashboardz(base_url: str) -> dict:
    with urllib.request.urlopen(base_url + "/dashboardz", timeout=10) as r:
        return json.loads(r.read())


@pytest.mark.parametrize("width, height", [(1920, 1080), (1024, 768)])
def test_presentation_mode_shows_views_and_paradox_chart_on_one_screen(chromium, dashboard_url, width, height):
    ctx = chromium.new_context(viewport={"width": width, "height": height})
    ctx.set_default_timeout(30_000)
    try:
        page = ctx.new_page()
        problems = PageProblems(page)
        page.goto(dashboard_url + "/?present=1")
        page.get_by_text("Day 0 · year 0.0").wait_for()
        page.locator(".demo-select").click()
        page.get_by_role("option", name=MK7_DEMO).click()
        page.get_by_role("button", name="▶ Play").click()  # right away, while the demo builds
        wait_for_day(page, 365)
        page.get_by_role("button", name="❚❚ Pause").click()
        time.sleep(0.8)
        assert page.locator("canvas.ca-tissue").count() == 4
        for img in page.locator("canvas.ca-tissue").all():
            box = img.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height
        chart = page.locator(".chart-paradox").first
        box = chart.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (box, width, height)
        assert page.evaluate("document.scrollingElement.scrollTop") == 0
        expect(page.locator(".chart-paradox canvas").first).to_be_visible()
        # titles and legends wrap instead of clipping
        for selector in (".chart-title-paradox", ".legend-paradox", ".run-label-a", ".run-label-b"):
            clipped = page.locator(selector).first.evaluate("e => e.scrollWidth > e.clientWidth + 1")
            assert not clipped, selector
        assert page.get_by_text("This website runs on").count() == 0  # the badge that covered content
        assert not page.locator(".knob-mk7_ug_per_day").is_visible()  # the sidebar is hidden
        date_px = page.locator(".sim-date").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert date_px >= 40
        screenshot(page, f"dashboard-present-{width}x{height}")
        # to the end of the run (found by probe h3): the 'End of the simulated period' banner, the wider Pause button
        # and a longer date wrapped the rows above and pushed the chart's time axis and legend off the unscrolled
        # screen (by 121 px at 1024x768, 2 px at 1920x1080)
        page.locator(".speed-toggle").get_by_role("button", name="365", exact=True).click()
        page.get_by_role("button", name="▶ Play").click()
        page.get_by_text("Day 3650 · year 10.0").first.wait_for()
        expect(page.get_by_text("press Reset to watch again")).to_be_visible()
        time.sleep(0.8)
        box = chart.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, ("at the end", box, width, height)
        assert problems.errors == []
    finally:
        ctx.close()


def test_play_pressed_right_after_a_demo_or_speed_change_is_not_dropped(dash_page):
    page = dash_page
    page.locator(".demo-mk7").click()
    page.get_by_role("button", name="▶ Play").click()
    wait_for_day(page, 21)
    page.get_by_role("button", name="❚❚ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    paused = day(page)
    page.locator(".speed-toggle").get_by_text("30", exact=True).click()
    page.get_by_role("button", name="▶ Play").click()
    wait_for_day(page, paused + 60)  # a speed change keeps the run and the press
    page.get_by_role("button", name="❚❚ Pause").click()


@pytest.mark.parametrize("query, word", [("seed=%C2%B2", "seed"), ("speed=%C2%B2", "speed"),
                                         ("seed=" + "9" * 5000, "seed")])
def test_hostile_links_give_one_line_and_a_working_page(dash_context, dashboard_url, query, word):
    page = dash_context.new_page()
    problems = PageProblems(page)
    page.goto(f"{dashboard_url}/?{query}")
    page.get_by_text("Day 0 · year 0.0").wait_for()
    notice = page.locator(".notice").first
    expect(notice).to_contain_text(word)
    text = notice.inner_text()
    assert "\n" not in text.strip() and len(text) < 200
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "/work/" not in body and "site-packages" not in body
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 7)
    assert problems.errors == []


def test_a_huge_grid_upload_is_refused_with_the_cap(dash_page):
    page = dash_page
    page.locator(".scenario-file-input").set_input_files(files=[{
        "name": "huge_grid.toml", "mimeType": "text/plain",
        "buffer": b"[simulation]\nbone_grid_width = 2048\nbone_grid_height = 2048\n"}])
    expect(page.locator(".notice").first).to_contain_text("simulation.bone_grid_width = 2048")
    expect(page.locator(".notice").first).to_contain_text("at most 256")
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 7)


def _spawn_chromium() -> tuple[subprocess.Popen, int, str]:
    """A Chromium of our own (so it can be killed like a laptop losing its network)."""
    port = free_port()
    profile = tempfile.mkdtemp(prefix="calcium-abm-tab-")
    proc = subprocess.Popen([CHROMIUM, "--headless", f"--remote-debugging-port={port}",
                             "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}",
                             *CHROMIUM_ARGS, "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1).close()
            return proc, port, profile
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("could not start a second Chromium")


def test_a_tab_that_vanishes_without_closing_stops_its_play_loop(chromium, dashboard_url):

    contexts = []
    before = {r["loop_id"] for r in dashboardz(dashboard_url)["play_loops"]["loops"]}
    victim, cdp_port, _profile = _spawn_chromium()
    try:
        for _ in range(2):
            ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
            ctx.set_default_timeout(30_000)
            contexts.append(ctx)
        remote = chromium.browser_type.connect_over_cdp(f"http://127.0.0.1:{cdp_port}")
        pages = [ctx.new_page() for ctx in contexts] + [remote.contexts[0].new_page()]
        pages[-1].set_viewport_size({"width": 1280, "height": 900})
        for page in pages:
            page.goto(dashboard_url + "/?speed=1")
            page.get_by_text("Day 0 · year 0.0").wait_for(timeout=60_000)
            page.get_by_role("button", name="▶ Play").click()
        for page in pages:
            wait_for_day(page, 5)

        def new_loops():
            return [r for r in dashboardz(dashboard_url)["play_loops"]["loops"] if r["loop_id"] not in before]

        running = [r for r in new_loops() if r["running"]]
        assert len(running) == 3, running
        os.killpg(victim.pid, signal.SIGKILL)  # no page close, no goodbye: the lid is shut
        victim.wait(10)
        deadline = time.time() + 60
        while time.time() < deadline:
            loops = new_loops()
            stopped = [r for r in loops if not r["running"]]
            if stopped:
                break
            time.sleep(0.5)
        assert [r["stop_reason"] for r in stopped] == ["tab disconnected"], loops
        frames_then = {r["loop_id"]: r["frames"] for r in new_loops()}
        time.sleep(2.0)
        after = {r["loop_id"]: r for r in new_loops()}
        gone = stopped[0]["loop_id"]
        assert after[gone]["frames"] == frames_then[gone]  # the vanished tab's loop does nothing more
        alive = [r for r in after.values() if r["running"]]
        assert len(alive) == 2 and all(r["frames"] > frames_then[r["loop_id"]] for r in alive)
        for page in pages[:2]:
            page.get_by_role("button", name="❚❚ Pause").click()
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
        for ctx in contexts:
            ctx.close()


def test_diagnostics_and_the_loop_register_answer_loopback(dashboard_url):
    data = dashboardz(dashboard_url)
    assert "play_loops" in data and data["gate_slots"] >= 1
    with urllib.request.urlopen(dashboard_url + "/resourcez", timeout=10) as r:
        assert r.status == 200


def test_a_known_limits_message_leaves_the_paradox_chart_on_a_small_projector(chromium, dashboard_url):
    """An educator's CKD 5 run in presentation mode at 1024x768: its four-line known-limits message pushed the paradox
    chart's time axis below the screen; at stop 68, one line each still pushed the CKD 5 demo's legend off a
    1280x720 and a 1024x768 screen. On a projector the messages wait behind a red button in the demo row."""
    link = ("/?present=1&scenario=healthy_adult&age_years=65&compare=healthy_adult&b.age_years=65"
            "&b.ckd_stage=5")
    for width, height, play in ((1280, 720, False), (1024, 768, True)):
        ctx = chromium.new_context(viewport={"width": width, "height": height})
        ctx.set_default_timeout(120_000)
        try:
            page = ctx.new_page()
            page.goto(dashboard_url + link)
            page.get_by_text("Day 0 · year 0.0").wait_for()
            button = page.locator(".show-notices-button")
            button.wait_for()
            assert "1 message" in button.inner_text().lower() and page.locator(".ca-notice").count() == 0
            if play:  # the end-of-run note joins the same row
                page.get_by_role("button", name="365").click()
                page.get_by_role("button", name="Play").click()
                page.get_by_text("End of the run").wait_for()
            time.sleep(0.8)
            box = page.locator(".chart-paradox").first.bounding_box()  # the chart with its legend
            assert box is not None and box["y"] + box["height"] <= height, (width, height, box)
            button.click()
            notice = page.locator(".ca-notice").first
            notice.wait_for()
            assert "known limits" in notice.inner_text()
            page.locator(".hide-notices-button").click()
            button.wait_for()
            assert page.locator(".ca-notice").count() == 0
            button.click()  # shown again, then dismissed: no messages and no button (and the panel closed)
            page.locator(".dismiss-button").click()
            page.locator(".ca-notice").first.wait_for(state="detached")
            assert page.locator(".show-notices-button").count() == 0 and page.locator(".dismiss-button").count() == 0
        finally:
            ctx.close()
