"""Kidney, phosphate and the mineral hormones (FGF23, PTH, calcitriol), dialysis and binders.

Pure functions of scalars (floats), each one law, with its parameters declared in
``PARAMETERS`` below (value, unit, source or "assumption: ..."). Nothing here keeps state or
imports the model: the model (or a readout, or a test) calls these laws each day and applies
the amounts they return to both sides of its ledgers. The design, the sources and the wiring
plan are in ``docs/design/kidney_and_anticoagulation.md``.

Units: GFR in mL/min (per 1.73 m2), phosphate as elemental phosphorus in mg (amounts) or as inorganic phosphate in
mmol/L (serum), calcium in mmol/L, PTH in pmol/L; FGF23 and calcitriol relative to the healthy reference (1).

Structure (re-implemented from Peterson & Riggs 2010 Bone 46:49, whose public code is OpenBoneMin, GPL: no
code is copied, only the published forms and parameter values are used): gut phosphate absorption, partly
calcitriol-dependent, reduced by binders; the tubule: filtered phosphate x fractional excretion, which FGF23 and
PTH raise; FGF23 rises with the phosphate each remaining nephron must excrete and with ionised calcium;
1-alpha-hydroxylase (calcitriol) falls with renal mass and FGF23, is raised by PTH and suppressed by high
phosphate. The parathyroid gland's laws are in :mod:`.parathyroid` (its parameters are declared here, with the
kidney's hormones). Haemodialysis, binders and systemic calcification inhibitors: :mod:`.dialysis`; the
steady state of these laws (a readout): :mod:`.mineral_steady_state`.

Errors: functions raise :class:`ValueError` with the field, the value and what is allowed
when given a negative amount, a non-finite number, or an unknown CKD stage.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from calcium_abm.parameters import Parameter, declare, module_defaults
from calcium_abm.checks import checked_float as _check, per_set_or_fresh

PHOSPHORUS_MG_PER_MMOL, CALCIUM_MG_PER_MMOL = 30.97, 40.08  #: g/mol (fixed chemistry, not parameters)
HYDROXYAPATITE_CA_PER_P_MOLAR = 10.0 / 6.0  #: hydroxyapatite Ca10(PO4)6(OH)2: 10 Ca per 6 P
#: mass ratio Ca:P of hydroxyapatite = 10*40.08 / (6*30.97) = 2.157
HYDROXYAPATITE_CA_PER_P_MASS = HYDROXYAPATITE_CA_PER_P_MOLAR * CALCIUM_MG_PER_MMOL / PHOSPHORUS_MG_PER_MMOL
#: mL/min -> L/day
L_PER_DAY_PER_ML_PER_MIN = 1.44

#: KDIGO GFR categories (mL/min/1.73 m2: G1 >= 90, G2 60-89, G3a 45-59, G3b 30-44, G4 15-29, G5 < 15), one value each
GFR_ML_PER_MIN_BY_CKD_STAGE = {0: 100.0, 1: 95.0, 2: 75.0, 3: 45.0, 4: 22.0, 5: 10.0}

#: Ranges outside which a run has left physiology (issue 11): the model must warn.
PHYSIOLOGICAL_RANGES = {"serum_calcium_mmol_l": (1.8, 3.2), "serum_phosphate_mmol_l": (0.3, 4.0)}

PARAMETERS = declare([
    # ------------------------------------------------------------------ reference state
    Parameter("reference_gfr_ml_per_min", 100.0, "mL/min",
              "[V] OpenBoneMin initial GFR = 100/16.667 L/h = 100 mL/min (Peterson & Riggs 2010)",
              "GFR of the healthy adult at which FGF23, calcitriol and clearances are 1", 80.0, 130.0),
    Parameter("reference_phosphate_intake_mg_per_day", 1200.0, "mg/day",
              "[S] adult intakes ~1000-1500 mg/day (IOM 1997 DRI ch. 5; LPI phosphorus page)",
              "Dietary phosphorus intake of the reference adult", 900.0, 1500.0),
    Parameter("reference_serum_phosphate_mmol_l_kidney", 1.1, "mmol/L",
              "[V] serum Pi ~1 mmol/L (IOM 1997 p. 146); controls 1.11 mmol/L (CKD 3-5 cross-sectional, "
              "Nephron Clin Pract 107:c109)", "Serum inorganic phosphate of the reference adult", 0.8, 1.45),
    Parameter("reference_ionized_calcium_mmol_l", 1.175, "mmol/L",
              "[C] 0.5 x 2.35 mmol/L (calcium.py reference); normal ionised 1.1-1.3 (PMC7276095)",
              "Ionised calcium of the reference adult", 1.1, 1.3),
    # ------------------------------------------------------------------ gut
    Parameter("phosphate_net_absorption_fraction", 0.625, "-",
              "[V] 60-65 % on mixed diets, nearly independent of intake (IOM 1997 DRI pp. 148, 173, citing "
              "Heaney & Recker 1982); [S] 40-80 % by food source (phosphorus reviews)",
              "Net fraction of dietary phosphorus absorbed at reference calcitriol", 0.4, 0.8),
    Parameter("phosphate_calcitriol_dependent_share", 0.1, "-",
              "assumption (value; bounds [V]): paracellular P absorption 65-80 % (Am J Nephrol 2021 52:522; Hill "
              "Gallant & Vorland 2021 Curr Opin Nephrol Hypertens 30:404); absorption 0.69 in CKD 3b-4 vs 0.62 despite "
              "low calcitriol (Stremke 2021 J Am Soc Nephrol 32:2057 [V]). HD pre-dialysis P 1.59/1.42/1.10 at 0/0.1/0.3",
              "Share of reference phosphate absorption that is calcitriol-dependent (transcellular)", 0.0, 0.9),
    # ------------------------------------------------------------------ FGF23
    Parameter("fgf23_nephron_load_exponent", 1.0, "-",
              "assumption: FGF23 rises as eGFR falls, before phosphate and PTH (Isakova 2011 Kidney Int 79:1370 "
              "[V abstract]; Gutierrez 2005 J Am Soc Nephrol [V abstract]); sensed as phosphate to excrete per "
              "remaining nephron; with 1, haemodialysis patients sit ~10-20x normal (median intact FGF23 763 "
              "pg/mL, Minoo 2018 [V], vs ~40-60 pg/mL in health [U])",
              "Power of per-nephron phosphate load in FGF23 secretion", 0.5, 1.0),
    Parameter("fgf23_calcitriol_exponent", 0.3, "-",
              "assumption: active vitamin D raises FGF23 (review PMC5198563 [V qualitative]); half of secretion "
              "is taken as calcitriol-independent, so FGF23 stays high in CKD despite low calcitriol",
              "Power of (1 + relative calcitriol) / 2 in FGF23 secretion", 0.0, 1.0),
    Parameter("fgf23_calcium_exponent", 1.0, "-",
              "assumption (value; direction [V]): calcium raises FGF23 apart from PTH and phosphate (Rodriguez-Ortiz "
              "2012 J Am Soc Nephrol 23:1190, rats; Quinn 2013 Am J Physiol Endocrinol Metab 304:E310, PTH- and "
              "CaSR-null mice; r = 0.39 with serum calcium in healthy girls, PMC5460726)",
              "Power of relative ionised calcium in FGF23 secretion", 0.0, 8.0),
    Parameter("fgf23_max_relative", 100.0, "-", "assumption: FGF23 in dialysis can exceed 100x normal [U]",
              "Ceiling of relative FGF23", 10.0, 1000.0),
    Parameter("fgf23_min_relative", 0.05, "-", "assumption: osteocytes keep a basal FGF23 secretion when almost no "
              "phosphate is absorbed (binders with a minimal diet)", "Floor of relative FGF23", 0.001, 0.5),
    # ------------------------------------------------------------------ tubular phosphate handling
    Parameter("phosphate_fractional_excretion_ceiling", 0.85, "-",
              "assumption: NaPi-2a/2c inhibition cannot stop all proximal reabsorption. The reference FEPi is "
              "not a parameter: it follows from the reference balance (urine P = absorbed P, IOM 1997 p. 148 "
              "[V]): 750 mg/day / (144 L/day x 1.1 mmol/L x 30.97) = 0.15 [C], within the normal 10-20 % [S]",
              "Highest fractional phosphate excretion FGF23 and PTH can reach", 0.5, 1.0),
    Parameter("phosphate_excretion_fgf23_exponent", 1.0, "-",
              "assumption: FGF23 is independently associated with higher FePO4 (Gutierrez 2005 [V abstract]); "
              "FGF23 suppresses NaPi-2a/2c (PMC2721424 [V])",
              "Power of relative FGF23 in the phosphaturic drive", 0.5, 1.0),
    Parameter("phosphate_excretion_pth_exponent", 0.5, "-",
              "assumption: PTH lowers TmP (IOM 1997 p. 148 [V]) and is independently associated with higher FePO4 "
              "(Gutierrez 2005 [V abstract])", "Power of relative PTH in the phosphaturic drive", 0.0, 1.0),
    Parameter("renal_phosphate_threshold_relative", 1.0, "-",
              "[C] 1 for the reference man; a woman's is this x calcium.renal_phosphate_threshold_estrogen_factor. "
              "Range: about TmP/GFR's adult reference interval, 0.80-1.35 mmol/L (Payne 1998 Ann Clin Biochem 35:201 "
              "[S]); 0.5 and 2 gave the reference man 0.68 and 1.79 mmol/L of phosphate, outside 0.8-1.45",
              "The person's tubular phosphate reabsorption (TmP/GFR) against the reference man's at the same "
              "FGF23 and PTH: the half-saturation of the phosphaturic drive is multiplied by it", 0.7, 1.3),
    # ------------------------------------------------------------------ calcitriol (1-alpha-hydroxylase)
    Parameter("calcitriol_renal_mass_exponent", 0.2, "-",
              "assumption: small, because the effect of eGFR on calcitriol is 'completely extinguished' after "
              "adjusting for FGF23 (Gutierrez 2005 [V abstract])",
              "Power of GFR (functioning proximal tubules) in calcitriol production", 0.0, 1.0),
    Parameter("calcitriol_fgf23_exponent", 0.35, "-",
              "assumption calibrated to calcitriol 58 vs 120 pmol/L (0.49x) in CKD 3-5 vs controls (Nephron "
              "Clin Pract 107:c109 [V]) and to FGF23 as the independent predictor of low calcitriol "
              "(Gutierrez 2005 [V])", "Power by which FGF23 suppresses calcitriol", 0.0, 1.5),
    Parameter("calcitriol_pth_exponent", 0.11, "-",
              "[V] OpenBoneMin AlphOHgam = 0.111 (PTH stimulation of 1-alpha-hydroxylase, Peterson & Riggs 2010), "
              "used here as a power", "Power by which PTH stimulates calcitriol production", 0.0, 1.0),
    Parameter("calcitriol_phosphate_effect_at_threshold", 1.52493, "-",
              "[V] OpenBoneMin PhosEff0 (Peterson & Riggs 2010)",
              "Shape constant of phosphate suppression of 1-alpha-hydroxylase (value of the curve at 0)", 1.0, 2.0),
    Parameter("calcitriol_phosphate_half_mmol_l", 1.3021, "mmol/L", "[V] OpenBoneMin PhosEff50",
              "Serum phosphate at half-maximal suppression of 1-alpha-hydroxylase", 1.0, 2.0),
    Parameter("calcitriol_phosphate_hill", 8.25229, "-", "[V] OpenBoneMin PhosEffGam",
              "Steepness of phosphate suppression of 1-alpha-hydroxylase", 1.0, 30.0),
    Parameter("calcitriol_phosphate_effect_weight", 0.25, "-",
              "assumption: the effect of hyperphosphataemia on calcitriol was 'completely extinguished' after "
              "adjusting for FGF23 (Gutierrez 2005 [V abstract]), so only part of Peterson & Riggs' direct "
              "suppression is kept (1 = all of it)",
              "Weight of the direct phosphate suppression of 1-alpha-hydroxylase", 0.0, 1.0),
    Parameter("calcitriol_phosphate_threshold_mmol_l", 1.2, "mmol/L",
              "[V] OpenBoneMin: suppression acts only above ECF phosphate 1.2 mmol/L",
              "Serum phosphate above which it suppresses 1-alpha-hydroxylase", 1.0, 1.5),
    # ------------------------------------------------------------------ parathyroid gland
    Parameter("parathyroid_setpoint_ionized_mmol_l", 1.13, "mmol/L",
              "[V] Brown set point in healthy controls 1.13 (SD 0.04) mmol/L, citrate/calcium clamps "
              "(Schwarz 1994 Eur J Clin Invest 24:553); [V] 1.0 mM in dispersed normal human cells (Brown 1983)",
              "Ionised calcium at half-maximal PTH secretion", 0.8, 1.5),
    Parameter("parathyroid_hill", 20.0, "-",
              "[C] fitted with parathyroid_min/max_pmol_l to the steady-state citrate/calcium clamps of healthy "
              "controls: PTH 3.4 pmol/L at baseline, 8.6 at ionised Ca 0.2 mmol/L below and 0.9 above (Schwarz "
              "1994 Miner Electrolyte Metab 20:135 [V abstract]); steady state 2-3x baseline at -0.21 mmol/L and "
              "~1/4 at +0.20 (Schwarz 1993 Eur J Clin Invest 23:546 [V abstract]); log-gain ~ -10 at the set point",
              "Steepness of the calcium-PTH sigmoid", 2.0, 200.0),
    Parameter("parathyroid_min_pmol_l", 0.9, "pmol/L",
              "[V] 0.9 pmol/L in healthy controls at ionised Ca 0.2 mmol/L above baseline (Schwarz 1994 Miner "
              "Electrolyte Metab 20:135); ~1/4 of baseline (Schwarz 1993; Brown-lab infusions 23 -> 6 ng/L, "
              "J Clin Endocrinol Metab 1988 67:944)",
              "PTH of a normal-sized gland at high ionised calcium (at least 0.1: the gland never stops, and "
              "a PTH of 0 would divide PTH-dependent laws by zero)", 0.1, 5.0),
    Parameter("parathyroid_max_pmol_l", 9.0, "pmol/L",
              "[V] steady-state hypersecretion 8.6 pmol/L at ionised Ca 0.2 mmol/L below baseline in healthy "
              "controls (Schwarz 1994); the acute peak (19 pmol/L, 4-7x) decays within the hour (Schwarz 1993), "
              "so a daily model takes the steady level",
              "PTH of a normal-sized gland at low ionised calcium (daily steady state)", 5.0, 60.0),
    Parameter("parathyroid_capacity_max", 4.1029, "-",
              "[V] OpenBoneMin CtriolMax (Peterson & Riggs 2010)",
              "Gland capacity (relative secretory mass) when calcitriol is absent", 1.5, 8.0),
    Parameter("parathyroid_capacity_min", 0.9, "-", "[V] OpenBoneMin CtriolMin",
              "Gland capacity when calcitriol is high", 0.5, 0.99),
    Parameter("parathyroid_capacity_calcitriol_hill", 5.0, "-",
              "assumption calibrated to K1 (PTH x1.26 at eGFR 45-59 and x1.62 at 30-44 vs >= 60, [C] from NHANES "
              "PMC2615703): OpenBoneMin's CtriolPTgam = 12.5 [V] acts on a calcitriol that hardly moves in its CKD; "
              "here calcitriol falls early through FGF23, so the gland responds less steeply",
              "Steepness of the calcitriol control of gland capacity", 1.0, 15.0),
    Parameter("parathyroid_capacity_phosphate_load_exponent", 0.06, "-",
              "assumption (value; direction [V]): dietary P drives parathyroid hyperplasia in uraemia independently of "
              "ionised Ca and calcitriol: gland weight 1.80 vs 0.88 ug/g on 0.8 vs 0.2 % P diets (Slatopolsky 1996 J "
              "Clin Invest 97:2534), ~2x within 2 weeks of uraemia on high P, none on low P (Denda 1996 Am J Kidney "
              "Dis 28:596); sensed as P to excrete per remaining nephron (as FGF23). K4 (steady PTH at GFR 10 <= 5.7x) caps it at 0.06",
              "Power of the per-nephron phosphate load in the gland capacity target", 0.0, 1.0),
    Parameter("parathyroid_capacity_half_life_days", 180.0, "days",
              "[C] OpenBoneMin PTout = 1.604e-4 /h -> ln2/PTout = 4321 h = 180 days (slow hyperplasia)",
              "Half-life of the gland capacity's approach to its calcitriol-set target", 1.0, 2000.0),
    Parameter("parathyroid_phosphate_exponent", 0.3, "-",
              "assumption: chronic phosphate retention raises PTH in CKD (KDIGO CKD-MBD [S]); no acute effect "
              "(Endocrinology 1968;83:1043 [V abstract]); OpenBoneMin sets its direct term to 0 [V]",
              "Power of relative serum phosphate in PTH secretion", 0.0, 3.0),
    Parameter("pth_renal_clearance_share", 0.0, "-",
              "assumption: OpenBoneMin clears PTH at a GFR-independent rate [V]; raise for assays that see "
              "renally cleared fragments", "Share of PTH clearance that falls with GFR", 0.0, 0.9),
    # ------------------------------------------------------------------ mineral stoichiometry
    Parameter("mineral_ca_per_p_molar", HYDROXYAPATITE_CA_PER_P_MOLAR, "mol/mol",
              "[V] hydroxyapatite Ca10(PO4)6(OH)2 stoichiometry; [S] whole-body Ca:P 1.4-1.9 mol/mol (EFSA "
              "2015). Note: OpenBoneMin's 0.464 'molar P/Ca' equals the MASS ratio P/Ca of hydroxyapatite",
              "Ca:P molar ratio of bone and vessel mineral (deposition and resorption carry P with Ca)",
              1.3, 2.2),
])

def default_parameters(**overrides: float) -> SimpleNamespace:
    """This module's defaults, with ``overrides`` (tests, readouts); an undeclared name raises :class:`KeyError`."""
    return module_defaults(PARAMETERS, "kidney", overrides)


