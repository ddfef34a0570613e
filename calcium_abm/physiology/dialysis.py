"""Haemodialysis, phosphate binders and the systemic calcification inhibitors (issue 11).

Pure functions of scalars with their parameters (value, unit, source); the kidney laws they
complete are in :mod:`.kidney`, the design and sources in
``docs/design/kidney_and_anticoagulation.md`` (sections 3.2, 3.7, 3.8). Errors: a
:class:`ValueError` naming the field, the value and what is allowed.
"""

from __future__ import annotations

from types import SimpleNamespace

from calcium_abm.parameters import Parameter, declare, module_defaults
from calcium_abm.physiology.kidney import CALCIUM_MG_PER_MMOL, PHOSPHORUS_MG_PER_MMOL, _check, relax

#: elemental calcium per g of calcium acetate Ca(C2H3O2)2 (fixed chemistry: 40.08 / 158.17 g/mol)
CALCIUM_ACETATE_CALCIUM_MASS_FRACTION = CALCIUM_MG_PER_MMOL / 158.17

PARAMETERS = declare([
    # ------------------------------------------------------------------ binders
    Parameter("sevelamer_phosphate_binding_mg_per_g", 44.0, "mg P/g",
              "[C] lanthanum 3 g/day lowers urine P by 236-468 mg/day (Ren Fail 2012, doi "
              "10.3109/0886022X.2011.649657, healthy volunteers) -> 79-156 mg P/g La; x relative binding "
              "coefficient sevelamer 0.75 / La 2.0 (Daugirdas et al., 'The phosphate binder equivalent dose') "
              "= 30-59 mg P/g",
              "Phosphorus kept from absorption per g of sevelamer taken with meals", 0.0, 200.0),
    Parameter("calcium_acetate_phosphate_binding_mg_per_g", 58.0, "mg P/g",
              "[C] as sevelamer, with relative binding coefficient 1.0 for calcium acetate (Daugirdas et al.): "
              "39-78 mg P/g; [V] cross-check: 4.4 g with a meal of 12 mmol P bound 5.36 mmol (166 mg) = 38 mg P/g "
              "in one meal (Schiller 1989 N Engl J Med 320:1110)",
              "Phosphorus kept from absorption per g of calcium acetate", 0.0, 200.0),
    Parameter("calcium_acetate_precipitate_ca_per_p_molar", 0.89, "mol/mol",
              "[C] calcium absorption from 4.4 g calcium acetate (25 mmol Ca) was 21 % with a meal and 40 % fasting, "
              "the meal's phosphate binding 5.36 mmol: (0.40 - 0.21) x 25 / 5.36 = 0.89 mol Ca per mol P bound "
              "(Schiller 1989 N Engl J Med 320:1110 [V abstract]), i.e. CaHPO4-like; less calcium is absorbed "
              "from calcium acetate than from equimolar calcium carbonate because more of it binds phosphorus "
              "(Jegadeesan 1996 Nephrology 2:53 [V abstract])",
              "Calcium that leaves in the faeces with each mol of phosphorus calcium acetate binds", 0.0, 2.0),
    Parameter("dietary_calcium_phosphate_binding_mg_per_mg", 0.12, "mg P/mg Ca",
              "[C] balance studies: fecal phosphorus rises 0.155 +- 0.039 mg per mg of fecal calcium (93 men and "
              "women 19-78 y) and 0.332 +- 0.022 (543 studies, women 35-65 y) (Heaney & Nordin 2002 J Am Coll Nutr "
              "21:239 [V abstract]); x ~0.8 of an added 1,000 mg/day left unabsorbed = 0.12-0.27 per mg of intake. "
              "Other sources in that range: 1,000 mg of calcium as calcium acetate bound 166 mg of phosphorus in one "
              "meal (Schiller 1989 N Engl J Med 320:1110 [V abstract]); a binder equivalent dose of 1.0 for calcium "
              "carbonate as for calcium acetate (Daugirdas et al.) at 400 mg Ca/g gives 0.145. Taken at the range's "
              "low end for row C2, whose 3-year spine gain left its band at 0.166 (docs/design/person.md); row C1 "
              "(serum phosphate on a supplement) checks it",
              "Phosphorus kept from absorption by each mg of dietary calcium beyond the reference diet's", 0.0, 0.5,
              constrains=("C2",)),
    Parameter("reference_calcium_intake_mg_per_day", 1000.0, "mg/day",
              "[S] RDA 1,000 mg/day at 19-50 y (IOM 2011); [V] habitual intakes 895-1,150 mg/day in three German "
              "collectives (Trautvetter 2018 Nutrients 10:171, abstract); the healthy adult's diet",
              "Dietary calcium of the reference adult, at which the net phosphorus absorption fraction holds",
              500.0, 1500.0),
    # ------------------------------------------------------------------ haemodialysis
    Parameter("dialysis_phosphate_removal_reference_mg", 858.0, "mg/session",
              "[V] 858 +/- 186 mg per 4-h conventional session (Am J Nephrol 2012 36:121); [V] 776-975 mg per "
              "4-h session by pre-dialysis P (Elias 2018 Kidney Blood Press Res 43:110); [V] 20-28 mmol "
              "(620-870 mg) per 5-h session (ASAIO Trans 1991 37:M463)",
              "Phosphorus removed by a 4-h session at the reference pre-dialysis phosphate", 0.0, 3000.0),
    Parameter("dialysis_reference_predialysis_phosphate_mmol_l", 1.52, "mmol/L",
              "[V] mean pre-dialysis P 4.7 mg/dL (Elias 2018) = 1.52 mmol/L",
              "Pre-dialysis serum phosphate of the reference session", 0.5, 4.0),
    Parameter("dialysis_phosphate_exponent", 0.5, "-",
              "assumption: removal rises less than proportionally with pre-dialysis P (correlation r = 0.455, "
              "Elias 2018 [V]; plasma P plateaus at 0.8-0.9 mmol/L whatever the start, ASAIO 1991 [V])",
              "Power of pre-dialysis phosphate in session removal", 0.0, 2.0),
    Parameter("dialysis_duration_exponent", 0.5, "-",
              "[C] 1219 vs 858 mg at 8 vs 4 h with matched Kt/V (Am J Nephrol 2012): log2(1.42) = 0.51",
              "Power of session length in phosphate removal", 0.0, 1.0),
    # ------------------------------------------------------------------ systemic inhibitors
    Parameter("esrd_calcification_inhibition_fraction", 0.71, "-",
              "[C] serum IC50 for Ca x PO4 precipitation 6.4 uL (controls) vs 9.0 uL (long-term dialysis) "
              "(Ketteler 2003 Lancet 361:827); cross-check: fetuin-A 0.66 vs 0.72 g/L (same), plasma PPi 2.26 vs "
              "3.26 uM (J Am Soc Nephrol 2005;16:2495, PMID 15958726)",
              "Serum calcification-inhibitory capacity in kidney failure, relative to health", 0.1, 1.0),
    Parameter("calcification_inhibition_gfr_exponent", 1.0, "-",
              "assumption: plasma PPi did not differ between CKD 4, peritoneal and haemodialysis (O'Neill 2010 "
              "Nephrol Dial Transplant, PMID 19633093 [V abstract]), so the loss is already large by CKD 4",
              "Shape of the fall of inhibitory capacity as GFR falls", 0.1, 5.0),
    # ------------------------------------------------------------------ skeletal resistance to PTH
    Parameter("esrd_skeletal_pth_sensitivity", 0.177, "-",
              "[C] dialysis bone biopsies: turnover (BFR/BS) is neither low nor high for intact PTH between "
              "103.8 and 323.0 pg/mL (Sprague et al. 2016 Am J Kidney Dis 67:559, 492 patients, the best cut-offs "
              "[V abstract]), i.e. 3.20-9.94 x the model's reference PTH (3.44 pmol/L = 32.5 pg/mL); normal "
              "turnover at their geometric middle, 5.64 x, gives 1 / 5.64 = 0.177. Check: KDIGO 2017's target "
              "for dialysis, 2-9 x the assay's upper limit (150-600 pg/mL, as Rao, Lima, Faugere & Malluche, "
              "ASN Kidney Week 2019 abstract TH-PO568 quote it [V]), holds that middle (183 pg/mL; its own geometric "
              "middle, 300 pg/mL, would give 0.11), and normal bone "
              "formation on dialysis at 10 to 20-30 pmol/L (Am J Kidney Dis 1995 26:836, PMID 7485142 [V abstract]) "
              "at 17 pmol/L (1 / 0.20); uraemic parathyroidectomised rats formed 6.4 against 22.7 in non-uraemic "
              "ones on the same PTH infusion (0.28; Nephrol Dial Transplant 2005 20:1904 [V abstract]). Mechanism: "
              "PTH receptors down-regulated in CKD (Bover et al. 2021 Nefrologia 41(5) [V abstract]); skeletal "
              "resistance to PTH (Massry 1973, Llach 1975 [S]); an intact-PTH assay also counts the 7-84 "
              "fragments that accumulate in kidney failure, so the share lumps both",
              "Bone turnover's response to PTH in kidney failure (on dialysis), relative to health", 0.01, 1.0,
              constrains=("Sprague2016",)),
    Parameter("skeletal_pth_resistance_onset_gfr_ml_per_min", 45.0, "mL/min",
              "assumption: resistance grows linearly as GFR falls below the start of CKD G3b (KDIGO staging); "
              "elevated intact PTH becomes common there (age-standardised prevalence 8.2 / 19.3 / 38.3 % at eGFR "
              ">= 60 / 45-59 / 30-44, NHANES 2003-2004, Clin J Am Soc Nephrol, PMC2615703 [V abstract]). Set below "
              "the healthy ageing GFR up to about 96 years (a woman of 95: 47 mL/min); at most 90 (KDIGO G1: kidneys "
              "above it are normal); sensitivity: docs/ODD.md section 8",
              "GFR below which the skeleton becomes resistant to PTH", 1.0, 90.0),
    Parameter("skeletal_pth_resistance_half_life_days", 40.0, "days",
              "[C] PTH1R protein in the renal cortex of 5/6-nephrectomised rats fell 23 % by 2 weeks and 45 % by 4 "
              "weeks (mRNA down from week 1; 'Mechanisms of down-regulation of the renal parathyroid hormone "
              "receptor in rats with chronic renal failure' [V abstract]), of a steady fall of ~48 % (PTH1R mRNA "
              "0.28 vs 0.54, Urena et al. 1995 Kidney Int 47:1797 [V abstract]): half-lives of ~14.5 and ~7 rat days "
              "from the two time points (the failure itself develops over the first weeks), ~10 at their geometric "
              "mean, x the rat's time scale 3.9 (species.rat_time_scale: rodents are time-compressed humans) = 40 "
              "physiological days; down-regulated in kidney and liver after 6 weeks of CRF (Tian et al. 1994 Am J "
              "Nephrol [V abstract]); the bone's timing is taken as the kidney's (assumption)",
              "Half-life with which the skeleton's PTH response follows a change of the kidneys", 0.1, 3650.0),
    # ------------------------------------------------------------------ uraemic anorexia
    Parameter("uraemic_intake_onset_gfr_ml_per_min", 53.0, "mL/min",
              "[C] spontaneous dietary protein intake of 90 patients with minimal dietary advice (Ikizler et al. 1995 "
              "J Am Soc Nephrol 6:1386, PMID 8589313 [V abstract]): 1.01 / 0.85 / 0.70 / 0.54 g/kg/day at creatinine "
              "clearance > 50 / 25-50 / 10-25 / < 10 mL/min; a line through the lower three groups' shares of the "
              "first (0.84, 0.69, 0.53 at 37.5, 17.5 and ~6 mL/min) reaches 1 at 53 mL/min (creatinine clearance "
              "overstates GFR in advanced CKD, so in measured GFR it would lie somewhat lower). Direction checked in "
              "1,785 MDRD patients (Kopple et al. 2000 Kidney Int 57:1688 [V abstract]: protein and energy intake "
              "lower at GFR 21-37 than above 37 and lower still below 21, after adjusting for reported efforts to "
              "restrict the diet)",
              "GFR below which the person eats less than the habitual diet (uraemic anorexia)", 1.0, 90.0),
    Parameter("uraemic_intake_loss_at_zero_gfr", 0.5, "-",
              "[C] the same line's fall from its onset to GFR 0: 0.0095 per mL/min x 53 mL/min (Ikizler et al. 1995, "
              "as the onset). Sensitivity: the same study's within-patient slope, 0.064 g/kg/day per 10 mL/min, gives "
              "0.33, with which a man of 60 at GFR 10 ends 2 years at a serum phosphate of 1.84 mmol/L, above row "
              "Craver2007's band (1.58 at 0.5; docs/ODD.md 7.11). Consistent with 64 Korean patients with moderate to "
              "severe CKD on an unrestricted diet eating 0.75 of their controls' protein (Park et al. 1997 Korean J "
              "Intern Med 12(2) [V abstract]) if their GFR averaged 26.5 mL/min (not reported). Calcium takes the "
              "share on weaker grounds: MDRD's energy intake fell too, and children in CKD 4-5D ate 480 against 724 "
              "mg/day of calcium (McAlister et al. 2020 Pediatr Nephrol 35:1915 [V abstract], put down to prescribed "
              "dairy restriction)",
              "Share of the habitual dietary calcium and phosphorus not eaten at GFR 0 off dialysis", 0.0, 0.9,
              constrains=("Craver2007", "KEEP")),
])

