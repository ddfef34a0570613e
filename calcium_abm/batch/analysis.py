"""Statistics of a finished batch: per-run outcomes, means with 95 % CIs, trial effects,
relative risks by intake tertile, and the Markdown/CSV/PNG report of ``summarize``.

Every function returns a pandas DataFrame. Confidence intervals are t-intervals across
runs (seeds or patients); trial effects use Welch's interval for parallel groups and the
paired interval for crossover designs (each patient in every arm, same seed).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from calcium_abm.batch.spec import BatchError, BatchSpec

__all__ = ["group_statistics", "mean_ci", "outcome_name", "relative_risks", "run_outcomes", "summarize",
           "trial_effects", "to_markdown"]

CONFIDENCE = 0.95
_Z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
_LABEL_SKIP = ("run_index", "run_id", "seed")


def outcome_name(column: str, measure: str) -> str:
    """``bmd_change_pct`` (final), ``dp_ucmgp_pmol_l_change``, ``..._pct_change``."""
    return column if measure == "final" else f"{column}_{measure}"


def outcome_values(baseline: pd.Series, final: pd.Series, measure: str) -> pd.Series:
    """The outcome per run: the final value, its change from baseline, or that change in %."""
    if measure == "final":
        return final.astype(float)
    change = final.astype(float) - baseline.astype(float)
    if measure == "change":
        return change
    with np.errstate(divide="ignore", invalid="ignore"):
        return (100.0 * change / baseline.astype(float)).where(baseline != 0)


def _per_run_ends(results: pd.DataFrame, columns: list[str], output: str) -> pd.DataFrame:
    """One row per run: label columns plus ``<col>_baseline`` / ``<col>_final``."""
    if output == "summary":
        return results.copy()
    ordered = results.sort_values(["run_index", "day"], kind="stable")
    groups = ordered.groupby("run_index", sort=True)
    first, last = groups.head(1).set_index("run_index"), groups.tail(1).set_index("run_index")
    labels = [c for c in results.columns if c not in _daily_columns() and c != "run_index"]
    out = last[labels].copy()
    for c in columns:
        out[f"{c}_baseline"] = first[c]
        out[f"{c}_final"] = last[c]
    return out.reset_index()


def _daily_columns() -> set[str]:
    from calcium_abm.outputs import COLUMNS

    return set(COLUMNS)


def run_outcomes(source: str | os.PathLike | pd.DataFrame, spec: BatchSpec | None = None,
                 output: str | None = None) -> pd.DataFrame:
    """One row per finished run: its labels, baseline/final values and each named outcome.

    ``source`` is a batch directory (its manifest supplies the batch) or a results
    DataFrame as :func:`~calcium_abm.batch.load_results` returns (then give ``spec``).
    """
    if not isinstance(source, pd.DataFrame):
        from calcium_abm.batch.store import load_manifest, load_results, load_spec

        manifest = load_manifest(source)
        spec = load_spec(manifest)
        output = manifest["output"]
        source = load_results(source)
    if spec is None:
        raise BatchError("run_outcomes(DataFrame) needs the batch spec")
    output = output or spec.output
    columns = list(spec.analysis.outcomes)
    severe = spec.analysis.severe_calcification
    if severe is not None and severe.column not in columns:
        columns.append(severe.column)
    per_run = _per_run_ends(source, columns, output)
    for column, measure in spec.analysis.outcomes.items():
        per_run[outcome_name(column, measure)] = outcome_values(
            per_run[f"{column}_baseline"], per_run[f"{column}_final"], measure)
    if severe is not None:
        per_run["severe_calcification"] = per_run[f"{severe.column}_final"] > severe.above
    return per_run.sort_values("run_index", kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------- statistics


def mean_ci(values: Any, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean, SD and the t-interval of the mean of ``values`` (NaNs dropped).

    ``n`` < 2 gives NaN SD and interval; identical values give a zero-width interval.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    mean = float(x.mean()) if n else math.nan
    if n < 2:
        return {"n": n, "mean": mean, "sd": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return {"n": n, "mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}


def group_statistics(per_run: pd.DataFrame, by: list[str], outcomes: list[str]) -> pd.DataFrame:
    """Mean and 95 % CI of each outcome per group (e.g. per arm, per parameter point)."""
    rows = []
    groups = per_run.groupby(by, sort=True, dropna=False) if by else [((), per_run)]
    for key, frame in groups:
        key = key if isinstance(key, tuple) else (key,)
        for outcome in outcomes:
            rows.append({**dict(zip(by, key)), "outcome": outcome, **mean_ci(frame[outcome])})
    return pd.DataFrame(rows)


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Half-width of the Welch CI of mean(a) - mean(b), and its p-value (with the t value)."""
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return 0.0, math.nan, math.nan
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = (a.mean() - b.mean()) / se
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, df)) * se, float(2 * stats.t.sf(abs(t), df)), float(df)