# ------------------------------------------------------------------------------ parameter rules
def parameter_conflicts(p) -> list[str]:
    """Cross-field rules of this module's parameters; one message per broken rule (empty = fine).

    The scenario validator should refuse a parameter set for which this is not empty.
    """
    rules = [
        (p.parathyroid_min_pmol_l < p.parathyroid_max_pmol_l,
         f"parathyroid_min_pmol_l ({p.parathyroid_min_pmol_l}) must be below parathyroid_max_pmol_l "
         f"({p.parathyroid_max_pmol_l})"),
        (p.parathyroid_capacity_min < 1.0 < p.parathyroid_capacity_max,
         f"parathyroid_capacity_min ({p.parathyroid_capacity_min}) < 1 < parathyroid_capacity_max "
         f"({p.parathyroid_capacity_max}) is required (capacity 1 = healthy gland)"),
        (reference_fractional_excretion(p) < p.phosphate_fractional_excretion_ceiling,
         f"the reference balance needs a fractional phosphate excretion of {reference_fractional_excretion(p):.3f} "
         f"(reference_phosphate_intake_mg_per_day x phosphate_net_absorption_fraction / filtered phosphate at "
         f"reference_gfr_ml_per_min and reference_serum_phosphate_mmol_l_kidney), which must be below "
         f"phosphate_fractional_excretion_ceiling ({p.phosphate_fractional_excretion_ceiling})"),
        (p.fgf23_nephron_load_exponent * p.phosphate_excretion_fgf23_exponent <= 1.0,
         f"fgf23_nephron_load_exponent x phosphate_excretion_fgf23_exponent "
         f"({p.fgf23_nephron_load_exponent} x {p.phosphate_excretion_fgf23_exponent}) must be at most 1: "
         f"above 1 the FGF23 response to phosphate load over-corrects, so eating more phosphate would lower "
         f"serum phosphate (serum Pi rises with absorbed intake, IOM 1997 Fig. 5-1)"),
        (p.calcitriol_phosphate_threshold_mmol_l < p.calcitriol_phosphate_half_mmol_l
         or p.calcitriol_phosphate_effect_at_threshold > 1.0,
         "calcitriol_phosphate_threshold_mmol_l must be below calcitriol_phosphate_half_mmol_l"),
    ]
    return [message for ok, message in rules if not ok]