def default_parameters(**overrides: float) -> SimpleNamespace:
    """This module's defaults as attributes, with ``overrides`` applied (tests and readouts).

    Raises:
        KeyError: for a name this module does not declare.
    """
    return module_defaults(PARAMETERS, "dialysis", overrides)


# ------------------------------------------------------------------------------ binders
def binder_capacity_mg(sevelamer_g_per_day: float, calcium_acetate_g_per_day: float, p) -> float:
    """Phosphorus (mg/day) the day's binders can keep from absorption (in vivo binding)."""
    sev = _check("sevelamer_g_per_day", sevelamer_g_per_day)
    caac = _check("calcium_acetate_g_per_day", calcium_acetate_g_per_day)
    return sev * p.sevelamer_phosphate_binding_mg_per_g + caac * p.calcium_acetate_phosphate_binding_mg_per_g


def dietary_calcium_phosphate_binding_mg(calcium_intake_mg_per_day: float, p) -> float:
    """Phosphorus (mg/day) that dietary calcium keeps from absorption beyond what the reference
    diet's calcium keeps: ``beta * (calcium - calcium_ref)``, negative below the reference.

    Unabsorbed calcium precipitates phosphate in the gut lumen, so fecal phosphorus rises with
    fecal calcium (Heaney & Nordin 2002); the net absorption fraction of phosphorus
    (:func:`.kidney.phosphate_absorbed_mg`) already holds at the reference diet, so only the
    difference acts. Added to the binder capacity: a calcium supplement lowers phosphate
    absorption, a low-calcium diet raises it.
    """
    calcium = _check("diet calcium_mg_per_day", calcium_intake_mg_per_day)
    return p.dietary_calcium_phosphate_binding_mg_per_mg * (calcium - p.reference_calcium_intake_mg_per_day)


