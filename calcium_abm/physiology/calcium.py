"""Whole-body calcium: gut absorption, blood (extracellular fluid), the exchangeable
bone-fluid pool and urine, under the day's PTH and calcitriol.

Calcium is tracked in mg in each pool; every function here returns amounts moved, which
the model applies to both sides, so calcium is never created or lost. Phosphate is mass in
its own ledger and the hormones (PTH gland, FGF23, calcitriol) are the laws of
:mod:`.kidney`; :mod:`.minerals` evaluates them each day into a :class:`SystemicState`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

import numba
import numpy as np

from calcium_abm.parameters import Parameter, declare, kernel_record, per_parameter_set
from calcium_abm.physiology import kidney, parathyroid

CALCIUM_MG_PER_MMOL = kidney.CALCIUM_MG_PER_MMOL
PHOSPHORUS_MG_PER_MMOL = kidney.PHOSPHORUS_MG_PER_MMOL
#: KDIGO GFR categories: the one table lives in :mod:`.kidney` (this name is kept for callers).
GFR_ML_PER_MIN_BY_CKD_STAGE = kidney.GFR_ML_PER_MIN_BY_CKD_STAGE

PARAMETERS = declare([
    Parameter("ecf_volume_l", 14.0, "L", "[V] Peterson & Riggs 2010 / OpenBoneMin (V1 = 14 L)",
              "Extracellular fluid volume holding blood calcium", 0.01, 100),
    Parameter("reference_serum_calcium_mmol_l", 2.35, "mmol/L", "[V] OpenBoneMin P0 = 32.9 mmol in 14 L",
              "Serum total calcium at which the loops are referenced", 1.0, 4.0),
    Parameter("ionized_calcium_fraction", 0.5, "-", "[C] ionised 1.1-1.3 / total 2.2-2.6 mmol/L (PMC7276095); a textbook ~40 % would put normal "
              "ionised calcium below its normal range",
              "Fraction of serum calcium that is ionised", 0.1, 1.0),
    Parameter("exchangeable_bone_calcium_mg", 4008.0, "mg",
              "[V] ~100 mmol immediately exchangeable (OpenBoneMin comments)",
              "Calcium in the exchangeable bone-fluid pool at the reference state", 0.0, 1e5),
    Parameter("bone_fluid_pth_exponent", 2.0, "-",
              "assumption: PTH drives fast calcium release from bone fluid by lining cells / osteocytes "
              "(Talmage & Mobley 2008; PTH-dependent fast bone exchange in Peterson & Riggs 2010)",
              "Fall of the bone-fluid : blood calcium equilibrium ratio with rising PTH", 0.0, 10),
    Parameter("gut_transit_per_day", 1.0, "1/day", "assumption: ~1 day for unabsorbed calcium to leave",
              "Rate at which unabsorbed gut calcium passes to the faeces", 0.01, 100),
    Parameter("passive_absorption_per_day", 0.12, "1/day",
              "assumption: paracellular absorption; with the active term the gut law absorbs 21 % of 1000 mg/day "
              "at reference calcitriol (calcium.steady_fractional_absorption), inside Heaney et al. 1989's curve "
              "(JBMR 4:469: 0.45 at 200 to 0.15 above 2000 mg/day)",
              "First-order passive (paracellular) calcium absorption", 0.0, 100),
    Parameter("active_absorption_max_mg_per_day", 260.0, "mg/day",
              "assumption: saturable transcellular absorption; at reference calcitriol the gut law absorbs 31 % of "
              "300 and 17 % of 2000 mg/day (calcium.steady_fractional_absorption; calcitriol rises on a low intake)",
              "Maximal calcitriol-dependent calcium absorption at reference calcitriol", 0.0, 1e4),
    Parameter("active_absorption_half_saturation_mg", 400.0, "mg",
              "assumption: see active_absorption_max_mg_per_day", "Gut calcium at half-maximal active absorption",
              1.0, 1e5),
    Parameter("endogenous_fecal_calcium_mg_per_day", 100.0, "mg/day",
              "[S] endogenous faecal calcium ~100-150 mg/day (Heaney)",
              "Calcium secreted from blood into the gut at the reference serum calcium", 0.0, 1e3),
    Parameter("reference_urine_calcium_mg_per_day", 125.0, "mg/day",
              "[C] urine = net absorption of the reference adult at 1000 mg/day (absorbed ~223 - endogenous faecal "
              "100 mg/day, measured in the model), so the reference state is a steady state; typical 100-250 "
              "mg/day [S]",
              "Urinary calcium at reference serum calcium and PTH", 0.0, 2e3),
    Parameter("ultrafiltrable_calcium_fraction", 0.59, "-",
              "[S] Guyton & Hall, Textbook of Medical Physiology, ch. 80: 41 % of plasma calcium protein-bound, 9 % "
              "complexed and 50 % ionised, so 59 % passes the glomerular membrane; [S] Medscape (plasma calcium: "
              "50 % ionised, 45 % protein-bound, 5 % complexed): 55 %",
              "Share of serum total calcium the glomeruli filter (ionised + complexed)", 0.3, 1.0),
    Parameter("urine_calcium_exponent", 22.0, "-",
              "[S] the renal calcium threshold's own steepness (Marshall's relation between fasting urine calcium "
              "per glomerular filtrate and serum calcium, via Peterson & Riggs 2010 Bone 46:49, who use a Hill-type "
              "tubular term); with urine_pth_exponent it keeps a 1000 mg/day supplement's serum calcium rise near "
              "the trials' 'no change' (row C1; 4 gave +0.10-0.15 mmol/L, design note docs/design/person.md)",
              "Sensitivity of urinary calcium to serum calcium", 0.0, 40),
    Parameter("urine_calcium_gfr_exponent", 1.0, "-",
              "[S] the filtered calcium load is GFR x ultrafiltrable calcium, so at a given fractional excretion "
              "urine calcium is proportional to GFR; urine falls with eGFR (relative hypocalciuria, Cirillo 2020 "
              "J Clin Med 9:4133; CRIC, Liu 2022 J Clin Endocrinol Metab 107:e281: eGFR positively correlated with "
              "24-h urine calcium) while the remaining nephrons' fractional excretion rises (Chin J Nephrol Dial "
              "Transplant 2023, 261 patients), which the model carries by renal_pth_resistance_gfr_exponent",
              "Power of relative GFR in urinary calcium at given serum calcium and tubular PTH signal", 0.0, 1.5),
    Parameter("urine_pth_exponent", 2.7, "-",
              "[C] PTH raises distal tubular calcium reabsorption: hypoparathyroid patients excrete > 300 mg/day "
              "at serum calcium 2.15 mmol/L with PTH ~0.35 of normal (J Clin Endocrinol Metab 2017 102:259 [V "
              "abstract]): 300 / 125 = (2.15 / 2.35)^22 x 0.35^-m gives m = 2.7",
              "Sensitivity of urinary calcium to PTH (negative effect)", 0.0, 10),
    Parameter("renal_pth_resistance_gfr_exponent", 0.75, "-",
              "assumption (value); form: in CKD serum PTH was high while calcium excreted and reabsorbed per volume "
              "of glomerular filtrate equalled controls' and tubular reabsorption did not rise with PTH ('Tubular "
              "calcium reabsorption and other aspects of calcium homeostasis in primary and secondary "
              "hyperparathyroidism' [V abstract]: 'in CKD, normal calcium reabsorption required high [PTH]'); "
              "hyporesponsiveness to PTH in CKD with down-regulated PTH receptors (Bover et al. 2021 Nefrologia "
              "41(5) review [V abstract]). The tubule sees PTH x (GFR / reference)^q, so the PTH of CKD (x1.3-1.6 "
              "at GFR 37-52, x2-5 at 10-22, rows K1, K4) is needed for a normal fractional excretion. Sensitivity "
              "(5 seeds, 2026-12-03): 0.5 fits K1 best (x1.27, x1.58) but fails K4 at GFR 22 (x2.0), K5 (CKD 4-5 "
              "lose less bone than health), A2's women (0.57 %/y) and K2's phosphate at GFR 22 (1.48 mmol/L), with "
              "CKD 4-5 calcium at 2.45 mmol/L; 1.0 passes those rows but moves K1 to x1.44 and x1.90 and A1's "
              "ratio to 1.96, and keeps calcium at 2.34-2.36 mmol/L down to GFR 10 (docs/ODD.md section 8)",
              "Power of relative GFR in the PTH signal the renal tubule sees (renal resistance to PTH as nephrons "
              "are lost)", 0.0, 3.0, ("K1", "K4", "K5", "A1")),
    Parameter("estrogen_renal_calcium_excretion_rise", 0.3, "-",
              "[V] Nordin et al. 1991 J Clin Endocrinol Metab 72:401 (115 pre-, 140 postmenopausal women): urine "
              "calcium higher after menopause at matched total and ultrafiltrable calcium and sodium, a renal "
              "calcium leak; [V] Dick, Devine, Beilby & Prince 2005 Am J Physiol Endocrinol Metab 288:E430 (293 "
              "women > 70 y): higher free estradiol, lower calcium excretion after adjusting for filtered calcium "
              "and PTH; [V] Osteoporos Int 1992 2:180 (99 pre-, 80 postmenopausal women): lower tubular calcium "
              "reabsorption when estrogen-depleted. Size: 'Mechanism of renal calcium conservation with estrogen "
              "replacement therapy in women in early postmenopause' 1995 [V abstract; McKane et al., J Clin "
              "Endocrinol Metab (mem)], 18 women, PTH(1-34) infusion: 1.43 +- 0.20 vs 0.90 +- 0.20 umol/dL of "
              "filtrate without and with estradiol, a rise of 0.59 with an uncertainty spanning ~0-1.5. The value "
              "0.3 inside it was calibrated to rows A2 and A3 (docs/design/person.md); since the calcium-balanced "
              "start it is bounded above by row A4. Sensitivity at 0 / 0.3 / 0.59 "
              "(validate's seeds per row, 2026-12-07): A4's women 61-80 keep 0.824 / 0.822 / 0.805 of their BMD "
              "at 30 (band >= 0.82), A2's women lose 0.57 / 0.61 / 0.63 %/y (band >= 0.64: below it at each), "
              "A3's 0.39 / 0.33 / 0.40 %/y is the seeds' draw, HT-Elderly's PTH deficient / on estrogen at 74 is "
              "1.04 / 1.08 / 1.13 (band >= 1.15); 0.59 also fails C2's spine at 3 years (1.63 %), T-ECKO2008's "
              "hip (0.76 %) and P-Estrogen's phosphate without - with therapy (-0.001 mmol/L). Rows 20, 20b and "
              "C1 are its independent checks",
              "Rise of urinary calcium at given serum calcium, PTH and GFR when ovarian estrogen is absent "
              "(women: x (1 + rise x (1 - estrogen)))", 0.0, 5.0, ("A4", "HT-Elderly")),
    Parameter("estrogen_phosphate_threshold_rise", 0.05, "-",
              "[C] from Zhang et al. 2014 Am J Kidney Dis (NHANES 2003-06, [V abstract]: serum phosphorus 3.98 in "
              "non-users against 3.83 mg/dL in estrogen users after adjusting for PTH, diet and GFR, 0.048 mmol/L), "
              "read as the law's effect at a given PTH and FGF23: near the reference FE = FE_max / (1 + K r), K = "
              "4.6, falls by K / (1 + K) = 0.82 of a small rise, so serum phosphate rises by ~0.82 x rise x 1.1 "
              "mmol/L, and 0.048 mmol/L needs a rise of 0.053 (tests/test_estrogen_phosphate.py). The model's own "
              "difference between a woman with and without therapy, after therapy's lower PTH and the other "
              "feedbacks, is about 0.01 mmol/L (row P-Estrogen), a quarter of that: the size is not validated, only "
              "the sign. Direction: [V] Osteoporos Int 1992 2:180 (abstract; 99 pre- and 80 postmenopausal women): "
              "estrogen-depleted women reabsorb more filtered phosphate and have higher serum phosphate at the same "
              "PTH; [V] Dick et al. 2005 Am J Physiol Endocrinol Metab 288:E430 (abstract): higher free estradiol, "
              "lower TmP/GFR after adjusting for PTH; estradiol is phosphaturic in oophorectomised rats (Kidney "
              "Blood Press Res 2001); row P-Estrogen holds the independent checks",
              "Rise of the renal phosphate threshold (TmP/GFR) when ovarian estrogen is absent (women: "
              "x (1 + rise x (1 - estrogen)))", 0.0, 1.0, ("P-Estrogen",)),
    Parameter("bone_fluid_pth_calcitriol_exponent", 1.0, "-",
              "assumption (form and value): the calcaemic action of PTH on bone needs calcitriol: selective "
              "calcitriol deficiency gave isolated skeletal resistance to PTH, restored by 1 ug/day calcitriol "
              "(Metz 1977 N Engl J Med 297:1084 [V abstract]); skeletal resistance to PTH is a mechanism of "
              "secondary hyperparathyroidism in CKD (Sampaio, Lugon & Barreto 2008 J Bras Nefrol review [V "
              "abstract]; Massry 1973, Llach 1975 [S]): the bone-fluid equilibrium sees PTH x calcitriol**k; "
              "1 keeps CKD 4-5 calcium normal (K2)",
              "Power of relative calcitriol in PTH's release of bone-fluid calcium (skeletal PTH resistance)",
              0.0, 3.0),
    Parameter("skeletal_calcitriol_half_life_days", 14.0, "days",
              "assumption: calcitriol acts on bone genomically (VDR-induced RANKL in osteoblasts and lining cells, "
              "Kitazawa 2003 J Cell Biochem 89:771 [S]), so the skeleton's calcitriol-dependent PTH response "
              "follows plasma calcitriol over days to weeks: 1 ug/day calcitriol restored the calcaemic response "
              "to PTH over a course of treatment, not at once (Metz 1977 N Engl J Med 297:1084 [V abstract]); "
              "without a lag a scheduled GFR step moved serum Ca from 2.33 to 1.23 mmol/L in one day",
              "Half-life of the skeleton's calcitriol signal following plasma calcitriol", 0.5, 120.0),
    Parameter("soft_tissue_phosphate_ratio", 1.4, "-",
              "[C] 20-28 mmol P removed per 5-h session while plasma P falls from ~1.6 to a 0.8-0.9 mmol/L "
              "plateau (ASAIO Trans 1991 37:M463): removed / (14 L x 0.75 mmol/L) - 1 = 0.9-1.7; pseudo-one-"
              "compartment mobilisation of cellular phosphate during dialysis (Spalding 2002 Kidney Int 61:655 [S])",
              "Rapidly exchangeable cellular phosphorus per phosphorus in blood/ECF (equilibrates within the day)",
              0.0, 10.0),
])


@dataclass
class SystemicState:
    """Scalar systemic readouts for one day (start-of-day values; see :func:`.minerals.systemic_day`)."""

    serum_calcium_mmol_l: float
    ionized_calcium_mmol_l: float
    serum_phosphate_mmol_l: float
    pth_pmol_l: float
    calcitriol_relative: float
    gfr_ml_per_min: float
    fgf23_relative: float = 1.0
    pth_relative: float = 1.0                 # PTH / parathyroid.reference_pth_pmol_l
    gland_pth_scale: float = 1.0              # PTH per unit of the calcium sigmoid (capacity x P term / clearance)
    phosphate_fractional_excretion: float = 0.15
    inhibitor_fraction: float = 1.0           # systemic calcification inhibitors relative to health
    skeletal_calcitriol_relative: float = 1.0  # calcitriol as the skeleton sees it (lagged, advance_skeletal_calcitriol)


def serum_calcium_mmol_l(blood_mg: float, p) -> float:
    """Serum total calcium (mmol/L) of ``blood_mg`` mg of calcium in the extracellular fluid
    (``ecf_volume_l``, Peterson & Riggs 2010): mg / (40.08 mg/mmol x L)."""
    return blood_mg / (CALCIUM_MG_PER_MMOL * p.ecf_volume_l)


def ionized_calcium_mmol_l(serum_calcium: float, p) -> float:
    """Ionised calcium (mmol/L) of a serum total calcium (mmol/L): x ``ionized_calcium_fraction``."""
    return serum_calcium * p.ionized_calcium_fraction


def serum_phosphate_mmol_l(blood_p_mg: float, p) -> float:
    """Serum inorganic phosphate (mmol/L) of ``blood_p_mg`` mg of phosphorus in the extracellular fluid:
    mg / (30.97 mg/mmol x ``ecf_volume_l``); :func:`blood_phosphorus_mg` is its inverse."""
    return blood_p_mg / (PHOSPHORUS_MG_PER_MMOL * p.ecf_volume_l)


def blood_phosphorus_mg(serum_phosphate: float, p) -> float:
    """Phosphorus (mg) in the extracellular fluid at a serum phosphate (mmol/L): the inverse of
    :func:`serum_phosphate_mmol_l`."""
    return serum_phosphate * PHOSPHORUS_MG_PER_MMOL * p.ecf_volume_l


def reference_blood_calcium_mg(p) -> float:
    """Calcium (mg) in the extracellular fluid at the reference serum calcium (``reference_serum_calcium_mmol_l``):
    the inverse of :func:`serum_calcium_mmol_l`."""
    return p.reference_serum_calcium_mmol_l * CALCIUM_MG_PER_MMOL * p.ecf_volume_l


class PthConstants(NamedTuple):
    """The parathyroid calcium sigmoid's parameters (:mod:`.kidney`), one record per parameter set."""

    ionized_calcium_fraction: float
    pth_min_pmol_l: float
    pth_max_pmol_l: float
    setpoint_ionized_mmol_l: float
    hill: float