def physiology_violations(**values: float) -> list[tuple[str, float, tuple[float, float]]]:
    """Quantities outside :data:`PHYSIOLOGICAL_RANGES`, as (name, value, (low, high)).

    Pass e.g. ``serum_calcium_mmol_l=2.4, serum_phosphate_mmol_l=5.1``; names without a range are
    ignored. Used by the model's guardrail warning (see the design note).
    """
    out = []
    for name, value in values.items():
        if name in PHYSIOLOGICAL_RANGES:
            low, high = PHYSIOLOGICAL_RANGES[name]
            if not (low <= value <= high):
                out.append((name, float(value), (low, high)))
    return out


# ------------------------------------------------------------------------------ GFR
def gfr_ml_per_min(ckd_stage: int) -> float:
    """Representative GFR (mL/min/1.73 m2) of a KDIGO stage; 0 = healthy kidneys.

    Raises:
        ValueError: for a stage other than 0-5.
    """
    if ckd_stage not in GFR_ML_PER_MIN_BY_CKD_STAGE:
        raise ValueError(f"ckd_stage = {ckd_stage!r} is not allowed: it must be one of 0, 1, 2, 3, 4, 5")
    return GFR_ML_PER_MIN_BY_CKD_STAGE[ckd_stage]


def gfr_decline_ml_per_min(gfr_start: float, gfr_end: float, years_to_end: float, t_years: float) -> float:
    """GFR at ``t_years`` on an exponential decline from ``gfr_start`` to ``gfr_end`` over
    ``years_to_end`` (the form of OpenBoneMin's GFR decline, Peterson & Riggs 2010), then held."""
    g0, g1 = _check("gfr_start", gfr_start, 1e-6), _check("gfr_end", gfr_end, 1e-6)
    tau = _check("years_to_end", years_to_end, 1e-9)
    t = min(_check("t_years", t_years), tau)
    return g0 * (g1 / g0) ** (t / tau)


