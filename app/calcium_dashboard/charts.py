"""Time-series charts: ECharts options for the live page, matplotlib for PNG export.

Both draw the same :data:`CHARTS` from the same thinned series, so a downloaded PNG shows
what the room saw. In compare mode scenario A is a solid line and B a dashed one on the
same axes.

Honest by construction:

* a regulated value has a physiological axis (serum calcium 2.0-2.8 mmol/L) that never
  narrows, so a steady value looks steady; a value outside it widens it (:func:`fixed_range`:
  a serum calcium of 1.27 mmol/L fell off the fixed axis and disappeared);
* bone density is drawn as the mean of the past year (stated in the legend) over a faint
  daily line, so the effect stands above the day-to-day noise of a 64x64 section;
* with the axis lock on (the default) an axis only ever widens: restarting the same demo,
  or moving a slider, keeps the range, so a smaller effect looks smaller. Choosing another
  demo or scenario starts a new comparison with fresh axes (:meth:`AxisLock.forget`): the
  range of the last demo (CKD 5's 0-50 mg) flattened the next one's lines;
* the paradox chart's two axes share their zero, in the middle of the plot (:func:`mirrored_ranges`): bone's
  change falls below it, the vessel's calcium rises above it, and the lines never cross because of where
  two unrelated scales put their zeros (a lecturer's reading, stop 70: where they crossed meant nothing).

Titles and legends are HTML around each chart (they wrap, never clip); axis names are
written across above each axis, so a short chart cannot cut them. A chart with two y axes
names each by its quantity and unit only ("bone, %", "vessel, mg", in its line's colour),
short enough not to run into each other on a half-width chart of a 1024 px screen; its
legend says which line goes with which axis. Tooltips give each value with its unit and a
sensible number of decimals ("year 8.3: bone -2.5 %, vessel 1.79 mg", drawn by chart.vue).
A run shorter than a year (the rodent presets) has its time axis in days.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib
import numpy as np

# imported with the page, not on the first "Chart as PNG": solara stops a download made stale (a slider moved) by
# raising inside whatever line its thread is on, and one raised inside matplotlib's first import left it
# half-imported, so every later PNG on every tab failed until the server restarted (a reviewer, stop 71)
matplotlib.use("Agg", force=False)
import matplotlib.backends.backend_agg  # noqa: E402,F401 - the PNG writer savefig looks up
from matplotlib.figure import Figure  # noqa: E402

if TYPE_CHECKING:
    from calcium_dashboard.frames import RunFrame


@dataclass(frozen=True)
class Line:
    column: str
    name: str
    color: str
    scale: float = 1.0  # e.g. 100 to show a fraction as %
    right_axis: bool = False
    mean_days: int = 0  # > 0: draw the trailing mean over this many days (and a faint daily line)
    unit: str = ""  # shown after each value in the tooltip
    digits: int = 1  # decimals in the tooltip
    short: str = ""  # the line's name in the tooltip (default: ``name``)
    axis_note: str = ""  # on a chart with two y axes: "left axis" or "right axis", said in the legend

    @property
    def series_key(self) -> str:
        """The key of this line's series in :attr:`RunFrame.series`."""
        return self.column if not self.mean_days else f"{self.column}@mean{self.mean_days}d"

    @property
    def label(self) -> str:
        """The legend's words: ``vessel wall calcium, mg (right axis)``; a trailing mean says so
        (``bone density change, % (left axis; mean of up to 1 year)``: the past year's, or since day 0 in a run's
        first year or a 60-day rodent run, which have no past year)."""
        notes = [self.axis_note] if self.axis_note else []
        notes += [f"mean of up to {_span(self.mean_days)}"] if self.mean_days else []  # since day 0 before that
        name = f"{self.name}, {self.unit}" if self.axis_note and self.unit else self.name  # the INR has no unit
        return f"{name} ({'; '.join(notes)})" if notes else name


def _span(days: int) -> str:
    return "1 year" if days == 365 else f"{days} days"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    left_axis: str
    lines: tuple[Line, ...]
    right_axis: str = ""
    #: physiological axis ranges (min, max) for regulated values, per axis index: never narrower, widened
    #: only by a value outside them (:func:`fixed_range`)
    fixed: tuple[tuple[float, float] | None, ...] = ()
    #: with the lock on, ranges every axis shows at least (per axis index)
    at_least: tuple[tuple[float, float] | None, ...] = ()
    #: two axes symmetric about a shared zero (:func:`mirrored_ranges`); the right one labels only 0 and above
    mirrored: bool = False


