"""A lecturer's rehearsal in Chromium (/work/s59/edu/findings.md, 2026-12-06): a double-clicked ▶ Play,
the paradox chart's two axis names on a laptop and a small projector, and its tooltip's words.

Marked ``browser`` (tests/browser/conftest.py); the server is the suite's, started as users start it
(`calcium-abm dashboard`).
"""

from __future__ import annotations

import re
import time

import pytest

from browser_helpers import day, open_dashboard, wait_for_day

#: the ECharts instance of a chart's element, and the page boxes of the axis names it drew
AXIS_NAMES_JS = """(el) => {
  const defined = window.requirejs.s.contexts._.defined;
  const echarts = Object.values(defined).find((m) => m && m.getInstanceByDom);
  const chart = echarts.getInstanceByDom(el);
  const names = chart.getOption().yAxis.map((a) => a.name);
  const boxes = [];
  chart.getZr().storage.getDisplayList(true).forEach((d) => {
    if (d.style && names.includes(d.style.text)) {
      const r = d.getBoundingRect().clone();
      if (d.transform) r.applyTransform(d.transform);
      boxes.push({text: d.style.text, left: r.x, right: r.x + r.width});
    }
  });
  return {names, boxes, width: chart.getWidth()};
}"""
#: show the tooltip at the last point of the chart's first drawn line; its text
TOOLTIP_JS = """(el) => {
  const defined = window.requirejs.s.contexts._.defined;
  const echarts = Object.values(defined).find((m) => m && m.getInstanceByDom);
  const chart = echarts.getInstanceByDom(el);
  const series = chart.getOption().series;
  const index = series.findIndex((s) => s.ca_tip);
  chart.dispatchAction({type: "showTip", seriesIndex: index, dataIndex: series[index].data.length - 1});
  return new Promise((resolve) => setTimeout(() => {
    const tips = [...el.querySelectorAll("div")].filter((d) => d.style.position === "absolute" && d.innerText);
    resolve(tips.length ? tips[tips.length - 1].innerText : "");
  }, 300));
}"""



def _paradox_chart(page):
    chart = page.locator(".chart-paradox .solara-echarts").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function("e => e.getAttribute('_echarts_instance_')", arg=chart.element_handle())
    return chart


def test_a_double_clicked_play_plays(chromium, dashboard_url):
    """Finding 13: the second click of a double-click landed on ❚❚ Pause, which the first click had put
    under the cursor, and the run stayed paused at day 7."""
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 1280, 900, "?scenario=k2_deficiency")
    try:
        page.get_by_role("button", name="▶ Play").dblclick()
        wait_for_day(page, 10 * 7)  # timed out at day 7 before
        page.get_by_role("button", name="❚❚ Pause").click()
        assert day(page) >= 10 * 7
        assert problems.errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("width, height", [(1280, 900), (1024, 768)])
def test_the_paradox_charts_axis_names_do_not_overlap(chromium, dashboard_url, width, height):
    """Findings 4 and 14: at 1280 px "bone density change (%)" and "vessel wall calcium (mg)" printed over
    each other ("bone density chavgessel wall calcium (mg)"), at 1024 px completely."""
    ctx, page, problems = open_dashboard(chromium, dashboard_url, width, height)
    try:
        drawn = _paradox_chart(page).evaluate(AXIS_NAMES_JS)
        boxes = sorted(drawn["boxes"], key=lambda b: b["left"])
        assert [b["text"] for b in boxes] == drawn["names"] and len(boxes) == 2, drawn
        left, right = boxes
        assert left["right"] + 4 <= right["left"], drawn  # apart, with a gap
        assert left["left"] >= 0 and right["right"] <= drawn["width"], drawn  # and not cut off
        legend = page.locator(".legend-paradox").first
        assert "vessel wall calcium, mg (right axis)" in legend.inner_text()
        assert not legend.evaluate("e => e.scrollWidth > e.clientWidth + 1")  # wraps, is not cut off
        assert problems.errors == []
    finally:
        ctx.close()


def test_the_paradox_tooltip_gives_units_and_few_decimals(chromium, dashboard_url):
    """Finding 14: the tooltip showed "-3.319257" and "1.794581" with no units and a bare "8.27" for the
    year. It reads "year 8.3: bone −2.5 %, vessel 1.79 mg"."""
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 1280, 900, "?scenario=k2_deficiency")
    try:
        chart = _paradox_chart(page)  # on screen: its redraws reach it
        for _ in range(3):
            page.get_by_role("button", name="Step").click()
        wait_for_day(page, 3 * 7)
        time.sleep(0.5)  # the chart's redraw after the last step
        text = " ".join(chart.evaluate(TOOLTIP_JS).split())
        assert re.fullmatch(r"year \d+\.\d: bone −?\d+\.\d %, vessel \d+\.\d\d mg", text), text
        assert problems.errors == []
    finally:
        ctx.close()


#: the numbers drawn on the chart and where: (text, left edge) of every text element that reads as a number
NUMBER_LABELS_JS = """(el) => {
  const defined = window.requirejs.s.contexts._.defined;
  const echarts = Object.values(defined).find((m) => m && m.getInstanceByDom);
  const chart = echarts.getInstanceByDom(el);
  const labels = [];
  chart.getZr().storage.getDisplayList(true).forEach((d) => {
    const text = d.style && d.style.text;
    if (typeof text === "string" && /^[-\u2212]?[\\d.,]+$/.test(text)) {
      const r = d.getBoundingRect().clone();
      if (d.transform) r.applyTransform(d.transform);
      labels.push({text, left: r.x});
    }
  });
  return {labels, width: chart.getWidth()};
}"""


def test_the_paradox_charts_vessel_axis_labels_no_negative_calcium(chromium, dashboard_url):
    """The paradox chart's axes share their zero in the middle (stop 71): the vessel axis's lower half is the bone
    axis's, and shows no negative mg; the bone axis labels its losses below zero."""
    ctx, page, problems = open_dashboard(chromium, dashboard_url, 1280, 900)
    try:
        drawn = _paradox_chart(page).evaluate(NUMBER_LABELS_JS)
        right = [lb["text"] for lb in drawn["labels"] if lb["left"] > 0.85 * drawn["width"]]
        left = [lb["text"] for lb in drawn["labels"] if lb["left"] < 0.15 * drawn["width"]]
        assert right and "0" in right and not any(t[0] in "-\u2212" for t in right), drawn
        assert any(t[0] in "-\u2212" for t in left), drawn
        assert problems.errors == []
    finally:
        ctx.close()