@per_parameter_set
def pth_constants(p) -> PthConstants:
    """The PTH sigmoid's record for parameter set ``p`` (hashable; cached)."""
    return PthConstants(p.ionized_calcium_fraction, p.parathyroid_min_pmol_l, p.parathyroid_max_pmol_l,
                        p.parathyroid_setpoint_ionized_mmol_l, p.parathyroid_hill)


@numba.njit(cache=True, inline="always")
def pth_from_serum(serum_calcium_mmol_l, gland_pth_scale, k):
    """PTH (pmol/L) at a serum total calcium: ``gland_pth_scale`` x Brown's sigmoid at the ionised
    share (the compiled twin of :func:`.parathyroid.pth_secretion_pmol_l`, whose capacity, phosphate
    and clearance factors make ``gland_pth_scale``); ``k`` is a :class:`PthConstants`."""
    ion = serum_calcium_mmol_l * k.ionized_calcium_fraction
    return gland_pth_scale * (k.pth_min_pmol_l + (k.pth_max_pmol_l - k.pth_min_pmol_l)
                              / (1.0 + (ion / k.setpoint_ionized_mmol_l) ** k.hill))


def reference_pth_pmol_l(p) -> float:
    """PTH (pmol/L) of the reference adult: :func:`.parathyroid.reference_pth_pmol_l`."""
    return parathyroid.reference_pth_pmol_l(p)