def renal_clearance_relative(gfr: float, renal_share: float, p) -> float:
    """Total clearance of a solute relative to health when ``renal_share`` of it is renal and
    scales with GFR: ``(1 - s) + s * GFR / GFR_ref``.

    For dp-ucMGP, s ~ 0.75 reproduces both the fall from 1252 to 609 pmol/L after kidney
    transplantation and ~14 % lower dp-ucMGP per 10 mL/min eGFR (Kremer 2021 Nutrients 13:3069).
    """
    g = _check("gfr", gfr)
    s = _check("renal_share", renal_share, 0.0, 1.0)
    return (1.0 - s) + s * g / p.reference_gfr_ml_per_min


# ------------------------------------------------------------------------------ gut and binders
def phosphate_absorbed_mg(intake_mg: float, calcitriol_relative: float, binder_mg: float, p) -> float:
    """Net phosphorus absorbed (mg) from ``intake_mg``; the rest goes to the faeces.

    Absorbable phosphorus ``A = intake * f * ((1 - s) + s * 2c / (1 + c))`` (passive share
    ``1 - s``, calcitriol-dependent share ``s`` half-saturated at the reference, ``c`` = relative
    calcitriol). Binders keep ``A * (1 - exp(-binder_mg / A))`` of it from absorption: about
    ``binder_mg`` for small doses, never more than ``A``. A negative ``binder_mg`` (less dietary calcium
    than the reference diet's, :func:`.dialysis.dietary_calcium_phosphate_binding_mg`) frees
    ``U * (1 - exp(binder_mg / U))`` of the unabsorbed ``U = intake - A``: never more than ``U``.
    """
    intake = _check("phosphate intake_mg", intake_mg)
    c = _check("calcitriol_relative", calcitriol_relative)
    binder = _check("binder_mg", binder_mg, -math.inf)
    s = p.phosphate_calcitriol_dependent_share
    absorbable = intake * p.phosphate_net_absorption_fraction * ((1.0 - s) + s * 2.0 * c / (1.0 + c))
    if absorbable <= 0.0:
        return 0.0
    unabsorbed = intake - absorbable
    if binder < 0.0 < unabsorbed:
        return absorbable - unabsorbed * math.expm1(binder / unabsorbed)
    return absorbable * math.exp(-max(binder, 0.0) / absorbable)


