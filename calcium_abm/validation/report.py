"""The validation report: a printed table, a Markdown file and one PNG plot per experiment.

Files are written atomically (temporary file, then rename), so an interrupted run never
leaves a half-written report.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from calcium_abm.validation.effects import DERIVED_COLUMNS, column
from calcium_abm.validation.experiments import Experiment
from calcium_abm.validation.runner import CriterionResult, ExperimentResult

__all__ = ["format_table", "plot_experiment", "status_counts", "table_rows", "write_report"]

PASS, FAIL, NOT_EXPRESSIBLE = "PASS", "FAIL", "NOT EXPRESSIBLE"


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
                          "simulated": _simulated(c), "status": PASS if c.passed else FAIL, "reason": ""})
        for finding, reason in exp.unexpressed:
            lines.append({"row": exp.row, "finding": finding, "source": exp.source, "expected": "", "band": "",
                          "simulated": "", "status": NOT_EXPRESSIBLE, "reason": reason})
    return lines


def status_counts(results: Sequence[ExperimentResult]) -> dict[str, int]:
    """How many table lines passed, failed and were not expressible."""
    counts = {PASS: 0, FAIL: 0, NOT_EXPRESSIBLE: 0}
    for line in table_rows(results):
        counts[line["status"]] += 1
    return counts


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(results: Sequence[ExperimentResult]) -> str:
    """The plain-text table printed by ``calcium-abm validate``."""
    header = ("row", "finding", "expected", "band", "simulated mean [95 % CI]", "status")
    widths = (4, 58, 24, 26, 34, 15)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for line in table_rows(results):
        status = line["status"] + (f": {line['reason']}" if line["reason"] else "")
        cells = (line["row"], line["finding"], line["expected"], line["band"], line["simulated"])
        out.append("  ".join(_clip(v, w).ljust(w) for v, w in zip(cells, widths)) + "  " + status)
    counts = status_counts(results)
    out.append("")
    out.append(f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[NOT_EXPRESSIBLE]} not expressible")
    return "\n".join(out)


# ------------------------------------------------------------------ files


def _atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename the temporary file over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _unit(name: str) -> str:
    from calcium_abm.outputs import COLUMNS

    if name in COLUMNS:
        return COLUMNS[name][0]
    return DERIVED_COLUMNS[name][0] if name in DERIVED_COLUMNS else ""


def plot_experiment(result: ExperimentResult, path: Path) -> Path:
    """Control vs intervention time courses: mean across seeds with the min–max band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import warnings

    import numpy as np

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
                line, = ax.plot(x, np.nanmean(ys, axis=0), label=arm.label, lw=1.5)
                if len(frames) > 1:
                    ax.fill_between(x, np.nanmin(ys, axis=0), np.nanmax(ys, axis=0), color=line.get_color(),
                                    alpha=0.25, lw=0)
        unit = _unit(name)
        ax.set_title(name, fontsize=9)
        ax.set_ylabel(unit if unit not in ("", "-") else "fraction / ratio", fontsize=8)
        ax.set_xlabel("years" if in_years else "days", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0][0].legend(fontsize=7)
    fig.suptitle(f"Row {exp.row}: {exp.title} (mean of {len(result.seeds)} seeds, band = min–max)", fontsize=10)
    fig.tight_layout()
    _atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=90, format="png"))
    plt.close(fig)
    return path


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(results: Sequence[ExperimentResult], image_dir_name: str, *, command: str, seconds: float,
             quick: bool) -> str:
    """The Markdown report text (images referenced relative to the report)."""
    counts = status_counts(results)
    seeds = next((len(r.seeds) for r in results if r.expressible), 0)
    lines = [
        "# Validation report",
        "",
        f"Generated by `{command}` ({'quick: small grids, ' if quick else ''}{seeds} seeds per arm, "
        f"{seconds:.0f} s). **{counts[PASS]} passed, {counts[FAIL]} failed, "
        f"{counts[NOT_EXPRESSIBLE]} not expressible.**",
        "",
        "Each calibration row (`science/README.md` §3) is a virtual study: a control arm and intervention "
        "arm(s) run over the study's duration with the same seeds; each effect is computed per seed the way "
        "the study reports it and summarised as the mean with a 95 % confidence interval across seeds "
        "(Student t). A criterion passes when the mean lies inside its band. How rows are mapped onto the "
        "model, and why the bands are as wide as they are, is stated under each experiment.",
        "",
        "| row | finding | source | expected | band | simulated mean [95 % CI] | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for line in table_rows(results):
        status = f"**{line['status']}**" if line["status"] == FAIL else line["status"]
        if line["reason"]:
            status += f": {line['reason']}"
        lines.append("| " + " | ".join(_md_escape(line[k]) for k in ("row", "finding", "source", "expected",
                                                                        "band", "simulated")) +
                     f" | {_md_escape(status)} |")
    for result in results:
        exp = result.experiment
        lines += ["", f"## Row {exp.row}: {exp.title}", "", f"*Finding:* {exp.finding} ({exp.source}).", ""]
        if not isinstance(exp, Experiment):
            lines += [f"**Not expressible:** {exp.reason}"]
            continue
        lines.append(f"*Design:* {exp.days} days, grid {result.grid}×{result.grid}, seeds "
                     f"{', '.join(map(str, result.seeds))}. Arms:")
        for arm in exp.arms:
            parts = [f"scenario `{arm.scenario}`"]
            if arm.settings:
                parts.append("baseline " + ", ".join(f"`{k} = {v}`" for k, v in arm.settings.items()))
            if arm.start:
                parts.append("from study day 1 " + ", ".join(f"`{k} = {v}`" for k, v in arm.start.items()))
            lines.append(f"- **{arm.label}**: {'; '.join(parts)}")
        if exp.notes:
            lines += ["", f"*How it is expressed:* {exp.notes}"]
        lines += ["", "| criterion | expected | band | why this band | simulated | status |", "|---|---|---|---|---|---|"]
        for c in result.criteria:
            lines.append(f"| {_md_escape(c.criterion.label)} | {_md_escape(c.criterion.expected)} | "
                         f"{_md_escape(c.criterion.band_text)} | {_md_escape(c.criterion.band_reason)} | "
                         f"{_md_escape(_simulated(c))} | {PASS if c.passed else '**FAIL**'} |")
        lines += ["", f"![row {exp.row}]({image_dir_name}/row_{exp.row}.png)"]
    return "\n".join(lines) + "\n"


def write_report(results: Sequence[ExperimentResult], markdown_path: str | os.PathLike,
                 image_dir: str | os.PathLike, *, command: str = "calcium-abm validate", seconds: float = 0.0,
                 quick: bool = False) -> Path:
    """Write the Markdown report and one PNG per expressible experiment; return the report path.

    ``image_dir`` must be ``markdown_path``'s directory or a directory inside it (the report
    links the images relatively).
    """
    markdown_path, image_dir = Path(markdown_path), Path(image_dir)
    image_dir.mkdir(parents=True, exist_ok=True)
    for result in results:
        if result.expressible:
            plot_experiment(result, image_dir / f"row_{result.experiment.row}.png")
    relative = os.path.relpath(image_dir, markdown_path.parent).replace(os.sep, "/")
    text = markdown(results, relative, command=command, seconds=seconds, quick=quick)
    _atomic_write(markdown_path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return markdown_path
