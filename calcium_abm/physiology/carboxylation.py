"""GGCX carboxylation of vitamin K-dependent proteins.

GGCX binds a protein's propeptide and carboxylates its Glu residues processively; each
residue needs a KH2 molecule. If each residue is carboxylated with probability
``q = KH2 / (KH2 + K_half)`` before the enzyme lets go, a protein with ``n`` Gla residues is
fully carboxylated with probability ``q**n``. Tissues differ in ``K_half`` (the liver's
extra-hepatic tissues) and proteins differ in ``n`` (MGP 5, osteocalcin 3). The liver's
clotting factors are not given a half-saturation of their own: their carboxylation is
flux-limited by the KH2 the hepatic cycle turns over (:func:`.coagulation.hepatic_factor_carboxylation`,
design note ``docs/design/kidney_and_anticoagulation.md`` section 5), so the liver differs by
mechanism (delivery of every form, the menaquinone store, the warfarin-insensitive reductase
and its reserve), not by a threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from calcium_abm.parameters import Parameter, declare, per_parameter_set
from calcium_abm.physiology import coagulation, kidney, vitamin_k

#: Gla residues per molecule (fixed biochemistry).
GLA_RESIDUES = {"prothrombin": 10, "mgp": 5, "osteocalcin": 3}

PARAMETERS = declare([
    Parameter("reference_vitamin_k1_intake_ug_per_day", 100.0, "ug/day",
              "assumption: a typical adult phylloquinone intake (~100 ug/day; adequate intake 90-120 ug/day, "
              "IOM 2001 [S]); the diet at which the liver's carboxylation reserve is defined (design note section 5)",
              "Vitamin K1 intake of the reference state of hepatic KH2 (no warfarin, no menaquinone supplement)",
              10.0, 1000.0, ()),
    Parameter("vessel_ggcx_half_saturation_nmol_per_l", 1.65, "nmol/L",
              "[C] healthy vascular MGP ~2/3 fully carboxylated (0.65 on the usual diet), read from the rise of "
              "uncarboxylated MGP when a vitamin K antagonist stops vascular carboxylation, ~3-fold: dp-ucMGP 5604 "
              "vs 1939 pmol/L on haemodialysis with vs without a VKA (Delanaye 2014 BMC Nephrol 15:145 [V]); "
              "ucMGP 2316 +/- 344 vs 685 +/- 378 pM after 3 months of phenprocoumon vs aspirin (AHA abstract 5583 "
              "[V abstract]); with MGP synthesis nearly unchanged the healthy uncarboxylated share is ~1/3. Was "
              "3.3 (45 %): a VKA could then raise dp-ucMGP only 1.8-fold by carboxylation, the rest came from "
              "most medial cells turning osteochondrogenic, and a 7-fold lower vessel supply (the population's "
              "4th percentile of vitamin_k_disposition) cost the media its MGP protection (docs/design/"
              "vessel_wall.md section 2, 'The medial tail'). Checks: rows 8, 9, K3, T-AVADEC, 21",
              "Vessel-wall KH2 at which a single Glu of MGP is carboxylated with probability 1/2",
              1e-6, 1e3, ("8", "9")),
    Parameter("bone_ggcx_half_saturation_nmol_per_l", 6.16, "nmol/L",
              "[C] calibration with bone_k1_uptake_weight: the healthy adult's %ucOC stays ~46 % and the "
              "MK-7 / MK-4 responses of rows 8 and 11 follow",
              "Osteoblast KH2 at which a single Glu of osteocalcin is carboxylated with probability 1/2",
              1e-6, 1e3, ("8", "11")),
])


def carboxylated_fraction(kh2_nmol_per_l, half_saturation_nmol_per_l: float, gla_residues: int):
    """Fraction of newly made protein that leaves fully carboxylated: ``q**n`` with
    ``q = KH2 / (KH2 + K_half)`` (processive GGCX, see the module docstring).

    Args:
        kh2_nmol_per_l: tissue KH2, nmol/L (scalar or numpy array; the result has its shape).
        half_saturation_nmol_per_l: the tissue's GGCX half saturation for one Glu.
        gla_residues: Gla residues per molecule (:data:`GLA_RESIDUES`).
    """
    q = kh2_nmol_per_l / (kh2_nmol_per_l + half_saturation_nmol_per_l)
    result, base, n = 1.0, q, gla_residues
    while n:  # integer power by squaring (numpy's float power is slow on arrays)
        if n & 1:
            result = result * base
        base = base * base
        n >>= 1
    return result


@numba.njit(cache=True, error_model="numpy")
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
    Parameter("dp_ucmgp_release_pmol_l_per_day", 361.0, "pmol/L/day",
              "[C] the typical person of 52 (every trait at its median, so the cohort's median) at the "
              "general-population median: PREVEND, 3969 adults of mean age 52.3, eGFR 95: median 363 (IQR "
              "219-532) pmol/L (Groothof 2021 Nephrol Dial Transplant, PMC8643608 [V]); the model's man / "
              "woman of 52: ~370 / ~382; [V] checks: LASA 55-65 y mean 376 +/- 233 (van Ballegooijen 2018 "
              "Maturitas), VitaK-CAC (age ~60, with CAC) medians 349 and 329 (Vossen, explorationpub "
              "1001321 Table 1); model at 60: ~389 (man); the rise with age comes from the GFR law (+16 % "
              "from 52 to 71; FLEMENGHO: +23 % in 8.9 years, Wei 2018 Nephrol Dial Transplant 33:1122 [V]). "
              "Was 225 with vessel_ggcx_half_saturation 3.3 (vascular MGP 45 % carboxylated; the release scales "
              "with the healthy uncarboxylated share, 0.55 -> 0.35), 260 before that (~420 at 52, [U])",
              "Rise in plasma dp-ucMGP per day if all vascular MGP were made uncarboxylated", 0.0, 1e5, ("8", "9")),
    Parameter("dp_ucmgp_plasma_half_life_days", 2.0, "days", "assumption: small (~10 kDa) protein",
              "Plasma half-life of dp-ucMGP with normal kidneys", 0.01, 100),
    Parameter("dp_ucmgp_renal_clearance_share", 0.75, "-",
              "[C] Kremer 2021 Nutrients 13:3069 [V]: dp-ucMGP 1252 -> 609 pmol/L after kidney transplantation and "
              "-14 % per +10 mL/min eGFR; a renal share of 0.75 reproduces both (design note section 3.9)",
              "Share of dp-ucMGP clearance that is renal", 0.0, 1.0),
])
STORE_PARAMETERS = declare([
    Parameter("vessel_vitamin_k_store_share", 0.4, "-",
              "[C] calibration with the store's turnover: dp-ucMGP falls -28 % at 12 weeks and -52 % at 3 years "
              "on MK-7 180 ug/day (Dalmeijer 2012 [V]: -31 % at 12 weeks, row 8; Knapen 2015 [V]: -50 % at 3 "
              "years, row 9), while %ucOC responds within months and then stays (Ronn 2016 [V]: -72 % at 6 and "
              "-70 % at 12 months), so the slow part is the vessel's; assumption: a slowly filling wall store "
              "(arterial MK-4 made from every dietary form by UBIAD1, mouse isotope study PMC8971004 [V])",
              "Share of the media's vitamin K supply that comes from a slowly filling wall store", 0.0, 1.0,
              ("8", "9")),
    Parameter("vessel_vitamin_k_store_turnover_per_day", 0.004, "1/day",
              "[C] calibration to rows 8 and 9 with vessel_vitamin_k_store_share (half-life ~170 days: the "
              "store is ~29 % filled at 12 weeks and ~99 % at 3 years)",
              "Turnover of the vessel wall's slow vitamin K store", 1e-5, 10.0, ("8", "9")),
])
PARAMETERS = PARAMETERS + MARKER_PARAMETERS + STORE_PARAMETERS


def advance_dp_ucmgp(level_pmol_l: float, uc_release_rel: float, gfr_rel: float, p, dt: float = 1.0) -> float:
    """Exact one-day update of plasma dp-ucMGP (pmol/L).

    ``uc_release_rel`` is today's uncarboxylated MGP production relative to a media of
    healthy contractile cells making only uncarboxylated MGP.
    """
    k = math.log(2) / p.dp_ucmgp_plasma_half_life_days * kidney.renal_clearance_relative(
        gfr_rel * p.reference_gfr_ml_per_min, p.dp_ucmgp_renal_clearance_share, p)
    steady = p.dp_ucmgp_release_pmol_l_per_day * uc_release_rel / k
    return steady + (level_pmol_l - steady) * math.exp(-k * dt)


# ----------------------------------------------------------------------------- the liver
def hepatic_kh2_nmol_l(liver_supply_nmol_l, vkor: float, p):
    """Hepatic KH2 (nmol/L): the plasma-derived liver supply plus the menaquinone store
    (:func:`.coagulation.hepatic_supply_nmol_per_l`) through the tissue vitamin K cycle with
    the liver's warfarin-insensitive reductase (``liver_alternative_reductase_per_h``)."""
    return float(vitamin_k.reduced_vitamin_k(coagulation.hepatic_supply_nmol_per_l(liver_supply_nmol_l, p), vkor,
                                             p.liver_alternative_reductase_per_h, p))