# ------------------------------------------------------------------------------ FGF23
@per_set_or_fresh
def reference_phosphate_load_mg(p) -> float:
    """Net absorbed phosphorus (mg/day) of the reference adult: what the kidneys must excrete."""
    return phosphate_absorbed_mg(p.reference_phosphate_intake_mg_per_day, 1.0, 0.0, p)


def phosphate_load_per_nephron_relative(gfr: float, phosphate_load_mg: float, p) -> float:
    """Net absorbed phosphorus (mg/day) per remaining nephron, relative to the reference adult's:
    ``(load / load_ref) / (GFR / GFR_ref)`` (sensed by FGF23 and the parathyroid gland's growth)."""
    g = _check("gfr", gfr, 1e-6)
    load = _check("phosphate_load_mg", phosphate_load_mg)
    return (load / reference_phosphate_load_mg(p)) / (g / p.reference_gfr_ml_per_min)


def fgf23_relative(gfr: float, phosphate_load_mg: float, calcitriol_relative: float, p,
                   ionized_calcium_relative: float = 1.0) -> float:
    """Relative FGF23 (1 = healthy reference) from the phosphate each remaining nephron must excrete.

    ``FGF23 = ((load / load_ref) / (GFR / GFR_ref)) ** a * ((1 + calcitriol) / 2) ** c * ion ** e``,
    kept between ``fgf23_min_relative`` and ``fgf23_max_relative``. ``phosphate_load_mg`` is the
    day's net absorbed phosphorus (mg/day); ``ionized_calcium_relative`` the ionised calcium over
    the reference (1 at steady states, which are taken at the reference calcium).
    """
    c = _check("calcitriol_relative", calcitriol_relative)
    ion = _check("ionized_calcium_relative", ionized_calcium_relative)
    per_nephron = phosphate_load_per_nephron_relative(gfr, phosphate_load_mg, p)
    value = (per_nephron ** p.fgf23_nephron_load_exponent * (0.5 * (1.0 + c)) ** p.fgf23_calcitriol_exponent
             * ion ** p.fgf23_calcium_exponent)
    return min(p.fgf23_max_relative, max(p.fgf23_min_relative, value))


