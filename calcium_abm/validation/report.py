"""The validation report: a printed table, a Markdown file and one PNG plot per experiment.

Files are written atomically (temporary file, then rename), so an interrupted run never
leaves a half-written report.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from calcium_abm.inputs.messages import counted
from calcium_abm.io import atomic_directory, atomic_write
from calcium_abm.markdown import markdown_table
from calcium_abm.validation.effects import DERIVED_COLUMNS, column
from calcium_abm.validation.design import Experiment
from calcium_abm.validation.runner import CriterionResult, ExperimentResult
from calcium_abm.validation.vessel_rows import OTHER_TRIAL_ENDPOINTS, TRIAL_ROW_PREFIX

__all__ = ["format_table", "near_band_edge", "plot_experiment", "status_counts", "table_rows", "write_report"]

PASS, FAIL, KNOWN_FAIL, NOT_EXPRESSIBLE = "PASS", "FAIL", "KNOWN FAIL", "NOT EXPRESSIBLE"


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "never" if x > 0 else "-inf"
    if x != 0 and (abs(x) >= 1e4 or abs(x) < 1e-3):
        return f"{x:.3g}"
    return f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def _simulated(c: CriterionResult) -> str:
    if c.error:
        return f"error: {c.error}"
    text = _num(c.mean)
    if math.isinf(c.mean) and c.mean > 0:
        reached = sum(1 for v in c.values if math.isfinite(v))
        return f"not reached in {len(c.values) - reached}/{len(c.values)} seeds"
    if not math.isnan(c.ci_low):
        text += f" [{_num(c.ci_low)}, {_num(c.ci_high)}]"
    return f"{text} {c.criterion.unit}".rstrip()


def table_rows(results: Sequence[ExperimentResult]) -> list[dict[str, str]]:
    """One dict per line of the table: row, finding, source, expected, band, simulated, status."""
    lines = []
    for result in results:
        exp = result.experiment
        if not isinstance(exp, Experiment):
            lines.append({"row": exp.row, "finding": exp.finding, "source": exp.source, "expected": "",
                          "band": "", "simulated": "", "status": NOT_EXPRESSIBLE, "reason": exp.reason})
            continue
        for c in result.criteria:
            lines.append({"row": exp.row, "finding": c.criterion.label, "source": exp.source,
                          "expected": c.criterion.expected, "band": c.criterion.band_text,
                          "simulated": _simulated(c), "status": _status(c),
                          "reason": c.criterion.known_failure if c.known_failure else ""})
        for finding, reason in exp.unexpressed:
            lines.append({"row": exp.row, "finding": finding, "source": exp.source, "expected": "", "band": "",
                          "simulated": "", "status": NOT_EXPRESSIBLE, "reason": reason})
    return lines


def _status(c) -> str:
    return PASS if c.passed else KNOWN_FAIL if c.known_failure else FAIL


def summary_line(counts: dict[str, int]) -> str:
    """``"N passed, N failed, N known failures, N not expressible"`` (known failures: criteria
    that ran and missed their band, declared with the open issue that tracks them)."""
    return (f"{counts[PASS]} passed, {counts[FAIL]} failed, {counted(counts[KNOWN_FAIL], 'known failure')}, "
            f"{counts[NOT_EXPRESSIBLE]} not expressible")


def near_band_edge(results: Sequence[ExperimentResult]) -> list[str]:
    """``"row: criterion"`` of each passing criterion whose 95 % CI reaches outside its band: its
    verdict depends on the draw of seeds (more seeds or a larger grid narrow the CI)."""
    out = []
    for result in results:
        for c in result.criteria if result.expressible else ():
            low, high = c.criterion.low, c.criterion.high
            if c.passed and math.isfinite(c.ci_low) and math.isfinite(c.ci_high) and (
                    (low is not None and c.ci_low < low) or (high is not None and c.ci_high > high)):
                out.append(f"{result.experiment.row}: {c.criterion.label}")
    return out


def near_band_edge_line(results: Sequence[ExperimentResult]) -> str:
    """One sentence naming :func:`near_band_edge`'s criteria ("" when there are none)."""
    edge = near_band_edge(results)
    if not edge:
        return ""
    verb = "has" if len(edge) == 1 else "have"
    return (f"{len(edge)} of the passing criteria {verb} a 95 % CI that reaches outside the band, so their verdict "
            f"depends on the draw of seeds: {'; '.join(edge)}")


