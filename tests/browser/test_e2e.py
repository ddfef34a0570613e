"""End-to-end: the dashboard in headless Chromium, driven as a new user would."""

from __future__ import annotations

import re
import sys
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from browser_helpers import day, play_until_then_pause, wait_for_day, REPO, PageProblems, free_port, screenshot, start_server, stop_server

pytestmark = pytest.mark.browser


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def expect_knob_label(page, key: str, text: re.Pattern) -> None:
    """The slider's label shows ``text`` and, once a rebuilt panel has replaced the old one, only once."""
    labels = page.locator(f".knob-label-{key}")
    expect(labels.filter(has_text=text)).to_be_visible()
    expect(labels).to_have_count(1)


def test_play_advances_the_date_and_the_charts(dash_page):
    page = dash_page
    chart = page.locator(".chart-paradox canvas").first
    expect(chart).to_be_visible()
    time.sleep(0.5)
    before = chart.screenshot()
    bone = page.locator("canvas.bone-view-a")
    bone_before = bone.screenshot()
    paused = play_until_then_pause(page, 120)
    time.sleep(1.0)
    assert day(page) == paused  # pause stops the clock
    assert chart.screenshot() != before  # the lines grew
    assert pictures_day(page) == paused  # date and pictures come in one message
    assert bone.screenshot() != bone_before  # the bone section changed
    screenshot(page, "dashboard-played")


def pictures_day(page) -> int:
    """The day the tissue pictures show (set when a frame is drawn)."""
    return int(page.locator(".ca-tissues").get_attribute("data-day"))


def test_pictures_shown_again_after_a_layout_change_are_the_latest(dash_page):
    page = dash_page
    paused = play_until_then_pause(page, 70)
    page.locator(".present-button").click()  # new views of the same pictures and date
    page.locator(".exit-present-button").wait_for()
    page.wait_for_function(f"() => document.querySelector('.ca-tissues')?.dataset.day === '{paused}'")
    assert day(page) == paused
    drawn = page.locator("canvas.bone-view-a").evaluate(
        "c => new Set(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).size")
    assert drawn > 2  # a drawn section, not a blank canvas


@pytest.fixture
def laptop_page(chromium, dashboard_url):
    """A fresh tab on a 1280x900 laptop screen, where the lower charts are below the fold."""
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    problems = PageProblems(page)
    page.goto(dashboard_url + "/")
    page.get_by_text("Day 0 · year 0.0").wait_for()
    yield page
    assert problems.errors == []
    ctx.close()


def test_the_tissue_pictures_are_large_enough_to_see_the_cells_on_a_laptop(laptop_page):
    """A lecture's pictures: on a 1280x900 screen each tissue view is at least 150 px wide, alone and
    compared (a fixed 68 px box left the red and blue cells the captions point to invisible), and the
    page does not scroll sideways."""
    page = laptop_page

    def check_widths(count: int) -> None:
        expect(page.locator("canvas.ca-tissue")).to_have_count(count)
        widths = [box["width"] for box in (c.bounding_box() for c in page.locator("canvas.ca-tissue").all()) if box]
        assert len(widths) == count and min(widths) >= 150, widths
        assert not page.evaluate("document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth")

    check_widths(2)
    page.locator(".demo-mk7").click()  # two runs side by side
    check_widths(4)


def test_a_chart_below_the_fold_shows_the_latest_run_once_scrolled_to(laptop_page):
    page = laptop_page
    chart = page.locator(".chart-serum_calcium .solara-echarts").first
    assert chart.bounding_box()["y"] > 900  # below the fold: not redrawn while playing
    paused = play_until_then_pause(page, 200)
    assert chart.get_attribute("data-years") == "0"  # out of view: never redrawn
    chart.scroll_into_view_if_needed()
    years = round(paused / 365, 4)
    page.wait_for_function(f"() => document.querySelector('.chart-serum_calcium .solara-echarts')"
                           f".dataset.years === '{years:g}'")


def _phone_page(chromium, dashboard_url, width: int, height: int):
    """A phone-sized touch context on the dashboard's default page, its first run attached: (context, page, problems)."""
    ctx = chromium.new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    problems = PageProblems(page)
    page.goto(dashboard_url + "/")
    page.get_by_text("Day 0 · year 0.0").wait_for(state="attached")
    return ctx, page, problems