def calcium_acetate_calcium_mg(calcium_acetate_g_per_day: float, p) -> tuple[float, float]:
    """``(soluble, precipitated)`` elemental calcium (mg/day) of the day's calcium acetate.

    The calcium that binds phosphorus leaves in the faeces as calcium phosphate
    (``calcium_acetate_precipitate_ca_per_p_molar`` mol Ca per mol P bound, Schiller 1989); the
    rest joins dietary calcium in the gut lumen. Never more than the elemental calcium taken.
    """
    caac = _check("calcium_acetate_g_per_day", calcium_acetate_g_per_day)
    elemental = caac * 1000.0 * CALCIUM_ACETATE_CALCIUM_MASS_FRACTION
    bound_p_mmol = caac * p.calcium_acetate_phosphate_binding_mg_per_g / PHOSPHORUS_MG_PER_MMOL
    precipitated = min(elemental, bound_p_mmol * p.calcium_acetate_precipitate_ca_per_p_molar * CALCIUM_MG_PER_MMOL)
    return elemental - precipitated, precipitated


# ------------------------------------------------------------------------------ dialysis
#: length of the reference session (hours) in which dialysis_phosphate_removal_reference_mg was measured
#: (4-h conventional sessions, Am J Nephrol 2012 36:121; Elias 2018)
REFERENCE_SESSION_HOURS = 4.0


