"""The skeleton around the trabecular section: the mean-field cortical compartment,
osteoid mineralisation (trabecular and cortical), and the spin-up of the section.

Cortical bone is ~80 % of skeletal calcium but turns over slowly, so it is one mean-field
compartment remodeled under the same signals as the section (:mod:`.remodeling`). Osteoid
in both mineralises first order, taking calcium from blood, at a rate following the serum
Ca x P product. What lumbar-spine DXA reads of a vertebra at an age (its depth grows,
osteophytes add mineral) is a readout here (:func:`spine_dxa_bmd_g_cm2`, row A4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from calcium_abm.errors import UserInputError
from calcium_abm.parameters import Parameter, declare
from calcium_abm.physiology.ageing import checked_ages, checked_sex, float_or_array
from calcium_abm.physiology.remodeling import BoneDrives, BoneSection, osteoblast_refill_margin

PARAMETERS = declare([
    Parameter("skeletal_calcium_mg", 1.0e6, "mg", "[V] 25,000-30,000 mmol skeletal Ca (OpenBoneMin comments)",
              "Whole-skeleton calcium (trabecular section + cortical compartment)", 1.0, 1e8),
    Parameter("trabecular_calcium_fraction", 0.2, "-", "[S] trabecular bone is ~20 % of skeletal mass",
              "Share of skeletal calcium in trabecular bone (represented by the bone section)", 0.01, 0.99),
    Parameter("cortical_turnover_per_year", 0.03, "1/year",
              "[S] cortical bone turns over ~2-5 %/year vs ~25 %/year for trabecular bone",
              "Cortical resorption per year at reference signals (mean-field compartment)", 0.0, 1.0, ("20",)),
    Parameter("cortical_refill_per_day", 0.011, "1/day",
              "[V] formation period 89 d (Bone Miner 1991): cavities are refilled at ~1/90 per day",
              "Rate at which cortical resorption cavities are refilled", 1e-4, 1.0),
    Parameter("osteoid_mineralisation_per_day", 0.07, "1/day",
              "[V] mineralisation lag ~8-15 d (Bone Miner 1991); first-order primary mineralisation",
              "Rate at which osteoid becomes mineralised matrix", 1e-3, 10),
    Parameter("primary_mineralisation_fraction", 0.67, "-",
              "[V] rabbit tibial osteons, synchrotron FTIRM (wbldb.lievers.net/10018755): mineral reaches 67 % of "
              "the interstitial-bone level in the first 18 days, then rises slowly; [S] Boivin, Farlay, Bala, Doublier, "
              "Meunier & Delmas (INSERM U831, 'Bone mineralization'): primary mineralisation gives only part of the "
              "final mineral content, secondary mineralisation the rest (Heaney's remodeling transient: young bone "
              "holds less mineral, so DXA BMD falls when turnover rises)",
              "Share of the final mineral content osteoid gains when it mineralises (primary mineralisation)",
              0.05, 1.0, ("20b",)),
    Parameter("secondary_mineralisation_per_day", 0.0086, "1/day",
              "[C] 3 / 350 d: first order, 95 % complete when the rabbit osteons' mineral plateaus at 350 d "
              "(wbldb.lievers.net/10018755); [S] Boivin et al. (INSERM U831): a slow, gradual maturation after the "
              "bone structural unit is complete (in humans over years: this rate is the fast end)",
              "Rate at which mineralised matrix gains the rest of its mineral (secondary mineralisation)",
              1e-5, 1.0, ("20b",)),
    Parameter("mineralisation_capxp_exponent", 2.0, "-",
              "assumption: osteoid mineralises from supersaturated extracellular fluid; low Ca x P slows it "
              "(the mechanism of osteomalacia)",
              "Sensitivity of osteoid mineralisation to the serum Ca x P product", 0.0, 10),
    # --- what lumbar-spine DXA reads (a readout: row A4) ---------------------------------
    Parameter("vertebral_area_growth_per_year", 0.0021, "1/year",
              "[C] Riggs 2004 J Bone Miner Res 19:1945 (QCT, 373 women and 323 men 20-97 y): vertebral "
              "cross-sectional area increased equally over life in both sexes by ~15 %: 0.15 / 70 y; [V] "
              "Ruhling 2024 Front Endocrinol 15:1352048 (opportunistic QCT, 168 adults 59 +/- 10 y followed 9.0 y): "
              "L1-5 vertebral body volume increased in women (+1.0 cm3) and men (+1.5 cm3)",
              "Growth of vertebral cross-sectional area per year of adult age (periosteal apposition)",
              0.0, 0.05, ("A4",)),
    Parameter("lumbar_osteophyte_prevalence_male", 0.75, "-",
              "[V] Liu 1997 Osteoporos Int 7:564 (radiographs and DXA, 120 men and 314 women 60-99 y): lumbar "
              "osteophytes in 75 % of men and 61.1 % of women; [V] Orwoll 1990 J Clin Endocrinol Metab 70:1202 "
              "(129 men of all adult ages, dual-photon absorptiometry): 43 %",
              "Share of men aged 60 or more with lumbar osteophytes", 0.0, 1.0, ("A4",)),
    Parameter("lumbar_osteophyte_prevalence_female", 0.611, "-",
              "[V] Liu 1997 Osteoporos Int 7:564: 61.1 % of 314 women aged 60-99",
              "Share of women aged 60 or more with lumbar osteophytes", 0.0, 1.0, ("A4",)),
    Parameter("osteophyte_onset_age_years", 40.0, "years",
              "assumption: lumbar osteophytes are rare before 40 and their prevalence rises linearly to the "
              "60-y value of Liu 1997 at 60 (no row depends on it: row A4's people are 61-80)",
              "Age from which the prevalence of lumbar osteophytes rises (reaching its 60+ value at 60)", 0.0, 60.0),
    Parameter("osteophyte_spine_bmd_male_g_cm2", 0.17, "g/cm2",
              "[V] Orwoll 1990 J Clin Endocrinol Metab 70:1202 (129 men, dual-photon absorptiometry): men with "
              "osteophytes 1.34 vs 1.17 g/cm2 at similar age and weight, vascular calcification had a minimal "
              "effect; [C] Liu 1997 Osteoporos Int 7:564: osteophytes explain 22.4 % of the variance of LS BMD in "
              "men, which at a prevalence of 0.75 and an SD of 0.177 g/cm2 (NHANES men 71-80 y) is 0.19 g/cm2",
              "Lumbar-spine DXA reading added by osteophytes, men", 0.0, 1.0, ("A4",)),
    Parameter("osteophyte_spine_bmd_female_g_cm2", 0.13, "g/cm2",
              "[C] Liu 1997 Osteoporos Int 7:564 (314 women 60-99 y): osteophytes explain 16.6 % of the variance "
              "of LS BMD, which at a prevalence of 0.611 and an SD of 0.16 g/cm2 (NHANES women 61-80 y) is "
              "sqrt(0.166 x 0.16^2 / (0.611 x 0.389)) = 0.13 g/cm2; [V] Aging (Milano) 2000 12:360 (198 women "
              "32-81 y, lateral radiographs): lumbar DXA BMD rose with the grade of osteophytosis at equal age "
              "(no increment per person given)",
              "Lumbar-spine DXA reading added by osteophytes, women", 0.0, 1.0, ("A4",)),
    Parameter("young_adult_section_bmd_relative", 0.96, "-",
              "[C] calibration of the DXA readout's scale: the typical person's section BMD at 21-30 y is 0.960 "
              "of reference_bmd_g_cm2 (the remodeling space open at the peak; 5 seeds x ages 21, 25 and 30, "
              "64 x 64, both sexes), so that this person reads the young-adult mean (T-score 0) as the NHANES "
              "reference population does by definition (young_adult_spine_bmd_*); tests/test_person_model.py "
              "checks a typical person of 25 reads T within +-0.15 of 0. Ratio rows (A4) do not depend on it",
              "Section BMD of the typical young adult relative to reference_bmd_g_cm2 (the DXA readout's scale)",
              0.5, 1.5),
])


@dataclass
class CorticalBone:
    """Mean-field cortical compartment (mg of mineral; cavity and osteoid in mineral-equivalent mg).

    Cortical bone is 80 % of the skeleton but turns over slowly; modelled without space,
    with the same rules as the section: resorption follows activation and osteoclast life,
    cavities are refilled by osteoblasts up to the same refill margin, osteoid mineralises.
    """

    mineral_mg: float
    cavity_mg: float
    osteoid_mg: float


def cortical_steady_state(mineral_mg: float, p, activation_factor: float = 1.0,
                          capxp_relative: float = 1.0, resorption_depth: float = 1.0,
                          refill_margin: float = 1.0, dt: float = 1.0) -> CorticalBone:
    """Cortical compartment at the steady state of its daily step (:func:`cortical_day`, then
    :func:`mineralise_cortical`; the day-0 state) under reference signals, or under a person's start
    drives (:class:`.remodeling.BoneDrives`): a remodeling ``activation_factor`` (e.g. a CKD
    patient's PTH), the ``resorption_depth`` (``1 / osteoclast_apoptosis_factor``: vitamin K and
    estrogen loss set how long osteoclasts dig), the share of each refilled cavity laid as osteoid
    (``refill_margin``, at most 1: :func:`.remodeling.osteoblast_refill_margin`) and the serum Ca x P
    its osteoid mineralises under (``capxp_relative``, e.g. a CKD patient's phosphate:
    :func:`mineralised_fraction`). With ``a`` and ``b`` the shares of mineral resorbed and of cavity
    refilled in a step of ``dt`` days and ``f`` the share of osteoid mineralised: cavity ``M a / b``
    (resorbed = refilled), osteoid at the start of a day ``M a margin (1 - f) / f`` (laid = mineralised).
    The mineral is steady only with a margin of 1; below it the deficit lowers it slowly (years)."""
    resorbed = mineral_mg * -math.expm1(-p.cortical_turnover_per_year / 365.0 * activation_factor
                                        * resorption_depth * dt)
    cavity = resorbed / -math.expm1(-p.cortical_refill_per_day * dt)
    f = mineralised_fraction(capxp_relative, p, dt)
    osteoid = resorbed * min(1.0, refill_margin) * (1.0 - f) / f
    return CorticalBone(mineral_mg, cavity, osteoid)


def cortical_day(cortical: CorticalBone, drives: BoneDrives, p, dt: float = 1.0) -> float:
    """One day of cortical remodeling (mean field, :func:`cortical_day_values`), in place; returns
    mineral resorbed (mg)."""
    cortical.mineral_mg, cortical.cavity_mg, cortical.osteoid_mg, resorbed = cortical_day_values(
        cortical.mineral_mg, cortical.cavity_mg, cortical.osteoid_mg, drives.activation_factor,
        drives.osteoclast_apoptosis_factor, osteoblast_refill_margin(drives, p), p, dt)
    return float(resorbed)


def cortical_day_values(mineral_mg, cavity_mg, osteoid_mg, activation_factor, osteoclast_apoptosis_factor,
                        refill_margin, p, dt):
    """:func:`cortical_day` on floats (mg): (mineral, cavity, osteoid after the step, mineral resorbed).
    Osteoclasts dig ``1 / osteoclast_apoptosis_factor`` deeper when they live longer; teams lay
    ``min(1, refill_margin)`` of their cavity (:func:`.bone_rates.refill_margin`), the rest of the cycle
    ending as a deficit."""
    depth = 1.0 / osteoclast_apoptosis_factor
    # math.exp (the C library's), as compiled code computes it: numpy's exp differs from it in the last bit for
    # ~6 % of arguments, which would keep a compiled day from giving this day's numbers bit for bit (issue 16)
    resorbed = mineral_mg * (1.0 - math.exp(-p.cortical_turnover_per_year / 365.0 * activation_factor * depth * dt))
    refilled = cavity_mg * (1.0 - math.exp(-p.cortical_refill_per_day * dt))
    return (mineral_mg - resorbed, cavity_mg + (resorbed - refilled), osteoid_mg + refilled * min(1.0, refill_margin),
            resorbed)


def _elementwise(a):
    """``(maximum, minimum, sqrt)`` for ``a``: Python's (bit-identical to numpy's on a float, ~1 us
    cheaper each: the readouts run on every recorded day) for a plain float, numpy's otherwise."""
    return (max, min, math.sqrt) if type(a) is float else (np.maximum, np.minimum, np.sqrt)


