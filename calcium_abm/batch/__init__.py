"""Batches of runs: parameter sweeps, virtual-cohort trials and sensitivity analyses.

Quick start::

    from calcium_abm.batch import run_batch, load_results, summarize

    run_batch("examples/batches/mk7_trial.toml", "trial_out", workers=2, progress=True)
    daily = load_results("trial_out")          # a row per run per recorded day
    tables = summarize("trial_out")            # DataFrames; also writes trial_out/summary/

See ``docs/batch.md`` for the batch-file format, Dask clusters and resuming.
"""

import importlib
from typing import Any

# Lazy exports: a worker process that only runs simulations (it unpickles
# calcium_abm.batch.runner.execute_run) should not pay for importing scipy.stats,
# SALib and matplotlib.
_EXPORTS = {
    "analysis": ("group_statistics", "mean_ci", "relative_risks", "run_outcomes", "summarize", "trial_effects"),
    "expand": ("RunSpec", "cohort_patients", "expand_runs", "sweep_points"),
    "runner": ("RunFailed", "run_batch"),
    "sensitivity": ("morris_screening", "sensitivity_indices", "sobol_indices"),
    "spec": ("BatchError", "BatchSpec", "load_batch", "parse_batch_toml"),
    "store": ("load_manifest", "load_results"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'calcium_abm.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"calcium_abm.batch.{module}"), name)


__all__ = [  # noqa: F822 - provided by __getattr__
    "BatchError", "BatchSpec", "RunFailed", "RunSpec", "cohort_patients", "expand_runs", "group_statistics",
    "load_batch", "load_manifest", "load_results", "mean_ci", "morris_screening", "parse_batch_toml",
    "relative_risks", "run_batch", "run_outcomes", "sensitivity_indices", "sobol_indices", "summarize",
    "sweep_points", "trial_effects",
]
