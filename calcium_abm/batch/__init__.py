"""Batches of runs: parameter sweeps, virtual-cohort trials and sensitivity analyses.

Quick start::

    from calcium_abm.batch import run_batch, load_results, summarize

    if __name__ == "__main__":  # spawned workers import the script again: only the parent starts the batch
        run_batch("examples/batches/mk7_trial.toml", "trial_out", workers=2, progress=True)
        daily = load_results("trial_out")          # a row per run per recorded day
        tables = summarize("trial_out")            # DataFrames; also writes trial_out/summary/

See ``docs/batch.md`` for the batch-file format, Dask clusters and resuming.
"""

import importlib
from typing import Any

# The layers, bottom-up (no module imports one above it; tests/test_import_graph.py):
#   spec -> sensitivity (SALib design) -> expand -> store -> runner -> statistics -> plots
#   -> analysis -> power
# Lazy exports: a worker process that only runs simulations (it unpickles
# calcium_abm.batch.runner.execute_run) should not pay for importing scipy.stats,
# SALib and matplotlib.
_EXPORTS = {
    "analysis": ("run_outcomes", "sensitivity_indices", "summarize"),
    "expand": ("RunSpec", "cohort_patients", "expand_runs", "sweep_points"),
    "power": ("power_curve", "power_design", "plot_power_curve"),
    "runner": ("RunFailed", "run_batch", "run_tasks"),
    "sensitivity": ("morris_screening", "sobol_indices"),
    "spec": ("BatchError", "BatchSpec", "load_batch", "parse_batch_toml"),
    "statistics": ("ancova_effects", "baseline_table", "difference_of_means", "group_statistics", "mean_ci",
                   "relative_risks", "trial_effects"),
    "store": ("StoredBatch", "load_manifest", "load_results", "open_batch"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'calcium_abm.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"calcium_abm.batch.{module}"), name)


__all__ = sorted(_WHERE)  # noqa: F822 - provided by __getattr__
