"""The media's small laws, each one compiled function inlined into the wall kernel
(:func:`.calcification.vessel_day`) and called as it is by the readouts and the tests, so
there is no second copy to drift. Parameters and their sources are declared beside the
kernel in :mod:`.calcification`.
"""

from __future__ import annotations

import math

import numba

__all__ = ["mgp_free_fraction", "systemic_free_fraction", "deposit_growth_demand", "deposit_coat_after_day",
           "cube_root_near", "cube_root_guess_near", "cube_root_refined", "phenotype_weight", "mgp_producing_cells",
           "one_minus_exp", "one_minus_exp_series", "SERIES_BELOW"]


@numba.njit(cache=True, inline="always")
def mgp_free_fraction(cmgp, ucmgp, ucmgp_relative_inhibition, half_saturation):
    """Share of mineral growth and BMP-2 signalling NOT inhibited by MGP, ``1 - I``:
    ``I = a / (a + K)`` with active MGP ``a = cMGP + w * ucMGP`` (healthy MGP units), so
    ``1 - I = K / (a + K)``, computed directly for precision. Scalars or arrays.
    Source: saturating inhibition, science brief 1.4; ``w`` from Schurgers 2007 JTH."""
    return half_saturation / (cmgp + ucmgp_relative_inhibition * ucmgp + half_saturation)


@numba.njit(cache=True, inline="always")
def systemic_free_fraction(inhibitor_relative, healthy_inhibition):
    """Share of mineral growth NOT blocked by the circulating inhibitors (fetuin-A,
    pyrophosphate), by the same saturating adsorption law as MGP's: ``1 - I = K / (f + K)``
    with inhibitory capacity ``f`` relative to health and ``K = (1 - s) / s``, so a healthy
    member of the species (f = 1) has ``1 - s`` free (``s``: the species' systemic
    inhibition). Where most growth is blocked the free share is ~``(1 - s) / f``: growth is
    nearly inversely proportional to the serum's inhibitory capacity, which the serum volume
    halving calcium phosphate precipitation (an IC50, the midpoint of a saturating
    dose-response) measures: 6.4 uL in controls, 9.0 uL in long-term dialysis patients
    (Ketteler 2003 Lancet 361:827). Form: inhibitors that bind mineral saturate
    (Langmuir-type adsorption inhibition of hydroxyapatite growth, J Cryst Growth 2000
    216:443; fetuin-A binds nascent mineral into calciprotein particles, Heiss 2003 J Biol
    Chem 278:13333); the former linear law ``1 - s f`` made the free share a small difference
    of large numbers (x10 on dialysis)."""
    return (1.0 - healthy_inhibition) / (healthy_inhibition * inhibitor_relative + 1.0 - healthy_inhibition)


@numba.njit(cache=True, inline="always")
def phenotype_weight(osteochondrogenic, contractile_growth_fraction):
    """Weight of mineral growth and nucleation beside a cell: osteochondrogenic ``1 + f``,
    contractile ``f`` (matrix vesicles and alkaline phosphatase; Leopold 2015)."""
    return 1.0 + contractile_growth_fraction if osteochondrogenic else contractile_growth_fraction


@numba.njit(cache=True, inline="always")
def deposit_growth_demand(mineral_root, coat, osteochondrogenic, growth_per_day, contractile_growth_fraction):
    """Mineral (patch volume/day, before inhibition and Ca x P) a patch gains by growth on the
    uncoated surface of its mineral ``m``, ``(1 - coat) m**(2/3)`` (seeded calcium phosphate grows
    with crystal surface area: J Dent Res 1984 63:874; Koutsoukos 2000; ``coat``, the share of the
    surface osteopontin has covered, :func:`deposit_coat_after_day`), weighted by
    :func:`phenotype_weight`; ``mineral_root`` is ``m**(1/3)`` (:func:`cube_root_near`). From a
    nucleus ``m**(1/3)`` grows about linearly: detection (1 %) ~0.6 / rate, filling ~3 / rate later."""
    return (mineral_root * mineral_root * (1.0 - coat) * growth_per_day
            * phenotype_weight(osteochondrogenic, contractile_growth_fraction))


