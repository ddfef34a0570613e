"""PNG plots for ``summarize`` (matplotlib ``Figure`` objects, no pyplot global state).

Plots take the tables (and the daily rows) they draw as arguments and read no files, so
this module sits below ``analysis`` and imports nothing of ``batch/``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from calcium_abm.inputs.trial_tables import analysis_outcomes
from calcium_abm.io import atomic_write

__all__ = ["power_figure", "write_plots"]

DPI = 110


def _grid(n: int, width: float = 4.2, height: float = 3.2) -> tuple[Figure, list]:
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _save(fig: Figure, folder: Path, name: str, saved: list[str]) -> None:
    atomic_write(folder / name, lambda tmp: fig.savefig(tmp, dpi=DPI, format="png"))
    saved.append(name)


def _errorbars(ax, x, table: pd.DataFrame, **kw) -> None:
    low = (table["mean"] - table["ci_low"]).fillna(0).to_numpy()
    high = (table["ci_high"] - table["mean"]).fillna(0).to_numpy()
    ax.errorbar(x, table["mean"], yerr=[low, high], fmt="o", capsize=4, **kw)


def _by_arm(tables, folder, saved) -> None:
    by_arm = tables["by_arm"]
    outcomes = list(pd.unique(by_arm["outcome"]))
    fig, axes = _grid(len(outcomes))
    for ax, outcome in zip(axes, outcomes):
        part = by_arm[by_arm["outcome"] == outcome]
        _errorbars(ax, np.arange(len(part)), part)
        ax.set_xticks(np.arange(len(part)), part["arm"].astype(str))
        ax.set_title(outcome, fontsize=10)
    fig.suptitle("Mean and 95 % CI by arm")
    _save(fig, folder, "by_arm.png", saved)


def _effects(tables, folder, saved) -> None:
    eff = tables["effects"]
    if eff.empty or "outcome" not in eff:  # no arm with runs beside the control's (a resumed batch's lost file)
        return
    outcomes = list(pd.unique(eff["outcome"]))
    fig, axes = _grid(len(outcomes), height=2.6)
    for ax, outcome in zip(axes, outcomes):
        part = eff[eff["outcome"] == outcome]
        y = np.arange(len(part))
        ax.errorbar(part["difference"], y, xerr=[(part["difference"] - part["ci_low"]).fillna(0),
                                                 (part["ci_high"] - part["difference"]).fillna(0)],
                    fmt="s", capsize=4)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, [f"{a} − {c}" for a, c in zip(part["arm"], part["control"])])
        ax.set_title(outcome, fontsize=10)
    fig.suptitle("Effect versus control (difference of means, 95 % CI)")
    _save(fig, folder, "effects.png", saved)


def _relative_risks(tables, folder, saved) -> None:
    rr = tables["relative_risks"]
    finite = rr[["relative_risk", "ci_low", "ci_high"]].astype(float)
    rr = rr[np.isfinite(finite).all(axis=1) & (finite["relative_risk"] > 0)]  # zero cells have open bounds
    if rr.empty:
        return
    fig = Figure(figsize=(6.5, 0.5 + 0.35 * len(rr)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(rr))
    ax.errorbar(rr["relative_risk"], y, xerr=[rr["relative_risk"] - rr["ci_low"], rr["ci_high"] - rr["relative_risk"]],
                fmt="o", capsize=3)
    ax.axvline(1, color="grey", lw=0.8)
    ax.set_xscale("log")
    ax.set_yticks(y, [f"{a}: {t}" for a, t in zip(rr["arm"], rr["tertile"])])
    ax.set_xlabel("relative risk of severe calcification (95 % CI)")
    _save(fig, folder, "relative_risks.png", saved)


def record_grid(data: pd.DataFrame) -> np.ndarray:
    """The days (in years) the batch's completed runs recorded: those of the runs that last longest."""
    last = data.groupby("run_index")["years"].max()
    return np.sort(data.loc[data["run_index"].isin(last.index[last == last.max()]), "years"].unique())


def _carried_forward(arm_data: pd.DataFrame, column: str, grid: np.ndarray | None = None) -> pd.DataFrame:
    """``column`` of one arm's runs (a column each) on the record ``grid`` (rows, indexed by years; default
    :func:`record_grid` of ``arm_data``), a dropout's last observation carried forward as the ITT tables do, to the
    end also in an arm every patient left. A dropout's own last day (off the grid) was a point of its own, a mean of
    one patient: a fresh user saw the score jump 190 -> 390 -> 65."""
    grid = record_grid(arm_data) if grid is None else grid
    wide = arm_data.pivot_table(index="years", columns="run_index", values=column, aggfunc="first", dropna=False)
    return wide.reindex(wide.index.union(grid)).ffill().loc[grid]


