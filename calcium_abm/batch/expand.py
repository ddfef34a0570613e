"""Turn a batch into its runs: (scenario, seed, labels) each, with a stable identity.

Everything here is a pure function of the batch file: the same file gives the same runs,
in the same order, with the same seeds, on any machine. A run's id is a hash of its
resolved scenario TOML (which holds its seed) and the output mode, so a resumed batch can
tell finished runs apart.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from calcium_abm.batch.sensitivity import sample_design
from calcium_abm.batch.spec import BatchError, BatchSpec, Range
from calcium_abm.inputs.keys import column_name, resolve_setting, setting_bounds, setting_kind
from calcium_abm.errors import ScenarioError

__all__ = ["RunSpec", "cohort_patients", "expand_runs", "label_column", "run_id_for", "sample_run_ids",
           "sensitivity_design", "sweep_points"]

SEED_LIMIT = 2**31 - 1  # per-run seeds stay well inside what every RNG accepts


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch.

    ``labels`` become leading columns of the run's rows (arm, patient, swept values...);
    ``overrides`` are what was applied to the base scenario; ``scenario_toml`` is the
    whole resolved scenario, enough to repeat the run anywhere.
    """

    index: int
    run_id: str
    seed: int
    labels: dict[str, Any]
    overrides: dict[str, Any]
    scenario_toml: str = field(repr=False)


def run_id_for(scenario_toml: str, output: str) -> str:
    """The stable id of a run: 16 hex digits of SHA-256 over its scenario TOML and output mode."""
    digest = hashlib.sha256(f"{scenario_toml}\n# output = {output}\n".encode()).hexdigest()
    return digest[:16]


def derived_seeds(seed: int, purpose: int, n: int) -> np.ndarray:
    """``n`` independent per-run seeds from the batch seed (``purpose`` separates streams)."""
    state = np.random.SeedSequence([seed, purpose]).generate_state(n, dtype=np.uint64)
    return (state % SEED_LIMIT).astype(np.int64)


def _generator(seed: int, purpose: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, purpose]))


def _typed(path: str, value: Any) -> Any:
    """A value as the setting's type: integers rounded, floats as float."""
    kind = setting_kind(path)
    if kind == "int" and isinstance(value, (float, np.floating)):
        return int(round(float(value)))
    if kind == "float" and isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---------------------------------------------------------------------------- sweep


def _range_values(r: Range, u: np.ndarray) -> np.ndarray:
    """Map uniform [0, 1) numbers onto a range (log-uniform when ``log``)."""
    if r.log:
        return np.exp(math.log(r.min) + u * (math.log(r.max) - math.log(r.min)))
    return r.min + u * (r.max - r.min)


def sweep_points(spec: BatchSpec) -> list[dict[str, Any]]:
    """The sweep's parameter points (dotted path -> value), before replicates.

    ``grid``: every combination, first parameter varying slowest. ``random``: independent
    uniform draws. ``latin_hypercube``: one draw per stratum of each parameter (scipy's
    LatinHypercube). Both samplers are seeded from the batch seed; lists are sampled as
    equally likely choices.
    """
    sweep = spec.sweep
    assert sweep is not None
    paths = [resolve_setting(k, "sweep.parameters") for k in sweep.parameters]
    if sweep.method == "grid":
        axes = []
        for values in sweep.parameters.values():
            if isinstance(values, Range):
                u = np.linspace(0.0, 1.0, values.steps)
                axes.append(list(_range_values(values, u)))
            else:
                axes.append(list(values))
        combos = itertools.product(*axes)
    else:
        n, d = int(sweep.samples), len(paths)
        if sweep.method == "latin_hypercube":
            from scipy.stats import qmc  # lazy: scipy.stats costs ~1 s to import; grids never need it

            u = qmc.LatinHypercube(d=d, rng=_generator(spec.seed, 1)).random(n)
        else:
            u = _generator(spec.seed, 1).random((n, d))
        columns = []
        for j, values in enumerate(sweep.parameters.values()):
            if isinstance(values, Range):
                columns.append(list(_range_values(values, u[:, j])))
            else:
                idx = np.minimum((u[:, j] * len(values)).astype(int), len(values) - 1)
                columns.append([values[i] for i in idx])
        combos = zip(*columns)
    return [{p: _typed(p, v) for p, v in zip(paths, combo)} for combo in combos]