# ------------------------------------------------------------------------------ tubule
def filtered_phosphate_mg(gfr: float, serum_phosphate_mmol_l: float) -> float:
    """Phosphorus filtered per day (mg): GFR (mL/min -> L/day) x serum phosphate x 30.97."""
    g = _check("gfr", gfr)
    pi = _check("serum_phosphate_mmol_l", serum_phosphate_mmol_l)
    return g * L_PER_DAY_PER_ML_PER_MIN * pi * PHOSPHORUS_MG_PER_MMOL


@per_set_or_fresh
def reference_fractional_excretion(p) -> float:
    """FEPi of the reference adult, from the balance urine = net absorbed phosphorus (IOM 1997)."""
    return reference_phosphate_load_mg(p) / filtered_phosphate_mg(p.reference_gfr_ml_per_min,
                                                                   p.reference_serum_phosphate_mmol_l_kidney)


def phosphate_fractional_excretion(pth_relative: float, fgf23_relative_: float, p) -> float:
    """Fractional excretion of filtered phosphate.

    Phosphaturic drive ``D = FGF23 ** a * PTH ** b`` (both relative, 1 at the reference);
    ``FE = FE_max * D / (D + K r)`` with ``K = FE_max / FE_ref - 1`` so that ``FE(1) = FE_ref``
    (:func:`reference_fractional_excretion`) for the reference man, whose renal phosphate threshold
    ``r`` (``renal_phosphate_threshold_relative``) is 1.
    """
    pth = _check("pth_relative", pth_relative)
    fgf = _check("fgf23_relative", fgf23_relative_)
    fe_max = p.phosphate_fractional_excretion_ceiling
    k = (fe_max / reference_fractional_excretion(p) - 1.0) * p.renal_phosphate_threshold_relative
    drive = fgf ** p.phosphate_excretion_fgf23_exponent * pth ** p.phosphate_excretion_pth_exponent
    return fe_max * drive / (drive + k)