def _time_course(spec, tables, data: pd.DataFrame, folder, saved) -> None:
    columns = list(analysis_outcomes(spec))
    arms = list(pd.unique(tables["by_arm"]["arm"]))  # the batch file's order, as the tables have it
    fig, axes = _grid(len(columns))
    grid = record_grid(data)  # one grid for every arm: an arm every patient left is carried to its end
    for ax, column in zip(axes, columns):
        for arm in arms:
            g = _carried_forward(data[data["arm"] == arm], column, grid)
            mean, sem, n = g.mean(axis=1), g.std(axis=1, ddof=1) / np.sqrt(g.count(axis=1)), g.count(axis=1)
            ax.plot(mean.index, mean, label=str(arm))
            if n.max() > 1:
                ax.fill_between(mean.index, mean - 1.96 * sem, mean + 1.96 * sem, alpha=0.25)
        ax.set_title(column, fontsize=10)
        ax.set_xlabel("years")
    axes[0].legend(fontsize=8)
    fig.suptitle("Mean over patients by arm, a dropout's last value carried forward (band: ±1.96 SEM)")
    _save(fig, folder, "time_course.png", saved)


def _by_point(spec, tables, folder, saved) -> None:
    table = tables["by_point"]
    swept = [c for c in table.columns if c not in ("point", "outcome", "n", "mean", "sd", "ci_low", "ci_high")]
    outcomes = list(pd.unique(table["outcome"]))
    fig = Figure(figsize=(4.2 * len(swept), 3.0 * len(outcomes)), layout="constrained")
    axes = fig.subplots(len(outcomes), len(swept), squeeze=False)
    for i, outcome in enumerate(outcomes):
        part = table[table["outcome"] == outcome]
        for j, name in enumerate(swept):
            ax = axes[i][j]
            x = part[name]
            if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
                _errorbars(ax, x.to_numpy(float), part, alpha=0.8)
            else:
                ax.set_xticks(np.arange(len(part)), x.astype(str))
                _errorbars(ax, np.arange(len(part)), part)
            ax.set_xlabel(name)
            ax.set_ylabel(outcome, fontsize=9)
    fig.suptitle("Mean and 95 % CI across replicate seeds")
    _save(fig, folder, "by_point.png", saved)


def _indices(spec, tables, folder, saved) -> None:
    table = tables["indices"]
    outcomes = list(pd.unique(table["output"]))
    fig, axes = _grid(len(outcomes), height=0.9 + 0.4 * len(spec.sensitivity.parameters))
    morris = spec.sensitivity.method == "morris"
    for ax, outcome in zip(axes, outcomes):
        part = table[table["output"] == outcome].iloc[::-1]
        y = np.arange(len(part))
        if morris:
            ax.barh(y, part["mu_star"], xerr=part["mu_star_conf"], capsize=3)
            ax.set_xlabel("μ* (mean |elementary effect|)")
        else:
            ax.barh(y - 0.2, part["ST"], 0.4, xerr=part["ST_conf"], capsize=3, label="total (ST)")
            ax.barh(y + 0.2, part["S1"], 0.4, xerr=part["S1_conf"], capsize=3, label="first order (S1)")
            ax.set_xlabel("Sobol index")
            ax.legend(fontsize=8)
        ax.set_yticks(y, part["parameter"])
        ax.set_title(outcome, fontsize=10)
    fig.suptitle("Morris screening" if morris else "Sobol indices")
    _save(fig, folder, "indices.png", saved)


def write_plots(spec, tables: dict[str, Any], folder: Path, daily: pd.DataFrame | None = None) -> list[str]:
    """Draw the plots that fit the batch kind; return the PNG file names written.

    Args:
        spec: the batch (its kind, outcomes and parameters choose the plots).
        tables: the summary tables by name (``by_arm``, ``effects``, ``by_point`` ...).
        folder: where the PNG files go (written atomically).
        daily: a cohort's recorded days (a row per run and day, with ``arm``, ``years`` and
            the outcome columns) for the time-course plot; None skips it.
    """
    saved: list[str] = []
    if spec.cohort is not None:
        _by_arm(tables, folder, saved)
        if "effects" in tables:
            _effects(tables, folder, saved)
        if "relative_risks" in tables and len(tables["relative_risks"]):
            _relative_risks(tables, folder, saved)
        if daily is not None:
            _time_course(spec, tables, daily, folder, saved)
    elif spec.sweep is not None:
        _by_point(spec, tables, folder, saved)
    else:
        _indices(spec, tables, folder, saved)
    return saved


def power_figure(table: pd.DataFrame, title: str, target: float = 0.8) -> Figure:
    """Power against patients per arm: the simulated power, its 95 % band and a ``target`` line.

    ``table`` as :func:`calcium_abm.batch.power.power_curve` returns it.
    """
    fig = Figure(figsize=(6.0, 3.8), layout="constrained")
    ax = fig.subplots()
    ax.fill_between(table["n_per_arm"], table["ci_low"], table["ci_high"], alpha=0.25, lw=0)
    ax.plot(table["n_per_arm"], table["power"], "o-")
    ax.axhline(target, color="grey", lw=0.8, ls="--")
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("patients per arm")
    ax.set_ylabel("power (share of simulated trials with p < alpha)")
    ax.set_title(title, fontsize=9)
    return fig