def spine_areal_bmd_factor(age_years, reference_age_years, p):
    """Lumbar-spine DXA (areal) BMD per unit of volumetric BMD at ``age_years``, relative to
    ``reference_age_years``: ``sqrt((1 + g (age - 20)) / (1 + g (ref - 20)))``.

    DXA divides mineral by the projected (frontal) area, so areal BMD = volumetric BMD x the
    vertebra's depth; periosteal apposition widens the vertebra with age (cross-sectional
    area +g per year from 20 y, Riggs 2004), and depth grows as the square root of that area
    (assumption: proportional growth). The model's bone section gives volumetric (QCT-like)
    BMD; a DXA areal reading is its BMD x this factor (row A4); the trabecular readouts (rows
    A1, A3, 20) stay volumetric. Float or array like ``age_years``; ~1.04 at 70 vs 30 y.

    Raises:
        UserInputError: an age outside 0-120 years (the message names the argument).
    """
    a = checked_ages(age_years)
    ref = float(checked_ages(reference_age_years, "reference_age_years"))
    g = p.vertebral_area_growth_per_year
    maximum, _, sqrt = _elementwise(a)
    return float_or_array(sqrt((1.0 + g * maximum(a - 20.0, 0.0)) / (1.0 + g * max(ref - 20.0, 0.0))))


