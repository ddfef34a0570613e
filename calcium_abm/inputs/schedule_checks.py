"""Checks of a scenario's ``[[schedule]]`` that need its effective settings day by day, and of a file that sets
nothing (:func:`settingless_file_problem`).

:func:`inert_schedule_entries` refuses a schedule entry that changes nothing: every value it sets
is already in force on every day it acts (the scenario's own value, a default, or an earlier entry's).
No rule would read it differently from the run without it, so it is refused as any setting no
rule reads is (issue 10: every accepted input acts, or is refused).
"""
from __future__ import annotations

from typing import Any

from calcium_abm.inputs.keys import parameter_registry
from calcium_abm.inputs.messages import fmt_value

#: the most [[schedule]] entries a scenario may have: each is checked against the state of every other (about n^2
#: work: 500 entries 1.8 s, 1,000 3.8 s, 2,000 16 s on this 2-core machine, 2026-12-06); a daily dose over a year is
#: one entry with start_day and end_day, not 365
MAX_SCHEDULE_ENTRIES = 1000


#: a scenario file's keys that label it and set nothing a rule reads
LABEL_KEYS = frozenset({"name", "description", "source"})


def settingless_file_problem(table: dict, overrides: Any = None) -> str | None:
    """The refusal of a scenario file that sets nothing (empty, comments only, only labels, or ``schedule = []``),
    unless ``overrides`` set something other than the run's length, grids and seed (``simulation.*``, flat or dotted:
    a file's own ``[simulation]`` table is a setting, the default person on another grid); else ``None``."""
    from calcium_abm.errors import ScenarioError
    from calcium_abm.inputs.keys import resolve_key

    def person_setting(key) -> bool:  # a command line's run length, grids or seed, or a label
        try:
            path = resolve_key(str(key), hints=False)
        except ScenarioError:
            return True  # an unknown key: its own refusal follows
        return not (path.startswith("simulation.") or path in LABEL_KEYS)

    example = ("a scenario sets at least one, e.g. [patient] age_years = 60 (the model's default person is the "
               "built-in scenario healthy_adult)")
    if table.get("schedule") == []:
        return "schedule = [] sets nothing: leave it out, or give [[schedule]] entries"
    if not table:
        return f"the file has no settings (it is empty or holds only comments); {example}"
    if not set(table) - LABEL_KEYS and not any(map(person_setting, overrides or {})):
        return f"the file sets only {', '.join(sorted(table))}, which label it; {example}"
    return None


def _value(scenario: Any, path: str) -> Any:
    section, _, field = path.partition(".")
    if section == "parameters":  # a parameter not given is at its registry value
        return scenario.parameters.get(field, parameter_registry()[field].value)
    return getattr(getattr(scenario, section), field)


def inert_schedule_entries(scenario: Any) -> list[str]:
    """One message per schedule entry that changes nothing: each of its keys sets, on every day it
    acts, the value already in force there (a key may restate a value beside one that changes,
    as ``years_since_menopause = 0`` beside ``postmenopausal = true``).

    Args:
        scenario: a validated :class:`calcium_abm.scenario.Scenario` whose effective settings are
            valid on every schedule boundary (``state_at`` raises nothing).

    A key acts on the days its entry is active and no later entry sets it (an entry that later
    entries shadow on all its days is reported by :func:`.sections.shadowed_schedule_keys`, one that
    sets another species' parameter by :func:`calcium_abm.inert_settings.schedule_problems`). On each
    day the effective settings can change (its start day and the schedule's boundaries), the value
    with the entries before it is compared with the value with it, both as validated (``180`` equals
    ``180.0``).
    """
    from calcium_abm.physiology.species import other_species_parameters  # lazy: it loads the physiology

    schedule, days, species = scenario.schedule, scenario.days, scenario.patient.species
    boundaries = scenario.schedule_boundaries()
    problems = []
    for i, entry in enumerate(schedule):
        end = min(days, entry.end_day or days)
        checked = sorted({d for d in (entry.start_day, *boundaries) if entry.start_day <= d < end})
        acting = {key: [d for d in checked if not any(later.active_on(d) and key in later.set
                                                      for later in schedule[i + 1:])] for key in entry.set}
        if not any(acting.values()) or other_species_parameters(
                [path.partition(".")[2] for path in entry.set if path.startswith("parameters.")], species):
            continue  # shadowed on every day, or another species' parameter: refused as such, which says more
        # the settings without the entry and with it, validated once a day for all its keys
        states = {d: (scenario.state_at(d, i), scenario.state_at(d, i + 1)) for d in {d for on in acting.values()
                                                                                     for d in on}}
        if all(_value(states[d][0], key) == _value(states[d][1], key) for key, on in acting.items() for d in on):
            given = ", ".join(f"{key} = {fmt_value(value)}" for key, value in entry.set.items())
            problems.append(f"schedule entry {i + 1} (start_day = {entry.start_day}) changes nothing: {given} "
                            f"{'is' if len(entry.set) == 1 else 'are'} already in force on every day the entry "
                            "acts (the scenario's own, a default or an earlier entry's); give the value it should "
                            "change to, or leave the entry out")
    return problems