# --------------------------------------------------------------------------- cohort


def _draw(dist, n: int, rng: np.random.Generator) -> np.ndarray:
    if dist.distribution == "normal":
        x = rng.normal(dist.mean, dist.sd, n)
    elif dist.distribution == "uniform":
        x = rng.uniform(dist.min, dist.max, n)
    elif dist.distribution == "lognormal":
        x = dist.median * np.exp(rng.normal(0.0, dist.sigma, n))
    else:
        x = np.full(n, float(dist.value))
    return x


def cohort_patients(spec: BatchSpec) -> list[dict[str, Any]]:
    """The cohort's virtual patients: dotted path -> drawn value, one dict each.

    Draws are made in a fixed order from generators seeded by the batch seed, one stream
    per characteristic (so adding a distribution does not change the others). Values are
    clipped to the distribution's ``min``/``max`` and then to what the scenario allows
    (intakes at 0). ``years_since_menopause`` is drawn only for postmenopausal women.
    """
    cohort = spec.cohort
    assert cohort is not None
    n = cohort.patients
    female = _generator(spec.seed, 10).random(n) < cohort.female_probability
    post = female & (_generator(spec.seed, 11).random(n) < cohort.postmenopausal_probability)
    stages = _generator(spec.seed, 12).choice(6, size=n, p=np.asarray(cohort.ckd_stage_probabilities))
    drawn: dict[str, np.ndarray] = {}
    for j, key in enumerate(sorted(cohort.distributions)):
        dist = cohort.distributions[key]
        path = resolve_setting(key, "cohort.distributions")
        x = _draw(dist, n, _generator(spec.seed, 100 + j))
        lo, hi = setting_bounds(path)
        lo = max(lo, dist.min) if dist.min is not None else lo
        hi = min(hi, dist.max) if dist.max is not None else hi
        x = np.clip(x, lo, hi)
        if path == "patient.years_since_menopause":
            x = np.where(post, x, 0.0)
        drawn[path] = x
    patients = []
    for i in range(n):
        p: dict[str, Any] = {"patient.sex": "female" if female[i] else "male",
                             "patient.postmenopausal": bool(post[i]),
                             "patient.ckd_stage": int(stages[i])}
        for path, x in drawn.items():
            p[path] = float(x[i])
        patients.append(p)
    return patients


def _arm_overrides(arm, patient: dict[str, Any], base) -> dict[str, Any]:
    out = dict(patient)
    for key, value in arm.set.items():
        out[resolve_setting(key, "arms")] = value
    for key, amount in arm.add.items():
        path = resolve_setting(key, "arms")
        section, _, fld = path.partition(".")
        own = out.get(path, base.parameters.get(fld) if section == "parameters" else None)
        if own is None:
            own = getattr(getattr(base, section), fld) if section != "parameters" else _default(fld)
        out[path] = float(own) + float(amount)
    return out


def _default(parameter: str) -> float:
    # lazy: the physiology modules (numba) are needed only by cohorts that add to a parameter,
    # and `calcium-abm summarize` imports this module without simulating anything
    from calcium_abm.physiology import parameter_registry

    return float(parameter_registry()[parameter].value)


# ---------------------------------------------------------------------- sensitivity


def sensitivity_design(spec: BatchSpec) -> tuple[dict[str, Any], np.ndarray]:
    """The SALib problem and the sample matrix (one row per model evaluation)."""
    sens = spec.sensitivity
    assert sens is not None
    bounds = {column_name(resolve_setting(k, "sensitivity")): tuple(v) for k, v in sens.parameters.items()}
    return sample_design(sens.method, bounds, trajectories=sens.trajectories, levels=sens.levels,
                         samples=sens.samples, seed=spec.seed)


# ---------------------------------------------------------------------------- expand


@functools.cache
def _output_columns() -> frozenset[str]:
    # lazy: outputs imports Mesa (~1 s), which `calcium-abm summarize` does not otherwise need
    from calcium_abm.outputs import COLUMNS

    return frozenset(COLUMNS)