def lumbar_osteophyte_prevalence(age_years, sex: str, p):
    """Share of people of ``sex`` at ``age_years`` with lumbar osteophytes: 0 before
    ``osteophyte_onset_age_years``, rising linearly to the sex's 60+ prevalence (Liu 1997) at 60.
    Float or array like ``age_years``; raises UserInputError for a bad age or sex."""
    a = checked_ages(age_years)
    at_60 = p.lumbar_osteophyte_prevalence_female if checked_sex(sex) == "female" else p.lumbar_osteophyte_prevalence_male
    onset = p.osteophyte_onset_age_years
    maximum, minimum, _ = _elementwise(a)
    return float_or_array(at_60 * minimum(maximum((a - onset) / max(60.0 - onset, 1e-9), 0.0), 1.0))


def spine_dxa_bmd_g_cm2(volumetric_bmd_g_cm2, age_years, reference_age_years, sex: str, has_osteophytes, p):
    """Lumbar-spine DXA reading (g/cm2) of a vertebra whose volumetric BMD (the section's
    ``bone_mineral_density_g_cm2``) is ``volumetric_bmd_g_cm2``: ``bmd x s x`` :func:`spine_areal_bmd_factor`
    ``(age, reference age) + osteophytes x osteophyte_spine_bmd_<sex>_g_cm2``. The scale
    ``s = young-adult mean of the sex / (reference_bmd_g_cm2 x young_adult_section_bmd_relative)``
    makes the typical young adult read the NHANES young-adult mean (T-score 0). Arrays broadcast;
    ``has_osteophytes`` is a bool or an array of bools (drawn per person with
    :func:`lumbar_osteophyte_prevalence`); raises UserInputError for a bad age or sex."""
    female = checked_sex(sex) == "female"
    young = p.young_adult_spine_bmd_female_g_cm2 if female else p.young_adult_spine_bmd_male_g_cm2
    added = p.osteophyte_spine_bmd_female_g_cm2 if female else p.osteophyte_spine_bmd_male_g_cm2
    if type(has_osteophytes) is not float or type(volumetric_bmd_g_cm2) is not float:  # arrays (or bools)
        has_osteophytes = np.asarray(has_osteophytes, dtype=np.float64)
        volumetric_bmd_g_cm2 = np.asarray(volumetric_bmd_g_cm2, dtype=np.float64)
    scale = young / (p.reference_bmd_g_cm2 * p.young_adult_section_bmd_relative)
    return float_or_array(volumetric_bmd_g_cm2 * scale * spine_areal_bmd_factor(age_years, reference_age_years, p)
                          + has_osteophytes * added)