def urine_phosphate_mg(filtered_load_mg: float, pth_relative: float, fgf23_relative_: float, p) -> float:
    """Urinary phosphorus (mg/day) = filtered load x fractional excretion."""
    return _check("filtered_load_mg", filtered_load_mg) * phosphate_fractional_excretion(pth_relative, fgf23_relative_, p)


def blood_phosphate_day(blood_mg: float, inflow_mg: float, gfr: float, fractional_excretion: float,
                        ecf_volume_l: float, dt_days: float = 1.0) -> tuple[float, float]:
    """One day of blood (ECF) phosphorus with a constant inflow and renal excretion, exactly.

    ``dB/dt = J - k B`` with ``J = inflow_mg / dt`` and ``k = GFR * 1.44 * FE / V`` (per day):
    ``B1 = J/k + (B0 - J/k) e^(-k dt)``; urine = ``B0 + inflow - B1`` so phosphorus is conserved
    to round-off at any step (the renal time constant is ~0.6 day at the reference, so an
    explicit daily step would overshoot). Returns ``(urine_mg, blood_mg_at_end)``.
    """
    b0 = _check("blood phosphorus blood_mg", blood_mg)
    inflow = _check("inflow_mg", inflow_mg)
    g = _check("gfr", gfr)
    fe = _check("fractional_excretion", fractional_excretion, 0.0, 1.0)
    volume = _check("ecf_volume_l", ecf_volume_l, 1e-6)
    dt = _check("dt_days", dt_days, 1e-12)
    k = g * L_PER_DAY_PER_ML_PER_MIN * fe / volume
    if k * dt < 1e-12:
        return 0.0, b0 + inflow
    steady = inflow / dt / k
    b1 = steady + (b0 - steady) * math.exp(-k * dt)
    return b0 + inflow - b1, b1


