"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

Two layers:

* :func:`morris_screening` / :func:`sobol_indices` take any Python function of a
  DataFrame of parameter values (one row per evaluation) and return the indices. They are
  the pure wrappers (tested on a toy model whose answer is known).
* :func:`calcium_abm.batch.analysis.sensitivity_indices` analyses a finished
  ``[sensitivity]`` batch, whose runs the ordinary batch runner made (serial, process
  pool or Dask), with :func:`analyze_design`.

A leaf of ``batch/``: the design is drawn here (for ``expand``) and analysed here (for
``analysis``), so both import this module and it imports neither. SALib is imported inside
the functions: a worker process that only simulates never loads it.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import counted, short_repr

__all__ = ["analyze_design", "morris_screening", "sample_design", "sobol_indices"]

NUM_RESAMPLES = 200  # bootstrap resamples for the confidence intervals
CONSTANT_WARNING = ("the output is the same in every run, so no parameter moves it over these ranges "
                    "(S1 and ST, shares of a variance of 0, are given as 0)")
SOBOL_MARGIN = 0.05  # a Sobol index this far outside [0, 1] is sampling noise: too few samples (assumption)


def _problem(bounds: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    names = list(bounds)
    return {"num_vars": len(names), "names": names, "bounds": [list(map(float, bounds[n])) for n in names]}


def _check_design(bounds: Any, **numbers: Any) -> None:
    """Refuse what SALib would fail on, or take silently (a seed of -1), naming the argument and the value."""
    if not isinstance(bounds, Mapping) or len(bounds) < 2:
        raise UserInputError(f"bounds = {short_repr(bounds, 80)} "
                             "is not allowed: name at least 2 parameters to compare, "
                             "e.g. {'mk7_ug_per_day': (0, 360), 'calcium_mg_per_day': (500, 2000)}")
    for name, pair in bounds.items():
        ok = isinstance(pair, (tuple, list)) and len(pair) == 2 and all(
            isinstance(v, (int, float, np.number)) and not isinstance(v, bool) and np.isfinite(v) for v in pair)
        if not ok or not pair[1] > pair[0]:
            raise UserInputError(f"bounds[{name!r}] = {short_repr(pair, 60)} "
                                 "is not allowed: must be (low, high) with finite "
                                 "numbers and high > low")
    limits = {"trajectories": (2, 10_000), "levels": (2, 100), "samples": (2, 65_536), "seed": (0, 2**63 - 1)}
    for key, value in numbers.items():
        low, high = limits[key]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high or (
                key == "samples" and value & (value - 1)):
            what = "a power of 2" if key == "samples" else "a whole number"
            raise UserInputError(f"{key} = {short_repr(value, 40)} is not allowed: must be {what} from {low} to {high}")


def sample_design(method: str, bounds: Mapping[str, tuple[float, float]], *, trajectories: int = 10,
                  levels: int = 4, samples: int = 64, seed: int = 0) -> tuple[dict[str, Any], np.ndarray]:
    """The SALib problem and sample matrix for ``method`` (``"morris"`` or ``"sobol"``).

    Morris: ``trajectories * (k + 1)`` rows on a ``levels``-level grid. Sobol (Saltelli's
    scheme, first and total order): ``samples * (k + 2)`` rows; ``samples`` a power of 2.
    """
    _check_design(bounds, trajectories=trajectories, levels=levels, samples=samples, seed=seed)
    problem = _problem(bounds)
    seed = int(seed) % (2**32)
    if method == "morris":
        from SALib.sample import morris  # lazy: see the module docstring

        x = morris.sample(problem, trajectories, num_levels=levels, seed=seed)
    elif method == "sobol":
        from SALib.sample import sobol  # lazy: see the module docstring

        x = sobol.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    else:
        raise UserInputError(f"method = {method!r} is not allowed: must be \"morris\" or \"sobol\"")
    return problem, np.asarray(x, dtype=float)


def analyze_design(method: str, problem: Mapping[str, Any], x: np.ndarray, y: np.ndarray, *,
                   levels: int = 4, seed: int = 0, output: str = "y") -> pd.DataFrame:
    """Indices for one output ``y`` (one value per row of ``x``), a row per parameter.

    Morris columns: ``mu``, ``mu_star``, ``sigma``, ``mu_star_conf``; Sobol: ``S1``,
    ``S1_conf``, ``ST``, ``ST_conf``. Rows are sorted by importance (``mu_star`` or ``ST``).
    """
    y = np.asarray(y, dtype=float)
    bad = int((~np.isfinite(y)).sum())
    if bad:
        raise UserInputError(f"output '{output}' is not a finite number in {bad} of {len(y)} evaluations; "
                             "choose another outcome or narrower ranges")
    seed = int(seed) % (2**32)
    if method == "morris":
        from SALib.analyze import morris  # lazy: see the module docstring

        res = morris.analyze(dict(problem), x, y, num_resamples=NUM_RESAMPLES, conf_level=0.95,
                             num_levels=levels, seed=seed)
        cols = ["mu", "mu_star", "sigma", "mu_star_conf"]
        key = "mu_star"
    else:
        from SALib.analyze import sobol  # lazy: see the module docstring

        cols = ["S1", "S1_conf", "ST", "ST_conf"]
        key = "ST"
        constant = bool(np.ptp(y) == 0)  # no variance to share out: SALib divides 0 by 0 (and warns)
        # a Generator, not the int: SALib's sobol.analyze seeds only ``if seed:``, so seed 0 (the default
        # batch seed) drew its bootstrap from numpy's global state and the CIs changed on every analysis;
        # default_rng(Generator) is that Generator, so any other seed gives the same numbers as before
        res = {c: np.zeros(problem["num_vars"]) for c in cols} if constant else sobol.analyze(
            dict(problem), y, calc_second_order=False, num_resamples=NUM_RESAMPLES, conf_level=0.95,
            seed=np.random.default_rng(seed))
    frame = pd.DataFrame({"parameter": list(problem["names"]), **{c: np.asarray(res[c], float) for c in cols}})
    if method == "sobol":
        frame["warning"] = [CONSTANT_WARNING if constant else _sobol_warning(row) for row in frame.itertuples()]
    frame.insert(0, "output", output)
    frame = frame.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(2, "rank", np.arange(1, len(frame) + 1))
    return frame


def _sobol_warning(row) -> str:
    """Why a Sobol row is not to be trusted: an index outside [0, 1] (beyond a rounding margin
    of 0.05), or a confidence interval wider than [0, 1] itself (both mean too few samples)."""
    for name in ("S1", "ST"):
        index, half = getattr(row, name), getattr(row, f"{name}_conf")
        if not -SOBOL_MARGIN <= index <= 1 + SOBOL_MARGIN or half > 0.5:
            return (f"too few samples: {name} = {index:.3g} ± {half:.3g} (indices lie within 0 and 1); "
                    "raise sensitivity.samples")
    return ""


def _evaluate(model: Callable[[pd.DataFrame], Any], problem, x: np.ndarray) -> pd.DataFrame:
    """``model`` at the design's points: a DataFrame of outputs, a row per point. UserInputError (the function's
    own error chained) where it fails on the design or does not return a number per point: a fresh user's
    ``lambda d: 5.0`` failed inside SALib with ZeroDivisionError and ``lambda x: x[0]`` with KeyError: 0."""
    design = pd.DataFrame(x, columns=problem["names"])
    wants = (f"it is called once with a DataFrame of the design's {len(design)} points (a column per parameter: "
             f"{', '.join(problem['names'])}) and must return {len(design)} numbers, or a DataFrame of "
             f"{len(design)} rows with a column per output")
    try:
        out = model(design)
    except UserInputError:  # a refusal of the package's own (a simulate() inside the function): as it is
        raise
    except Exception as exc:  # the user's function: its error, said with what it was given
        raise UserInputError(f"the model function raised {type(exc).__name__}: {short_repr(str(exc), 200)}; "
                             f"{wants}") from exc
    shape = getattr(out, "shape", None)
    shown = f"{type(out).__name__} of shape {shape}" if isinstance(shape, tuple) else short_repr(out, 60)
    try:
        frame = out.reset_index(drop=True).astype(float) if isinstance(out, pd.DataFrame) \
            else pd.DataFrame({"y": np.asarray(out, dtype=float).reshape(-1)})
    except (TypeError, ValueError):
        raise UserInputError(f"the model function returned {shown}, not numbers; {wants}") from None
    if frame.shape[1] == 0 or len(frame) != len(design) or (isinstance(shape, tuple) and len(shape) > 1
                                                             and not isinstance(out, pd.DataFrame) and shape[1:] != (1,)):
        raise UserInputError(f"the model function returned {shown} for {len(design)} points; {wants}")
    return frame


def morris_screening(model: Callable[[pd.DataFrame], Any], bounds: Mapping[str, tuple[float, float]], *,
                     trajectories: int = 10, levels: int = 4, seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects of ``model`` over ``bounds`` (name -> (low, high)).

    ``model`` gets a DataFrame (a column per parameter, a row per evaluation) and returns
    an array of outputs or a DataFrame of several. Returns one row per output and parameter.
    """
    problem, x = sample_design("morris", bounds, trajectories=trajectories, levels=levels, seed=seed)
    y = _evaluate(model, problem, x)
    return pd.concat([analyze_design("morris", problem, x, y[c].to_numpy(), levels=levels, seed=seed, output=c)
                      for c in y.columns], ignore_index=True)


def sobol_indices(model: Callable[[pd.DataFrame], Any], bounds: Mapping[str, tuple[float, float]], *,
                  samples: int = 256, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of ``model`` (see :func:`morris_screening`)."""
    problem, x = sample_design("sobol", bounds, samples=samples, seed=seed)
    y = _evaluate(model, problem, x)
    return pd.concat([analyze_design("sobol", problem, x, y[c].to_numpy(), seed=seed, output=c)
                      for c in y.columns], ignore_index=True)