@per_parameter_set
def reference_hepatic_kh2_nmol_l(p, time_scale: float = 1.0) -> float:
    """Hepatic KH2 (nmol/L) at the reference state: steady plasma on
    ``reference_vitamin_k1_intake_ug_per_day`` of K1, no menaquinone supplement, no warfarin
    (the state in which ``hepatic_carboxylation_reserve`` is defined). Cached per parameter set."""
    intake = {"k1": p.reference_vitamin_k1_intake_ug_per_day, "mk4": 0.0, "mk7": 0.0}
    amounts, warfarin = vitamin_k.steady_plasma_amounts(intake, 0.0, p, time_scale)
    plasma = vitamin_k.advance_plasma(amounts, warfarin, intake, 0.0, p, time_scale)[2]
    return hepatic_kh2_nmol_l(vitamin_k.tissue_supply_nmol_per_l(plasma, 1.0, 1.0), 1.0, p)


def hepatic_kh2_relative(liver_supply_nmol_l: float, vkor: float, p, time_scale: float = 1.0) -> float:
    """Hepatic KH2 relative to :func:`reference_hepatic_kh2_nmol_l` (the input of
    :func:`.coagulation.hepatic_factor_carboxylation`)."""
    return hepatic_kh2_nmol_l(liver_supply_nmol_l, vkor, p) / reference_hepatic_kh2_nmol_l(p, time_scale)


