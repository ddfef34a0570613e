"""Settings of a batch that no run of it would read: refused before any run starts.

One person's run refuses a setting that would do nothing for that person
(:mod:`calcium_abm.inert_settings`). A batch's runs differ (a sweep may vary the species, a cohort
draws the traits that let a spread act), so each run leaves out what it does not read
(:func:`.conduct.person_of_cohort`), and the batch refuses a setting only when no run of it reads
it: a parameter of ``[set]`` or of the base scenario, a swept or screened one (its runs would be
identical, its effects exactly 0), an arm's ``set``/``add``, an entry of the scenario's or an arm's
schedule. A sensitivity design may screen such parameters on purpose with
``sensitivity.screen_unread = true`` (one parameter set over settings of several species:
``scripts/assumption_sensitivity.py``); their effects are then exactly 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calcium_abm.batch.arms import arm_entry_sources
from calcium_abm.batch.conduct import PERSON_KEYS_UNREAD, unread_settings
from calcium_abm.batch.draws import Distribution
from calcium_abm.batch.spec import BatchError
from calcium_abm.inputs.keys import resolve_setting
from calcium_abm.inputs.messages import fmt_num, fmt_value, join_problems
from calcium_abm.inputs.trial_tables import arm_place

__all__ = ["UnreadSettings"]

#: what a parameter or setting that no run reads would have given, by where the batch gives it
_HINTS = {"set": "leave it out of [set]", "scenario": "leave it out of the scenario",
          "sweep": "its runs would be identical: sweep a setting the runs read",
          "sensitivity": "its effects would be exactly 0: leave it out of the design, or give "
                         "sensitivity.screen_unread = true to screen it anyway",
          "arm": "leave it out of the arm", "draw": "leave it out of cohort.distributions"}


@dataclass
class _Source:
    """One place in the batch file that gives a setting, and whether a run reads it."""

    where: str
    value: object
    hint: str
    acts: bool = False
    species: set[str] = field(default_factory=set)  # the species of the runs that do not read it
    reason: str = ""


def _shown(value) -> str:
    """A value as the file gives it: a number, a list, a sweep's range."""
    if isinstance(value, Distribution):  # a cohort's draw: named by its kind
        return f"{{ distribution = {fmt_value(value.kind)} }}" if value.kind != "choice" else "{ choice = [...] }"
    if hasattr(value, "min") and hasattr(value, "max"):
        return f"{{ min = {fmt_num(value.min)}, max = {fmt_num(value.max)} }}"
    if isinstance(value, list):
        return f"[{', '.join(_shown(v) for v in value)}]"
    return fmt_num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else fmt_value(value)


def _may_be_unread(path: str) -> bool:
    return path.startswith("parameters.") or path in PERSON_KEYS_UNREAD


def _draw_only(path: str) -> bool:
    from calcium_abm.physiology.person_traits import DRAW_ONLY_SPREADS

    return path.startswith("parameters.") and path.partition(".")[2] in DRAW_ONLY_SPREADS