def gut_day(lumen_start_mg: float, intake_mg: float, s: SystemicState, p, dt: float = 1.0) -> tuple[float, float]:
    """Gut calcium for one day: (absorbed to blood, passed to faeces), mg.

    Intake arrives at the start of the day; saturable calcitriol-dependent (active) plus
    passive absorption compete with transit, integrated exactly over the day.
    """
    lumen = lumen_start_mg + intake_mg
    k_abs = p.passive_absorption_per_day + s.calcitriol_relative * p.active_absorption_max_mg_per_day / (
        p.active_absorption_half_saturation_mg + lumen)
    k_out = k_abs + p.gut_transit_per_day
    leaving = lumen * (1.0 - math.exp(-k_out * dt))
    absorbed = leaving * k_abs / k_out
    return absorbed, leaving - absorbed


def steady_fractional_absorption(intake_mg_per_day: float, calcitriol_relative: float, p) -> float:
    """Fraction of a steady daily calcium intake the gut absorbs (-) under :func:`gut_day`'s law, once the
    lumen repeats from day to day (the start-of-day lumen is a contraction's fixed point: each day's
    leftover is at most ``exp(-gut_transit_per_day)`` of the lumen), with no calcium secreted into the
    lumen: a radiocalcium tracer's fraction. In a run the blood's endogenous secretion
    (:func:`steady_gut_lumen_mg`) fills the lumen too and lowers the share of each absorbed by about a
    percentage point (a healthy man: 20.2 % of diet + secretion against 20.9 %). The parameters' texts quote it
    (``tests/test_gut_absorption.py``) against Heaney et al. 1989's curve, and the age and menopause
    declines of :func:`.ageing.calcium_absorption_by_age` are taken relative to it at 1000 mg/day.

    Raises:
        ValueError: an intake that is not a positive finite number, naming it.
    """
    intake = float(intake_mg_per_day)
    if not (intake > 0.0 and intake < math.inf):
        raise ValueError(f"intake_mg_per_day = {intake_mg_per_day!r} is not allowed: it must be a positive number")
    state = SimpleNamespace(calcitriol_relative=float(calcitriol_relative))  # all gut_day reads of the day's state
    return gut_day(_steady_lumen_mg(intake, 0.0, state, p), intake, state, p)[0] / intake