def extrahepatic_gain(warfarin_mg_per_l: float, ec50_mg_per_l: float, p) -> float:
    """KH2 per unit of vitamin K supply in an extra-hepatic tissue (vessel wall, bone): the tissue
    cycle (:func:`.vitamin_k.kh2_per_supply`) under the VKOR activity left by plasma warfarin at
    the tissue's own warfarin sensitivity ``ec50_mg_per_l``, with the extra-hepatic tissues'
    small warfarin-insensitive reductase (so vitamin K rescues neither, unlike the liver)."""
    vkor = vitamin_k.vkor_activity(warfarin_mg_per_l, p, ec50_mg_per_l)
    return vitamin_k.kh2_per_supply(vkor, p.extrahepatic_alternative_reductase_per_h, p)


# ----------------------------------------------------------------------------- the day
@dataclass
class CarboxylationDay:
    """Vitamin K status and carboxylation of one day (see :func:`carboxylation_day`).

    ``vessel_*_by_depth`` have shape (1, H): axis 1 runs from the lumen to the adventitia.
    """

    amounts_nmol: dict[str, float]           # plasma vitamin K forms at the end of the day (nmol)
    warfarin_mg: float                       # warfarin in the body at the end of the day (mg)
    plasma: vitamin_k.PlasmaDay              # day-mean plasma concentrations
    vkor_activity_fraction: float            # the liver's (vessel wall and bone: their own EC50s)
    tissue_supply_nmol_l: dict[str, float]   # liver / vessel / bone supply, MK-4-equivalent nmol/L
    hepatic_kh2_relative: float              # hepatic KH2 / its reference-state value
    hepatic_carboxylation_fraction: float    # new clotting factors (II, VII, IX, X) fully carboxylated
    vessel_kh2_by_depth: np.ndarray          # KH2 in the media (nmol/L), (1, H)
    mgp_carboxylated_by_depth: np.ndarray    # share of new MGP fully carboxylated, (1, H)
    bone_kh2_nmol_l: float
    osteocalcin_carboxylated_fraction: float  # NaN in the osteocalcin knockout

    @property
    def bone_vitamin_k_supply_nmol_l(self) -> float:
        return self.tissue_supply_nmol_l["bone"]


