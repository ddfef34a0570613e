"""Time-series charts: ECharts options for the live page, matplotlib for PNG export.

Both draw the same :data:`CHARTS` from the same thinned series, so a downloaded PNG shows
what the room saw. In compare mode scenario A is a solid line and B a dashed one on the
same axes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from calcium_dashboard.session import RunFrame


@dataclass(frozen=True)
class Line:
    column: str
    name: str
    color: str
    scale: float = 1.0  # e.g. 100 to show a fraction as %
    right_axis: bool = False


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    left_axis: str
    lines: tuple[Line, ...]
    right_axis: str = ""


CHARTS: tuple[Chart, ...] = (
    Chart("paradox", "The calcium paradox: bone loses, vessel gains", "bone density change (%)",
          (Line("bmd_change_pct", "bone density change", "#2b6cb0"),
           Line("vessel_calcification_mg", "vessel wall calcium", "#c53030", right_axis=True)),
          right_axis="vessel wall calcium (mg)"),
    Chart("dp_ucmgp", "dp-ucMGP in plasma (vitamin K status of the vessel)", "pmol/L",
          (Line("dp_ucmgp_pmol_l", "dp-ucMGP", "#805ad5"),)),
    Chart("ucoc", "Undercarboxylated osteocalcin (%ucOC)", "% of osteocalcin",
          (Line("ucoc_fraction", "%ucOC", "#d69e2e", scale=100.0),)),
    Chart("serum_calcium", "Serum calcium (held steady by PTH)", "mmol/L",
          (Line("serum_calcium_mmol_l", "serum calcium", "#2f855a"),)),
)
CHART_COLUMNS: tuple[str, ...] = tuple(sorted({ln.column for c in CHARTS for ln in c.lines}))
FONT_PX = 16  # legible on a projector


def _scaled(values, scale):
    return values if scale == 1.0 else [None if v is None else round(v * scale, 6) for v in values]


def echarts_option(chart: Chart, frames: list[RunFrame], years_total: float) -> dict:
    """An ECharts option for one chart with every side's line(s)."""
    series = []
    for i, frame in enumerate(frames):
        for line in chart.lines:
            years, values = frame.series[line.column]
            name = line.name if len(frames) == 1 else f"{line.name} · {'AB'[i]}"
            series.append({
                "name": name, "type": "line", "showSymbol": False, "animation": False,
                "yAxisIndex": 1 if line.right_axis else 0,
                "lineStyle": {"width": 3, "type": "dashed" if i == 1 else "solid", "color": line.color},
                "itemStyle": {"color": line.color},
                "data": [[x, y] for x, y in zip(years, _scaled(values, line.scale))],
            })
    axis_style = {"nameTextStyle": {"fontSize": FONT_PX}, "axisLabel": {"fontSize": FONT_PX},
                  "scale": True, "nameLocation": "middle", "nameGap": 52}
    y_axes = [{"type": "value", "name": chart.left_axis, **axis_style}]
    if chart.right_axis:
        y_axes.append({"type": "value", "name": chart.right_axis, "splitLine": {"show": False}, **axis_style})
    subtitle = "" if len(frames) == 1 else "   ".join(f"{'AB'[i]}{' (dashed)' if i else ''}: {f.label}"
                                                    for i, f in enumerate(frames))
    return {
        "animation": False,
        "title": {"text": chart.title, "subtext": subtitle, "textStyle": {"fontSize": FONT_PX + 2},
                  "subtextStyle": {"fontSize": FONT_PX - 3}, "left": "center"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": FONT_PX - 2}},
        "grid": {"left": 80, "right": 80 if chart.right_axis else 30, "top": 60 if subtitle else 45,
                 "bottom": 90},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "value", "name": "years", "min": 0, "max": round(years_total, 3),
                  "nameLocation": "middle", "nameGap": 28, "nameTextStyle": {"fontSize": FONT_PX},
                  "axisLabel": {"fontSize": FONT_PX}},
        "yAxis": y_axes,
        "series": series,
    }


def chart_png(chart: Chart, frames: list[RunFrame], years_total: float) -> bytes:
    """The same chart drawn with matplotlib, as PNG bytes (for download)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.5), dpi=110)
    ax = fig.add_subplot()
    ax2 = ax.twinx() if chart.right_axis else None
    for i, frame in enumerate(frames):
        for line in chart.lines:
            years, values = frame.series[line.column]
            ys = [float("nan") if v is None else v for v in _scaled(values, line.scale)]
            target = ax2 if (line.right_axis and ax2 is not None) else ax
            label = line.name if len(frames) == 1 else f"{line.name} · {'AB'[i]}: {frame.label}"
            target.plot(years, ys, color=line.color, lw=2.5, ls="--" if i == 1 else "-", label=label)
    ax.set_xlim(0, years_total)
    ax.set_xlabel("years")
    ax.set_ylabel(chart.left_axis)
    handles, labels = ax.get_legend_handles_labels()
    if ax2 is not None:
        ax2.set_ylabel(chart.right_axis)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, fontsize=8, loc="best")
    ax.set_title(chart.title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
