"""GGCX carboxylation of vitamin K-dependent proteins.

GGCX binds a protein's propeptide and carboxylates its Glu residues processively; each
residue needs a KH2 molecule. If each residue is carboxylated with probability
``q = KH2 / (KH2 + K_half)`` before the enzyme lets go, a protein with ``n`` Gla residues is
fully carboxylated with probability ``q**n``. Tissues differ in ``K_half`` (the liver's
clotting-factor machinery needs far less vitamin K: the triage of McCann & Ames / Vermeer),
and proteins differ in ``n`` (MGP 5, osteocalcin 3, prothrombin 10).
"""

from __future__ import annotations

import numba
import numpy as np

from calcium_abm.parameters import Parameter, declare

#: Gla residues per molecule (fixed biochemistry).
GLA_RESIDUES = {"prothrombin": 10, "mgp": 5, "osteocalcin": 3}

PARAMETERS = declare([
    Parameter("liver_ggcx_half_saturation_nmol_per_l", 0.02, "nmol/L",
              "assumption: clotting factors are fully carboxylated at normal intake (triage; PMC3321262)",
              "Hepatic KH2 at which a single Glu is carboxylated with probability 1/2", 1e-6, 1e3),
    Parameter("vessel_ggcx_half_saturation_nmol_per_l", 3.3, "nmol/L",
              "assumption: calibrated to healthy dp-ucMGP and its fall on MK-7 (rows 8, 9)",
              "Vessel-wall KH2 at which a single Glu of MGP is carboxylated with probability 1/2",
              1e-6, 1e3, ("8", "9")),
    Parameter("bone_ggcx_half_saturation_nmol_per_l", 2.6, "nmol/L",
              "assumption: calibrated to %ucOC and its fall on MK-7 (rows 8, 11)",
              "Osteoblast KH2 at which a single Glu of osteocalcin is carboxylated with probability 1/2",
              1e-6, 1e3, ("8", "11")),
])


def _carboxylated_fraction(kh2_nmol_per_l, half_saturation_nmol_per_l, gla_residues):
    q = kh2_nmol_per_l / (kh2_nmol_per_l + half_saturation_nmol_per_l)
    result, base, n = 1.0, q, gla_residues
    while n:  # integer power by squaring (exact order; numpy's float power is slow on arrays)
        if n & 1:
            result = result * base
        base = base * base
        n >>= 1
    return result


#: Fraction of newly made protein that leaves fully carboxylated: ``q**n`` with
#: ``q = KH2 / (KH2 + K_half)`` (processive GGCX, see the module docstring). A numpy ufunc
#: (scalars or arrays of KH2 in nmol/L; ``n`` an integer), also callable in compiled code.
carboxylated_fraction = numba.vectorize(["float64(float64, float64, int64)"], cache=True)(_carboxylated_fraction)
carboxylated_fraction.__doc__ = """Fraction of newly made protein that leaves fully carboxylated, ``q**n``.

Args:
    kh2_nmol_per_l: tissue KH2 (scalar or array).
    half_saturation_nmol_per_l: the tissue's GGCX half saturation for one Glu.
    gla_residues: Gla residues per molecule (:data:`GLA_RESIDUES`).
"""


@numba.njit(cache=True)
def production_weighted_mean(values, weights):
    """Mean of ``values`` weighted by production ``weights`` (1-D, same length); NaN if
    nothing is made. Summed in index order."""
    total = weighted = 0.0
    for j in range(values.size):
        total += weights[j]
        weighted += weights[j] * values[j]
    return weighted / total if total > 0.0 else np.nan


def mean_carboxylated_fraction(kh2: np.ndarray, weights: np.ndarray, half_saturation: float,
                               gla_residues: int) -> float:
    """Production-weighted mean carboxylated fraction over a tissue; NaN if nothing is made."""
    kh2 = np.ravel(np.asarray(kh2, dtype=np.float64))
    weights = np.ravel(np.asarray(weights, dtype=np.float64))
    return float(production_weighted_mean(carboxylated_fraction(kh2, half_saturation, gla_residues), weights))


MARKER_PARAMETERS = declare([
    Parameter("dp_ucmgp_release_pmol_l_per_day", 260.0, "pmol/L/day",
              "assumption: calibrated so a healthy adult has ~300-500 pmol/L dp-ucMGP ([U] science brief)",
              "Rise in plasma dp-ucMGP per day if all vascular MGP were made uncarboxylated", 0.0, 1e5, ("8", "9")),
    Parameter("dp_ucmgp_plasma_half_life_days", 2.0, "days", "assumption: small (~10 kDa) protein",
              "Plasma half-life of dp-ucMGP with normal kidneys", 0.01, 100),
    Parameter("dp_ucmgp_renal_clearance_share", 0.5, "-",
              "assumption: dp-ucMGP rises as GFR falls (CKD cohorts, Schurgers 2010 [U])",
              "Share of dp-ucMGP clearance that is renal", 0.0, 1.0),
])
PARAMETERS = PARAMETERS + MARKER_PARAMETERS


def advance_dp_ucmgp(level_pmol_l: float, uc_release_rel: float, gfr_rel: float, p, dt: float = 1.0) -> float:
    """Exact one-day update of plasma dp-ucMGP (pmol/L).

    ``uc_release_rel`` is today's uncarboxylated MGP production relative to a media of
    healthy contractile cells making only uncarboxylated MGP.
    """
    import math

    k = math.log(2) / p.dp_ucmgp_plasma_half_life_days * (
        1.0 - p.dp_ucmgp_renal_clearance_share + p.dp_ucmgp_renal_clearance_share * gfr_rel)
    steady = p.dp_ucmgp_release_pmol_l_per_day * uc_release_rel / k
    return steady + (level_pmol_l - steady) * math.exp(-k * dt)