# ------------------------------------------------------------------------------ calcitriol
def calcitriol_phosphate_effect(serum_phosphate_mmol_l: float, p) -> float:
    """Suppression of 1-alpha-hydroxylase by phosphate (1 at or below the threshold).

    The Peterson & Riggs 2010 curve ``E0 - Emax*E0 * P**h / (P**h + P50**h)`` above the
    threshold (``Emax`` set so it is 1 at the threshold), applied with weight ``w``:
    ``1 - w * (1 - curve)``."""
    pi = _check("serum_phosphate_mmol_l", serum_phosphate_mmol_l)
    t = p.calcitriol_phosphate_threshold_mmol_l
    if pi <= t:
        return 1.0
    e0, h, p50 = p.calcitriol_phosphate_effect_at_threshold, p.calcitriol_phosphate_hill, \
        p.calcitriol_phosphate_half_mmol_l
    emax = (e0 - 1.0) * (t ** h + p50 ** h) / (e0 * t ** h)
    curve = max(0.0, e0 - emax * e0 * pi ** h / (pi ** h + p50 ** h))
    return 1.0 - p.calcitriol_phosphate_effect_weight * (1.0 - curve)


def calcitriol_relative(gfr: float, pth_relative: float, fgf23_relative_: float,
                        serum_phosphate_mmol_l: float, p) -> float:
    """Steady-state relative calcitriol (1 = reference), from renal 1-alpha-hydroxylase:

    ``(GFR/GFR_ref)**g * PTH**h * FGF23**(-f) * phosphate_effect(P)``.
    Calcitriol's plasma half-life is hours (fast against a day), so the day's value is this.
    """
    g = _check("gfr", gfr)
    pth = _check("pth_relative", pth_relative)
    fgf = _check("fgf23_relative", fgf23_relative_, 1e-9)
    return ((g / p.reference_gfr_ml_per_min) ** p.calcitriol_renal_mass_exponent
            * pth ** p.calcitriol_pth_exponent
            * fgf ** (-p.calcitriol_fgf23_exponent)
            * calcitriol_phosphate_effect(serum_phosphate_mmol_l, p))


# ------------------------------------------------------------------------------ first-order relaxation
def relax(value: float, target: float, half_life_days: float, dt_days: float = 1.0) -> float:
    """``value`` after ``dt_days`` of first-order approach to ``target`` with ``half_life_days`` (exact)."""
    k = math.log(2.0) / _check("half_life_days", half_life_days, 1e-12)
    return target + (value - target) * math.exp(-k * _check("dt_days", dt_days))


# ------------------------------------------------------------------------------ mineral stoichiometry
def phosphorus_with_calcium_mg(calcium_mg: float, p) -> float:
    """Phosphorus (mg) that moves with ``calcium_mg`` of mineral (deposition or resorption)."""
    ca = float(calcium_mg)
    if ca - ca != 0.0:  # not finite
        raise ValueError(f"calcium_mg = {calcium_mg!r} is not allowed: it must be a finite number")
    return ca / CALCIUM_MG_PER_MMOL / p.mineral_ca_per_p_molar * PHOSPHORUS_MG_PER_MMOL


__all__ = [
    "PARAMETERS", "PHOSPHORUS_MG_PER_MMOL", "HYDROXYAPATITE_CA_PER_P_MASS", "GFR_ML_PER_MIN_BY_CKD_STAGE",
    "PHYSIOLOGICAL_RANGES", "default_parameters", "parameter_conflicts", "physiology_violations", "gfr_ml_per_min",
    "gfr_decline_ml_per_min", "renal_clearance_relative", "phosphate_absorbed_mg", "reference_phosphate_load_mg",
    "phosphate_load_per_nephron_relative", "fgf23_relative", "filtered_phosphate_mg",
    "reference_fractional_excretion", "phosphate_fractional_excretion", "urine_phosphate_mg", "blood_phosphate_day",
    "calcitriol_phosphate_effect", "calcitriol_relative", "relax", "phosphorus_with_calcium_mg",
]