def dialysis_session_removal_mg(predialysis_phosphate_mmol_l: float, p,
                                duration_h: float = REFERENCE_SESSION_HOURS) -> float:
    """Phosphorus removed by one haemodialysis session (mg):
    ``R_ref * (P / P_ref)**a * (hours / REFERENCE_SESSION_HOURS)**b``."""
    pi = _check("predialysis_phosphate_mmol_l", predialysis_phosphate_mmol_l)
    hours = _check("duration_h", duration_h, 0.0, 24.0)
    return (p.dialysis_phosphate_removal_reference_mg
            * (pi / p.dialysis_reference_predialysis_phosphate_mmol_l) ** p.dialysis_phosphate_exponent
            * (hours / REFERENCE_SESSION_HOURS) ** p.dialysis_duration_exponent)


def dialysis_mean_daily_removal_mg(predialysis_phosphate_mmol_l: float, sessions_per_week: float, p,
                                   duration_h: float = REFERENCE_SESSION_HOURS) -> float:
    """Session removal averaged over the week (mg/day), for steady-state readouts."""
    n = _check("sessions_per_week", sessions_per_week, 0.0, 7.0)
    return dialysis_session_removal_mg(predialysis_phosphate_mmol_l, p, duration_h) * n / 7.0


# ------------------------------------------------------------------------------ inhibitors
def systemic_inhibitor_fraction(gfr: float, on_dialysis: bool, p) -> float:
    """Serum calcification-inhibitory capacity (fetuin-A, pyrophosphate ...) relative to health.

    ``1 - (1 - f_ESRD) * (1 - min(GFR/GFR_ref, 1)) ** k``; ``f_ESRD`` on dialysis. The serum
    capacity in the saturating inhibition law of vessel growth (:func:`.wall_laws.systemic_free_fraction`).
    """
    g = _check("gfr", gfr)
    f_esrd = p.esrd_calcification_inhibition_fraction
    if on_dialysis:
        return f_esrd
    loss = (1.0 - min(g / p.reference_gfr_ml_per_min, 1.0)) ** p.calcification_inhibition_gfr_exponent
    return 1.0 - (1.0 - f_esrd) * loss