def filtered_calcium_mg(s: SystemicState, p, dt: float = 1.0) -> float:
    """Calcium the glomeruli filter over ``dt`` days (mg): GFR x ultrafiltrable serum calcium
    (``ultrafiltrable_calcium_fraction`` x total; Guyton & Hall ch. 80), the most urine can hold."""
    return (s.gfr_ml_per_min * kidney.L_PER_DAY_PER_ML_PER_MIN * dt * s.serum_calcium_mmol_l
            * p.ultrafiltrable_calcium_fraction * CALCIUM_MG_PER_MMOL)


def kidney_and_endogenous_day(s: SystemicState, p, dt: float = 1.0) -> tuple[float, float]:
    """(urinary calcium, endogenous faecal calcium) for one day, mg, from start-of-day serum.

    ``urine = U_ref (GFR/GFR_ref)^g (Ca/Ca_ref)^n (PTH_rel (GFR/GFR_ref)^q)^-m``: the filtered
    load follows GFR (``urine_calcium_gfr_exponent`` g = 1), urine rises steeply with serum
    calcium (the renal threshold, n = 22) and falls with the PTH signal the tubule sees
    (distal reabsorption, m = 2.7), which a kidney that has lost nephrons resists
    (``renal_pth_resistance_gfr_exponent`` q: the PTH of CKD is needed for a normal
    fractional excretion). ``U_ref`` carries the person's renal estrogen effect
    (:func:`.ageing.personal_parameters`). Urine never exceeds the calcium the glomeruli filter
    (:func:`filtered_calcium_mg`): at a residual GFR of a few mL/min with a high intake the law
    alone would excrete more than the filtrate holds.
    """
    ref_ca = p.reference_serum_calcium_mmol_l
    gfr_rel = s.gfr_ml_per_min / p.reference_gfr_ml_per_min
    law = (p.reference_urine_calcium_mg_per_day * dt * gfr_rel ** p.urine_calcium_gfr_exponent
           * (s.serum_calcium_mmol_l / ref_ca) ** p.urine_calcium_exponent
           * (s.pth_relative * gfr_rel ** p.renal_pth_resistance_gfr_exponent) ** (-p.urine_pth_exponent))
    urine = min(law, filtered_calcium_mg(s, p, dt))  # the tubule reabsorbs; it does not secrete calcium
    endo = p.endogenous_fecal_calcium_mg_per_day * dt * s.serum_calcium_mmol_l / ref_ca
    return urine, endo