def carboxylation_day(amounts_nmol: dict[str, float], warfarin_mg: float, intake_ug_per_day: dict[str, float],
                      warfarin_mg_per_day: float, vessel_delivery_by_depth: np.ndarray,
                      previous_supply_nmol_l: dict[str, float] | None, osteocalcin_knockout: bool, p,
                      dt: float = 1.0) -> CarboxylationDay:
    """Plasma kinetics, tissue vitamin K and carboxylation for one day (ODD step 3).

    Plasma moves one day (:func:`.vitamin_k.advance_plasma`); each tissue's vitamin K
    supply follows its plasma supply with the tissue lag (the liver within ~1.5 days,
    ``liver_vitamin_k_turnover_per_h``, taking every form; vessel wall and bone over ~8 days, by
    their uptake weights); the tissue cycle turns supply into KH2 under
    today's VKOR activity (each tissue's warfarin sensitivity: liver, vessel wall, bone); GGCX
    carboxylates prothrombin, MGP (per media depth) and osteocalcin by
    :data:`carboxylated_fraction`; the liver's clotting factors by the flux-limited law
    (:func:`hepatic_kh2_relative`, :func:`.coagulation.hepatic_factor_carboxylation`).

    Args:
        amounts_nmol, warfarin_mg: plasma state at the start of the day.
        vessel_delivery_by_depth: relative vitamin K delivery per media depth, shape (1, H).
        previous_supply_nmol_l: yesterday's tissue supplies; ``None`` at initialisation,
            when tissues start at the steady state of the current plasma and the plasma
            state is returned unchanged.
        dt: physiological days per simulated day.
    """
    new_amounts, new_warfarin, plasma = vitamin_k.advance_plasma(amounts_nmol, warfarin_mg, intake_ug_per_day,
                                                                 warfarin_mg_per_day, p, dt)
    if previous_supply_nmol_l is None:
        new_amounts, new_warfarin = amounts_nmol, warfarin_mg
    vkor = vitamin_k.vkor_activity(plasma.warfarin_mean_mg_per_l, p)
    targets = {  # the liver takes every form; extra-hepatic tissues by their uptake weights
        "liver": vitamin_k.tissue_supply_nmol_per_l(plasma, 1.0, 1.0),
        "vessel": vitamin_k.tissue_supply_nmol_per_l(plasma, p.vessel_k1_uptake_weight, p.mk7_tissue_uptake_weight),
        "bone": vitamin_k.tissue_supply_nmol_per_l(plasma, p.bone_k1_uptake_weight, p.mk7_tissue_uptake_weight),
    }
    if previous_supply_nmol_l is None:
        supply = {**targets, "vessel_store": targets["vessel"]}
    else:
        supply = {t: vitamin_k.tissue_lag_day(previous_supply_nmol_l[t], target, p, dt,  # the liver's own turnover
                                              p.liver_vitamin_k_turnover_per_h if t == "liver" else None)
                  for t, target in targets.items()}
        supply["vessel_store"] = vessel_store_day(previous_supply_nmol_l["vessel_store"], targets["vessel"], p, dt)
        supply["vessel"] = vessel_supply(supply["vessel"], supply["vessel_store"], p)

    liver_rel = hepatic_kh2_relative(supply["liver"], vkor, p, dt)
    hepatic = coagulation.flux_limited_carboxylated_fraction(liver_rel, p.hepatic_carboxylation_reserve, p)
    warfarin = plasma.warfarin_mean_mg_per_l
    vessel_kh2 = extrahepatic_gain(warfarin, p.extrahepatic_warfarin_ec50_mg_per_l, p) * supply["vessel"] \
        * vessel_delivery_by_depth
    mgp = carboxylated_fraction(vessel_kh2, p.vessel_ggcx_half_saturation_nmol_per_l, GLA_RESIDUES["mgp"])
    bone_kh2 = extrahepatic_gain(warfarin, p.bone_warfarin_ec50_mg_per_l, p) * supply["bone"]
    osteocalcin = float("nan") if osteocalcin_knockout else float(
        carboxylated_fraction(bone_kh2, p.bone_ggcx_half_saturation_nmol_per_l, GLA_RESIDUES["osteocalcin"]))
    return CarboxylationDay(new_amounts, new_warfarin, plasma, vkor, supply, liver_rel, hepatic, vessel_kh2, mgp,
                            bone_kh2, osteocalcin)