def status_counts(results: Sequence[ExperimentResult]) -> dict[str, int]:
    """How many table lines passed, failed and were not expressible."""
    counts = {PASS: 0, FAIL: 0, KNOWN_FAIL: 0, NOT_EXPRESSIBLE: 0}
    for line in table_rows(results):
        counts[line["status"]] += 1
    return counts


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(results: Sequence[ExperimentResult]) -> str:
    """The plain-text table printed by ``calcium-abm validate``."""
    header = ("row", "finding", "expected", "band", "simulated mean [95 % CI]", "status")
    row_width = max([4, *(len(r.experiment.row) for r in results)])  # row ids are never clipped (T-Binkley2009)
    widths = (row_width, 58, 24, 26, 34, 15)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for line in table_rows(results):
        status = line["status"] + (f": {line['reason']}" if line["reason"] else "")
        cells = (line["row"], line["finding"], line["expected"], line["band"], line["simulated"])
        out.append("  ".join(_clip(v, w).ljust(w) for v, w in zip(cells, widths)) + "  " + status)
    counts = status_counts(results)
    out.append("")
    out.append(summary_line(counts))
    if edge := near_band_edge_line(results):
        out.append(edge)
    return "\n".join(out)


# ------------------------------------------------------------------ files


def _unit(name: str) -> str:
    # lazy: outputs imports Mesa (~1 s); `validate --no-report` never draws
    from calcium_abm.outputs import COLUMNS

    if name in COLUMNS:
        return COLUMNS[name][0]
    return DERIVED_COLUMNS[name][0] if name in DERIVED_COLUMNS else ""


#: experiments with more arms (a virtual population) list one example arm, without a legend
MAX_LISTED_ARMS = 12
#: the files the last report wrote into its folder (io.atomic_directory's list)
REPORT_FILES = ".calcium-abm-validate-files"


def _short(value):
    return f"{value:.3g}" if isinstance(value, float) else value


def plot_experiment(result: ExperimentResult, path: Path) -> Path:
    """Control vs intervention time courses: mean across seeds with the min–max band."""
    # lazy: matplotlib loads only when a report is drawn (not for --no-report)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    exp = result.experiment
    assert isinstance(exp, Experiment)
    names = exp.plot_columns or ("bmd_change_pct",)
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.4), squeeze=False)
    in_years = exp.days > 2 * 365
    for ax, name in zip(axes[0], names):
        for arm in exp.arms:
            frames = [f for f in result.runs.get(arm.label, []) if f is not None]
            if not frames:
                continue
            x = frames[0]["day"].to_numpy(dtype=float)
            x = x / 365.0 if in_years else x
            ys = np.vstack([column(f, name).to_numpy(dtype=float) for f in frames])
            with warnings.catch_warnings():  # all-NaN columns (ucOC in the knockout) draw nothing
                warnings.simplefilter("ignore", RuntimeWarning)
                control = arm is exp.control and len(exp.arms) > 1
                line, = ax.plot(x, np.nanmean(ys, axis=0), label=arm.label, lw=1.5,
                                ls="--" if control else "-", zorder=3 if control else 2)
                if len(frames) > 1:
                    ax.fill_between(x, np.nanmin(ys, axis=0), np.nanmax(ys, axis=0), color=line.get_color(),
                                    alpha=0.25, lw=0)
        unit = _unit(name)
        ax.set_title(name, fontsize=9)
        ax.set_ylabel(unit if unit not in ("", "-") else "fraction / ratio", fontsize=8)
        ax.set_xlabel("years" if in_years else "days", fontsize=8)
        ax.tick_params(labelsize=7)
    if len(exp.arms) <= MAX_LISTED_ARMS:  # a population's patients are described in its notes
        axes[0][0].legend(fontsize=7)
    fig.suptitle(f"Row {exp.row}: {exp.title} (mean of {len(result.seeds)} seeds, band = min–max)", fontsize=10)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=90, format="png"))
    plt.close(fig)
    return path