#: serum total calcium axis: a physiological window around the 2.15-2.55 mmol/L adult
#: reference range (assumption: common laboratory reference range), so PTH's steadiness shows
SERUM_CALCIUM_AXIS_MMOL_L = (2.0, 2.8)
#: one year: BMD is shown as the trailing mean of the past year (day-to-day noise ~1 %)
BMD_MEAN_DAYS = 365

CHARTS: tuple[Chart, ...] = (
    Chart("paradox", "The calcium paradox: bone loses, vessel gains", "bone, %",
          (Line("bmd_change_pct", "bone density change", "#2b6cb0", mean_days=BMD_MEAN_DAYS, unit="%", digits=1,
                short="bone", axis_note="left axis"),
           Line("vessel_calcification_mg", "vessel wall calcium", "#c53030", right_axis=True, unit="mg", digits=2,
                short="vessel", axis_note="right axis")),
          right_axis="vessel, mg", at_least=((-2.0, 1.0), (0.0, 5.0)), mirrored=True),
    # the INR beside dp-ucMGP: vitamin K status of the liver's clotting factors and of the vessel's MGP, both of which
    # warfarin moves (an educator's warfarin demo showed no INR, which `run` prints: review 66)
    Chart("dp_ucmgp", "Vitamin K status: dp-ucMGP and INR", "dp-ucMGP, pmol/L",
          (Line("dp_ucmgp_pmol_l", "dp-ucMGP", "#805ad5", unit="pmol/L", digits=0, short="dp-ucMGP",
                axis_note="left axis"),
           Line("inr", "INR", "#dd6b20", right_axis=True, unit="", digits=2, short="INR", axis_note="right axis")),
          right_axis="INR", at_least=((0.0, 500.0), (0.8, 3.0))),
    Chart("ucoc", "Undercarboxylated osteocalcin (%ucOC)", "% of osteocalcin",
          (Line("ucoc_fraction", "%ucOC", "#d69e2e", scale=100.0, unit="%", digits=0),), at_least=((0.0, 50.0),)),
    Chart("serum_calcium", "Serum calcium (regulated by PTH; axis at least {0:.1f}-{1:.1f} mmol/L)".format(
          *SERUM_CALCIUM_AXIS_MMOL_L), "mmol/L",
          (Line("serum_calcium_mmol_l", "serum calcium", "#2f855a", unit="mmol/L", digits=2),),
          fixed=(SERUM_CALCIUM_AXIS_MMOL_L,)),
)
CHARTS_BY_KEY = {c.key: c for c in CHARTS}
#: (series key, recorded column, trailing-mean days) for every line drawn
SERIES_SPECS: tuple[tuple[str, str, int], ...] = tuple(sorted(
    {(ln.column, ln.column, 0) for c in CHARTS for ln in c.lines}
    | {(ln.series_key, ln.column, ln.mean_days) for c in CHARTS for ln in c.lines if ln.mean_days}))
CHART_COLUMNS = SERIES_SPECS  # kept name: what RunFrame.series must hold
FONT_PX = 16  # legible on a laptop
DAYS_PER_YEAR = 365  # the recorded series' time is in years of 365 days (session)
PRESENT_FONT_PX = 22  # legible from the back of a lecture hall


def trailing_mean(values, window: int) -> np.ndarray:
    """Mean of the last ``window`` values at each position (fewer at the start), NaN-aware.

    ``values``: 1-D sequence; returns a float array of the same length, NaN where the
    window holds no finite value. Raises ValueError if ``window < 1``.
    """
    if window < 1:
        raise ValueError(f"window = {window} is not allowed: must be 1 or more")
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, x, 0.0))])
    counts = np.concatenate([[0], np.cumsum(finite)])
    idx = np.arange(1, x.size + 1)
    lo = np.maximum(idx - window, 0)
    n = counts[idx] - counts[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (sums[idx] - sums[lo]) / np.maximum(n, 1), np.nan)


def nice_range(lo: float, hi: float) -> tuple[float, float]:
    """``(lo, hi)`` widened to round numbers (steps of 1, 2 or 5 x 10^k, ~5 ticks)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (0.0, 1.0)
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0) * 0.1
    raw = (hi - lo) / 5.0
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    return (math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step)


def mirrored_ranges(extents: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Each axis's ``(-top, top)``: ``top`` the round number (:func:`nice_range`) over the largest magnitude of its
    ``(lo, hi)`` extent (1 for an axis with no finite or nonzero value), so every axis has its zero in the middle."""
    out = []
    for lo, hi in extents:
        largest = max((abs(x) for x in (lo, hi) if math.isfinite(x)), default=0.0)
        try:
            top = float(nice_range(0.0, largest)[1]) if largest > 0 else 1.0
        except OverflowError:  # a value near the largest float (a run gone wild): its own size
            top = largest
        top = top if math.isfinite(top) else largest
        out.append((-top, top))
    return out