def test_a_phone_can_close_the_sidebar_and_reach_the_run(chromium, dashboard_url):
    """On a 375 px phone the sidebar opens over the page; it once covered all of it (Solara's drawer is at
    least 400 px wide), the app bar and the overlay that closes it included, so a student could not reach
    the run. It leaves a strip of the overlay, and a tap there shows the page with its Play button."""
    ctx, page, problems = _phone_page(chromium, dashboard_url, 375, 667)
    drawer = page.locator(".v-navigation-drawer")
    assert drawer.bounding_box()["width"] <= 375 - 40
    page.mouse.click(365, 400)  # the strip of overlay right of the sidebar
    page.wait_for_function("() => document.querySelector('.v-navigation-drawer').getBoundingClientRect().right <= 0")
    page.get_by_role("button", name="▶ Play").click()  # on top now: not covered by the sidebar
    wait_for_day(page, 7)
    assert problems.errors == []
    ctx.close()


def test_switch_scenario_then_move_a_slider(dash_page):
    page = dash_page
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 1)
    page.locator(".scenario-a").click()
    page.get_by_role("option", name="k2_deficiency").click()
    expect(page.get_by_text("Day 0 · year 0.0")).to_be_visible()  # a new run
    expect_knob_label(page, "mk7_ug_per_day", re.compile(r"MK-7: 0 µg/day"))
    page.wait_for_function("() => location.search.includes('scenario=k2_deficiency')")  # the link follows

    page.locator(".knob-mk7_ug_per_day [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    expect_knob_label(page, "mk7_ug_per_day", re.compile(r"MK-7: 5 µg/day"))
    page.wait_for_function("() => location.search.includes('mk7_ug_per_day=5')")
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 7)
    screenshot(page, "dashboard-slider")


def test_the_sex_control_switches_the_person(dash_page):
    """Issue 10: the sex buttons rebuild the model as a woman and the link carries it."""
    page = dash_page
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 1)
    page.locator(".knob-sex").get_by_role("button", name="female").click()
    expect(page.get_by_text("Day 0 · year 0.0")).to_be_visible()  # a new run
    page.wait_for_function("() => location.search.includes('sex=female')")
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 7)
    screenshot(page, "dashboard-sex")


def test_lecture_demo_compares_two_scenarios_on_shared_axes(dash_page):
    page = dash_page
    page.locator(".demo-mk7").click()
    expect(page.locator(".run-label-b").first).to_contain_text(re.compile(r"mk-?7", re.IGNORECASE))
    assert page.locator("canvas.ca-tissue").count() == 4  # bone + vessel for A and for B
    assert page.locator(".chart-paradox canvas").count() == 1  # one chart, both scenarios on its axes
    page.get_by_role("button", name="▶ Play").click()
    wait_for_day(page, 200)
    page.get_by_role("button", name="❚❚ Pause").click()
    page.wait_for_function("() => location.search.includes('compare=')")
    screenshot(page, "dashboard-compare")


def test_broken_upload_shows_a_message_and_the_app_keeps_running(dash_page):
    page = dash_page
    upload = page.locator(".scenario-file-input")
    upload.set_input_files(files=[{"name": "broken.toml", "mimeType": "text/plain",
                                   "buffer": b"[diet]\nmk7_ug_per_day = -5\n"}])
    expect(page.locator(".notice").first).to_contain_text("mk7_ug_per_day = -5 is not allowed")
    upload.set_input_files(files=[{"name": "huge.toml", "mimeType": "text/plain", "buffer": b"#" * (2 << 20)}])
    expect(page.locator(".notice").first).to_contain_text("1 MiB")  # the upload's new message replaces its last
    expect(page.locator(".notice")).to_have_count(1)
    screenshot(page, "dashboard-broken-upload")
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 7)
    upload.set_input_files(files=[{"name": "mine.toml", "mimeType": "text/plain",
                                   "buffer": b'name = "mine"\n[diet]\nmk7_ug_per_day = 360\n'}])
    expect_knob_label(page, "mk7_ug_per_day", re.compile(r"MK-7: 360 µg/day"))
    expect(page.get_by_text("Day 0 · year 0.0")).to_be_visible()


