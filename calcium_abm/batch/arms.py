"""A cohort arm's settings for one patient: its ``set``/``add`` (adds on top of the patient's own
value, times ``cohort.adherence``) and the scenario ``[[schedule]]`` entries they become from
``cohort.randomisation_day`` (see docs/batch.md, "Trial designs").
"""

from __future__ import annotations

from typing import Any

from calcium_abm.batch.spec import BatchError
from calcium_abm.inputs.keys import range_problem, resolve_setting, setting_unit
from calcium_abm.inputs.messages import fmt_num, fmt_value, unit_suffix
from calcium_abm.inputs.trial_tables import arm_entries

__all__ = ["arm_entry_sources", "arm_overrides", "arm_schedule", "inert_arm_set"]


def _own_value(path: str, patient: dict[str, Any], base) -> float | None:
    """The patient's own (pre-randomisation) value of a numeric setting (None for a number
    left out, such as a GFR not given)."""
    section, _, fld = path.partition(".")
    if path in patient:
        value = patient[path]
    elif section == "parameters":
        value = base.parameters.get(fld, _default(fld))
    else:
        value = getattr(getattr(base, section), fld)
    return None if value is None else float(value)


def inert_arm_set(arm, patients: list[dict[str, Any]], base) -> str | None:
    """A message if a key of ``arm``'s ``set`` gives every one of its ``patients`` their own value (and the
    base scenario's schedule never changes it): such an arm is the control under another name, as an add of 0
    is. None if every key changes some patient's value."""
    touched = {path for entry in base.schedule for path in entry.set}
    for key, value in arm.set.items():
        path = resolve_setting(key, "arms")
        section, _, fld = path.partition(".")
        if path in touched or not patients:
            continue
        if section == "parameters":
            owns = [p.get(path, base.parameters.get(fld, _default(fld))) for p in patients]
        else:
            owns = [p.get(path, getattr(getattr(base, section), fld)) for p in patients]
        if all(type(own) is type(value) or isinstance(own, (int, float)) and isinstance(value, (int, float))
               for own in owns) and all(own == value for own in owns):
            shown = fmt_num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else \
                fmt_value(value)
            return (f"arm '{arm.name}': set.{key} = {shown} is not allowed: it is every patient's own value "
                    f"({path} before randomisation), so the arm changes nothing there; give another value, "
                    "or leave it out (an arm without set or add is the control)")
    return None


def _arm_changes(set_keys: dict[str, Any], add_keys: dict[str, float], patient: dict[str, Any], base,
                 adherence: float, where: str = "arms") -> dict[str, Any]:
    """An arm's ``set``/``add`` as dotted path -> value for one patient (adds x adherence).

    Raises BatchError naming ``where`` (the arm) and its ``add`` if a sum leaves the
    setting's range (``add = { mk7_ug_per_day = -100 }`` on a patient's own 5 µg/day).
    """
    out = {resolve_setting(k, "arms"): v for k, v in set_keys.items()}
    for key, amount in add_keys.items():
        path = resolve_setting(key, "arms")
        own = _own_value(path, patient, base)
        if own is None:
            raise BatchError(f"{where}: add = {{ {key} = {fmt_num(amount)} }} has nothing to add to: {path} is not "
                             "given (give it in the scenario or [set], or use set instead of add)")
        out[path] = own + adherence * float(amount)
        allowed = range_problem(path, out[path])
        if allowed:
            taken = "" if adherence == 1 else f" x adherence {fmt_num(adherence)}"
            unit = unit_suffix(setting_unit(path))
            raise BatchError(f"{where}: add = {{ {key} = {fmt_num(amount)} }}{taken} on a patient's own "
                             f"{_drawn(own)}{unit} gives {path} = {_drawn(out[path], path)}{unit}, which is not "
                             f"allowed: {allowed}")
    return out


def _drawn(value: Any, path: str | None = None) -> str:
    """A drawn patient's value to 6 significant digits (49.8896, not 49.88956192935076), in full where
    rounding would put a refused sum of ``path`` inside its range (10000.00001 shown as 10000)."""
    if not isinstance(value, float):
        return fmt_num(value)
    short = float(f"{value:.6g}")
    if short != value and path is not None and range_problem(path, short) is None:
        return fmt_num(value)
    return fmt_num(short)


def arm_overrides(arm, patient: dict[str, Any], base, adherence: float = 1.0) -> dict[str, Any]:
    """Patient plus the arm's day-0 settings (``cohort.randomisation_day = 0``)."""
    return {**patient, **_arm_changes(arm.set, arm.add, patient, base, adherence, f"arm '{arm.name}'")}


def arm_schedule(arm, patient: dict[str, Any], base, randomisation_day: int, adherence: float = 1.0,
                 last_day: int | None = None) -> list[dict[str, Any]]:
    """The scenario ``[[schedule]]`` entries of one patient in one arm.

    The arm's ``set``/``add`` become an entry from ``randomisation_day`` (so every arm of a
    patient shares day 0 and the days before randomisation), followed by the arm's own
    ``[[arms.schedule]]`` entries in file order (a later entry wins where they overlap).
    ``add`` amounts go on top of the patient's own pre-randomisation value, times
    ``adherence``. Entries starting on or after ``last_day`` (a dropout's last day in the
    trial) are left out: the run ends there.
    """
    entries = []
    for j, start_day, end_day, set_keys, add_keys in _arm_entries(arm, randomisation_day, last_day):
        where = f"arm '{arm.name}'" + ("" if j is None else f", schedule #{j + 1}")
        entry = {"start_day": start_day, "set": _arm_changes(set_keys, add_keys, patient, base, adherence, where)}
        if end_day is not None:
            entry["end_day"] = end_day
        entries.append(entry)
    return entries


def _arm_entries(arm, randomisation_day: int, last_day: int | None):
    """``(j, start_day, end_day, set, add)`` of each schedule entry of one arm, as :func:`arm_schedule`
    makes them (:func:`~calcium_abm.inputs.trial_tables.arm_entries`), without those starting on or after
    ``last_day``."""
    return [(j, start, end, set_keys, add_keys) for j, _, start, end, set_keys, add_keys
            in arm_entries("", arm, randomisation_day) if last_day is None or start < last_day]


def arm_entry_sources(table: str, arm, randomisation_day: int, last_day: int | None) -> list[dict[str, tuple]]:
    """For each entry :func:`arm_schedule` makes for ``arm`` (the file's ``table``, e.g. ``arms #2 (mk7)``),
    in order: dotted path -> (the key's place in the file, e.g. ``arms #2 (mk7).schedule #1.add.mk7_ug_per_day``,
    and its value as given: an ``add`` amount, not the patient's sum)."""
    out = []
    for j, _start, _end, set_keys, add_keys in _arm_entries(arm, randomisation_day, last_day):
        where = table + ("" if j is None else f".schedule #{j + 1}")
        out.append({resolve_setting(key, "arms"): (f"{where}.{name}.{key}", value)
                    for name, keys in (("set", set_keys), ("add", add_keys)) for key, value in keys.items()})
    return out


def _default(parameter: str) -> float:
    # lazy: the physiology modules (numba) are needed only by cohorts that add to a parameter,
    # and `calcium-abm summarize` imports this module without simulating anything
    from calcium_abm.physiology import parameter_registry

    return float(parameter_registry()[parameter].value)