def markdown(results: Sequence[ExperimentResult], image_dir_name: str, *, command: str, seconds: float,
             quick: bool) -> str:
    """The Markdown report text (images referenced relative to the report)."""
    counts = status_counts(results)
    seeds = next((len(r.seeds) for r in results if r.expressible), 0)
    lines = [
        "# Validation report",
        "",
        f"Generated by `{command}` ({'quick: small grids, ' if quick else ''}{seeds} seeds per arm unless a "
        f"row's design says otherwise, {seconds:.0f} s). **{summary_line(counts)}.**",
        "",
        *([f"*Near a band edge:* {edge}.", ""] if (edge := near_band_edge_line(results)) else []),
        "Regenerate this page with `calcium-abm validate --docs` (the time it took is in the line above); "
        "`calcium-abm validate --quick` gives a rough check (2 seeds except where a row's design needs more, smaller grids: a PASS is indicative, and a row "
        "that fails is re-run at its full settings before it is reported), `--rows 8,9` runs chosen rows, "
        "`--out DIR` writes the report elsewhere. The exit status is 1 when any criterion fails (a KNOWN FAIL does not count).",
        "",
        "## Method",
        "",
        "- **One row, one virtual study.** Each row of the calibration table ([ODD.md](ODD.md) §1, from the project's science brief) is "
        "a control arm and one or more intervention arms, run over the study's duration. Rows S1 and S2 "
        "are the issue's global checks (steady state of the healthy adult; honest structural effects).",
        "- **One parameter set.** Every arm is a built-in scenario (`calcium_abm/scenarios/`) plus the study's "
        "settings; no experiment sets a model parameter.",
        "- **Baseline, then intervention.** A run starts at the steady state of its day-0 inputs. An "
        "intervention (a supplement, a drug) is a `[[schedule]]` entry from study day 1, so every arm "
        "starts from its pre-study steady state and the intervention acts from the first study day. A "
        "protocol of successive diets (depletion, then stepwise repletion) is one entry per period, each held "
        "for its days (`Arm.stages`); an arm's line under *Design* lists them with their first study day.",
        "- **Seeds.** Every arm runs with the same seeds (common random numbers: arms differ only by the "
        "intervention). Each effect is computed per seed from that seed's arms, the way the study reports "
        "it (percent change versus control or from baseline, time to onset, a level), then summarised as "
        "the mean with a 95 % confidence interval across seeds (Student t); a published ratio of group means "
        "(row A1) is the ratio of the arms' means over the seeds, with a percentile-bootstrap interval over "
        "seeds (scipy.stats.bootstrap, seeded). Plots show the mean and the "
        "min–max band across seeds; the control arm is dashed.",
        "- **Populations (rows A2, 21).** A row that describes a population is a virtual population drawn "
        "with the cohort machinery of `calcium-abm batch` (age, sex and every person-level trait from its "
        "documented distribution; `calcium_abm/validation/population.py`); each person is an arm, and the "
        "population measure (a percentile, a mean by sex) is taken across the people of one seed. Outcomes "
        "are never drawn: row 21 simulates each life course from 35 to the age of the scan.",
        "- **Verdict.** A criterion passes when the mean lies inside its band. Bands are wider than the "
        "published means because trials report means with wide SDs; each band's reason is given. A pass "
        "whose 95 % CI reaches outside the band is named under the summary line: the bone rows read one "
        "small section whose few osteoclasts make each run's loss chaotic, so such a verdict can change "
        "with any change of the model (row A1's known-failure text gives an example).",
        "- **Rodent rows (1, 2, 5).** `patient.species = \"mouse\"` / `\"rat\"` keeps the one parameter set "
        "and only changes time: one simulated day is one rodent day, in which every rate process "
        "(pharmacokinetics, cell turnover, MGP turnover, mineral growth) advances `mouse_time_scale` / "
        "`rat_time_scale` physiological days, from allometric scaling of physiological time with body mass "
        "(∝ M^0.25; Lindstedt & Calder 1981). Study durations are in rodent days. Doses stay in the "
        "model's human-equivalent units; the rat warfarin + vitamin K1 protocol is mapped by effect (see "
        "row 2).",
        "- **Not expressible.** Findings the model cannot produce (mortality, stiffness, microarchitecture) "
        "are listed as NOT EXPRESSIBLE with the reason, never dropped.",
        "- **Known failures.** A criterion the model is known to miss today still runs against its "
        "band and is shown as KNOWN FAIL with the simulated value and the open issue that tracks it; "
        "it is counted apart and does not fail `validate`. Its band is never widened to hide it.",
        "",
        "## Results",
        "",
    ]
    rows = []
    for line in table_rows(results):
        status = f"**{line['status']}**" if line["status"] == FAIL else line["status"]
        if line["reason"]:
            status += f": {line['reason']}"
        rows.append([line[k] for k in ("row", "finding", "source", "expected", "band", "simulated")] + [status])
    lines.append(markdown_table(["row", "finding", "source", "expected", "band", "simulated mean [95 % CI]",
                                 "status"], rows))
    lines += structural_trials_section(results)
    for result in results:
        exp = result.experiment
        lines += ["", f"### Row {exp.row}: {exp.title}", "", f"*Finding:* {exp.finding} ({exp.source}).", ""]
        if not isinstance(exp, Experiment):
            lines += [f"**Not expressible:** {exp.reason}"]
            continue
        lines.append(f"*Design:* {exp.days} days, grid {result.grid}×{result.grid}, seeds "
                     f"{', '.join(map(str, result.seeds))}. Arms:")
        if len(exp.arms) > MAX_LISTED_ARMS:
            lines.append(f"- {len(exp.arms)} virtual patients, e.g. **{exp.arms[0].label}**: "
                         + ", ".join(f"`{k} = {_short(v)}`" for k, v in exp.arms[0].settings.items()))
        for arm in exp.arms if len(exp.arms) <= MAX_LISTED_ARMS else ():
            parts = [f"scenario `{arm.scenario}`"]
            if arm.settings:
                parts.append("baseline " + ", ".join(f"`{k} = {v}`" for k, v in arm.settings.items()))
            for day, days, overrides in arm.periods:  # start, its stages, then
                held = "" if days is None else f" for {days} days"
                parts.append(f"from study day {1 + day}{held} "
                             + ", ".join(f"`{k} = {v}`" for k, v in overrides.items()))
            lines.append(f"- **{arm.label}**: {'; '.join(parts)}")
        if exp.notes:
            lines += ["", f"*How it is expressed:* {exp.notes}"]
        lines += ["", markdown_table(
            ["criterion", "expected", "band", "why this band", "simulated", "status"],
            ([c.criterion.label, c.criterion.expected, c.criterion.band_text, c.criterion.band_reason,
              _simulated(c), {PASS: PASS, FAIL: "**FAIL**", KNOWN_FAIL: "**KNOWN FAIL**"}[_status(c)]]
             for c in result.criteria))]
        lines += ["", f"![row {exp.row}]({image_dir_name}/row_{exp.row}.png)"]
    return "\n".join(lines) + "\n"


