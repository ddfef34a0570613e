"""The media's daily readout tallies: one pass over the wall (:func:`vessel_tallies`), in the
order the wall kernel (:func:`.calcification.vessel_day`) adds them, so both give the same sums."""

from __future__ import annotations

import numba
import numpy as np

from calcium_abm.physiology.carboxylation import production_weighted_mean
from calcium_abm.physiology.wall_laws import mgp_producing_cells

__all__ = ["vessel_tallies", "wall_mineral_sum"]


@numba.njit(cache=True, error_model="numpy")
def vessel_tallies(osteochondrogenic, mineral, calcified_threshold, carboxylated_by_depth, osteo_mgp_factor):
    """One pass over the media for the daily readouts: (mineral sum in patch volumes,
    patches with mineral above ``calcified_threshold``, osteochondrogenic cells, and the
    carboxylated share of the MGP made today: each depth's carboxylated fraction weighted
    by :func:`mgp_producing_cells`, via :func:`~.carboxylation.production_weighted_mean`)."""
    w, h = mineral.shape
    mineral_sum = 0.0
    n_calcified = 0
    osteo_by_depth = np.zeros(h, dtype=np.int64)
    for i in range(w):
        for j in range(h):
            m = mineral[i, j]
            mineral_sum += m
            if m > calcified_threshold:
                n_calcified += 1
            if osteochondrogenic[i, j]:
                osteo_by_depth[j] += 1
    cells = np.empty(h)
    for j in range(h):
        cells[j] = mgp_producing_cells(w, osteo_by_depth[j], osteo_mgp_factor)
    carboxylated_share = production_weighted_mean(carboxylated_by_depth, cells)
    return mineral_sum, n_calcified, int(osteo_by_depth.sum()), carboxylated_share


@numba.njit(cache=True, error_model="numpy")
def wall_mineral_sum(mineral):
    """Sum of the media's mineral (patch volumes), added in the order :func:`vessel_tallies` adds it."""
    total = 0.0
    for m in mineral.ravel():
        total += m
    return total