def expected_spine_dxa_bmd_g_cm2(volumetric_bmd_g_cm2: float, age_years: float, sex: str, p) -> float:
    """What lumbar-spine DXA reads, on average, in people of ``age_years`` and ``sex`` whose
    vertebra has this volumetric BMD (the section's ``bone_mineral_density_g_cm2``): the reading of
    :func:`spine_dxa_bmd_g_cm2` from the young-adult peak (``osteoblast_reference_age_years``) with
    the osteophyte mineral weighted by :func:`lumbar_osteophyte_prevalence` (a run does not know
    whether this person has osteophytes; row A4 draws them per person). g/cm2."""
    return float(spine_dxa_bmd_g_cm2(volumetric_bmd_g_cm2, age_years, p.osteoblast_reference_age_years, sex,
                                     lumbar_osteophyte_prevalence(age_years, sex, p), p))


def volumetric_bmd_for_expected_spine_dxa_g_cm2(dxa_bmd_g_cm2: float, age_years: float, sex: str, p) -> float:
    """The inverse of :func:`expected_spine_dxa_bmd_g_cm2` (which is ``bmd x a + b`` in the section's
    BMD): the section BMD (g/cm2) whose expected lumbar-spine DXA reading at ``age_years`` is
    ``dxa_bmd_g_cm2`` (a measured T-score is a DXA reading: :func:`calcium_abm.person.match_baseline_bmd`).

    Raises:
        UserInputError: if the reading is at most the osteophytes' expected mineral (no vertebral bone left to read).
    """
    offset = expected_spine_dxa_bmd_g_cm2(0.0, age_years, sex, p)
    slope = expected_spine_dxa_bmd_g_cm2(1.0, age_years, sex, p) - offset
    if dxa_bmd_g_cm2 <= offset:
        raise UserInputError(f"a lumbar-spine DXA reading of {dxa_bmd_g_cm2:.3g} g/cm2 is not allowed for a {sex} of "
                             f"{age_years:g}: it must exceed the {offset:.3g} g/cm2 osteophytes add on average at that age")
    return (dxa_bmd_g_cm2 - offset) / slope