def structural_trials_section(results: Sequence[ExperimentResult]) -> list[str]:
    """Markdown lines of the section "Trials with structural endpoints": each emulated trial
    (rows ``T-...`` of :mod:`calcium_abm.validation.vessel_rows`, and the structural criteria
    of other trial rows named in ``OTHER_TRIAL_ENDPOINTS``), its published effect with the 95 %
    CI (the band) and the simulated effect; trials not expressible give the reason."""
    rows = []
    for result in results:
        exp = result.experiment
        trial = exp.row.startswith(TRIAL_ROW_PREFIX)
        if not trial and not any(row == exp.row for row, _ in OTHER_TRIAL_ENDPOINTS):
            continue
        if not isinstance(exp, Experiment):
            rows.append([exp.title, exp.source, exp.finding, "", f"not expressible: {exp.reason}"])
            continue
        for c in result.criteria:
            if not trial and (exp.row, c.criterion.label) not in OTHER_TRIAL_ENDPOINTS:
                continue
            rows.append([exp.title, exp.source, f"{c.criterion.label}: {c.criterion.expected}",
                         c.criterion.band_text, f"{_simulated(c)} ({_status(c)})"])
    if not rows:
        return []
    return ["", "## Trials with structural endpoints", "",
            "Randomised (and one single-arm) vitamin K trials whose endpoint is calcification or bone density, "
            "emulated as virtual trials with the trial's dose, duration and a typical participant; for the "
            "randomised calcification trials the band is the published 95 % confidence interval of the effect "
            "(the single-arm study's band, the BMD band and the dp-ucMGP band are stated with their reasons in "
            "the rows below).", "",
            markdown_table(["trial", "source", "published effect", "band",
                            "simulated mean [95 % CI]"], rows)]


def write_report(results: Sequence[ExperimentResult], markdown_path: str | os.PathLike,
                 image_dir: str | os.PathLike, *, command: str = "calcium-abm validate", seconds: float = 0.0,
                 quick: bool = False) -> Path:
    """Write the Markdown report and one PNG per expressible experiment; return the report path.

    ``image_dir`` must be ``markdown_path``'s directory or a directory inside it (the report
    links the images relatively). In one folder, the images and the report are moved in together
    (:func:`~calcium_abm.io.atomic_directory`): a failure (a full disk, a folder named
    ``report.md``) raises OSError and leaves the folder as it was.
    """
    markdown_path, image_dir = Path(markdown_path), Path(image_dir)
    relative = os.path.relpath(image_dir, markdown_path.parent).replace(os.sep, "/")
    text = markdown(results, relative, command=command, seconds=seconds, quick=quick)
    beside = relative == "."  # the report and its images in one folder (--out): all of them or none
    with atomic_directory(image_dir, REPORT_FILES) as tmp:  # a row no longer reported leaves no plot behind
        for result in results:
            if result.expressible:
                plot_experiment(result, tmp / f"row_{result.experiment.row}.png")
        if beside:
            (tmp / markdown_path.name).write_text(text, encoding="utf-8")
    if not beside:
        atomic_write(markdown_path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return markdown_path
