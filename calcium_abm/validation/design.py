"""The vocabulary of the virtual experiments: arms, criteria, experiments, and the small
measure factories that turn "−50 % vs placebo at 12 weeks" into a function of the arms'
tables. :mod:`calcium_abm.validation.experiments` writes the calibration table with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from calcium_abm.scenario import load_scenario
from calcium_abm.validation import effects

__all__ = ["BIOMARKER_BAND_PP", "BIOMARKER_REASON", "RAT_EXTRA_K1", "RAT_ON_K1", "RAT_WARFARIN", "USUAL_DIET", "Arm", "Criterion", "Experiment", "NotExpressible", "Runs", "WEEK", "YEAR", "extreme", "loss_per_year",
           "change_per_year", "change_vs_control", "onset", "pct_change", "pct_vs_control", "pp_difference", "trend", "value"]

Runs = Mapping[str, pd.DataFrame]  # arm label -> the arm's table for one seed

WEEK = 7
YEAR = 365
#: seeds for rows whose effect is one virtual person's BMD change or difference (C2, 11, S2, A3):
#: a 64 x 64 section's BMD moves by ~0.5-1 % from seed to seed (the tens of remodeling units it
#: holds), so with 5 seeds these rows' 95 % CIs were wider than their bands (CI width / band width
#: 1.4-1.6 for 11, S2 and A3, up to 1.3 for C2's criteria); the trials average hundreds of people.
#: The rule: a row whose 5-seed CI is wider than its band runs these (not with --quick); so does row 20, a
#: cohort's mean rate whose first criterion sits near its band's lower edge since the spin-up carries the year
#: before the final period (5 seeds: 2.14 [1.42, 2.87] %/year, 20 seeds: 2.34 [2.06, 2.62]; 2026-12-06).
BMD_ROW_SEEDS = 20

#: the usual diet (``healthy_adult``'s ``[diet]``: calcium, phosphate, K1, MK-4 and MK-7 a day): a trial
#: arm's supplement adds to it, as the trials' supplements add to their participants' food
USUAL_DIET = load_scenario("healthy_adult").diet

# The Price 1998 rat protocol (warfarin with vitamin K1: clotting kept normal, vascular MGP uncarboxylated)
# in human-equivalent doses, mapped by effect (scenario warfarin_high_k1; rows 2, 2b, R-Schurgers2007).
#: extra K1 of the Price 1998 rat arms, human-equivalent µg/day: the dose at which the model's liver keeps the
#: INR < 1.3 under the rat warfarin dose through its warfarin-insensitive reductase (design note sections 5, 14)
RAT_EXTRA_K1 = 6000.0
#: warfarin of the rat arms, human-equivalent mg/day: blocks VKOR by > 99.9 %, as the rats' 20 mg per 100 g per
#: day (~2 g/day for 70 kg by body surface area) did; 100 mg/day leaves ~0.6 % of VKOR, through which the
#: extra K1 would carboxylate vascular MGP too (design note section 14)
RAT_WARFARIN = 1000.0
RAT_ON_K1 = {"patient.species": "rat", "patient.age_years": 0.0, "drugs.warfarin_mg_per_day": 0.0,
             "diet.vitamin_k1_ug_per_day": RAT_EXTRA_K1}

BIOMARKER_BAND_PP = 15.0  # ± percentage points around a published mean biomarker change
BIOMARKER_REASON = (f"±{BIOMARKER_BAND_PP:g} percentage points: trial means of biomarker changes carry "
                    "SDs of 20-30 % with n = 30-120 per arm, and assays differ between studies")


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Arm:
    """One arm of a virtual study.

    Args:
        label: short name shown in tables and plots ("placebo", "MK-7 180 µg/d").
        scenario: built-in scenario the arm starts from.
        settings: dotted overrides that hold before and during the study (baseline).
        start: dotted overrides that begin on the first study day (the intervention).
        start_days: how many study days ``start`` holds (None: to the end of the study).
        stages: further periods after ``start``, in order: ``(days, overrides)`` pairs, each holding
            its dotted overrides for its study days (a protocol's stepwise repletion: 86, then 200, then
            450 µg/day); needs ``start_days``. When a stage ends the overrides it set end with it.
        then: dotted overrides from the day ``start`` (or the last stage) ends to the end of the study
            (a protocol that switches diets); needs ``start_days``.

    :attr:`periods` lists them all in order, as the runner schedules them and the report prints them.

    Raises:
        ValueError: naming the arm: ``then`` or ``stages`` without ``start_days``; ``start_days`` below 1
            or without ``start``; a stage that is not a ``(days, overrides)`` pair, whose days are not a
            whole number of at least 1, or whose overrides are empty.
    """

    label: str
    scenario: str = "healthy_adult"
    settings: Mapping[str, Any] = field(default_factory=dict)
    start: Mapping[str, Any] = field(default_factory=dict)
    start_days: int | None = None
    then: Mapping[str, Any] = field(default_factory=dict)
    stages: tuple[tuple[int, Mapping[str, Any]], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "settings", _frozen(self.settings))
        object.__setattr__(self, "start", _frozen(self.start))
        object.__setattr__(self, "then", _frozen(self.then))
        if self.then and self.start_days is None:
            raise ValueError(f"arm {self.label!r}: 'then' needs start_days, the study days 'start' holds")
        if self.start_days is not None and (self.start_days < 1 or not self.start):
            raise ValueError(f"arm {self.label!r}: start_days = {self.start_days} needs a 'start' and is at least 1")
        if self.stages and self.start_days is None:
            raise ValueError(f"arm {self.label!r}: 'stages' needs start_days, the study days 'start' holds")
        object.__setattr__(self, "stages", tuple(self._stage(i, stage) for i, stage in enumerate(self.stages, 1)))

    def _stage(self, number: int, stage: Any) -> tuple[int, Mapping[str, Any]]:
        """One checked, frozen ``(days, overrides)`` stage."""
        if not (isinstance(stage, tuple | list) and len(stage) == 2):
            raise ValueError(f"arm {self.label!r}: stage {number} is {stage!r}, not a (days, overrides) pair")
        days, overrides = stage
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"arm {self.label!r}: stage {number} lasts {days!r} days; a whole number of at least 1")
        if not isinstance(overrides, Mapping) or not overrides:
            raise ValueError(f"arm {self.label!r}: stage {number} sets {overrides!r}; it needs a mapping of dotted "
                             f"overrides, not empty")
        return days, _frozen(overrides)

    @property
    def periods(self) -> tuple[tuple[int, int | None, Mapping[str, Any]], ...]:
        """The study periods in order as ``(first day, days held or None to the end, overrides)``, the first
        day counted from 0 = study day 1: ``start``, each stage, then ``then``."""
        out, day = [], 0
        if self.start:
            out.append((0, self.start_days, self.start))
            day = self.start_days or 0
        for days, overrides in self.stages:
            out.append((day, days, overrides))
            day += days
        if self.then:
            out.append((day, None, self.then))
        return tuple(out)


@dataclass(frozen=True)
class Criterion:
    """One effect with the band it must fall in.

    Args:
        label: what is measured, in the study's words.
        measure: per-seed effect from the arms' tables (see the helpers below).
        low, high: the band (inclusive; ``None`` = open).
        expected: the published number as the study states it.
        unit: unit of the effect ("%", "days", "percentage points").
        band_reason: why the band is this wide.
        known_failure: empty, or why this criterion is known to fail today (with the open
            issue that tracks it). It still runs and is judged against its band: a failure
            shows as KNOWN FAIL, counted apart and not failing ``validate``; a pass shows as
            PASS (and the note is then stale). The band is never widened to hide it.
        ratio_of_means: ``measure`` returns a (numerator, denominator) pair per seed and the
            effect is the ratio of their means across seeds, with a bootstrap interval
            (:func:`.effects.ratio_of_means_ci`): for a published ratio of group means.
    """

    label: str
    measure: Callable[[Runs], float]
    low: float | None
    high: float | None
    expected: str
    unit: str
    band_reason: str = ""
    known_failure: str = ""
    ratio_of_means: bool = False

    def passes(self, value: float) -> bool:
        """Whether a (mean) effect lies inside the band."""
        if value is None or math.isnan(value):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @property
    def band_text(self) -> str:
        def num(x: float) -> str:
            return f"{x:g}"

        if self.low is not None and self.high is not None:
            return f"{num(self.low)} to {num(self.high)} {self.unit}".rstrip()
        if self.low is not None:
            return f"≥ {num(self.low)} {self.unit}".rstrip()
        if self.high is not None:
            return f"≤ {num(self.high)} {self.unit}".rstrip()
        return "any"


@dataclass(frozen=True)
class Experiment:
    """A virtual study for one calibration row.

    Args:
        row: the calibration-table row id ("8") or a global check id ("S1").
        title: short name.
        finding: the published finding in one sentence.
        source: citation.
        days: study duration in simulated days.
        arms: the arms; the first is the control.
        criteria: what must hold.
        grid: bone and vessel grid side for the full run (BMD rows need 64 for low noise).
        quick_grid: grid side for ``--quick``.
        plot_columns: recorded (or derived) columns drawn in the report.
        notes: how the study is expressed (mappings, proxies, choices), for the report.
        unexpressed: (finding, reason) pairs for parts of the row the model cannot express;
            the report lists them as NOT EXPRESSIBLE.
        max_seeds: run at most this many seeds (None = all): a population row's spread comes
            from its many patients, not from seeds.
        min_seeds: run at least this many seeds, with ``--quick`` too (None = the validation's
            count): a row whose per-seed spread is wide against its band (one virtual person's
            BMD, where the trials average thousands) needs more virtual people for its mean.
        record_every_days: the arms' recording interval (1 = daily; a decades-long life course
            records less often).
        run_in_days: days every arm lives on its baseline settings before the intervention starts
            (on day ``run_in_days + 1``), so that the arms leave the model's start and settle on the
            person's own steady state first, as trial participants live on their habitual diet;
            ``days`` includes them and measures read absolute days.
    """

    row: str
    title: str
    finding: str
    source: str
    days: int
    arms: tuple[Arm, ...]
    criteria: tuple[Criterion, ...]
    grid: int = 32
    quick_grid: int = 16
    plot_columns: tuple[str, ...] = ()
    notes: str = ""
    unexpressed: tuple[tuple[str, str], ...] = ()
    max_seeds: int | None = None
    min_seeds: int | None = None
    record_every_days: int = 1
    run_in_days: int = 0

    def __post_init__(self):
        labels = [arm.label for arm in self.arms]
        if len(set(labels)) != len(labels):
            raise ValueError(f"row {self.row}: arm labels must be unique, got {labels}")
        if not self.arms or not self.criteria:
            raise ValueError(f"row {self.row}: an experiment needs arms and criteria")
        for item in self.unexpressed:  # a lone pair without its trailing comma is two strings
            if not (isinstance(item, tuple) and len(item) == 2 and all(isinstance(text, str) for text in item)):
                raise ValueError(f"row {self.row}: each unexpressed finding is a (finding, reason) pair of texts, "
                                 f"got {item!r}")

    @property
    def control(self) -> Arm:
        return self.arms[0]


@dataclass(frozen=True)
class NotExpressible:
    """A calibration row the model cannot express, with the reason."""

    row: str
    title: str
    finding: str
    source: str
    reason: str


# ------------------------------------------------------------------ measures
# Small factories so that each definition below reads like the study's methods section.


def pct_vs_control(name: str, day: float, arm: str, control: str) -> Callable[[Runs], float]:
    """Percent difference of ``arm`` from ``control`` on ``day`` ("−50 % vs placebo")."""
    return lambda runs: effects.percent_change_vs_control(runs[control], runs[arm], name, day)


def pct_change(name: str, day: float, arm: str, from_day: float = 0) -> Callable[[Runs], float]:
    """Percent change from baseline within one arm."""
    return lambda runs: effects.percent_change(runs[arm], name, day, from_day)


def pp_difference(name: str, day: float, arm: str, control: str) -> Callable[[Runs], float]:
    """Difference between arms on ``day`` in the column's own unit (percentage points for %)."""
    return lambda runs: effects.value_at(runs[arm], name, day) - effects.value_at(runs[control], name, day)


