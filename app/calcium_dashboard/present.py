"""Presentation mode's layout rules: the paradox chart is the lecture's main picture, so it keeps a readable
plot on every screen (at 1280x720 in a demo's A vs B its plot was ~90 px tall and its axis labels overlapped;
on a phone it collapsed to ~20 px). The pictures give way on a short screen; where the rest still does not
fit (a phone) the presentation scrolls instead of squeezing the chart."""

from __future__ import annotations

from calcium_dashboard.charts import PRESENT_FONT_PX, grid_margins_px

#: the smallest plot (the area inside the axes) of the paradox chart in presentation mode, px
PRESENT_PLOT_MIN_PX = 150
#: the chart's canvas at its smallest: the plot and the margins its axis names and labels take
PRESENT_CHART_MIN_PX = PRESENT_PLOT_MIN_PX + sum(grid_margins_px(PRESENT_FONT_PX))

PRESENT_CHART_CSS = f"""
.ca-present-live {{ min-height: auto; }}
.ca-present-live .chart-paradox {{ min-height: auto; }}
.ca-present-live .ca-present-chart {{ min-height: {PRESENT_CHART_MIN_PX}px; }}
/* narrower speed buttons: "Day 3650 · year 10.0" at the end of a run wrapped the top row at 1024 px, which
   pushed the chart's legend off the screen */
.ca-present .v-btn {{ letter-spacing: 0.02em; padding: 0 12px !important; }}
.ca-present .speed-toggle .v-btn {{ min-width: 44px !important; padding: 0 8px !important; }}
/* a short screen (a 720 px projector): smaller pictures leave the chart its plot */
@media (max-height: 800px) {{
  .ca-present canvas.ca-tissue {{ height: 12vh; }}
  .ca-present .ca-present-tissues {{ font-size: 16px; }}
  .ca-present .ca-chart-title {{ font-size: 20px; }}
}}
/* a phone: a side's heading wraps instead of both being cut to "healthy_adult + Age ..." */
@media (max-width: 600px) {{
  .ca-present .ca-label {{ white-space: normal; overflow: visible; }}
}}
"""