def label_column(path: str) -> str:
    """The column of a setting's value in a run's rows (sweep values, drawn patient values).

    Its short name (``diet.mk7_ug_per_day`` -> ``mk7_ug_per_day``), unless that is also a
    recorded output column: then the section joins it (``simulation.years`` ->
    ``simulation_years``, since ``years`` is each recorded day's time).
    """
    name = column_name(path)
    return path.replace(".", "_") if name in _output_columns() else name


def _labels_for(overrides: dict[str, Any]) -> dict[str, Any]:
    return {label_column(p): v for p, v in overrides.items()}


def expand_runs(spec: BatchSpec) -> list[RunSpec]:
    """Every run of the batch, validated, in a fixed order.

    Raises :class:`BatchError` if a run's scenario does not validate (naming the run and
    the setting), or if two runs would be identical (sweeps and cohorts; a sensitivity
    design runs identical points once, see :func:`sample_run_ids`).
    """
    base = spec.base_scenario()
    plans: list[tuple[dict[str, Any], dict[str, Any], int]] = []  # (labels, overrides, seed)
    if spec.sweep is not None:
        points = sweep_points(spec)
        seeds = derived_seeds(spec.seed, 2, spec.sweep.replicates)  # shared by all points
        for pi, point in enumerate(points):
            for r, seed in enumerate(seeds):
                plans.append(({"point": pi, "replicate": r, **_labels_for(point)}, point, int(seed)))
    elif spec.cohort is not None:
        patients = cohort_patients(spec)
        seeds = derived_seeds(spec.seed, 3, len(patients))  # one per patient, shared by its arms
        if spec.cohort.design == "crossover":
            assignment = [list(range(len(spec.arms)))] * len(patients)
        else:  # balanced parallel-group randomisation
            k = len(spec.arms)
            arms = _generator(spec.seed, 4).permutation(np.resize(np.arange(k), len(patients)))
            assignment = [[int(a)] for a in arms]
        for i, (patient, arm_indices) in enumerate(zip(patients, assignment)):
            for a in arm_indices:
                arm = spec.arms[a]
                labels = {"arm": arm.name, "patient": i, **_labels_for(patient)}
                plans.append((labels, _arm_overrides(arm, patient, base), int(seeds[i])))
    else:
        _problem, x = sensitivity_design(spec)
        paths = [resolve_setting(k, "sensitivity") for k in spec.sensitivity.parameters]
        seen: set[tuple] = set()
        for row in x:
            key = tuple(float(v) for v in row)
            if key in seen:
                continue  # Morris trajectories may share points; each runs once
            seen.add(key)
            point = {p: float(v) for p, v in zip(paths, row)}
            plans.append((_labels_for(point), point, int(spec.seed)))
    runs: list[RunSpec] = []
    ids: dict[str, int] = {}
    for index, (labels, overrides, seed) in enumerate(plans):
        try:
            scenario = base.with_overrides({**overrides, "simulation.seed": seed})
        except ScenarioError as exc:
            shown = ", ".join(f"{column_name(k)} = {v!r}" for k, v in overrides.items()) or "no overrides"
            raise BatchError(f"run {index + 1} ({shown}) is not a valid scenario: {exc}") from None
        toml = scenario.to_toml()
        run_id = run_id_for(toml, spec.output)
        if run_id in ids:
            raise BatchError(f"runs {ids[run_id] + 1} and {index + 1} would be identical "
                             f"({_describe(labels)} vs {_describe(runs[ids[run_id]].labels)}); "
                             "make the arms or the swept values differ")
        ids[run_id] = index
        runs.append(RunSpec(index, run_id, seed, {"run_index": index, "run_id": run_id, "seed": seed, **labels},
                            {k: v for k, v in overrides.items()}, toml))
    return runs


def sample_run_ids(spec: BatchSpec, runs: list[RunSpec]) -> list[str]:
    """For a sensitivity batch: the run id of each row of the sample matrix, in order."""
    _problem, x = sensitivity_design(spec)
    names = [label_column(resolve_setting(k, "sensitivity")) for k in spec.sensitivity.parameters]
    by_point = {tuple(float(r.labels[n]) for n in names): r.run_id for r in runs}
    return [by_point[tuple(float(v) for v in row)] for row in x]


def _describe(labels: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in labels.items() if k not in ("run_index", "run_id", "seed"))