def urine_calcium_estrogen_factor(ovarian_estrogen_level: float, p) -> float:
    """Urinary calcium of a woman at given serum calcium, PTH and GFR relative to one with full
    ovarian estrogen: ``1 + estrogen_renal_calcium_excretion_rise x (1 - E)``, ``E`` in 0-1
    (:func:`.ageing.ovarian_estrogen_level`); estrogen raises tubular calcium reabsorption
    (Nordin 1991; McKane 1995). :func:`.ageing.personal_parameters` scales
    ``reference_urine_calcium_mg_per_day`` by it for women (men: 1)."""
    return 1.0 + p.estrogen_renal_calcium_excretion_rise * (1.0 - float(ovarian_estrogen_level))


def renal_phosphate_threshold_estrogen_factor(ovarian_estrogen_level: float, p) -> float:
    """A woman's renal phosphate threshold (TmP/GFR) against one with full ovarian estrogen:
    ``1 + estrogen_phosphate_threshold_rise x (1 - E)``, ``E`` in 0-1 (:func:`.ageing.ovarian_estrogen_level`,
    with therapy :func:`.hormone_therapy.estrogen_level_with_therapy`); estrogen is phosphaturic (Osteoporos Int
    1992 2:180; Dick 2005). :func:`.ageing.personal_parameters` scales ``renal_phosphate_threshold_relative``
    (:func:`.kidney.phosphate_fractional_excretion`) by it for women (men: 1)."""
    return 1.0 + p.estrogen_phosphate_threshold_rise * (1.0 - float(ovarian_estrogen_level))