class UnreadSettings:
    """Collects, run by run (:meth:`see`), whether each setting the batch gives is read by some run;
    :meth:`refuse` raises :class:`BatchError` naming those that no run reads."""

    def __init__(self, spec, base):
        from calcium_abm.physiology.person_traits import DRAW_ONLY_SPREADS

        self.spec, self.base = spec, base
        self.every_run: dict[str, list[_Source]] = {}  # dotted path -> the sources every run has
        self.entries: dict[tuple[str, str], _Source] = {}  # (where, path) of a schedule entry's key
        self.arms: dict[tuple[str, str], _Source] = {}  # (arm, path) of an arm's day-0 setting
        in_set = {resolve_setting(key, "set"): key for key in spec.set}
        for name, value in base.parameters.items():
            path = f"parameters.{name}"
            where = f"set.{in_set[path]}" if path in in_set else f"scenario = {fmt_value(spec.scenario)}: {path}"
            self._add(path, where, value, "set" if path in in_set else "scenario")
        for path in (p for p in PERSON_KEYS_UNREAD if p in in_set):
            self._add(path, f"set.{in_set[path]}", getattr(base.patient, path.partition(".")[2]), "set")
        kind = "sweep" if spec.sweep is not None else "sensitivity" if spec.sensitivity is not None else None
        self.screen_unread = kind == "sensitivity" and spec.sensitivity.screen_unread
        if kind is not None:
            for key, values in getattr(spec, kind).parameters.items():
                path = resolve_setting(key, f"{kind}.parameters")
                self.every_run.pop(path, None)  # the base's value never acts (set_conflicts refuses [set])
                self._add(path, f"{kind}.parameters.{key}", values, kind)
        drawn = {resolve_setting(k, "cohort.distributions"): d.kind for k, d in
                 (spec.cohort.distributions.items() if spec.cohort is not None else ())}
        for key, dist in (spec.cohort.distributions.items() if spec.cohort is not None else ()):
            if (path := resolve_setting(key, "cohort.distributions")) in PERSON_KEYS_UNREAD:  # drawn, maybe never read
                self._add(path, f"cohort.distributions.{key}", dist, "draw")
        self.in_draw: list[_Source] = []  # a draw-only spread acts in a cohort's draw or nowhere, whatever the runs
        for path in [p for p in self.every_run if _draw_only(p)]:
            trait = DRAW_ONLY_SPREADS[path.partition(".")[2]]
            for source in self.every_run.pop(path):
                source.acts = drawn.get(f"patient.{trait}") == "documented"
                source.reason = (f"it is the spread of patient.{trait} between people, read only where a cohort draws "
                                 f"patient.{trait} with distribution = \"documented\", which this batch does not")
                self.in_draw.append(source)

    def _add(self, path: str, where: str, value, kind: str) -> None:
        if _may_be_unread(path):
            self.every_run.setdefault(path, []).append(_Source(where, value, _HINTS[kind]))

    def see(self, scenario, labels: dict) -> None:
        """Note which of the batch's settings the run of the validated ``scenario`` (with its
        ``labels``: a cohort run's arm and last day) reads."""
        from calcium_abm.inert_settings import scheduled_unread

        unread = unread_settings(scenario)
        for path, sources in self.every_run.items():
            for source in sources:
                self._note(source, path not in unread, path, scenario)
        arm = next((a for a in self.spec.arms if a.name == labels.get("arm")), None)
        table = arm_place(self.spec.arms.index(arm), arm.name) if arm is not None else ""
        day = self.spec.cohort.randomisation_day if arm is not None else None
        if day == 0 and (arm.set or arm.add):  # the arm's set/add act from day 0, after the draw
            for path, (where, value) in arm_entry_sources(table, arm, 0, None)[0].items():
                if _may_be_unread(path):
                    source = self.arms.setdefault((table, path), _Source(where, value, _HINTS["arm"]))
                    self._note(source, path not in unread and not _draw_only(path), path, scenario)
        given = [{path: (f"scenario = {fmt_value(self.spec.scenario)}: schedule entry {i + 1}.set.{path}", value)
                  for path, value in entry.set.items()} for i, entry in enumerate(self.base.schedule)]
        if arm is not None:  # a dropout's run has the entries that start before their last day
            last = labels["last_day"] if labels.get("completed") is False else None
            given += arm_entry_sources(table, arm.model_copy(update={"set": {}, "add": {}}) if day == 0 else arm,
                                       day, last)
        flagged = set(scheduled_unread(scenario))
        for i, (entry, places) in enumerate(zip(scenario.schedule, given)):
            for path in (p for p in entry.set if p.startswith("parameters.")):
                where, value = places[path]
                hint = _HINTS["arm" if where.startswith("arms") else "scenario"]
                source = self.entries.setdefault((where, path), _Source(where, value, hint))
                self._note(source, (i, path) not in flagged, path, scenario, scheduled=True)

    def _note(self, source: _Source, reads: bool, path: str, scenario, scheduled: bool = False) -> None:
        """Record that a run reads the setting of ``source``, or why it does not."""
        from calcium_abm.inert_settings import is_conditional, unread_reason
        from calcium_abm.physiology.person_traits import PLAQUE_GROWTH_UNREAD

        if reads or source.acts:
            source.acts = True
            return
        if path == "patient.peak_bone_mass":
            source.reason = "the measured patient.baseline_bmd_t_score sets each run's start bone"
        elif path == "patient.wall_plaque_growth":
            source.reason = f"{PLAQUE_GROWTH_UNREAD} and each run ends before its person's onset"
        elif _draw_only(path):
            source.reason = "a cohort's draw reads it before day 0, and an arm's settings apply after the draw"
        elif is_conditional(path.partition(".")[2]):
            source.reason = unread_reason(path) + (" while the entry is in effect" if scheduled else "")
        else:
            source.species.add(scenario.patient.species)
            source.reason = unread_reason(path)

    def problems(self) -> list[str]:
        """One message per setting the batch gives that no run reads."""
        sources = [*(s for group in self.every_run.values() for s in group), *self.in_draw, *self.arms.values(),
                   *self.entries.values()]
        out = []
        for s in sources:
            if s.acts or (self.screen_unread and s.where.startswith("sensitivity.")):
                continue
            runs = " or ".join(f"species = \"{x}\"" for x in sorted(s.species))
            why = f"{s.reason}, and every run of this batch is {runs}" if s.species else s.reason
            out.append(f"{s.where} = {_shown(s.value)} does nothing in any run of this batch: {why}; {s.hint}")
        if self.screen_unread and not any(not s.acts for s in sources if s.where.startswith("sensitivity.")):
            out.append("sensitivity.screen_unread = true does nothing here: every parameter of the design is read "
                       "by its runs; leave it out")
        return out

    def refuse(self) -> None:
        """Raise :class:`BatchError` with :meth:`problems` (one line, or a count and a list)."""
        if problems := self.problems():
            raise BatchError(join_problems(problems))