def change_vs_control(name: str, day: float, arm: str, control: str, scale: float = 1.0) -> Callable[[Runs], float]:
    """Change of ``name`` from day 0 to ``day`` in ``arm`` minus that in ``control``, times ``scale`` (a unit
    conversion; how trials report a difference of changes from baseline)."""
    def measure(runs: Runs) -> float:
        changes = [effects.value_at(runs[label], name, day) - effects.value_at(runs[label], name, 0)
                   for label in (arm, control)]
        return (changes[0] - changes[1]) * scale
    return measure


def onset(name: str, threshold: float, arm: str) -> Callable[[Runs], float]:
    """Day on which ``name`` first reaches ``threshold`` in ``arm`` (inf if never)."""
    return lambda runs: effects.time_to_onset(runs[arm], name, threshold)


def extreme(name: str, how: str, arm: str) -> Callable[[Runs], float]:
    """Min or max of ``name`` over the run in ``arm``."""
    return lambda runs: effects.extreme(runs[arm], name, how)


def value(name: str, day: float, arm: str) -> Callable[[Runs], float]:
    """``name`` on ``day`` in ``arm``."""
    return lambda runs: effects.value_at(runs[arm], name, day)


def change_per_year(name: str, from_year: float, to_year: float, arm: str) -> Callable[[Runs], float]:
    """Mean change of ``name`` per year (negative = loss), in percent of its value at ``from_year``."""
    return lambda runs: effects.annual_percent_change(runs[arm], name, from_year, to_year)


def loss_per_year(name: str, from_year: float, to_year: float, arm: str) -> Callable[[Runs], float]:
    """Mean loss of ``name`` per year (positive = loss), in percent of its value at ``from_year``."""
    return lambda runs: -effects.annual_percent_change(runs[arm], name, from_year, to_year)


def trend(name: str, arm: str) -> Callable[[Runs], float]:
    """Least-squares drift of ``name`` in percent of day 0 per year."""
    return lambda runs: effects.trend_percent_per_year(runs[arm], name)