def osteoid_mineralisation_rate_per_day(capxp_relative: float, p) -> float:
    """First-order rate (1/day) at which osteoid mineralises, following the serum Ca x P product
    relative to normal (low supersaturation slows it)."""
    return p.osteoid_mineralisation_per_day * capxp_relative ** p.mineralisation_capxp_exponent


def mineralised_fraction(capxp_relative: float, p, dt: float = 1.0) -> float:
    """Share of osteoid that mineralises in one step at :func:`osteoid_mineralisation_rate_per_day`."""
    return -math.expm1(-osteoid_mineralisation_rate_per_day(capxp_relative, p) * dt)


def cortical_mineralised_mg(osteoid_mg: float, supply_mg: float, capxp_relative: float, p, dt: float = 1.0) -> float:
    """Cortical osteoid that mineralises in one step (mg), at most ``supply_mg`` (:func:`mineralise_cortical`)."""
    return min(osteoid_mg * mineralised_fraction(capxp_relative, p, dt), max(supply_mg, 0.0))


def mineralise_cortical(cortical: CorticalBone, supply_mg: float, capxp_relative: float, p,
                        dt: float = 1.0) -> float:
    """Cortical osteoid mineralisation (mg taken from blood), as :func:`mineralise`."""
    amount = cortical_mineralised_mg(cortical.osteoid_mg, supply_mg, capxp_relative, p, dt)
    cortical.osteoid_mg -= amount
    cortical.mineral_mg += amount
    return float(amount)


def secondary_fraction(p, dt: float = 1.0) -> float:
    """Share of the secondary-mineral deficit filled in one step (first order)."""
    return -math.expm1(-p.secondary_mineralisation_per_day * dt)