def repeated_or_new_day(last: tuple | None, amounts_nmol: dict[str, float], warfarin_mg: float,
                        intake_ug_per_day: dict[str, float], warfarin_mg_per_day: float,
                        vessel_delivery_by_depth: np.ndarray, previous_supply_nmol_l: dict[str, float] | None,
                        osteocalcin_knockout: bool, p, dt: float = 1.0) -> tuple:
    """``(key, day)``: ``last`` (the previous such pair, or None) when every argument equals the
    last call's, else :func:`carboxylation_day` of the arguments with its key. The day is a pure
    function of its arguments (dicts compared by their items, the fixed delivery profile by
    identity, the parameter set by equality), so the model's numbers are those of computing it
    every day, bit for bit; a steady diet and dose bring plasma and tissues to an exact
    fixed point within days, after which a day repeats until an input changes (a schedule, a drug's
    onset; the person's 30-day rate updates pass the model's ``vitamin_k_params``, which they leave
    the same: :func:`.vitamin_k.vitamin_k_parameters`)."""
    key = day_key(amounts_nmol, warfarin_mg, intake_ug_per_day, warfarin_mg_per_day, vessel_delivery_by_depth,
                  previous_supply_nmol_l, osteocalcin_knockout, p, dt)
    if last is not None and last[0] == key:  # equal ids first: the arrays are then the same object
        return last
    return key, carboxylation_day(amounts_nmol, warfarin_mg, intake_ug_per_day, warfarin_mg_per_day,
                                  vessel_delivery_by_depth, previous_supply_nmol_l, osteocalcin_knockout, p, dt)


def day_key(amounts_nmol: dict[str, float], warfarin_mg: float, intake_ug_per_day: dict[str, float],
            warfarin_mg_per_day: float, vessel_delivery_by_depth: np.ndarray,
            previous_supply_nmol_l: dict[str, float] | None, osteocalcin_knockout: bool, p, dt: float = 1.0) -> tuple:
    """The key :func:`repeated_or_new_day` compares: its arguments, dicts as their items, the fixed
    delivery profile by identity (then by value)."""
    return (tuple(amounts_nmol.items()), warfarin_mg, tuple(intake_ug_per_day.items()), warfarin_mg_per_day,
            id(vessel_delivery_by_depth), vessel_delivery_by_depth,
            None if previous_supply_nmol_l is None else tuple(previous_supply_nmol_l.items()), osteocalcin_knockout,
            p, dt)


def vessel_store_day(store_nmol_l: float, target_nmol_l: float, p, dt: float = 1.0) -> float:
    """The vessel wall's slow vitamin K store after one step: first-order relaxation towards
    today's vessel supply target at ``vessel_vitamin_k_store_turnover_per_day`` (exact)."""
    return target_nmol_l + (store_nmol_l - target_nmol_l) * math.exp(-p.vessel_vitamin_k_store_turnover_per_day * dt)


def vessel_supply(fast_nmol_l: float, store_nmol_l: float, p) -> float:
    """Vitamin K reaching the media: ``(1 - s)`` of the fast tissue supply (days) plus ``s``
    of the slow store (months), ``s = vessel_vitamin_k_store_share``. At steady state both
    equal the target, so only the time course changes: dp-ucMGP keeps falling for a year on
    a supplement (rows 8 and 9: -31 % at 12 weeks, -50 % at 3 years on 180 µg/day MK-7)."""
    share = p.vessel_vitamin_k_store_share
    return (1.0 - share) * fast_nmol_l + share * store_nmol_l


def ucmgp_release_relative(ucmgp_made: float, n_vsmc: int, mgp_made_per_healthy_cell: float) -> float:
    """Today's uncarboxylated MGP production relative to a media of ``n_vsmc`` healthy
    contractile cells making only uncarboxylated MGP (the input of :func:`advance_dp_ucmgp`)."""
    return ucmgp_made / (n_vsmc * mgp_made_per_healthy_cell)
