"""Analysis of a finished batch: per-run outcomes, the summary tables (means with 95 % CIs,
"Table 1", trial effects by Welch / paired t-test and by ANCOVA, relative risks, sensitivity
indices) and the Markdown/CSV/PNG report of ``summarize``.

The top of ``batch/``: a summary opens the batch directory once (:func:`~calcium_abm.batch.store.open_batch`:
one read of ``manifest.json``), reads every finished run's Parquet file once (:func:`~calcium_abm.batch.store.
load_results`) and passes those objects down to the statistics (:mod:`calcium_abm.batch.statistics`) and plots.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calcium_abm.batch.columns import effects_can_be_compared
from calcium_abm.batch.expand import label_column, sensitivity_design
from calcium_abm.batch.plots import write_plots
from calcium_abm.batch.run_notes import NO_MEASUREMENT_ERROR, run_notes_lines
from calcium_abm.batch.sensitivity import analyze_design
from calcium_abm.batch.spec import BatchError, BatchSpec, resolve_setting
from calcium_abm.batch.statistics import (ancova_effects, arm_order, baseline_table, group_shares,
                                          group_statistics, relative_risks, trial_effects)
from calcium_abm.batch.store import RUNS_DIR, StoredBatch, load_results, open_batch
from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import schedule_days, setting_text, short_repr
from calcium_abm.inputs.trial_tables import analysis_outcomes
from calcium_abm.io import atomic_directory, atomic_write, check_output_directory, directory_option, unlisted_files
from calcium_abm.markdown import markdown_table
from calcium_abm.outputs import day_0_value_problem

__all__ = ["SUMMARY_FILES", "conduct_table", "outcome_name", "published_comparison", "outcome_names", "refuse_runs_folder",
           "run_outcomes", "sensitivity_indices", "small_grid_bmd_outcomes", "small_grid_note", "summarize", "summary_tables", "to_markdown"]

#: the files the last summary wrote into its folder, one name a line (io.atomic_directory's list)
SUMMARY_FILES = ".calcium-abm-summary-files"

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
    # lazy: outputs imports Mesa (~1 s), which a summary of a summary-output batch never needs
    from calcium_abm.outputs import COLUMNS

    return set(COLUMNS)


def outcome_names(spec: BatchSpec) -> list[str]:
    """Column names of the batch's outcomes in :func:`run_outcomes`, in the file's order."""
    return [outcome_name(c, m) for c, m in analysis_outcomes(spec).items()]


def run_outcomes(source: str | os.PathLike | StoredBatch | pd.DataFrame, spec: BatchSpec | None = None,
                 output: str | None = None) -> pd.DataFrame:
    """One row per finished run: its labels, baseline/final values, each named outcome and ``left_physiology``
    (True for a run that left the physiological range on some recorded day: its warnings are in
    ``load_results(...).attrs["physiology_warnings"]``).

    ``source`` is a batch directory or a :class:`~calcium_abm.batch.store.StoredBatch`
    (its manifest supplies the batch), or a results DataFrame as
    :func:`~calcium_abm.batch.load_results` returns (then give ``spec``).
    """
    if output is not None and output not in ("daily", "summary"):  # anything else was read as daily
        raise BatchError(f"output = {short_repr(output, 40)} is not allowed: must be 'daily' or 'summary' (or None)")
    if not isinstance(source, pd.DataFrame):
        batch = open_batch(source)
        if output is not None and output != batch.output:  # the directory's own would replace it
            raise BatchError(f"output = {output!r} is not allowed for '{batch.directory}': its runs were recorded "
                             f"as {batch.output!r}; leave output out")
        spec, output = batch.spec, batch.output
        source = load_results(batch)
    if spec is None:
        raise BatchError("run_outcomes(DataFrame) needs the batch spec")
    output = output or spec.output
    columns = list(analysis_outcomes(spec))
    severe = spec.analysis.severe_calcification
    if severe is not None and severe.column not in columns:
        columns.append(severe.column)
    per_run = _per_run_ends(source, columns, output)
    for column, measure in analysis_outcomes(spec).items():
        per_run[outcome_name(column, measure)] = outcome_values(
            per_run[f"{column}_baseline"], per_run[f"{column}_final"], measure)
    if severe is not None:  # an incident event: a run already above the threshold on day 0 is left out (None)
        final = per_run[f"{severe.column}_final"]  # NaN (no value: ucoc_fraction without osteocalcin) stays unknown
        per_run["severe_at_baseline"] = per_run[f"{severe.column}_baseline"] > severe.above  # NaN (a flow): False
        per_run["severe_calcification"] = (final > severe.above).astype(object).where(
            final.notna() & ~per_run["severe_at_baseline"], None)
    # the runs that left physiology on some recorded day (load_results' attrs; summarize's report names them)
    per_run["left_physiology"] = per_run["run_id"].isin(list(source.attrs.get("physiology_warnings", {})))
    return per_run.sort_values("run_index", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- report


def to_markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """A DataFrame as a Markdown table (floats to ``digits`` significant digits, NaN empty)."""
    return markdown_table(list(frame.columns), frame.itertuples(index=False), digits)


def sensitivity_indices(source: str | os.PathLike | StoredBatch,
                        per_run: pd.DataFrame | None = None) -> pd.DataFrame:
    """The Morris or Sobol indices of a finished ``[sensitivity]`` batch, per outcome.

    Args:
        source: the batch directory or the opened :class:`~calcium_abm.batch.store.StoredBatch`.
        per_run: its :func:`run_outcomes` if already computed (else read from the directory).

    Raises:
        UserInputError: the batch is not a sensitivity batch, or some runs are unfinished.
    """
    batch = open_batch(source)
    spec = batch.spec
    if spec.sensitivity is None:
        raise UserInputError(f"'{batch.directory}' holds a {spec.kind} batch, not a [sensitivity] one")
    if batch.missing:
        raise UserInputError(f"{batch.missing_note()}: a sensitivity analysis needs every run")
    per_run = (run_outcomes(batch) if per_run is None else per_run).set_index("run_id")
    problem, x = sensitivity_design(spec)
    order = batch.manifest["sample_run_ids"]  # replicate 0's rows, then replicate 1's, ...
    replicates = spec.sensitivity.replicates

    def averaged(name: str) -> np.ndarray:  # each design point's mean over the replicates
        return per_run.loc[order, name].to_numpy(dtype=float).reshape(replicates, len(x)).mean(axis=0)

    frames = [analyze_design(spec.sensitivity.method, problem, x, averaged(name),
                             levels=spec.sensitivity.levels, seed=spec.seed, output=name)
              for name in outcome_names(spec)]
    return pd.concat(frames, ignore_index=True)


def _patient_characteristics(batch: StoredBatch) -> list[str]:
    """The drawn patient label columns of a cohort (sex, CKD stage, distributions ...)."""
    labels = batch.manifest["runs"][0]["labels"] if batch.manifest["runs"] else {}
    return [k for k in labels if k not in ("arm", "patient", *_CONDUCT_LABELS)]


#: Labels of trial conduct (screening order, dropout), not baseline characteristics.
_CONDUCT_LABELS = ("screening_number", "completed", "last_day")


def conduct_table(per_run: pd.DataFrame, screening: dict[str, Any] | None,
                  arms: list[str] | None = None) -> pd.DataFrame:
    """The trial's flow (CONSORT-like): screened, excluded by reason, randomised per arm,
    completed and dropped out per arm (dropouts analysed with their last observation).

    Args:
        per_run: :func:`run_outcomes` of a cohort batch (one row per run).
        screening: the manifest's ``screening`` counts, or None if nobody was screened.
        arms: the arms' order (the batch file's; see :func:`~calcium_abm.batch.statistics.arm_order`).

    Returns:
        Rows ``stage``, ``arm`` ("all" or an arm's name), ``n``.
    """
    rows: list[dict[str, Any]] = []
    if screening is not None:
        rows.append({"stage": "screened", "arm": "all", "n": int(screening["screened"])})
        rows.append({"stage": "excluded", "arm": "all", "n": int(screening["excluded"])})
        rows += [{"stage": f"excluded: {reason}", "arm": "all", "n": int(n)}
                 for reason, n in screening["excluded_by_reason"].items()]
    for arm in arm_order(per_run["arm"], arms):
        part = per_run[per_run["arm"] == arm]
        rows.append({"stage": "randomised", "arm": arm, "n": int(part["patient"].nunique())})
        if "completed" in part:
            done = part["completed"].astype(bool)
            rows.append({"stage": "completed", "arm": arm, "n": int(done.sum())})
            rows.append({"stage": "dropped out (last observation analysed)", "arm": arm, "n": int((~done).sum())})
    return pd.DataFrame(rows, columns=["stage", "arm", "n"])


def published_comparison(spec: BatchSpec, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The published effect beside the simulated ones (Welch or paired, and ANCOVA).

    One row per estimate: ``estimate`` ("published", "simulated (Welch)", ...), ``arm``,
    ``outcome``, ``effect``, ``ci_low``, ``ci_high`` and, for simulated rows,
    ``inside_published_ci`` (True/False; "" for the published row and when the source
    gives no CI).
    """
    pub = spec.published
    assert pub is not None
    rows = [{"estimate": "published", "arm": "", "outcome": pub.outcome, "effect": pub.effect,
             "ci_low": pub.ci_low, "ci_high": pub.ci_high, "inside_published_ci": "",
             "source": pub.source}]
    method = "paired" if spec.cohort is not None and spec.cohort.design == "crossover" else "Welch"
    for name, label in (("effects", f"simulated ({method})"), ("ancova", "simulated (ANCOVA)")):
        table = tables.get(name)
        if table is None or table.empty:
            continue
        for _, r in table[table["outcome"] == pub.outcome].iterrows():
            inside = "" if pub.ci_low is None else bool(pub.ci_low <= r["difference"] <= pub.ci_high)
            rows.append({"estimate": label, "arm": r["arm"], "outcome": pub.outcome, "effect": r["difference"],
                         "ci_low": r["ci_low"], "ci_high": r["ci_high"], "inside_published_ci": inside,
                         "source": "this batch"})
    return pd.DataFrame(rows)


def summary_tables(source: str | os.PathLike | StoredBatch,
                   results: pd.DataFrame | None = None) -> tuple[StoredBatch, dict[str, pd.DataFrame]]:
    """The summary tables of a batch, by name (no files written).

    Args:
        source: the batch directory, or a :class:`~calcium_abm.batch.store.StoredBatch`.
        results: its finished runs as :func:`~calcium_abm.batch.store.load_results` returns
            them, if already read (so nothing is read twice).

    Returns:
        The opened batch and the tables: always ``per_run``; a cohort ``baseline`` (Table
        1), ``by_arm``, ``effects`` (Welch or paired), ``ancova`` (parallel design) and
        ``relative_risks``; a sweep ``by_point`` (and ``severe_by_point``); a sensitivity
        batch ``indices``.
    """
    batch = open_batch(source)
    spec = batch.spec
    results = load_results(batch) if results is None else results
    per_run = run_outcomes(results, spec, batch.output)
    outcomes = outcome_names(spec)
    tables: dict[str, pd.DataFrame] = {"per_run": per_run}
    if spec.cohort is not None:
        baselines = [f"{c}_baseline" for c in analysis_outcomes(spec)]  # one per outcome, in the outcomes' order
        measured = [f"{c}_baseline" for c in analysis_outcomes(spec) if day_0_value_problem(c) is None]  # not a 0 (0)
        arms = [arm.name for arm in spec.arms]  # every per-arm table in the file's order, never sorted as text
        tables["baseline"] = baseline_table(per_run, [*_patient_characteristics(batch), *measured], arms=arms)
        tables["by_arm"] = group_statistics(per_run, ["arm"], outcomes, arms=arms)
        if len(spec.arms) > 1:
            ran = set(per_run["arm"])  # once, not once per arm
            finished = [a for a in arms if a in ran]  # a stopped batch's arm may have no run
            if effects_can_be_compared(per_run, spec.control, spec.cohort.design):  # not yet, if it stopped early
                tables["effects"] = trial_effects(per_run, outcomes, spec.control, spec.cohort.design, arms=finished)
            if spec.cohort.design == "parallel":
                tables["ancova"] = ancova_effects(per_run, list(zip(outcomes, baselines)), spec.control, arms=arms,
                                                  treated_baseline=spec.arms_differ_on_day_0)
        if batch.manifest.get("screening") is not None or spec.cohort.dropout_per_year > 0:
            tables["conduct"] = conduct_table(per_run, batch.manifest.get("screening"), arms)
        if spec.published is not None and "effects" in tables:
            tables["published"] = published_comparison(spec, tables)
        if spec.analysis.severe_calcification is not None:
            tertiles = spec.analysis.tertiles_of
            column = None if tertiles is None else tertiles.rpartition(".")[2]
            tables["relative_risks"] = relative_risks(per_run, "severe_calcification", column, spec.control, arms=arms,
                                                      excluded="severe_at_baseline")
    elif spec.sweep is not None:
        swept = [label_column(resolve_setting(k, "sweep.parameters")) for k in spec.sweep.parameters]
        tables["by_point"] = group_statistics(per_run, ["point", *swept], outcomes)
        if spec.analysis.severe_calcification is not None:
            tables["severe_by_point"] = group_shares(per_run, ["point", *swept], "severe_calcification",
                                                     excluded="severe_at_baseline")  # exact binomial interval
    else:
        tables["indices"] = sensitivity_indices(batch, per_run)
    return batch, tables


def _summary_kind(name: str) -> bool:
    """A file name of the kinds ``summarize`` writes (.md, .csv, .png), and not one of ``power``'s, which it writes
    beside the summary (``power_<outcome>_...``, :func:`.power.power_files`)."""
    return name.endswith((".md", ".csv", ".png")) and not name.startswith("power_")


def refuse_runs_folder(report: Path, directory: Path, what: str) -> None:
    """Raise :class:`UserInputError` if ``report`` is batch ``directory``'s runs folder or inside it: ``what``
    would lie among the run files (``resume`` and ``summarize`` read every file there)."""
    runs, target = (Path(directory) / RUNS_DIR).resolve(), Path(report).resolve()
    if target == runs or runs in target.parents:
        raise UserInputError(f"--out '{report}' is not allowed: it is inside the batch's runs folder ({runs}), which "
                             f"holds one file per run; give another folder for {what} (default DIR/summary)")


def summarize(out_dir: str | os.PathLike | StoredBatch,
              report_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Write ``report.md``, a CSV per table and PNG plots to ``report_dir``, all or nothing.

    ``report_dir`` defaults to ``out_dir/summary``. Reads the manifest once and each
    finished run once. Returns the tables by name. Every file is written to a hidden temporary
    folder and moved into ``report_dir`` only when all are written (:func:`~calcium_abm.io.atomic_directory`),
    so an error, a full disk or Ctrl-C leaves ``report_dir`` as it was; the files of the last summary
    there that this one does not write again are removed (:data:`SUMMARY_FILES`), never a file of the user's.

    Raises:
        UserInputError: ``out_dir`` is not a readable batch directory, ``report_dir`` is a file, lies in the
            batch's runs folder or cannot be written (the message names the folder and the reason).
    """
    batch = open_batch(out_dir)
    report = directory_option(report_dir, "--out", "the summary") if report_dir is not None \
        else batch.directory / "summary"
    check_output_directory(report, "--out", "the summary")  # a file or device refused; only the last level is made
    refuse_runs_folder(report, batch.directory, "the summary")
    if foreign := unlisted_files(report, SUMMARY_FILES, _summary_kind):
        raise UserInputError(f"--out '{report}' holds {', '.join(foreign[:3])}{' ...' if len(foreign) > 3 else ''}, "
                             f"of the kinds the summary writes (.md, .csv, .png) but not among the files an earlier "
                             f"summary wrote there (its list, {SUMMARY_FILES}): move them away or give another folder")
    results = load_results(batch)
    _batch, tables = summary_tables(batch, results)
    try:
        with atomic_directory(report, SUMMARY_FILES) as tmp:
            for name, table in tables.items():
                atomic_write(tmp / f"{name}.csv", lambda path, t=table: t.to_csv(path, index=False))
            figures = write_plots(batch.spec, tables, tmp, results if batch.output == "daily" else None)
            text = report_markdown(batch.spec, batch.manifest, tables, figures, batch.missing_note(), results.attrs)
            atomic_write(tmp / "report.md", lambda path: Path(path).write_text(text, "utf-8"))
    except OSError as exc:
        raise UserInputError(f"--out '{report}': cannot write the summary: {exc.strerror or exc}; "
                             "nothing was written") from None
    return tables


#: the smallest coronary calcium score a CT scan reads (Agatston units): a lesion scores its area in mm2 x a
#: density weight of 1-4, and lesions under 1 mm2 are not counted (Agatston et al. 1990 J Am Coll Cardiol 15:827),
#: so a scan reads any score below 1 as 0
MEASURABLE_SCORE_AU = 1.0


def bmd_column(column: str) -> bool:
    """True for a recorded column that reads bone mineral density (its change, its DXA reading, its T-score)."""
    return column in ("bmd_change_pct", "bone_mineral_density_g_cm2") or column.startswith("lumbar_spine_")


def small_bone_grids(manifest: dict[str, Any]) -> list[tuple[int, int]]:
    """The bone grids (width, height) of a batch's runs below ``SMALL_BONE_GRID_SIDE`` squared patches, smallest first:
    the base scenario's (``[set]`` applied) unless a run's overrides set its own (a swept grid)."""
    import tomllib

    from calcium_abm.outputs import SMALL_BONE_GRID_SIDE  # lazy, as in _daily_columns

    base = tomllib.loads(manifest.get("base_scenario_toml") or "").get("simulation", {})
    grids = {(o.get("simulation.bone_grid_width", base.get("bone_grid_width")),
              o.get("simulation.bone_grid_height", base.get("bone_grid_height")))
             for o in (run.get("overrides") or {} for run in manifest["runs"])}
    return sorted((w, h) for w, h in grids if isinstance(w, int) and isinstance(h, int)
                  and w * h < SMALL_BONE_GRID_SIDE ** 2)


def small_grid_bmd_outcomes(manifest: dict[str, Any], outcomes: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """The BMD outcomes of ``outcomes`` and the bone grids below ``SMALL_BONE_GRID_SIDE`` squared they come from."""
    bmd = [o for o in outcomes if bmd_column(o.removesuffix("_pct_change").removesuffix("_change").removesuffix(
        "_final"))]
    return bmd, small_bone_grids(manifest) if bmd else []


def small_grid_note(manifest: dict[str, Any], outcomes: list[str]) -> str | None:
    """One sentence when a bone-mineral-density outcome of ``outcomes`` comes from bone grids below 32 x 32
    (``SMALL_BONE_GRID_SIDE``), whose seed noise then makes much of the spread between patients; else None."""
    from calcium_abm.outputs import SMALL_BONE_GRID_SIDE

    (bmd, grids), side = small_grid_bmd_outcomes(manifest, outcomes), SMALL_BONE_GRID_SIDE
    return None if not grids else (
        f"BMD outcome{'s' * (len(bmd) > 1)} {', '.join(bmd)}: the runs' bone grids are "
        f"{', '.join(f'{w} x {h}' for w, h in grids)}, below {side} x {side}, where the seed's noise in bone mineral "
        f"density is a large part of the spread between patients, so intervals are too wide and `power` asks too many "
        f"patients; use bone grids of {side} x {side} or more for BMD outcomes")


def outcome_notes(spec: BatchSpec, per_run: pd.DataFrame, manifest: dict[str, Any] | None = None) -> list[str]:
    """The report's notes on outcomes a reader would misread: a percent change that runs starting at 0 have no value
    for (they are left out of its n), a calcification score whose every value is below what a CT scan reads, and
    (with the ``manifest``) BMD outcomes from bone grids too small for them (:func:`small_grid_note`)."""
    grid = small_grid_note(manifest, outcome_names(spec)) if manifest is not None else None
    notes = [f"- {grid}"] if grid else []
    if spec.cohort is not None and (day := spec.cohort.randomisation_day) > 1 and analysis_outcomes(spec):  # run-in
        notes.append(f"- baselines are day 0's (the screening visit), {day} days before randomisation: each change "
                     "includes the run-in, when the arms are still one run")
    if spec.cohort is not None and analysis_outcomes(spec):  # a trialist: p = 1e-17 with a placebo SD of 0.2 points
        notes.append(f"- {NO_MEASUREMENT_ERROR}")
    for column, measure in analysis_outcomes(spec).items():
        name = outcome_name(column, measure)
        if measure == "pct_change" and (zero := int((per_run[f"{column}_baseline"] == 0).sum())):
            notes.append(f"- {name}: {zero} of {len(per_run)} runs start at 0, where a percent change has no value; "
                         "they are left out of its n (\"change\" counts them)")
        scores = pd.concat([per_run[f"{column}_{end}"] for end in ("baseline", "final")]).abs().dropna()
        if column == "calcification_score" and len(scores) and scores.max() < MEASURABLE_SCORE_AU:  # the scores
            notes.append(f"- {name}: every run's score is below {MEASURABLE_SCORE_AU:g} Agatston unit on day 0 and at "
                         "the end, which a CT scan reads as 0, so differences are not measurable calcium")
    return ["**Notes on the outcomes.**", "", *notes, ""] if notes else []


def severe_line(severe, per_run: pd.DataFrame, arms: list[str] | None) -> str:
    """The report's definition of severe calcification (an incident event) with the runs left out of its risks
    because they were already above the threshold on day 0, per arm for a cohort."""
    text = (f"- severe calcification: an incident event, final {severe.column} > {severe.above:g} in a run at or "
            f"below {severe.above:g} on day 0; runs already above {severe.above:g} on day 0 are left out of its "
            "risks and shares (neither events nor in the denominator)")
    if "severe_at_baseline" not in per_run or not len(per_run):
        return text
    above = per_run["severe_at_baseline"].astype(bool)
    if arms is not None and "arm" in per_run:  # a cohort: per arm, in the file's order
        counts = ", ".join(f"{arm} {int(above[per_run['arm'] == arm].sum())} of {int((per_run['arm'] == arm).sum())}"
                           for arm in arm_order(per_run["arm"], arms))
    else:
        counts = f"{int(above.sum())} of {len(per_run)} runs"
    return f"{text}: {counts}"


_TITLES = {"conduct": "Trial flow: screening, randomisation and completion",
           "published": "Published versus simulated effect (difference vs the control arm, 95 % CI)",
           "baseline": "Baseline characteristics by arm (Table 1; day 0)",
           "by_arm": "Outcomes by arm (mean and 95 % CI across patients)",
           "effects": "Trial effects versus the control arm (difference of means, 95 % CI)",
           "ancova": "Trial effects by ANCOVA, adjusted for the baseline value (95 % CI)",
           "relative_risks": "Relative risk of severe calcification",
           "by_point": "Outcomes by parameter point (mean and 95 % CI across replicate seeds)",
           "severe_by_point": "Share of runs with severe calcification by parameter point (exact binomial 95 % CI)",
           "indices": "Sensitivity indices"}


def _settings_text(set_: dict[str, Any], add: dict[str, Any] | None = None) -> str:
    """``set``/``add`` tables as the file wrote them: ``mk7_ug_per_day + 360, menopausal_hormone_therapy = true``."""
    return ", ".join([f"{k} = {setting_text(v)}" for k, v in set_.items()]
                     + [f"{k} + {setting_text(v)}" for k, v in (add or {}).items()])


def _arm_text(arm) -> str:
    """An arm's name with what it changes from randomisation and its schedule's entries (days from day 0)."""
    parts = [_settings_text(arm.set, arm.add)] if arm.set or arm.add else []
    parts += [f"{schedule_days(e.start_day, e.end_day)}: {_settings_text(e.set, e.add)}" for e in arm.schedule]
    return arm.name + (f" ({'; '.join(parts)})" if parts else "")


def report_markdown(spec: BatchSpec, manifest: dict[str, Any], tables: dict[str, pd.DataFrame],
                    figures: list[str], missing: str | None = None,
                    said: dict[str, dict[str, list[str]]] | None = None) -> str:
    """The Markdown report of ``summarize``; ``missing``: the batch's
    :meth:`~calcium_abm.batch.store.StoredBatch.missing_note` when some runs are missing; ``said``:
    ``load_results(...).attrs`` (``physiology_warnings``, ``calibration_warnings``, ``notes``: run id -> its
    texts), listed after it (:func:`.run_notes.run_notes_lines`)."""
    done = len(tables["per_run"]) if "per_run" in tables else 0
    total = len(manifest["runs"])
    lines = [f"# Batch '{spec.name}' ({spec.kind})", ""]
    if missing:
        again = "" if "summarise it again" in missing else "; summarise again when the batch is finished"
        lines += [f"**Incomplete batch.** {missing}. Every table and plot below is of the {done} finished "
                  f"runs only{again}.", ""]
    lines += run_notes_lines(said or {}, done)
    lines += outcome_notes(spec, tables["per_run"], manifest) if "per_run" in tables and len(tables["per_run"]) else []
    if spec.description:
        lines += [spec.description, ""]
    lines += [f"- runs finished: {done} of {total}",
              f"- base scenario: {spec.scenario}; batch seed {spec.seed}; calcium-abm "
              f"{manifest['package_version']}; created {manifest['created']}"]
    if spec.set:  # a fresh user could not tell from the report that every patient took hormone therapy
        lines.append(f"- [set] (every run, before a cohort's own draws): {_settings_text(spec.set)}")
    if spec.cohort is not None:
        lines.append(f"- design: {spec.cohort.design}, {spec.cohort.patients} patients, arms "
                     + ", ".join(_arm_text(a) for a in spec.arms) + f" (control: {spec.control})")
    severe = spec.analysis.severe_calcification
    if severe is not None:
        lines.append(severe_line(severe, tables["per_run"], [a.name for a in spec.arms] if spec.cohort else None))
    outcomes = ", ".join(f"{outcome_name(c, m)} ({m.replace('_', ' ')} of {c})"
                         for c, m in analysis_outcomes(spec).items())
    lines += [f"- outcomes: {outcomes}"]
    if spec.cohort is not None:
        c = spec.cohort
        lines.append(f"- randomisation on day {c.randomisation_day}"
                     + (f", stratified by {', '.join(c.stratify_by)}" if c.stratify_by else "")
                     + f"; adherence {c.adherence * 100:g} % of each added dose; "
                     f"dropout {c.dropout_per_year * 100:g} % a year; "
                     "analysis by intention to treat (every randomised patient in their arm; a dropout's "
                     "last observation carried forward)")
    lines.append("")
    order = [n for n in ("published", "conduct") if n in tables] + [n for n in tables
                                                                     if n not in ("published", "conduct")]
    for name in order:
        table = tables[name]
        if name in _TITLES:
            shown = to_markdown(table) if not table.empty else "(none: no finished runs to compare here)"
            lines += [f"## {_TITLES[name]}", "", shown, ""]
    if figures:
        lines += ["## Plots", ""] + [f"![{f}]({f})" for f in figures] + [""]
    return "\n".join(lines)
