"""The media's starting state: MGP and the VSMC phenotype at the steady state of the day-0 inputs.

A diet or drug set in the base scenario is lifelong (ODD §5), so the wall must start where its
own rules leave it under those inputs. The carboxylated share of new MGP is fixed by the day-0
vitamin K status, but how much MGP a patch holds also depends on its cell's phenotype
(osteochondrogenic cells make ``osteochondrogenic_mgp_synthesis_factor`` times more), and the
phenotype depends on the MGP (unopposed BMP-2 drives the switch): under warfarin about 70 % of
the cells are osteochondrogenic at steady state, against a few % in health. Starting every cell
contractile made dp-ucMGP drift by +70 % in the first year of a lifelong warfarin scenario.

The state is found by running the wall's own day (:func:`.calcification.vessel_day`'s
:func:`.calcification.wall_day`, compiled from its one definition: :func:`_wall_steps`) on the
phenotype and MGP arrays for ``days`` physiological days under the day-0 carboxylation profile
and serum phosphate, with the mineral laws fed nothing (blood supplies no calcium before day 0,
and the deposits, nuclei and cell generations of the spin-up go to scratch arrays): mineral does
not act on the phenotype or MGP, so only the mineral's history is left out (the media starts free
of mineral, ODD §5). The draws come from their own stream, derived from the run's seed, so the
run's stream after day 0 is the same as without the spin-up.
"""

from __future__ import annotations

import dataclasses
import math

import numba
import numpy as np

from calcium_abm.physiology import calcification, compiled_laws
from calcium_abm.physiology.carboxylation import ucmgp_release_relative
from calcium_abm.physiology.intima import Intima
from calcium_abm.random_stream import RandomStream, fill_float32_uniforms

#: the spin-up's random stream: ``numpy.random.default_rng((seed, WALL_STREAM))``
WALL_STREAM = 1


def start_wall_at_steady_state(wall: calcification.VesselWall, carboxylated_by_depth: np.ndarray,
                               mgp_made_per_cell: float, phosphate_rel: float, p, seed: int, dt: float,
                               days: float) -> float:
    """Put the media's MGP and VSMC phenotypes at the steady state of the day-0 inputs, in place,
    and return the uncarboxylated MGP release relative to a healthy media's
    (:func:`.carboxylation.ucmgp_release_relative`, the input of plasma dp-ucMGP's steady state).

    MGP first takes the steady state of contractile cells (cMGP = carboxylated share, ucMGP = the
    rest, in healthy units); then the wall's day runs for ``ceil(days / dt)`` steps (module
    docstring). ``mgp_made_per_cell`` 0 (the MGP knockout) leaves the wall as it is born: no MGP,
    every cell contractile (the knockout's runs start at birth, rows 1 and 1b).

    Args:
        carboxylated_by_depth: share of new MGP fully carboxylated at each depth, shape (1, H).
        mgp_made_per_cell: MGP a contractile cell makes per step (:func:`.calcification.mgp_synthesis_per_step`).
        phosphate_rel: day-0 serum phosphate / reference (the species' factor is the wall's).
        seed: the run's seed (the spin-up draws from ``(seed, WALL_STREAM)``).
        dt: physiological days per step; ``days``: physiological days of the spin-up.
    """
    carboxylated = np.broadcast_to(carboxylated_by_depth, wall.cmgp.shape)
    synthesis = 1.0 if mgp_made_per_cell > 0.0 else 0.0
    wall.cmgp[:] = synthesis * carboxylated
    wall.ucmgp[:] = synthesis * (1.0 - carboxylated)
    if mgp_made_per_cell <= 0.0:
        return 0.0
    scratch = dataclasses.replace(wall, mineral=np.zeros_like(wall.mineral), generation=np.zeros_like(wall.generation),
                                  intima=Intima(), mineral_root=None,
                                  deposit_coat=None)  # shares the phenotype and MGP arrays with the wall
    rng = np.random.default_rng((seed, WALL_STREAM))
    steps = int(math.ceil(days / dt))
    if steps <= 0:
        return float(np.mean(1.0 - carboxylated))
    inputs = calcification.wall_day_inputs(scratch, carboxylated_by_depth, p, rng, dt)  # draws the first day's uniforms
    ucmgp_made = _wall_steps(steps, inputs, mgp_made_per_cell, phosphate_rel, compiled_laws.law_parameters(p),
                             RandomStream(rng), dt)
    return ucmgp_release_relative(ucmgp_made, wall.mineral.size, mgp_made_per_cell)


@numba.njit(cache=True, error_model="numpy")
def _wall_steps(steps, inputs, mgp_made_per_cell, phosphate_rel, p_record, stream, dt):
    """``steps`` days of the wall's day (:func:`.calcification.wall_day`, compiled from its one
    definition) on :func:`.calcification.wall_day_inputs` ``inputs`` (a scratch wall, its intima
    left out: nothing reads it), at a reference Ca x P and no blood supply; each day after the first
    draws its uniforms into the inputs' array from ``stream`` in the order numpy draws them. Returns
    the last day's uncarboxylated MGP made (healthy units x patches)."""
    p, uniforms = p_record[0], inputs[8].reshape(inputs[8].size)
    ucmgp_made = 0.0
    for step in range(steps):
        if step:
            fill_float32_uniforms(stream, uniforms)
        ucmgp_made = calcification.wall_day(*inputs, mgp_made_per_cell, phosphate_rel, 1.0, 0.0, 1.0, p, dt)[2]
    return ucmgp_made
