"""What a batch's runs said: the report's paragraphs on the runs that left physiology, the runs with an
input beyond what its laws are calibrated on, and the runs' notes (what ``run`` prints of one run).

Each is read from :func:`~calcium_abm.batch.store.load_results`'s attrs (run id -> its texts) and listed
run by run, the first :data:`MAX_WARNED_RUNS_LISTED` named and the rest counted. Such runs stay in every
table (a trial's patients are not dropped for it).
"""

from __future__ import annotations

__all__ = ["NO_MEASUREMENT_ERROR", "RUN_ATTRS", "MAX_WARNED_RUNS_LISTED", "physiology_lines", "calibration_lines", "note_lines", "run_notes_lines",
           "printed_warnings"]

#: what a run file keeps of its run's attrs (Parquet metadata): the warnings and notes ``run`` prints
RUN_ATTRS = ("physiology_warnings", "calibration_warnings", "notes")
#: the most runs a paragraph names (the rest are counted)
MAX_WARNED_RUNS_LISTED = 10


def _listed(said: dict[str, list[str]], key: str) -> list[str]:
    """A line per run (run id order), the first :data:`MAX_WARNED_RUNS_LISTED`, and one counting the rest."""
    listed = [f"- run {rid}: {'; '.join(texts)}" for rid, texts in sorted(said.items())[:MAX_WARNED_RUNS_LISTED]]
    more = [f"- and {len(said) - len(listed)} more (`load_results(DIR).attrs['{key}']`)"] \
        if len(said) > len(listed) else []
    return [*listed, *more, ""]


def physiology_lines(warned: dict[str, list[str]], done: int) -> list[str]:
    """The paragraph on the runs that left physiology (run id -> its warnings), as ``run`` and ``batch``
    print them; none when no run did."""
    if not warned:
        return []
    return [f"**Runs that left physiology.** {len(warned)} of {done} finished runs left the physiological range on "
            "some recorded day; they are counted in every table and plot below (a warning names a bone grid too "
            "small to hold serum calcium where it is one).", "", *_listed(warned, "physiology_warnings")]


def calibration_lines(warned: dict[str, list[str]], done: int) -> list[str]:
    """The paragraph on the runs with an input beyond the range its laws are calibrated on (run id -> its
    calibration warnings, as ``run`` prints them); none when no run has one."""
    if not warned:
        return []
    return [f"**Runs beyond the calibrated range.** {len(warned)} of {done} finished runs have an input beyond "
            "the range its laws are calibrated on; they are counted in every table and plot below, and their "
            "values there are the laws' extrapolation.", "", *_listed(warned, "calibration_warnings")]


def note_lines(notes: dict[str, list[str]], done: int) -> list[str]:
    """The paragraph of the runs' notes (run id -> its notes, as ``run`` prints them: what an input did that
    the settings do not show, such as the diet kidney failure cuts); none when no run has one."""
    if not notes:
        return []
    return [f"**Notes on the runs.** {len(notes)} of {done} finished runs carry a note:", "",
            *_listed(notes, "notes")]


def run_notes_lines(said: dict[str, dict[str, list[str]]], done: int) -> list[str]:
    """The three paragraphs in the report's order, from ``load_results(...).attrs``."""
    return [*physiology_lines(said.get("physiology_warnings", {}), done),
            *calibration_lines(said.get("calibration_warnings", {}), done),
            *note_lines(said.get("notes", {}), done)]


def printed_warnings(attrs: dict) -> list[str]:
    """A finished run's warnings ``batch`` prints as it goes, as ``run`` prints them: its physiology warnings,
    then its calibration warnings (a run frame's attrs)."""
    return [*attrs.get("physiology_warnings", []), *attrs.get("calibration_warnings", [])]


#: a cohort report's note on its p-values (:func:`.analysis.outcome_notes`): a trialist read p = 1e-17 for a
#: placebo arm whose dp-ucMGP change had an SD of 0.2 points
NO_MEASUREMENT_ERROR = ("p-values and confidence intervals: a virtual patient's outcome carries no assay error and no "
                        "within-person variation, only the differences between patients, so the intervals are "
                        "narrower and the p-values smaller than a real trial of the same size would give; compare "
                        "effects, not p-values, with published trials")