def skeletal_pth_sensitivity(gfr: float, on_dialysis: bool, p) -> float:
    """Bone turnover's response to PTH relative to health (-): ``1 - (1 - s_ESRD) x loss`` with
    ``loss = 1 - min(GFR / GFR_onset, 1)``, and ``s_ESRD`` (``esrd_skeletal_pth_sensitivity``) on
    dialysis. Osteoclast activation sees PTH x this share (:func:`.bone_rates.bone_drive_factors`
    is given the product by its callers), so a skeleton in kidney failure needs several times the
    PTH of health for normal turnover: KDIGO's dialysis target of 2-9 x the upper normal limit,
    Sprague et al. 2016's normal turnover at 104-323 pg/mL. 1 above ``skeletal_pth_resistance_onset_gfr_ml_per_min``.

    Raises:
        ValueError: a GFR that is negative or not finite, naming it.
    """
    g = _check("gfr", gfr)
    s = p.esrd_skeletal_pth_sensitivity
    if on_dialysis:
        return s
    return 1.0 - (1.0 - s) * (1.0 - min(g / p.skeletal_pth_resistance_onset_gfr_ml_per_min, 1.0))


def mineral_intake_share(gfr: float, on_dialysis: bool, p) -> float:
    """Share of the habitual dietary calcium and phosphorus (``diet.calcium_mg_per_day``,
    ``diet.phosphate_mg_per_day``) the person eats (-):
    ``1 - loss x (1 - min(GFR / GFR_onset, 1))`` with ``loss`` = ``uraemic_intake_loss_at_zero_gfr`` and
    ``GFR_onset`` = ``uraemic_intake_onset_gfr_ml_per_min``; 1 on dialysis.

    Uraemic anorexia: as kidney failure advances people eat less protein without being told to
    (Ikizler et al. 1995: 1.01 g/kg/day above a creatinine clearance of 50 mL/min, 0.54 below 10;
    MDRD, Kopple et al. 2000: protein and energy), and dietary phosphorus comes mostly with protein
    and dietary calcium with dairy (children in CKD 4-5D ate 480 against 724 mg/day of calcium,
    McAlister et al. 2020 Pediatr Nephrol 35:1915). On dialysis the habitual diet is eaten (an assumption: the clearance of
    uraemic solutes restores appetite, and the model's dialysis calibration, row K3's pre-dialysis
    phosphate, holds on the habitual diet). Vitamin K is not lowered (its trials give supplements
    through the diet's keys); a calcium supplement in the diet's key is eaten less with the food.

    Raises:
        ValueError: a GFR that is negative or not finite, naming it.
    """
    g = _check("gfr", gfr)
    if on_dialysis:
        return 1.0
    return 1.0 - p.uraemic_intake_loss_at_zero_gfr * (1.0 - min(g / p.uraemic_intake_onset_gfr_ml_per_min, 1.0))


def advance_skeletal_pth_sensitivity(sensitivity: float, gfr: float, on_dialysis: bool, p,
                                     dt_days: float = 1.0) -> float:
    """The skeleton's PTH response after ``dt_days``, relaxing (exactly, :func:`.kidney.relax`) to
    :func:`skeletal_pth_sensitivity` of today's kidneys with ``skeletal_pth_resistance_half_life_days``:
    receptor down-regulation takes weeks, so kidneys that fail overnight (a schedule) do not stop
    bone turnover overnight."""
    return relax(sensitivity, skeletal_pth_sensitivity(gfr, on_dialysis, p), p.skeletal_pth_resistance_half_life_days,
                 dt_days)


__all__ = ["PARAMETERS", "REFERENCE_SESSION_HOURS", "CALCIUM_ACETATE_CALCIUM_MASS_FRACTION", "default_parameters", "binder_capacity_mg",
           "calcium_acetate_calcium_mg", "dialysis_session_removal_mg",
           "dialysis_mean_daily_removal_mg", "systemic_inhibitor_fraction", "skeletal_pth_sensitivity",
           "advance_skeletal_pth_sensitivity", "mineral_intake_share"]