def trial_effects(per_run: pd.DataFrame, outcomes: list[str], control: str, design: str = "parallel",
                  arm_column: str = "arm", pair_column: str = "patient") -> pd.DataFrame:
    """Each arm's effect versus ``control``: difference of means with a 95 % CI and p-value.

    ``design="parallel"``: Welch's t-interval (unequal variances). ``"crossover"``: the
    paired t-interval of the per-patient differences (same patient, same seed).
    """
    if control not in set(per_run[arm_column]):
        raise BatchError(f"control arm '{control}' has no finished runs")
    rows = []
    ctrl = per_run[per_run[arm_column] == control]
    for arm in [a for a in pd.unique(per_run[arm_column]) if a != control]:
        treated = per_run[per_run[arm_column] == arm]
        for outcome in outcomes:
            row: dict[str, Any] = {"arm": arm, "control": control, "outcome": outcome}
            if design == "crossover":
                pairs = treated.set_index(pair_column)[outcome].sub(ctrl.set_index(pair_column)[outcome]).dropna()
                ci = mean_ci(pairs)
                diff, lo, hi = ci["mean"], ci["ci_low"], ci["ci_high"]
                p = float(stats.ttest_1samp(pairs, 0.0).pvalue) if len(pairs) > 1 and pairs.std() > 0 else math.nan
                row.update(n_arm=ci["n"], n_control=ci["n"])
            else:
                a = treated[outcome].dropna().to_numpy(float)
                b = ctrl[outcome].dropna().to_numpy(float)
                diff = float(a.mean() - b.mean()) if len(a) and len(b) else math.nan
                if len(a) > 1 and len(b) > 1:
                    half, p, _ = _welch(a, b)
                    lo, hi = diff - half, diff + half
                else:
                    lo = hi = p = math.nan
                row.update(n_arm=len(a), n_control=len(b))
            row.update(arm_mean=float(treated[outcome].mean()), control_mean=float(ctrl[outcome].mean()),
                       difference=diff, ci_low=lo, ci_high=hi, p_value=p)
            rows.append(row)
    return pd.DataFrame(rows)