def test_two_tabs_run_independent_models(dash_page, dash_context, dashboard_url):
    page = dash_page
    other = dash_context.new_page()
    problems = PageProblems(other)
    other.goto(dashboard_url + "/?scenario=k2_deficiency")
    other.get_by_text("Day 0 · year 0.0").wait_for()
    page.get_by_role("button", name="▶ Play").click()
    wait_for_day(page, 70)
    assert day(other) == 0  # playing one tab does not move the other
    other.get_by_role("button", name="Step").click()
    wait_for_day(other, 7)
    page.get_by_role("button", name="❚❚ Pause").click()
    assert day(other) == 7 and day(page) >= 70
    expect(other.locator(".scenario-a")).to_contain_text("k2_deficiency")
    expect(page.locator(".scenario-a")).to_contain_text("healthy_adult")
    assert problems.errors == []


def test_a_shared_link_restores_scenarios_and_sliders(dash_context, dashboard_url):
    tab = dash_context.new_page()
    problems = PageProblems(tab)
    tab.goto(dashboard_url + "/?scenario=k2_deficiency&warfarin_mg_per_day=5&compare=healthy_adult"
                             "&b.mk7_ug_per_day=180&speed=30")
    tab.get_by_text("Day 0 · year 0.0").wait_for()
    expect_knob_label(tab, "warfarin_mg_per_day", re.compile(r"Warfarin: 5 mg/day"))
    expect(tab.locator(".run-label-b").first).to_contain_text("MK-7 180")
    tab.get_by_role("button", name="Step").click()
    wait_for_day(tab, 30)  # the speed came from the link
    bad = dash_context.new_page()
    bad.goto(dashboard_url + "/?scenario=healthy_adult&ckd_stage=9")
    expect(bad.locator(".notice").first).to_contain_text("ckd_stage")
    bad.get_by_text("Day 0 · year 0.0").wait_for()  # and the page still works
    assert problems.errors == []


def test_mesa_solaraviz_page_loads_and_steps(chromium):
    port = free_port()
    cmd = [sys.executable, "-m", "solara", "run", str(REPO / "app" / "mesa_viz.py"), "--host", "127.0.0.1",
           "--port", str(port), "--production", "--no-open"]
    proc = start_server(cmd, port, REPO / "test-artifacts" / "mesa-viz-server.log")
    try:
        tab = chromium.new_page(viewport={"width": 1400, "height": 1000})
        problems = PageProblems(tab)
        tab.goto(f"http://127.0.0.1:{port}/")
        tab.get_by_text("Time: 0.0").wait_for(timeout=30_000)
        tab.get_by_role("button", name="Step").click()
        tab.get_by_text("Time: 7.0").wait_for(timeout=20_000)  # render_interval = 7 days
        expect(tab.locator("img").first).to_be_visible()  # the matplotlib space component
        screenshot(tab, "mesa-solaraviz")
        assert problems.errors == []
    finally:
        stop_server(proc)


def test_back_and_forward_follow_the_address_bar(dash_context, dashboard_url):
    """A student's review (stop 69): the browser's Back changed the address bar to the earlier link and left the
    page on the later settings. The page now follows the address."""
    tab = dash_context.new_page()
    problems = PageProblems(tab)
    tab.goto(dashboard_url + "/?scenario=healthy_adult")
    tab.get_by_text("Day 0 · year 0.0").wait_for()
    tab.locator(".scenario-a").click()
    tab.get_by_role("option", name="k2_deficiency").click()
    tab.wait_for_function("() => location.search.includes('scenario=k2_deficiency')")
    expect(tab.locator(".scenario-a")).to_contain_text("k2_deficiency")
    tab.go_back()
    tab.wait_for_function("() => !location.search.includes('k2_deficiency')")
    expect(tab.locator(".scenario-a")).to_contain_text("healthy_adult")
    tab.go_forward()
    tab.wait_for_function("() => location.search.includes('scenario=k2_deficiency')")
    expect(tab.locator(".scenario-a")).to_contain_text("k2_deficiency")
    assert problems.errors == []