def advance_skeletal_calcitriol(skeletal: float, calcitriol_relative: float, p, dt_days: float = 1.0) -> float:
    """The skeleton's calcitriol signal (relative, read by :func:`blood_to_bone_fluid_mg`) after
    ``dt_days`` following plasma calcitriol with ``skeletal_calcitriol_half_life_days``
    (genomic action: days to weeks; :func:`.kidney.relax`, exact)."""
    return kidney.relax(skeletal, calcitriol_relative, p.skeletal_calcitriol_half_life_days, dt_days)


def blood_to_bone_fluid_mg(blood_mg: float, fluid_mg: float, s: SystemicState, p) -> float:
    """Calcium moving from blood to the exchangeable bone fluid in one day (negative means
    fluid -> blood).

    The two pools equilibrate within hours, so the day ends at their equilibrium: the
    fluid : blood ratio falls as PTH rises (PTH makes bone lining cells give up fluid
    calcium, the body's fastest defence of serum calcium), and PTH itself follows blood
    calcium through the gland's sigmoid (``s.gland_pth_scale`` holds the day's gland size,
    phosphate and clearance factors). Bone sees PTH x calcitriol**k
    (``bone_fluid_pth_calcitriol_exponent``; the skeleton's lagged calcitriol signal,
    ``s.skeletal_calcitriol_relative``): the calcaemic action of PTH needs calcitriol,
    so a uraemic skeleton resists it (Massry 1973; Llach 1975). The blood calcium that satisfies both is found by safeguarded Newton iteration
    (the excess is monotone in blood calcium, so a bisection bracket backs every step),
    which keeps this stiff loop stable at any step.
    """
    return bone_fluid_moved_mg(blood_mg, fluid_mg, s, p, *_bone_fluid_kernel_records(p))