def _risk_ratio(a: int, n1: int, c: int, n0: int) -> tuple[float, float, float, bool]:
    """RR of a/n1 vs c/n0 with Katz's log interval; a zero cell gets +0.5 (Haldane)."""
    if n1 == 0 or n0 == 0 or (a == 0 and c == 0):
        return math.nan, math.nan, math.nan, False
    corrected = a == 0 or c == 0
    if corrected:
        a, c, n1, n0 = a + 0.5, c + 0.5, n1 + 1, n0 + 1
    rr = (a / n1) / (c / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
    return rr, rr * math.exp(-_Z * se), rr * math.exp(_Z * se), corrected


def relative_risks(per_run: pd.DataFrame, event: str, tertiles_of: str | None, control: str | None = None,
                   arm_column: str = "arm") -> pd.DataFrame:
    """Risk of ``event`` (a boolean column) by tertile of ``tertiles_of`` within each arm.

    Tertile cut points are shared by all arms (the whole cohort's baseline values); each
    tertile's relative risk is versus the lowest tertile of the same arm. With ``control``
    a row per arm (tertile "all") gives the arm's risk versus the control arm.
    """
    frame = per_run.copy()
    if arm_column not in frame:
        frame[arm_column] = "all"
    rows = []
    if tertiles_of is not None:
        ranks = frame[tertiles_of].rank(method="first")
        frame["tertile"] = pd.qcut(ranks, 3, labels=["T1 (lowest)", "T2", "T3 (highest)"]).astype(str)
        for arm, arm_frame in frame.groupby(arm_column, sort=False):
            ref = arm_frame[arm_frame["tertile"] == "T1 (lowest)"]
            for tertile, part in arm_frame.groupby("tertile", sort=True):
                a, n1, c, n0 = int(part[event].sum()), len(part), int(ref[event].sum()), len(ref)
                rr, lo, hi, corrected = _risk_ratio(a, n1, c, n0)
                rows.append({"arm": arm, "tertile": tertile, f"{tertiles_of}_min": part[tertiles_of].min(),
                             f"{tertiles_of}_max": part[tertiles_of].max(), "n": n1, "events": a,
                             "risk": a / n1, "reference": "T1 (lowest), same arm", "relative_risk": rr,
                             "ci_low": lo, "ci_high": hi, "zero_cell_corrected": corrected})
    if control is not None:
        ctrl = frame[frame[arm_column] == control]
        for arm, part in frame[frame[arm_column] != control].groupby(arm_column, sort=False):
            a, n1, c, n0 = int(part[event].sum()), len(part), int(ctrl[event].sum()), len(ctrl)
            rr, lo, hi, corrected = _risk_ratio(a, n1, c, n0)
            rows.append({"arm": arm, "tertile": "all", "n": n1, "events": a, "risk": a / n1 if n1 else math.nan,
                         "reference": f"arm {control}", "relative_risk": rr, "ci_low": lo, "ci_high": hi,
                         "zero_cell_corrected": corrected})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- report


def to_markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """A Markdown table (numbers to ``digits`` significant digits)."""
    def cell(v: Any) -> str:
        if isinstance(v, (float, np.floating)):
            return "" if math.isnan(v) else f"{v:.{digits}g}"
        return str(v).replace("|", "\\|")

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def summary_tables(out_dir: str | os.PathLike) -> tuple[BatchSpec, dict[str, Any], dict[str, pd.DataFrame]]:
    """The summary tables of a batch directory, by name (no files written)."""
    from calcium_abm.batch.store import load_manifest, load_spec

    manifest = load_manifest(out_dir)
    spec = load_spec(manifest)
    per_run = run_outcomes(out_dir)
    outcomes = [outcome_name(c, m) for c, m in spec.analysis.outcomes.items()]
    tables: dict[str, pd.DataFrame] = {"per_run": per_run}
    if spec.cohort is not None:
        tables["by_arm"] = group_statistics(per_run, ["arm"], outcomes)
        if len(spec.arms) > 1:
            tables["effects"] = trial_effects(per_run, outcomes, spec.control, spec.cohort.design)
        if spec.analysis.severe_calcification is not None:
            tertiles = spec.analysis.tertiles_of
            column = None if tertiles is None else tertiles.rpartition(".")[2]
            tables["relative_risks"] = relative_risks(per_run, "severe_calcification", column,
                                                      spec.control if len(spec.arms) > 1 else None)
    elif spec.sweep is not None:
        swept = [k.rpartition(".")[2] for k in spec.sweep.parameters]
        tables["by_point"] = group_statistics(per_run, ["point", *swept], outcomes)
        if spec.analysis.severe_calcification is not None:
            tables["severe_by_point"] = group_statistics(
                per_run.assign(severe_calcification=per_run["severe_calcification"].astype(float)),
                ["point", *swept], ["severe_calcification"])
    else:
        from calcium_abm.batch.sensitivity import sensitivity_indices

        tables["indices"] = sensitivity_indices(out_dir)
    return spec, manifest, tables


def summarize(out_dir: str | os.PathLike, report_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Write ``report.md``, a CSV per table and PNG plots to ``report_dir``.

    ``report_dir`` defaults to ``out_dir/summary``. Returns the tables by name.
    """
    from calcium_abm.batch import plots
    from calcium_abm.io import atomic_write

    spec, manifest, tables = summary_tables(out_dir)
    report = Path(report_dir) if report_dir is not None else Path(out_dir) / "summary"
    try:
        report.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"--out '{report}': cannot create the directory ({exc.strerror})") from None
    for name, table in tables.items():
        atomic_write(report / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
    figures = plots.write_plots(spec, tables, report, out_dir if manifest["output"] == "daily" else None)
    text = report_markdown(spec, manifest, tables, figures)
    atomic_write(report / "report.md", lambda tmp: Path(tmp).write_text(text, "utf-8"))
    return tables


_TITLES = {"by_arm": "Outcomes by arm (mean and 95 % CI across patients)",
           "effects": "Trial effects versus the control arm (difference of means, 95 % CI)",
           "relative_risks": "Relative risk of severe calcification",
           "by_point": "Outcomes by parameter point (mean and 95 % CI across replicate seeds)",
           "severe_by_point": "Share of runs with severe calcification by parameter point",
           "indices": "Sensitivity indices"}


def report_markdown(spec: BatchSpec, manifest: dict[str, Any], tables: dict[str, pd.DataFrame],
                    figures: list[str]) -> str:
    """The Markdown report of ``summarize``."""
    done = len(tables["per_run"]) if "per_run" in tables else 0
    total = len(manifest["runs"])
    lines = [f"# Batch '{spec.name}' ({spec.kind})", ""]
    if spec.description:
        lines += [spec.description, ""]
    lines += [f"- runs finished: {done} of {total}" + ("" if done == total or spec.sensitivity else
                                                       " (resume the batch to finish it)"),
              f"- base scenario: {spec.scenario}; batch seed {spec.seed}; calcium-abm "
              f"{manifest['package_version']}; created {manifest['created']}"]
    if spec.cohort is not None:
        lines.append(f"- design: {spec.cohort.design}, {spec.cohort.patients} patients, arms "
                     + ", ".join(a.name for a in spec.arms) + f" (control: {spec.control})")
    severe = spec.analysis.severe_calcification
    if severe is not None:
        lines.append(f"- severe calcification: final {severe.column} > {severe.above:g}")
    outcomes = ", ".join(f"{outcome_name(c, m)} ({m.replace('_', ' ')} of {c})"
                         for c, m in spec.analysis.outcomes.items())
    lines += [f"- outcomes: {outcomes}", ""]
    for name, table in tables.items():
        if name in _TITLES:
            lines += [f"## {_TITLES[name]}", "", to_markdown(table), ""]
    if figures:
        lines += ["## Plots", ""] + [f"![{f}]({f})" for f in figures] + [""]
    return "\n".join(lines)