def mineralise(bone: BoneSection, supply_mg: float, capxp_relative: float, p, dt: float = 1.0) -> float:
    """Mineralisation, in place: osteoid mineralises first order (primary: it gains
    ``primary_mineralisation_fraction`` of its final mineral, the rest is the patch's
    ``mineral_deficit``), and the deficit fills first order (secondary mineralisation).
    Returns calcium taken from blood (mg), scaled down if blood can give only ``supply_mg``.
    The primary rate follows the serum Ca x P product relative to normal (``capxp_relative``).
    Leaves the section's sums after the step in ``bone.day_sums`` (see :class:`.remodeling.BoneSection`)."""
    moved, *sums = mineralise_arrays(bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(),
                                     bone.mineral_deficit.ravel(), bone.mineral_mg_per_unit, supply_mg, capxp_relative,
                                     p, dt)
    bone.day_sums = tuple(sums)
    return moved


def mineralise_arrays(mineral, osteoid, cavity, deficit, mg_per_unit: float, supply_mg: float, capxp_relative: float,
                      p, dt: float = 1.0) -> tuple:
    """:func:`mineralise` on a section's flat arrays: (calcium moved, mg; the four sums after the step)."""
    return _mineralise_kernel(mineral, osteoid, cavity, deficit, mineralised_fraction(capxp_relative, p, dt),
                              secondary_fraction(p, dt), p.primary_mineralisation_fraction, mg_per_unit, supply_mg)


@numba.njit(cache=True, error_model="numpy")
def _mineralise_kernel(mineral, osteoid, cavity, deficit, fraction, secondary_fraction, primary_share, mg_per_unit,
                       supply_mg):
    """Returns (calcium moved, mg; then the sums of mineral content, osteoid, cavity and deficit
    after the step, added in the order :func:`.remodeling.bone_tallies` adds them, so they equal its result)."""
    scale = 1.0
    if supply_mg < math.inf:  # an unlimited supply (the spin-up, the life course) never scales: no first pass
        wanted = 0.0
        for k in range(osteoid.size):
            wanted += osteoid[k] * fraction * primary_share + deficit[k] * secondary_fraction
        if wanted * mg_per_unit > supply_mg:  # blood cannot give it all (wanted > 0 here unless supply < 0)
            scale = max(supply_mg, 0.0) / (wanted * mg_per_unit) if wanted > 0.0 else 0.0
    moved = mineral_sum = osteoid_sum = cavity_sum = deficit_sum = 0.0
    for k in range(osteoid.size):
        amount = osteoid[k] * fraction * scale
        matured = deficit[k] * secondary_fraction * scale
        osteoid[k] -= amount
        mineral[k] += amount
        deficit[k] += amount * (1.0 - primary_share) - matured
        moved += amount * primary_share + matured
        mineral_sum += mineral[k] - deficit[k]  # the day's readout sums, in the same pass
        osteoid_sum += osteoid[k]
        cavity_sum += cavity[k]
        deficit_sum += deficit[k]
    return moved * mg_per_unit, mineral_sum, osteoid_sum, cavity_sum, deficit_sum


def settle_mineral_deficit(bone: BoneSection, primary_mg_per_step: float, p, dt: float) -> None:
    """Scale the section's secondary-mineral deficit, in place, to its steady state under
    today's primary mineralisation (``primary_mg_per_step``: the spin-up's mean), where
    secondary mineralisation fills what primary leaves: ``D s = (1 - f) / f x primary``.
    The spin-up starts with mature bone and is shorter than secondary mineralisation
    takes to settle; patches keep their share of the deficit (young bone), at most ``1 - f``
    of their mineral."""
    f, total = p.primary_mineralisation_fraction, bone.mineral_deficit.sum()
    if f >= 1.0 or total <= 0.0:
        return
    steady = (1.0 - f) / f * primary_mg_per_step / bone.mineral_mg_per_unit / secondary_fraction(p, dt)
    np.multiply(bone.mineral_deficit, steady / total, out=bone.mineral_deficit)
    np.minimum(bone.mineral_deficit, (1.0 - f) * bone.mineral, out=bone.mineral_deficit)