def bone_fluid_moved_mg(blood_mg: float, fluid_mg: float, s: SystemicState, p, f_record: np.ndarray,
                        k_record: np.ndarray) -> float:
    """:func:`blood_to_bone_fluid_mg` with the parameter set's kernel records (``_bone_fluid_kernel_records``)
    given: what compiled callers call."""
    moved = _bone_fluid_exchange(blood_mg, fluid_mg, _bone_pth_scale(s, p), f_record, k_record)
    # when the equilibrium puts nearly all calcium in blood, round-off could leave the fluid
    # at -1e-12 mg: never take more than it holds (the ledger books the same amount both ways)
    return max(moved, -fluid_mg)


def equilibrium_bone_fluid_mg(blood_mg: float, s: SystemicState, p) -> float:
    """Exchangeable bone-fluid calcium (mg) at its equilibrium with ``blood_mg`` under the day's
    PTH and skeletal calcitriol (:func:`blood_to_bone_fluid_mg`'s equilibrium, read at that blood
    calcium): the pool a run whose signals were steady before day 0 starts with
    (``exchangeable_bone_calcium_mg`` in the reference state)."""
    f_record, k_record = _bone_fluid_kernel_records(p)
    scale = _bone_pth_scale(s, p)
    return -float(_excess_fluid(blood_mg, blood_mg, scale, f_record[0], k_record[0]))


def _bone_pth_scale(s: SystemicState, p) -> float:
    """What bone sees of the gland's PTH scale: x skeletal calcitriol**k (:func:`blood_to_bone_fluid_mg`)."""
    return s.gland_pth_scale * max(s.skeletal_calcitriol_relative, 1e-9) ** p.bone_fluid_pth_calcitriol_exponent


@per_parameter_set
def _bone_fluid_kernel_records(p) -> tuple[np.ndarray, np.ndarray]:
    return kernel_record(bone_fluid_constants(p)), kernel_record(pth_constants(p))


class BoneFluidConstants(NamedTuple):
    """Constants of the blood : bone-fluid equilibrium for one parameter set."""

    mg_per_mmol_l: float             # blood mg per mmol/L of serum calcium (40.08 x ECF volume)
    reference_ratio: float           # fluid : blood calcium at the reference state
    reference_pth_pmol_l: float
    ratio_pth_exponent: float        # -bone_fluid_pth_exponent


@per_parameter_set
def bone_fluid_constants(p) -> BoneFluidConstants:
    """The bone-fluid record for parameter set ``p`` (hashable; cached)."""
    return BoneFluidConstants(CALCIUM_MG_PER_MMOL * p.ecf_volume_l,
                              p.exchangeable_bone_calcium_mg / reference_blood_calcium_mg(p),
                              reference_pth_pmol_l(p), -p.bone_fluid_pth_exponent)


@numba.njit(cache=True, inline="always")
def _excess_fluid(b, total, pth_scale, f, k):
    """Fluid calcium above its equilibrium with blood calcium ``b`` (decreasing in b)."""
    pth = pth_from_serum(b / f.mg_per_mmol_l, pth_scale, k)
    return (total - b) - b * f.reference_ratio * (pth / f.reference_pth_pmol_l) ** f.ratio_pth_exponent


