"""The ``columns`` argument of :func:`calcium_abm.batch.load_results`, checked against the run files'
columns before any file is read (an unknown name made the Parquet reader fail, and the message then
blamed a good run file and said to delete it), what else is read from a run file's Parquet footer (its
warnings and notes), and the arms and outcomes a finished batch's table holds (an unknown control arm, what
:func:`calcium_abm.batch.trial_effects` cannot compare)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from calcium_abm.batch.spec import BatchError
from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import did_you_mean, short_repr
from calcium_abm.io import read_error_reason

if TYPE_CHECKING:  # annotations only
    import pandas as pd


def checked_columns(columns: Any, parts: dict[Path, Any], run_files: Iterable[Path]) -> list[str]:
    """``columns`` as a list of names, each a column of the runs (of the first of the summary ``parts``
    already read, else of the first of ``run_files`` that exists), with ``run_index`` and ``run_id`` first.

    Raises:
        BatchError: ``columns`` is not a list of names (a single string would be read letter by
            letter), or names a column the runs do not have.
    """
    import pyarrow.parquet as pq  # lazy, as in store.load_results

    if isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable):
        raise BatchError(f"columns = {short_repr(columns, 60)} is not allowed: give a list of column names, "
                         f"e.g. columns=['day', 'bmd_change_pct']")
    names = list(columns)
    if parts:
        available = next(iter(parts.values())).schema.names
    else:
        first = next((path for path in run_files if path.is_file()), None)
        try:
            available = pq.read_schema(first).names if first is not None else None
        except Exception:  # noqa: BLE001 - a damaged file: load_results' reader names it
            available = None
    if available is None:
        return list(dict.fromkeys(["run_index", "run_id", *names]))
    for name in names:
        if name not in available:
            shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:57] + "..."
            raise BatchError(f"columns: {shown} is not a column of these runs{did_you_mean(name, available)} "
                             f"(the runs have {len(available)} columns: {', '.join(available[:12])}, ...)")
    return list(dict.fromkeys(["run_index", "run_id", *names]))


def unreadable_run_file(path: Path, exc: Exception) -> BatchError:
    """The error for a run file pyarrow cannot read, with its reason whole (:func:`calcium_abm.io.read_error_reason`)."""
    return BatchError(f"run file '{path}' cannot be read as Parquet ({read_error_reason(exc)}): delete it and finish "
                      "the batch with --resume")


def refuse_unreadable_runs(paths: Iterable[Path]) -> None:
    """BatchError naming the first run file of ``paths`` whose Parquet footer cannot be read (a file
    damaged after it was written, e.g. truncated): ``--resume`` counted it finished and ended at once,
    and ``summarize`` then asked to delete it and resume. The summary part files are checked on reading."""
    import pyarrow as pa  # lazy, as in load_results
    import pyarrow.parquet as pq

    for path in paths:
        if path.is_file():
            try:
                pq.read_metadata(path)
            except (OSError, pa.ArrowException, ValueError) as exc:
                raise unreadable_run_file(path, exc) from None


def run_attrs(metadata: dict | None, key: str, empty: list | dict) -> list[str] | dict[str, list[str]]:
    """One of :data:`.run_notes.RUN_ATTRS` a run file carries in its Parquet metadata (pandas' attrs): a list
    for a one-run file, run id -> list for a summary part file; ``empty`` if none."""
    try:
        said = json.loads((metadata or {}).get(b"PANDAS_ATTRS", b"{}")).get(key, empty)
    except (ValueError, AttributeError):  # metadata written by something else
        return empty
    return said if isinstance(said, type(empty)) else empty


def refuse_unknown_control(per_run: pd.DataFrame, control: Any, arm_column: str = "arm") -> None:
    """UserInputError where ``control`` is none of ``per_run``'s arms, naming them (a fresh user's
    ``trial_effects(per_run, [...], 'warfarin')`` was told the arm had no finished runs)."""
    arms = list(dict.fromkeys(per_run[arm_column]))
    if control not in arms:
        raise UserInputError(f"control arm {short_repr(control, 40)} is not allowed: it is none of the finished runs' "
                             f"arms ({', '.join(map(str, arms)) or 'none'})")


def refuse_what_no_effect_reads(per_run: pd.DataFrame, outcomes: Any, control: Any, design: str, paired: bool,
                                arm_column: str = "arm", pair_column: str = "patient", arms: Any = None) -> None:
    """UserInputError for an input of :func:`calcium_abm.batch.trial_effects` that gave an empty or silent table
    (a new user's probes: an unknown name in ``arms`` gave the table without it, a crossover of parallel groups one
    row of NaN, an infinite value a finite difference beside an infinite mean, a text column pandas' ValueError,
    ``outcomes=[]`` or a table of the control arm alone an empty table). ``paired``: whether a patient
    (``pair_column``) has runs in two arms."""
    import numpy as np
    import pandas as pd

    if not len(outcomes):
        raise UserInputError("outcomes = [] is not allowed: give at least one outcome column")
    present = list(dict.fromkeys(per_run[arm_column]))
    if isinstance(arms, (str, bytes)):  # read letter by letter
        raise UserInputError(f"arms = {short_repr(arms, 60)} is not allowed: give a list of arm names")
    if unknown := [a for a in ([] if arms is None else list(arms)) if a not in present]:
        raise UserInputError(f"arms = {short_repr(list(arms), 80)} is not allowed: {short_repr(unknown[0], 40)} is "
                             f"none of the finished runs' arms ({', '.join(map(str, present))}); arms orders the "
                             "table, it does not add arms")
    if not [a for a in present if a != control]:
        raise UserInputError(f"the runs hold only the control arm {short_repr(control, 40)}: an effect needs "
                             "another arm to compare with it")
    if design == "crossover" and not paired:
        raise UserInputError(f"design = 'crossover' is not allowed for these runs: no patient ({pair_column}) has "
                             "runs in two arms, so there are no pairs to compare; they are parallel groups "
                             "(design = 'parallel', or leave design out)")
    for outcome in outcomes:
        column = per_run[outcome]
        numbers = pd.to_numeric(column, errors="coerce") if not pd.api.types.is_numeric_dtype(column) else column
        if (text := column[numbers.isna() & column.notna()]).size:  # numbers and None (object dtype) are numbers
            raise UserInputError(f"outcome {short_repr(outcome, 60)} is not allowed: it holds "
                                 f"{short_repr(text.iloc[0], 30)}, not a number")
        column = numbers
        if (infinite := np.isinf(column.to_numpy(dtype=float))).any():
            run = per_run["run_id"][infinite].iloc[0] if "run_id" in per_run else per_run.index[infinite][0]
            raise UserInputError(f"outcome {short_repr(outcome, 60)} is not allowed: run {short_repr(run, 40)} holds "
                                 f"{column[infinite].iloc[0]} there; an effect needs finite values (a run without a "
                                 "value, NaN, is left out)")


def has_pairs(per_run: pd.DataFrame, arm_column: str = "arm", pair_column: str = "patient") -> bool:
    """Whether a patient (``pair_column``) has runs in two arms: a crossover's pairs (none in parallel groups, nor yet
    in a crossover batch stopped after each patient's first arm)."""
    return bool(pair_column in per_run.columns and per_run.groupby(pair_column)[arm_column].nunique().gt(1).any())


def effects_can_be_compared(per_run: pd.DataFrame, control: Any, design: str, arm_column: str = "arm",
                            pair_column: str = "patient") -> bool:
    """Whether the finished runs hold an effect to compare (what ``summarize`` asks before its effects table): an arm
    besides the control, and for a crossover a patient in two arms. A stopped batch may hold neither yet (its first
    runs are all the control's); its report then has the other tables, and no effects."""
    others = [a for a in dict.fromkeys(per_run[arm_column]) if a != control]
    return bool(others) and (design != "crossover" or has_pairs(per_run, arm_column, pair_column))