def test_a_demo_picked_in_a_phone_s_drawer_closes_it(chromium, dashboard_url):
    """A student's review (stop 69): on a phone the drawer stayed open over the page after a demo was picked in it;
    it now closes, so the demo's run is in view."""
    ctx, page, problems = _phone_page(chromium, dashboard_url, 390, 844)
    closed = "() => document.querySelector('.v-navigation-drawer').getBoundingClientRect().right <= 0"
    page.wait_for_function(closed)  # a phone's first load closes it (PhoneSidebar)
    page.locator(".v-app-bar__nav-icon").click()
    page.wait_for_function("() => document.querySelector('.v-navigation-drawer').getBoundingClientRect().right > 0")
    page.locator(".demo-button").first.click()
    page.wait_for_function(closed)
    page.get_by_role("button", name="▶ Play").click()  # the run is in view, not covered
    assert problems.errors == []
    ctx.close()


def test_a_link_s_ignored_values_leave_the_address_bar(dash_context, dashboard_url):
    """A student's review (stop 69): ``?a=nonexistent`` stayed in the address bar after the page had ignored it, so
    copying the address shared the problem again. The bar now holds the page's own settings."""
    tab = dash_context.new_page()
    problems = PageProblems(tab)
    tab.goto(dashboard_url + "/?scenario=k2_deficiency&a=nonexistent&mk7_ug_per_day=-5")
    expect(tab.locator(".notice").first).to_be_visible()
    tab.wait_for_function("() => location.search.includes('scenario=k2_deficiency')"
                          " && !location.search.includes('nonexistent') && !location.search.includes('-5')")
    expect(tab.locator(".scenario-a")).to_contain_text("k2_deficiency")
    assert problems.errors == []


def test_quick_arrow_key_presses_on_a_slider_all_count(dash_page):
    """A lecturer (stop 70): while a slider settled the slider was drawn at the applied value, so it jumped back and
    the next arrow key stepped from there: 10 quick presses on K1 (100 µg/day, steps of 10) gave 110."""
    page = dash_page
    page.locator(".knob-vitamin_k1_ug_per_day [role=slider]").focus()
    for _ in range(10):  # a person's pace: the slider re-renders between presses (at once, all 10 landed anyway)
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(100)
    page.wait_for_function("() => location.search.includes('vitamin_k1_ug_per_day=200')")
    expect_knob_label(page, "vitamin_k1_ug_per_day", re.compile(r": 200 µg/day"))


def test_play_pressed_as_a_demo_with_a_message_is_built_plays(dash_page):
    """A lecturer (stop 70): the CKD 5 demo's known-limits message came above the controls while it was built, the
    controls were made anew, and a press of Play on the old ones was lost (3 of 3 times at once after the demo)."""
    page = dash_page
    page.locator(".demo-ckd5").click()
    page.get_by_role("button", name="▶ Play").click()
    expect(page.get_by_role("button", name="❚❚ Pause")).to_be_visible()
    wait_for_day(page, 14)
    page.get_by_role("button", name="❚❚ Pause").click()


@pytest.mark.parametrize("opened", ["/", "/?present=1", "/?scenario=healthy_adult&a=nonexistent"])
def test_back_from_the_page_s_tidied_link_leaves_the_page(dash_context, dashboard_url, opened):
    """A lecturer (stop 70): the page's link for a bare "/", the projector's "/?present=1" or a link with a value it
    ignored was pushed over the address opened, so Back returned to it, which was tidied and pushed again: Back never
    left the dashboard. The link now replaces the address."""
    tab = dash_context.new_page()
    problems = PageProblems(tab)
    tab.goto("about:blank")
    tab.goto(dashboard_url + opened)
    tab.wait_for_function("() => location.search.includes('scenario=healthy_adult')"
                          " && !location.search.includes('nonexistent')")
    tab.get_by_text("Day 0 · year 0.0").wait_for()
    assert problems.errors == []  # before leaving: the fonts still loading are aborted then
    tab.go_back()
    tab.wait_for_function("() => location.href === 'about:blank'")
