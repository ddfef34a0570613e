"""Virtual populations for validation rows that describe a population (rows A2, 21).

A population is drawn with the cohort machinery of ``calcium-abm batch``
(:func:`calcium_abm.batch.cohort_patients`: the same distributions, streams and checks as a
cohort file), and each virtual patient becomes one :class:`~calcium_abm.validation.design.Arm`
of the experiment. The validation runner then runs every patient with each seed, and a
population measure (a percentile, a mean by sex) is computed across the patients of one
seed. What is drawn are the person's characteristics (age, sex, traits); outcomes such as
the calcification score come out of the rules over the simulated life course.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcium_abm.batch.expand import cohort_patients
from calcium_abm.batch.spec import load_batch
from calcium_abm.validation import effects
from calcium_abm.validation.design import Arm, Runs

__all__ = ["DOCUMENTED_TRAITS", "Population", "draw_by_sex", "draw_population", "mean_by_group", "percentile_by_sex",
           "share_at_most", "top_quartile_log_contrast"]

#: person-level traits drawn from their documented distributions in every validation population
DOCUMENTED_TRAITS = ("calcification_propensity", "remodeling_balance", "calcium_absorption_efficiency",
                     "vitamin_k_disposition", "peak_bone_mass", "wall_plaque_growth")


@dataclass(frozen=True)
class Population:
    """A drawn population: one arm per patient, and what each patient is (drawn values)."""

    arms: tuple[Arm, ...]
    people: Mapping[str, Mapping[str, Any]]  # arm label -> the patient's drawn dotted settings

    def prefixed(self, prefix: str) -> Population:
        """This population with ``prefix`` before each patient's label (two populations in one experiment)."""
        return Population(tuple(dataclasses.replace(arm, label=f"{prefix} {arm.label}") for arm in self.arms),
                          {f"{prefix} {label}": person for label, person in self.people.items()})

    def labels(self, where: Callable[[Mapping[str, Any]], bool]) -> list[str]:
        """The labels of the patients for whom ``where(drawn settings)`` holds."""
        return [label for label, person in self.people.items() if where(person)]


def draw_population(cohort: Mapping[str, Any], *, seed: int,
                    settings: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                    scenario: str = "healthy_adult") -> Population:
    """Draw ``cohort`` (a ``[cohort]`` table of a batch file on the built-in ``scenario``, whose own
    values the draw keeps, e.g. ``ckd_stage5``'s stage) with batch seed ``seed``; each arm runs on ``scenario``.

    Every documented trait not named in ``cohort["distributions"]`` is drawn from its
    documented distribution. ``settings(person)`` turns a patient's drawn values into the
    arm's settings (e.g. to start a life course younger than the age drawn); by default
    the drawn values themselves.

    Raises:
        BatchError: the cohort table does not validate (as for a batch file).
    """
    table = {**cohort, "distributions": {**{t: {"distribution": "documented"} for t in DOCUMENTED_TRAITS},
                                         **dict(cohort.get("distributions", {}))}}
    spec = load_batch({"scenario": scenario, "seed": seed, "cohort": table, "arms": [{"name": "observed"}]})
    arms, people = [], {}
    for i, person in enumerate(cohort_patients(spec)):
        sex = person["patient.sex"]
        label = f"{'woman' if sex == 'female' else 'man'} {i + 1}, {person['patient.age_years']:.1f} y"
        arms.append(Arm(label, scenario, settings(dict(person)) if settings else person))
        people[label] = person
    return Population(tuple(arms), people)


def _final(df, name: str) -> float:
    return effects.value_at(df, name, float(df["day"].iloc[-1]))


def draw_by_sex(cohort: Mapping[str, Any], per_sex: int, *, seed: int,
                settings: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                scenario: str = "healthy_adult") -> Population:
    """``per_sex`` men (batch seed ``seed``) and ``per_sex`` women (seed ``seed + 1``), each
    drawn as :func:`draw_population` with ``sex = { choice = [...] }`` set to one sex (the men
    without ``postmenopausal_probability``, which a cohort without women refuses)."""
    parts = [draw_population({**{k: v for k, v in cohort.items() if sex == "female" or k != "postmenopausal_probability"},
                              "patients": per_sex,
                              "distributions": {**cohort.get("distributions", {}), "sex": {"choice": [sex]}}},
                             seed=seed + i, settings=settings, scenario=scenario)
             for i, sex in enumerate(("male", "female"))]
    return Population(parts[0].arms + parts[1].arms, {**parts[0].people, **parts[1].people})


def percentile_by_sex(population: Population, sex: str, q: float, name: str) -> Callable[[Runs], float]:
    """The ``q``-th percentile (0-100) of ``name`` at the end of each run, across the patients
    of ``sex`` (numpy's default linear interpolation between order statistics)."""
    labels = population.labels(lambda p: p["patient.sex"] == sex)
    return lambda runs: float(np.percentile([_final(runs[label], name) for label in labels], q))


def share_at_most(population: Population, sex: str, name: str, limit: float) -> Callable[[Runs], float]:
    """Share (0-1) of the patients of ``sex`` whose ``name`` is at most ``limit`` at the end."""
    labels: Sequence[str] = population.labels(lambda p: p["patient.sex"] == sex)
    return lambda runs: float(np.mean([_final(runs[label], name) <= limit for label in labels]))


def mean_by_group(population: Population, where: Callable[[Mapping[str, Any]], bool],
                  per_patient: Callable[[Any], float]) -> Callable[[Runs], float]:
    """The mean of ``per_patient(table)`` over the patients for whom ``where`` holds."""
    labels = population.labels(where)
    return lambda runs: float(np.mean([per_patient(runs[label]) for label in labels]))


def top_quartile_log_contrast(population: Population, where: Callable[[Mapping[str, Any]], bool], by: str,
                              name: str) -> Callable[[Runs], float]:
    """How much higher ``name`` is in the top quartile of ``by`` than in the other three, on the
    log scale: ``ln(median + 1)`` of ``name`` over the patients (those for whom ``where`` holds)
    whose ``by`` lies above its 75th percentile, minus the same over the rest; both read at the
    end of each run. 0 when ``name`` does not go with ``by``."""
    labels = population.labels(where)

    def measure(runs: Runs) -> float:
        by_values = np.array([_final(runs[label], by) for label in labels])
        values = np.array([_final(runs[label], name) for label in labels])
        top = by_values > np.percentile(by_values, 75)
        return float(np.log1p(np.median(values[top])) - np.log1p(np.median(values[~top])))
    return measure


def share_above(population: Population, name: str, limit: float) -> Callable[[Runs], float]:
    """Share (0-1) of all the patients whose ``name`` exceeds ``limit`` at the end of their run
    (a prevalence: e.g. of a detectable medial calcification)."""
    labels = list(population.people)
    return lambda runs: float(np.mean([_final(runs[label], name) > limit for label in labels]))