def tick_step(lo: float, hi: float, most_ticks: int = 8) -> float | None:
    """The spacing of a pinned axis's labels from ``lo`` to ``hi``: the smallest 1, 2 or 5 x 10^k that divides both
    ends and leaves at most ``most_ticks`` intervals, so every label is a step from the last (ECharts' own step
    on a pinned (-10, 5) read 5, 3, 0, -3, ... -9, -10: an educator); None if no such step exists."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return None
    mag = 10 ** math.floor(math.log10((hi - lo) / most_ticks))
    for step in (m * mag * 10 ** e for e in (0, 1, 2) for m in (1, 2, 5)):
        if (hi - lo) / step <= most_ticks + 1e-9 and all(abs(v / step - round(v / step)) < 1e-6 for v in (lo, hi)):
            return step
    return None


class AxisLock:
    """Per-tab memory of each chart axis's range, so restarts keep their axes.

    While :attr:`locked`, :meth:`ranges_for` returns ranges that only widen, covering every
    value shown since the lock was switched on or the comparison began (:meth:`forget`), and
    the chart's ``at_least`` range. Unlocked, non-fixed axes scale to the data.
    """

    def __init__(self, locked: bool = True):
        self.locked = locked
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int], tuple[float, float]] = {}
        #: which comparison the remembered ranges belong to; :meth:`forget` starts the next
        self.comparison = 0

    def set_locked(self, locked: bool) -> None:
        with self._lock:
            self.locked = locked
            self._seen.clear()

    def forget(self) -> None:
        """A new comparison (another demo or scenario): drop the remembered ranges. Frames of the
        comparison before (a play loop's last frame) no longer widen the axes (:meth:`ranges_for`)."""
        with self._lock:
            self._seen.clear()
            self.comparison += 1

    def ranges_for(self, chart: Chart, frames: list[RunFrame],
                   comparison: int | None = None) -> list[tuple[float, float] | None]:
        """One entry per axis: ``(min, max)`` to pin, or None to scale to the data.

        ``comparison``: the :attr:`comparison` the frames belong to (None: the current one). Frames
        of an earlier one get their own extent and are not remembered."""
        n_axes = 2 if chart.right_axis else 1
        out: list[tuple[float, float] | None] = []
        for axis in range(n_axes):
            fixed = chart.fixed[axis] if axis < len(chart.fixed) else None
            if fixed is not None:
                out.append(fixed_range(fixed, *_extent(chart, frames, axis)))
                continue
            if not self.locked:
                out.append(None)
                continue
            lo, hi = _extent(chart, frames, axis)
            with self._lock:
                current = comparison is None or comparison == self.comparison
                floor = chart.at_least[axis] if axis < len(chart.at_least) else None
                for known in (self._seen.get((chart.key, axis)) if current else None, floor):
                    if known is not None:
                        lo, hi = min(lo, known[0]), max(hi, known[1])
                if current and math.isfinite(lo) and math.isfinite(hi):
                    self._seen[(chart.key, axis)] = (lo, hi)
            out.append(nice_range(lo, hi) if math.isfinite(lo) else None)
        return out


def fixed_range(window: tuple[float, float], lo: float, hi: float) -> tuple[float, float]:
    """A physiological axis ``window`` showing values from ``lo`` to ``hi``: the window itself while they
    lie in it, else widened to round numbers to take them in (never narrower than the window)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or (window[0] <= lo and hi <= window[1]):
        return window
    wide = nice_range(min(lo, window[0]), max(hi, window[1]))
    return (min(wide[0], window[0]), max(wide[1], window[1]))


def _extent(chart: Chart, frames: list[RunFrame], axis: int) -> tuple[float, float]:
    lo, hi = math.inf, -math.inf
    for frame in frames:
        for line in chart.lines:
            if int(line.right_axis) != axis:
                continue
            keys = {line.column, line.series_key}
            for key in keys:
                vals = [v * line.scale for v in frame.series[key][1] if v is not None]
                if vals:
                    lo, hi = min(lo, min(vals)), max(hi, max(vals))
    return lo, hi


def _scaled(values, scale):
    return values if scale == 1.0 else [None if v is None else round(v * scale, 6) for v in values]


def _side(frames: list[RunFrame], i: int) -> str:
    return "" if len(frames) == 1 else f" · {'AB'[i]}"


def time_axis(years_total: float) -> tuple[str, float, int]:
    """The time axis of a run ``years_total`` long: ``(unit, units per year, tooltip decimals)``.
    Years, or days for a run shorter than a year (a rodent preset's 60 days read as 0.03, 0.06 ... years)."""
    if round(years_total * DAYS_PER_YEAR) < DAYS_PER_YEAR:
        return "day", float(DAYS_PER_YEAR), 0
    return "year", 1.0, 1


def _times(years: list[float], per_year: float) -> list[float]:
    # the series' years are days / 365 rounded to 4 decimals: days come back whole
    return years if per_year == 1.0 else [round(x * per_year) for x in years]


def grid_margins_px(font_px: int) -> tuple[int, int]:
    """The plot's (top, bottom) margins in a chart of ``font_px`` type: the axis names above, the years under."""
    return int(2.2 * font_px), int(3.0 * font_px)


def echarts_option(chart: Chart, frames: list[RunFrame], years_total: float, *, font_px: int = FONT_PX,
                   ranges: list[tuple[float, float] | None] | None = None) -> dict:
    """An ECharts option for one chart with every side's line(s) (title drawn by the page).

    ``ranges``: per axis ``(min, max)`` from :meth:`AxisLock.ranges_for`; None (or missing)
    scales that axis to the data, except a chart's fixed ranges, which always apply.
    """
    time_unit, per_year, time_digits = time_axis(years_total)
    series = []
    for i, frame in enumerate(frames):
        dash = "dashed" if i == 1 else "solid"
        for line in chart.lines:
            axis = 1 if line.right_axis else 0
            if line.mean_days:  # the daily values, faint, under the mean
                years, values = frame.series[line.column]
                series.append({
                    "name": f"{line.name}, daily{_side(frames, i)}", "type": "line", "showSymbol": False,
                    "animation": False, "yAxisIndex": axis, "silent": True,
                    "lineStyle": {"width": 1, "type": dash, "color": line.color, "opacity": 0.3},
                    "itemStyle": {"color": line.color, "opacity": 0.3},
                    "data": [[x, y] for x, y in zip(_times(years, per_year), _scaled(values, line.scale))],
                })
            years, values = frame.series[line.series_key]
            series.append({
                "name": f"{line.label}{_side(frames, i)}", "type": "line", "showSymbol": False, "animation": False,
                "yAxisIndex": axis,
                "lineStyle": {"width": 3, "type": dash, "color": line.color},
                "itemStyle": {"color": line.color},
                "data": [[x, y] for x, y in zip(_times(years, per_year), _scaled(values, line.scale))],
                # the tooltip's words for this line (chart.vue): "bone -2.5 %"
                "ca_tip": {"name": f"{line.short or line.name}{' ' + 'AB'[i] if len(frames) > 1 else ''}",
                           "unit": line.unit, "digits": line.digits},
            })
    ranges = drawn_ranges(chart, frames, ranges)
    y_axes = []
    for axis, name in enumerate((chart.left_axis, chart.right_axis)[:2 if chart.right_axis else 1]):
        pinned = ranges[axis]
        # the axis name sits above the axis, written across: it never runs off a short chart
        y = {"type": "value", "name": name, "nameLocation": "end", "nameGap": int(0.6 * font_px),
             "nameTextStyle": {"fontSize": font_px, "align": "right" if axis else "left"},
             "axisLabel": {"fontSize": font_px, "hideOverlap": True}}  # a short plot drops labels, never overlaps
        if chart.right_axis:  # two axes: each name in its line's colour
            y["nameTextStyle"]["color"] = next(ln.color for ln in chart.lines if int(ln.right_axis) == axis)
        if pinned is not None:
            y |= {"min": pinned[0], "max": pinned[1], "scale": False}
            step = tick_step(*pinned, most_ticks=10 if chart.mirrored else 8)
            if step is not None:
                y["interval"] = step
            else:  # uneven ends: label the round values between them only
                y["axisLabel"] |= {"showMinLabel": False, "showMaxLabel": False}
        else:
            y |= {"scale": True}
        if axis == 1:
            y["splitLine"] = {"show": False}
        if chart.mirrored and axis == 1:  # its lower half is the other axis's: no negative mg (chart.vue), no ticks
            y["ca_hide_negative"] = True
            y["axisTick"] = {"show": False}
        y_axes.append(y)
    margin = int(3.4 * font_px)  # tick labels such as "-2.5" or "1000"
    top, bottom = grid_margins_px(font_px)
    return {
        "animation": False,
        "legend": {"show": False},  # drawn in HTML under the chart (wraps, never clips)
        "grid": {"left": margin, "right": margin if chart.right_axis else 24, "top": top,
                 "bottom": bottom},
        # kept inside the chart (it was cut off at the page's left edge); chart.vue writes its text from ca_tip
        "tooltip": {"trigger": "axis", "confine": True, "ca_tip": {"time": time_unit, "digits": time_digits}},
        "xAxis": {"type": "value", "name": f"{time_unit}s", "min": 0,
                  "max": round(years_total * per_year, 0 if per_year != 1.0 else 3),
                  "nameLocation": "middle", "nameGap": int(1.7 * font_px), "nameTextStyle": {"fontSize": font_px},
                  "axisLabel": {"fontSize": font_px}},
        "yAxis": y_axes,
        "series": series,
    }


def drawn_ranges(chart: Chart, frames: list[RunFrame],
                 ranges: list[tuple[float, float] | None] | None = None) -> list[tuple[float, float] | None]:
    """Per y axis, the ``(min, max)`` drawn, or None to scale to the data: ``ranges`` (:meth:`AxisLock.ranges_for`),
    else the chart's fixed range; a mirrored chart's axes (:func:`mirrored_ranges`) around those or the data."""
    ranges = list(ranges or [])
    out = [ranges[axis] if axis < len(ranges) and ranges[axis] is not None else (
        chart.fixed[axis] if axis < len(chart.fixed) else None) for axis in range(2 if chart.right_axis else 1)]
    if chart.mirrored:
        out = mirrored_ranges([r if r is not None else _extent(chart, frames, axis) for axis, r in enumerate(out)])
    return out


def chart_png(chart: Chart, frames: list[RunFrame], years_total: float,
              ranges: list[tuple[float, float] | None] | None = None) -> bytes:
    """The same chart drawn with matplotlib, as PNG bytes (for download)."""
    fig = Figure(figsize=(9, 4.5), dpi=110)
    ax = fig.add_subplot()
    ax2 = ax.twinx() if chart.right_axis else None
    time_unit, per_year, _ = time_axis(years_total)
    for i, frame in enumerate(frames):
        for line in chart.lines:
            target = ax2 if (line.right_axis and ax2 is not None) else ax
            ls = "--" if i == 1 else "-"
            suffix = "" if len(frames) == 1 else f" · {'AB'[i]}: {frame.label}"
            if line.mean_days:
                years, values = frame.series[line.column]
                ys = [float("nan") if v is None else v for v in _scaled(values, line.scale)]
                target.plot(_times(years, per_year), ys, color=line.color, lw=0.8, ls=ls, alpha=0.3)
            years, values = frame.series[line.series_key]
            ys = [float("nan") if v is None else v for v in _scaled(values, line.scale)]
            target.plot(_times(years, per_year), ys, color=line.color, lw=2.5, ls=ls, label=line.label + suffix)
    ax.set_xlim(0, years_total * per_year)
    ax.set_xlabel(f"{time_unit}s")
    ax.set_ylabel(chart.left_axis)
    axes = [ax] + ([ax2] if ax2 is not None else [])
    for target, pinned in zip(axes, drawn_ranges(chart, frames, ranges)):
        if pinned is not None:
            target.set_ylim(*pinned)
    if chart.mirrored and ax2 is not None:  # as on the page: the right axis is marked from 0 up
        ax2.set_yticks([tick for tick in ax2.get_yticks() if 0 <= tick <= ax2.get_ylim()[1]])
    handles, labels = ax.get_legend_handles_labels()
    if ax2 is not None:
        ax2.set_ylabel(chart.right_axis)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    # under the plot, as on the page: inside it, "best" looked only at the left axis's lines, and the vessel's
    # lines ran over the legend's words in the mirrored chart's empty upper half (a reviewer, stop 71)
    fig.legend(handles, labels, fontsize=8, loc="lower center", ncol=1, frameon=False)
    ax.set_title(chart.title)
    fig.tight_layout(rect=(0.0, min(0.5, 0.04 * len(labels) + 0.01), 1.0, 1.0))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