@numba.njit(cache=True, error_model="numpy")
def _bone_fluid_exchange(blood_mg, fluid_mg, pth_scale, f_record, k_record):
    """The safeguarded Newton iteration of :func:`blood_to_bone_fluid_mg`; ``f_record`` /
    ``k_record`` are kernel records of a :class:`BoneFluidConstants` / :class:`PthConstants`."""
    f, k = f_record[0], k_record[0]
    total = blood_mg + fluid_mg
    # safeguarded Newton from today's blood calcium: a few steps instead of ~30 bisections
    lo, hi = 0.0, total
    x = min(max(blood_mg, 1e-9 * total), total)
    for _ in range(100):
        g = _excess_fluid(x, total, pth_scale, f, k)
        if g > 0.0:
            lo = x
        else:
            hi = x
        step = 1e-7 * total
        slope = (_excess_fluid(x + step, total, pth_scale, f, k) - g) / step
        x_new = x - g / slope if slope < 0.0 else 0.5 * (lo + hi)
        if not lo < x_new < hi:
            x_new = 0.5 * (lo + hi)
        if abs(x_new - x) <= 1e-12 * total or hi - lo <= 1e-12 * total:
            x = x_new
            break
        x = x_new
    return blood_mg - x


def steady_gut_lumen_mg(intake_mg: float, s: SystemicState, p, dt: float = 1.0) -> float:
    """Gut lumen content at the start of a day when intake and serum have been steady (fixed
    point), mg. The lumen takes the day's intake and, at the end of the day, the calcium the blood
    secretes into it (the endogenous faecal calcium of :func:`kidney_and_endogenous_day`), part of
    which is absorbed again the next day, as in the daily step (without the secretion the start
    lumen was short by about it: a healthy adult's gut pool rose from 393 to 538 mg in 5 days)."""
    return _steady_lumen_mg(intake_mg, kidney_and_endogenous_day(s, p, dt)[1], s, p, dt)


def _steady_lumen_mg(intake_mg: float, secreted_mg: float, s, p, dt: float = 1.0) -> float:
    """The start-of-day gut lumen (mg) that repeats from day to day under :func:`gut_day` with ``secreted_mg``
    joining it at each day's end (a contraction's fixed point: each day's leftover is at most
    ``exp(-gut_transit_per_day)`` of the lumen)."""
    lumen = 0.0
    for _ in range(200):
        absorbed, fecal = gut_day(lumen, intake_mg, s, p, dt)
        new = lumen + intake_mg - absorbed - fecal + secreted_mg
        if abs(new - lumen) < 1e-9:
            break
        lumen = new
    return lumen


# ----------------------------------------------------------------------------- glue signals
def capxp_relative(s: SystemicState, p) -> float:
    """Serum calcium x phosphate product relative to the reference product (-)."""
    return s.serum_calcium_mmol_l * s.serum_phosphate_mmol_l / (
        p.reference_serum_calcium_mmol_l * p.reference_serum_phosphate_mmol_l_kidney)


def phosphate_relative(s: SystemicState, p) -> float:
    """Serum phosphate relative to its reference (-)."""
    return s.serum_phosphate_mmol_l / p.reference_serum_phosphate_mmol_l_kidney


def gfr_relative(s: SystemicState, p) -> float:
    """GFR relative to the healthy reference (``reference_gfr_ml_per_min``) (-)."""
    return s.gfr_ml_per_min / p.reference_gfr_ml_per_min


# ----------------------------------------------------------------------------- the ledger
#: Largest share of the blood calcium present that each outflow may take in one day, taken
#: in the order of the daily exchanges (trabecular then cortical mineralisation, each of
#: what is left; vessel deposition; urine + endogenous faecal secretion together). Blood
#: holds ~1.3 g of calcium while these flows are ~0.2-1 g a day and are computed from
#: start-of-day signals; the caps keep every pool non-negative at any setting and step
#: (species time scales, extreme parameters) without changing a healthy day, where each
#: flow is far below its cap. Numerical safeguards (assumption), not physiology.
MINERALISATION_SUPPLY_SHARE = 0.5
VESSEL_DEPOSITION_SUPPLY_SHARE = 0.25
EXCRETION_SUPPLY_SHARE = 0.5

def excretion_day(s: SystemicState, blood_mg: float, p, dt: float = 1.0) -> tuple[float, float]:
    """(urinary calcium, endogenous faecal calcium) for one day, mg: those of
    :func:`kidney_and_endogenous_day`, scaled down together so that they take at most
    :data:`EXCRETION_SUPPLY_SHARE` of the ``blood_mg`` present."""
    urine, endogenous = kidney_and_endogenous_day(s, p, dt)
    scale = min(1.0, EXCRETION_SUPPLY_SHARE * blood_mg / max(urine + endogenous, 1e-12))
    return urine * scale, endogenous * scale