@numba.njit(cache=True, inline="always")
def deposit_coat_after_day(coat, uncoated_keep):
    """Share of a deposit's growth surface covered by adsorbed osteopontin after one step:
    ``d coat/dt = k (1 - coat)`` (the uncovered share decays by ``uncoated_keep = exp(-k dt)``).
    Osteopontin is made by the cells beside medial mineral (Speer 2002 J Exp Med 196:1047: an
    inducible inhibitor, twice the arterial calcium without it in MGP-/- mice), adsorbs tightly
    to hydroxyapatite and pins its growth steps (Hunter 2013 Calcif Tissue Int 93:348). It runs
    on physiological time, not on the chemical drive, so it stops slow (human) deposits while
    fast (rodent) ones fill first."""
    return 1.0 - (1.0 - coat) * uncoated_keep


@numba.njit(cache=True, inline="always")
def cube_root_near(x, guess):
    """``x**(1/3)`` for ``x > 0``, to round-off (within 2 ulp of the exact cube root), from
    ``guess``, the cube root of a nearby value (a deposit's root the day before). Where
    ``guess**3`` is within 0.1 % of ``x`` (:func:`cube_root_guess_near`), one Halley step
    (relative error ~δ³) and one Newton step (~δ⁶, below 1e-17 for δ ≤ 1e-3;
    :func:`cube_root_refined`) replace the libm ``pow`` call at a third of its cost;
    otherwise (no guess, fast growth, a new seed) ``pow``. A numerical helper, not a law."""
    if cube_root_guess_near(x, guess):
        return cube_root_refined(x, guess)
    return x ** (1.0 / 3.0)


@numba.njit(cache=True, inline="always")
def cube_root_guess_near(x, guess):
    """Whether ``guess > 0`` and ``guess**3`` is within 0.1 % of ``x``: :func:`cube_root_refined`
    then gives the cube root to round-off."""
    cube = guess * guess * guess
    return guess > 0.0 and abs(cube - x) <= 1e-3 * x


@numba.njit(cache=True, inline="always")
def cube_root_refined(x, guess):
    """One Halley and one Newton step for ``x**(1/3)`` from ``guess`` (branch-free, so a loop of
    them vectorises; valid where :func:`cube_root_guess_near` holds)."""
    cube = guess * guess * guess
    r = guess * (cube + 2.0 * x) / (2.0 * cube + x)
    square = r * r
    return r - (square * r - x) / (3.0 * square)


#: where :func:`one_minus_exp` switches from its series to libm's ``expm1``
SERIES_BELOW = 1e-3


@numba.njit(cache=True, inline="always")
def one_minus_exp(x):
    """``1 - exp(-x)`` for ``x >= 0``. Below :data:`SERIES_BELOW` a 6-term series
    (:func:`one_minus_exp_series`) is exact to double precision (the next term is < 1e-19
    relative) and ~5x cheaper than the libm call."""
    if x < SERIES_BELOW:
        return one_minus_exp_series(x)
    return -math.expm1(-x)


@numba.njit(cache=True, inline="always")
def one_minus_exp_series(x):
    """The series of ``1 - exp(-x)`` to the 6th power, :func:`one_minus_exp` below :data:`SERIES_BELOW`."""
    return x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0 - x * (1.0 / 120.0 - x * (1.0 / 720.0))))))


@numba.njit(cache=True, inline="always")
def mgp_producing_cells(n_patches, n_osteochondrogenic, osteochondrogenic_mgp_synthesis_factor):
    """MGP production of a row of cells in contractile-cell units: contractile cells make
    1, osteochondrogenic cells ``osteochondrogenic_mgp_synthesis_factor`` (Shanahan 1999)."""
    return (n_patches - n_osteochondrogenic) + osteochondrogenic_mgp_synthesis_factor * n_osteochondrogenic
