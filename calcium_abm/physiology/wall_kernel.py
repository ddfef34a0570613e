"""The media's day as one compiled kernel over its patches (:func:`.calcification.vessel_day`'s rules).

The laws it applies are the small compiled functions of :mod:`.wall_laws`, inlined; its
constants and drives are the records :func:`.calcification.wall_day` fills, and its parameters
are declared in :mod:`.calcification`. Kept apart from that module for its size.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from calcium_abm.physiology.carboxylation import production_weighted_mean
from calcium_abm.physiology.wall_laws import (SERIES_BELOW, cube_root_guess_near, cube_root_refined,
                                              deposit_coat_after_day, deposit_growth_demand, mgp_free_fraction,
                                              mgp_producing_cells, one_minus_exp, one_minus_exp_series,
                                              phenotype_weight)

__all__ = ["vessel_day_kernel"]


@numba.njit(cache=True, error_model="numpy")
def vessel_day_kernel(osteo, cmgp, ucmgp, mineral, mineral_root, coat, generation, carboxylated_by_depth, u, k_record,
                      drives_record, mg_per_unit):
    """The rules of :func:`.calcification.vessel_day`, patch by patch (every patch is independent);
    ``k_record`` / ``drives_record`` are :func:`~calcium_abm.parameters.kernel_record` s of a
    :class:`.calcification.VesselConstants` / :class:`.calcification.VesselDrives`, read by field name.

    Pass 1a computes, for every patch at once (element-wise, so it vectorises), MGP's decay and
    synthesis, the share not inhibited, each deposit's refined cube root and wanted growth, and the
    cell's switching and nucleation rates. Pass 1b then goes patch by patch in order: the growth
    of a deposit whose root needs ``pow`` and the cell's fate from its uniform ``u``
    (apoptosis, switching or, in the rest of ``u``'s range, nucleation of a crystal by a matrix
    vesicle; mineral seeded where a cell died or a crystal nucleated; regression). Pass 3 adds
    the growth, scaled down if blood cannot supply it all, and tallies the wall for the day's
    readouts (as :func:`.wall_readouts.vessel_tallies`). A patch's fate and growth use its
    phenotype at the start of the day. ``mineral_root`` holds each deposit's cube root from the
    day before, from which :func:`.wall_laws.cube_root_near` refines today's (a cache: the
    result is the cube root to round-off whatever it holds); ``coat`` holds each deposit's
    osteopontin cover, which damps its growth and then rises (:func:`.wall_laws.deposit_coat_after_day`).
    The numbers are those of doing every step patch by patch, bit for bit (the sums are added in
    patch order; ``tests/test_kernels.py``).

    Returns (deposited mg, regressed mg, ucMGP made, MGP made, switches on, off, apoptoses, the
    wall's active MGP sum, the readout tallies).
    """
    k, drives = k_record[0], drives_record[0]
    w, h = osteo.shape
    osteo_f, cmgp_f, ucmgp_f, mineral_f = osteo.ravel(), cmgp.ravel(), ucmgp.ravel(), mineral.ravel()
    root_f, coat_f = mineral_root.ravel(), coat.ravel()
    generation_f, u_f = generation.ravel(), u.ravel()
    # the records' fields as locals, so the loops below read registers
    mgp_made_per_cell, drive_free = drives.mgp_made_per_cell, drives.drive_free
    mgp_keep, osteo_factor, uc_weight, half_saturation = k.mgp_keep, k.osteo_mgp_factor, k.uc_weight, k.half_saturation
    growth_per_day, nucleation_per_day, contractile_fraction = (k.growth_per_day, k.nucleation_per_day,
                                                                k.contractile_growth_fraction)
    p_apoptosis, coat_keep = k.p_apoptosis, k.coat_uncovered_keep
    made_c, made_uc = np.empty(h), np.empty(h)  # (un)carboxylated MGP a contractile cell makes today, by depth
    for j in range(h):
        made_c[j] = mgp_made_per_cell * carboxylated_by_depth[j]
        made_uc[j] = mgp_made_per_cell - made_c[j]
    growth = np.empty(w * h)
    osteo_by_depth = np.zeros(h, dtype=np.int64)
    active_sum = 0.0  # cMGP + w ucMGP over the wall (the intima's MGP input)
    want = regressed = 0.0
    n_on = n_off = n_dead = 0
    # pass 1a, element-wise with no branch and no sum, so that it vectorises (the cube roots'
    # divisions were the kernel's costliest part): MGP, the active MGP and the share not inhibited,
    # each deposit's refined cube root and wanted growth (the rare deposit whose guess is not near is
    # grown in 1b with pow), the regression series and the cell's switching and nucleation rates: the
    # per-patch arithmetic 1b would do one patch at a time (~4 % of the kernel's time); a row at a
    # time, so that its results are still in cache when 1b reads them
    free_f, lost_f, active_f, grown_f = np.empty(h), np.empty(h), np.empty(h), np.empty(h)
    rate_f, nucleation_f, root_far = np.empty(h), np.empty(h), np.empty(h, dtype=np.bool_)
    regression = k.regression_per_step
    switch_back, switch_on = k.switch_back_per_step, drives.switch_on_per_step
    for i in range(w):
        for j in range(h):
            q = i * h + j
            # MGP decays, then today's synthesis (osteochondrogenic cells make more)
            o = osteo_f[q]
            synthesis = osteo_factor if o else 1.0
            c = cmgp_f[q] * mgp_keep + synthesis * made_c[j]
            uc = ucmgp_f[q] * mgp_keep + synthesis * made_uc[j]
            cmgp_f[q], ucmgp_f[q] = c, uc
            active_f[j] = c + uc_weight * uc
            free_f[j] = free = mgp_free_fraction(c, uc, uc_weight, half_saturation)
            m, guess = mineral_f[q], root_f[q]
            root_f[q] = root = cube_root_refined(m, guess) if cube_root_guess_near(m, guess) else guess
            lost_f[j] = one_minus_exp_series(regression * (1.0 - free))
            # growth on the deposit's surface where its root is near (the rest, rare, in 1b with pow)
            near = cube_root_guess_near(m, root)
            grows = m > 0.0 and near
            root_far[j] = m > 0.0 and not near
            coat = coat_f[q]
            grown_f[j] = min(deposit_growth_demand(root, coat, o, growth_per_day, contractile_fraction) * free
                             * drive_free, 1.0 - m) if grows else 0.0
            coat_f[q] = deposit_coat_after_day(coat, coat_keep) if grows else coat
            rate_f[j] = switch_back * (1.0 - free) if o else switch_on * free
            nucleation_f[j] = nucleation_per_day * phenotype_weight(o, contractile_fraction) * free * drive_free
        # pass 1b, patch by patch in order (the sums): growth, the cell's fate, regression
        for j in range(h):
            q = i * h + j
            o = osteo_f[q]
            osteo_by_depth[j] += o
            active_sum += active_f[j]
            free = free_f[j]
            m, g = mineral_f[q], grown_f[j]
            if root_far[j]:  # growth on the deposit's surface, its cube root by pow (rare)
                root_f[q] = root = m ** (1.0 / 3.0)
                g = min(deposit_growth_demand(root, coat_f[q], o, growth_per_day, contractile_fraction) * free
                        * drive_free, 1.0 - m)
                coat_f[q] = deposit_coat_after_day(coat_f[q], coat_keep)
            # pass 2 (the same cell, so one sweep): its fate
            if u_f[q] < p_apoptosis:
                # apoptosis: the apoptotic body seeds mineral; a contractile daughter takes over
                g = min(g + k.apoptotic_seed * drives.seed_free * free, 1.0 - m)
                osteo_f[q] = False
                generation_f[q] += 1
                n_dead += 1
            else:
                rate, nucleation = rate_f[j], nucleation_f[j]
                # 0 <= 1 - exp(-x) <= x (x >= 0, also as computed): most cells skip both exponentials
                if not (u_f[q] >= p_apoptosis + rate + nucleation and rate >= 0.0 and nucleation >= 0.0):
                    p_switch = one_minus_exp(rate)
                    if u_f[q] < p_apoptosis + p_switch:
                        osteo_f[q] = not o
                        n_off += o
                        n_on += not o
                    elif u_f[q] < p_apoptosis + p_switch + one_minus_exp(nucleation):  # matrix vesicle (rare)
                        g = min(g + k.nucleus_volume, 1.0 - m)
            growth[q] = g
            want += g
            if m > 0.0:  # slow resorption of deposits (one_minus_exp: its series from 1a)
                x = regression * (1.0 - free)
                lost = m * (lost_f[j] if x < SERIES_BELOW else -math.expm1(-x))
                regressed += lost
                mineral_f[q] = m - lost

    scale = 1.0
    supply_mg = drives.supply_mg
    if want * mg_per_unit > supply_mg:
        scale = supply_mg / (want * mg_per_unit) if supply_mg > 0.0 else 0.0
    # pass 3: the growth blood can supply; and the day's readout tallies of the wall as it ends
    # (the sums and counts of vessel_tallies, added in its order, so they equal its result)
    deposited = mineral_sum = 0.0
    n_calcified, osteo_at_end = 0, np.zeros(h, dtype=np.int64)
    for i in range(w):
        for j in range(h):
            q = i * h + j
            g = growth[q] * scale
            mineral_f[q] = m = mineral_f[q] + g
            deposited += g
            mineral_sum += m
            n_calcified += m > k.calcified_threshold
            osteo_at_end[j] += osteo_f[q]

    # MGP made today, from the phenotype counts at the start of the day
    mgp_made = ucmgp_made = 0.0
    cells_at_end = np.empty(h)
    for j in range(h):
        cells = mgp_producing_cells(w, osteo_by_depth[j], k.osteo_mgp_factor)
        mgp_made += mgp_made_per_cell * cells
        ucmgp_made += made_uc[j] * cells
        cells_at_end[j] = mgp_producing_cells(w, osteo_at_end[j], k.osteo_mgp_factor)
    tallies = (mineral_sum, n_calcified, int(osteo_at_end.sum()),
               production_weighted_mean(carboxylated_by_depth, cells_at_end))
    return (deposited * mg_per_unit, regressed * mg_per_unit, ucmgp_made, mgp_made, n_on, n_off, n_dead,
            active_sum, tallies)
