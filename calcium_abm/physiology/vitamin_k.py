"""Vitamin K: absorption, plasma kinetics of K1 / MK-4 / MK-7, tissue delivery
(liver served first) and the tissue vitamin K cycle with warfarin.

Plasma kinetics are linear and one-compartment per form, dosed once a day, so each day is
integrated exactly: ``A_end = (A_start + F*D) * exp(-k)`` and the day's mean plasma
concentration is the exact AUC divided by one day. The vitamin K cycle within a tissue
(K -> KH2 -> KO -> K, hours) is at quasi-steady state within each day; its closed form is
:func:`reduced_vitamin_k`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from calcium_abm.parameters import Parameter, declare, per_parameter_set

#: g/mol; fixed chemistry, not parameters.
MOLAR_MASS_G_PER_MOL = {"k1": 450.7, "mk4": 444.7, "mk7": 649.0}
FORMS = ("k1", "mk4", "mk7")

PARAMETERS = declare([
    Parameter("k1_half_life_h", 1.5, "h", "[S] K1 plasma half-life ~1-2 h (science brief 1.3)",
              "Plasma elimination half-life of phylloquinone (K1)", 0.1, 200),
    Parameter("mk4_half_life_h", 1.0, "h", "[S] MK-4 ~1 h to <24 h (science brief 1.3)",
              "Plasma elimination half-life of menaquinone-4", 0.1, 200),
    Parameter("mk7_half_life_h", 68.0, "h", "[S] Schurgers et al. 2007 Blood 109:3279 via secondary source",
              "Plasma elimination half-life of menaquinone-7", 1.0, 500),
    Parameter("k1_absorbed_fraction", 0.2, "-", "assumption: K1 from vegetables is poorly absorbed (5-20 %)",
              "Fraction of dietary K1 reaching plasma", 0.0, 1.0),
    Parameter("mk4_absorbed_fraction", 0.004, "-",
              "[C] calibration: MK-4 45 mg/day lowers %ucOC by ~70 % (the order of the published falls, issue 12; "
              "Binkley 2009 JBMR 24:983 [V abstract]: MK-4 45 mg reduced ucOC, no BMD effect), about what MK-7 "
              "375 ug/day does (Ronn 2016 [V]); [S] nutritional MK-4 (420 ug/day) is not detectable in serum while "
              "MK-7 is (Sato 2012 Nutr J 11:93, via the science brief): MK-4 reaches plasma poorly",
              "Fraction of dietary MK-4 reaching plasma", 0.0, 1.0),
    Parameter("mk7_absorbed_fraction", 0.6, "-", "assumption: MK-7 is well absorbed from natto and capsules",
              "Fraction of dietary MK-7 reaching plasma", 0.0, 1.0),
    Parameter("k1_distribution_volume_l", 5.0, "L",
              "assumption: gives ~1 nM plasma K1 at 100 ug/day (Wajima 2009 baseline 1 nM)",
              "Apparent volume of distribution of K1", 0.5, 1000),
    Parameter("mk4_distribution_volume_l", 5.0, "L", "assumption: as K1",
              "Apparent volume of distribution of MK-4", 0.5, 1000),
    Parameter("mk7_distribution_volume_l", 62.0, "L",
              "[C] Schurgers et al. 2007 Blood 109:3279 [V]: MK-7 accumulates 7-8x more than K1 during prolonged "
              "equal intake; with the K1 kinetics here (F 0.2, V 5 L, t1/2 1.5 h) and MK-7's (F 0.6, t1/2 68 h) "
              "the ratio of steady mean concentrations is 468 L / V, so V = 468 / 7.5 = 62 L (fixed by that "
              "source, not calibrated)",
              "Apparent volume of distribution of MK-7", 0.5, 5000),
    Parameter("vessel_k1_uptake_weight", 1.47, "-",
              "[C] equal potency per ug of K1 and MK-7 in the vessel wall: 7.62 x mk7_tissue_uptake_weight, 7.62 "
              "being MK-7's steady plasma nmol/L per ug/day over K1's. Menaquinone, not phylloquinone, intake is "
              "associated with less coronary calcification (Geleijnse 2004 J Nutr 134:3100; Beulens 2009 "
              "Atherosclerosis 203:489), so K1 must not be the more potent form per ug; equality is the "
              "least-assuming choice that meets rows 8 and 9",
              "Vessel-wall uptake per nmol/L of plasma K1, relative to MK-4", 0.0, 10, ("8", "9")),
    Parameter("bone_k1_uptake_weight", 2.0, "-",
              "[C] calibration with bone_ggcx_half_saturation_nmol_per_l: keeps the healthy %ucOC (~46 %) and "
              "gives ucOC/cOC -61 / -76 % on MK-7 180 / 360 ug/day (Dalmeijer 2012 [V]: -60 / -74 %, row 8), "
              "%ucOC -64 % on MK-7 375 (Ronn 2016 [V]: -65.6 %, row 11) and -66 % on MK-4 45 mg; open: per ug "
              "K1 is then 1.4x MK-7 at bone, while Schurgers 2007 found MK-7 the more effective for osteocalcin",
              "Bone uptake per nmol/L of plasma K1, relative to MK-4", 0.0, 10, ("8", "11")),
    Parameter("mk7_tissue_uptake_weight", 0.193, "-",
              "[C] calibration: sets the media's absolute vitamin K supply (with vessel_ggcx_half_saturation, "
              "which sets the healthy adult's vascular MGP ~66 % carboxylated on the usual diet; rows 8, 9: the "
              "relative MK-7 effects follow from the per-ug potencies and the diet, not from this value); "
              "LDL-borne MK-7 stays in plasma for days, so each nmol/L delivers little per day",
              "Extra-hepatic uptake per nmol/L of plasma MK-7, relative to MK-4 (the liver takes all forms)",
              0.0, 10, ("8", "9", "11")),
    Parameter("vkor_quinone_reduction_per_h", 0.0228, "1/h", "[V] Wajima et al. 2009 CPT 86:290 (VK -> VKH2)",
              "VKOR reduction of vitamin K quinone to hydroquinone (KH2)", 0.0, 100),
    Parameter("ggcx_epoxidation_per_h", 0.228, "1/h", "[V] Wajima et al. 2009 (VKH2 -> VKO)",
              "Oxidation of KH2 to the epoxide by gamma-glutamyl carboxylase", 0.0, 100),
    Parameter("vkor_epoxide_reduction_per_h", 0.228, "1/h", "[V] Wajima et al. 2009 (VKO -> VK)",
              "VKOR reduction of vitamin K epoxide back to quinone", 0.0, 100),
    Parameter("tissue_vitamin_k_loss_per_h", 0.005, "1/h",
              "assumption: slow loss of each cycle form from the tissue (catabolism, efflux); "
              "tissue vitamin K therefore follows plasma with a lag of 1/loss (~8 days)",
              "First-order loss of tissue K, KH2 and KO", 1e-6, 10),
    Parameter("liver_vitamin_k_turnover_per_h", 0.028, "1/h",
              "[S] 1 / (1.5 days x 24 h): the exchangeable vitamin K pool turns over in ~1.5 days (radiolabelled "
              "vitamin K kinetics, as summarised in a nutrition textbook's vitamin K chapter; decay half-lives "
              "0.5-1 h and 25-78 h); hepatic phylloquinone 'turnover in the liver is rapid and hepatic reserves are "
              "rapidly depleted when dietary intake of vitamin K is restricted' (Usui et al. 1990 Am J Clin Nutr "
              "51:846, as cited by IOM 2001 Dietary Reference Intakes, ch. 5). Not fitted: row W4 (oral K1 lowers an "
              "INR of ~6 into 1.8-3.2 by the next day, Crowther 1998 and 2000) is a finding it was checked against",
              "Turnover of the liver's vitamin K supply: it follows plasma with this rate (the other tissues with "
              "tissue_vitamin_k_loss_per_h, ~8 days)", 0.001, 10.0),
    Parameter("liver_alternative_reductase_per_h", 0.0006, "1/h",
              "assumption: the warfarin-insensitive reductase is FSP1 (Mishima 2022 Nature 608:778 [V abstract]), "
              "slow at nanomolar vitamin K and decisive at milligram doses (Price 1998 rescue). Bounded from above "
              "by complete VKOR block: superwarfarin poisoning leaves the factors low and needs oral K1 of up to "
              "~50-200 mg/day for weeks (Olson, Poisoning & Drug Overdose, 'doses as high as 200 mg/day have been "
              "required' [S]; Hong 2010 J Korean Med Sci 25:1754 [V abstract]), and the PK/PD models have no floor "
              "on factor synthesis (Emax 1: Hamberg 2007 Clin Pharmacol Ther 81:529, INR 21 at full inhibition [V "
              "model code]); with 0.0006 /h the dietary-K liver under full block makes ~4 % of its factors (INR "
              "~9 on the usual diet, ~11 on 10 ug/day of K1) and oral K1 ~5 mg/day restores it (less than the "
              "poisoning doses, whose large oral doses are poorly absorbed; the model absorbs 20 % of any dose). "
              "The value is calibrated to the rat protocol of rows 2 and 2b (its K1 keeps the INR <= 1.3 under complete block) "
              "with hepatic_menaquinone_store_nmol_per_l 2.5, whose larger reference supply needs twice the "
              "0.0003 /h that served the former store of 0.8 (2026-12-07; 0.0005 left the rat at INR 1.36). Was "
              "0.002 /h, which capped the INR near 3.6-4 at any dose (design note section 14)",
              "Warfarin-insensitive reduction of K to KH2 in the liver", 0.0, 100, ("2",)),
    Parameter("extrahepatic_alternative_reductase_per_h", 0.000005, "1/h",
              "assumption: the warfarin-insensitive pathway is far less active outside the liver (Price 1998); "
              "1/400 of the liver's, so the K1 dose that keeps the rat's INR < 1.3 under warfarin still leaves "
              "vascular MGP uncarboxylated (rows 2, 2b)",
              "Warfarin-insensitive reduction of K to KH2 in vessel wall and bone", 0.0, 100, ("2",)),
    Parameter("warfarin_half_life_h", 34.7, "h", "[V] Wajima et al. 2009 (elimination 0.02 /h)",
              "Plasma half-life of warfarin", 1.0, 500),
    Parameter("warfarin_distribution_volume_l", 10.0, "L", "[S] ~0.14 L/kg x 70 kg",
              "Apparent volume of distribution of warfarin", 0.5, 500),
    Parameter("warfarin_clearance_decline_per_year", 0.0091, "1/year",
              "[S] Hamberg et al. 2007 Clin Pharmacol Ther 81:529 ('A PK-PD model for predicting the impact of "
              "age, CYP2C9, and VKORC1 genotype on individualization of warfarin therapy'): S-warfarin clearance x "
              "(1 - 0.0091 x (age - 71)) above 71, as the reil package implements the model [S model code]; [V] "
              "Jensen, Chin, Roberts & Begg 2012 Br J Clin Pharmacol 74:797 (72 patients aged 18-89 at steady "
              "state): total and free clearance of R- and S-warfarin fall 0.3-0.5 % a year, so 10-17 % from 50 "
              "to 85 where this law gives 12.7 %; [V] Sconce et al. 2005 Blood 106:2329 (297 patients): age "
              "contributed to S-warfarin and total warfarin clearance. Checked by row W-Age (the dose an older "
              "patient needs)",
              "Fall of warfarin clearance per year of age past warfarin_clearance_decline_onset_age_years, as a "
              "share of the clearance before it (the half-life rises as the clearance falls; the volume stays)",
              0.0, 0.012, ("W-Age",)),
    Parameter("warfarin_clearance_decline_onset_age_years", 71.0, "years",
              "[S] Hamberg et al. 2007 Clin Pharmacol Ther 81:529 (the age above which S-warfarin clearance "
              "falls in its population model); Jensen 2012 found a fall from the age of 18 (0.3-0.5 % a year), "
              "which would also slow clearance before 71 (not modelled: the half-life, from healthy young "
              "volunteers, stands for every adult up to this age)",
              "Age above which warfarin clearance falls (at most 110, so that a person of the oldest ages lets "
              "every value act)", 40.0, 110.0, ("W-Age",)),
    Parameter("warfarin_ec50_mg_per_l", 0.13, "mg/L",
              "assumption calibrated to W1 (INR 2-3 at 5 mg/day) with liver_alternative_reductase_per_h: an "
              "effective value of this model, whose carboxylation saturates; Wajima et al. 2009 give 0.34 [V] for "
              "a model linear in KH2; Holford 1986 Clin Pharmacokinet 11:483 [V abstract]: prothrombin-complex "
              "synthesis halved at ~1.5 mg/L total warfarin, therapeutic concentrations of the same order, i.e. "
              "VKOR is not saturated at therapeutic doses, so the INR keeps rising with the dose (design note "
              "sections 5 and 14)",
              "Plasma warfarin giving half-maximal VKOR inhibition", 1e-4, 100, ("2",)),
    Parameter("warfarin_imax", 1.0, "-", "[V] Wajima et al. 2009", "Maximal fractional VKOR inhibition",
              0.0, 1.0),
    Parameter("extrahepatic_warfarin_ec50_mg_per_l", 0.0325, "mg/L",
              "[C] VKOR's effective warfarin sensitivity depends on the cell: without the warfarin-resistant quinone "
              "reductase that cooperates with VKORC1 in the liver, warfarin uncouples VKORC1's two reductions and "
              "carboxylation is inhibited far more (Tie et al. 2018 Blood 131:2826 [V abstract]: 70-fold vs 2.5-fold "
              "in cells without / with it); arteries lack that rescue in vivo (K1 keeps the rat's clotting normal "
              "under warfarin while its arteries calcify: Price et al. 1998 Arterioscler Thromb Vasc Biol 18:1400, "
              "row 2; in sheep vitamin K reverses phenprocoumon's effect on clotting but not on osteocalcin: van "
              "Haarlem 1988 Thromb Haemost 60:79 [V abstract]). Value: calibration to dp-ucMGP on a VKA (Delanaye 2014 BMC Nephrol 15:145 [V]: 5604 vs 1939 "
              "pmol/L on haemodialysis; check: row K3) and the extra coronary calcium of VKA users (Weijs 2011 Eur Heart J "
              "32:2555 [V abstract], row V1): 0.0325 leaves the media 3.0 % of its VKOR on 5 mg/day (the liver 11 %), its "
              "new MGP ~0.35 % carboxylated and dp-ucMGP ~3.5x a non-user's (uncarboxylated MGP 2316 vs 685 pmol/L "
              "after 3 months of phenprocoumon vs aspirin, AHA abstract 5583 [V abstract]) and the warfarin excess "
              "+2.5 / +48 / +292 AU at 2.5 / 5 / 7.5 years (16 x 16 media, seeds 1-5), as before. Was 0.05 with "
              "vessel_ggcx_half_saturation 3.3 (+2.6 / +51 / +291 AU); with 1.65, 0.025 gave +3.6 / +66 / +394 and "
              "0.035 +2.4 / +44 / +262; 0.13 (the liver's) gave +8 AU at 5 years (design note section 14)",
              "Plasma warfarin giving half-maximal VKOR inhibition in the vessel wall", 1e-4, 100,
              ("V1",)),
    Parameter("bone_warfarin_ec50_mg_per_l", 0.32, "mg/L",
              "[C] from the rat dose-response, not from W3: the daily warfarin dose that halves the "
              "gamma-carboxylation of bone Gla protein (30 ug/100 g) is 0.6 of the dose that doubles the "
              "coagulation times (50 ug/100 g), and vitamin K rescues the clotting but not bone (Price & Kaneda "
              "1987 Thromb Res 46:121, PubMed 3495903 [V abstract]), so at anticoagulant doses osteoblasts lose "
              "about half to two-thirds of their carboxylation, not all of it; in this model the INR reaches 2.0 "
              "(activity 25 %, times doubled) at 3.9 mg/day (day mean 0.81 mg/L) and 0.6 of that dose halves "
              "the fully carboxylated share of new osteocalcin with 0.32 (reading 'doubled' as INR 1.8 / 2.5 "
              "gives 0.25 / 0.47). Checks the value was not set to: Obrant et al. 1999 J Bone Miner Res 14:555 "
              "[V abstract]: carboxylated osteocalcin 4.9 vs 13.1 ng/mL (-63 %) at INR 2.0-3.8 with total "
              "osteocalcin unchanged (model -73 % at 5 mg/day, row W3); ucOC 10.3 vs 3.4 ng/mL on long-term "
              "warfarin (Namba et al. 2015 BBA Clin 4:76 [V abstract], total osteocalcin not given); %ucOC "
              "unchanged by MK-7 45 ug/day on a VKA (Theuwissen et al. 2013 J Thromb Haemost 11:1085 [V "
              "abstract], row W2). Like the media, bone lacks the liver's warfarin-insensitive reductase "
              "(extrahepatic_alternative_reductase_per_h; no vitamin K rescue: Price & Kaneda 1987; van "
              "Haarlem et al. 1988 Thromb Haemost 60:79 [V abstract]; the osteoblast-like UMR 106 cells lack "
              "the liver's NADH-dependent reductase, Thromb Res 1988 50:27, PubMed 3165226 [V abstract]); why "
              "osteoblast VKOR is then ~10x less warfarin-sensitive than the media's "
              "(extrahepatic_warfarin_ec50_mg_per_l, set by dp-ucMGP ~3x on a VKA) is open (one candidate: "
              "VKORC1L1, less warfarin-sensitive than VKORC1, Czogalla et al. 2018 Blood Adv 2:691 [V abstract]; "
              "its share in osteoblasts is not known to the model)",
              "Plasma warfarin giving half-maximal VKOR inhibition in osteoblasts", 1e-4, 100, ("W3", "W2")),
])


@dataclass
class PlasmaDay:
    """One day of plasma exposure: mean concentrations (nmol/L or mg/L) over the day."""

    mean_nmol_per_l: dict[str, float]
    warfarin_mean_mg_per_l: float


@per_parameter_set
def form_constants(p, time_scale: float) -> tuple:
    """(form, elimination per simulated day, absorbed nmol per µg of dose per simulated day,
    volume) for each form; cached per (hashable) parameter set and time scale, since the
    hot path runs this daily."""
    return tuple(
        (form,
         math.log(2) / (getattr(p, f"{form}_half_life_h") / 24.0) * time_scale,
         time_scale * getattr(p, f"{form}_absorbed_fraction") / MOLAR_MASS_G_PER_MOL[form] * 1000.0,
         getattr(p, f"{form}_distribution_volume_l"))
        for form in FORMS)


def _one_compartment_day(amount_start: float, dose: float, k_per_day: float) -> tuple[float, float]:
    """Exact one-compartment day with a bolus at the start: (amount at end, AUC over the day)."""
    a0 = amount_start + dose
    a1 = a0 * math.exp(-k_per_day)
    return a1, (a0 - a1) / k_per_day


def advance_plasma(amounts_nmol: dict[str, float], warfarin_mg: float,
                   intake_ug_per_day: dict[str, float], warfarin_mg_per_day: float,
                   p, time_scale: float = 1.0) -> tuple[dict[str, float], float, PlasmaDay]:
    """Advance plasma vitamin K forms and warfarin by one day (exactly).

    Args:
        amounts_nmol: amount of each form in plasma at the start of the day (nmol).
        warfarin_mg: warfarin in the body at the start of the day (mg).
        intake_ug_per_day: dietary intake of each form (µg/day).
        warfarin_mg_per_day: oral warfarin dose (mg/day, bioavailability 1).
        p: parameter set.
        time_scale: physiological days per simulated day (species preset; 1 for humans).
            Doses are human-equivalent amounts per physiological day, so a simulated
            rodent day receives ``time_scale`` of them.

    Returns:
        new amounts, new warfarin amount, and the day's mean concentrations.
    """
    new_amounts, means = {}, {}
    for form, k, nmol_per_ug, volume in form_constants(p, time_scale):
        new_amounts[form], auc = _one_compartment_day(amounts_nmol[form], intake_ug_per_day[form] * nmol_per_ug, k)
        means[form] = auc / volume
    kw = math.log(2) / (p.warfarin_half_life_h / 24.0) * time_scale
    new_warfarin, auc_w = _one_compartment_day(warfarin_mg, warfarin_mg_per_day * time_scale, kw)
    # k is per simulated day, so the AUC is over one simulated day and AUC/V is its mean
    return new_amounts, new_warfarin, PlasmaDay(means, auc_w / p.warfarin_distribution_volume_l)


def steady_plasma_amounts(intake_ug_per_day: dict[str, float], warfarin_mg_per_day: float, p,
                          time_scale: float = 1.0) -> tuple[dict[str, float], float]:
    """Start-of-day plasma amounts (nmol; warfarin mg) after long steady daily dosing: the
    geometric series ``D e^-k / (1 - e^-k)`` of :func:`advance_plasma`'s daily bolus."""
    amounts = {}
    for form, k, nmol_per_ug, _ in form_constants(p, time_scale):
        amounts[form] = intake_ug_per_day[form] * nmol_per_ug * math.exp(-k) / -math.expm1(-k)
    kw = math.log(2) / (p.warfarin_half_life_h / 24.0) * time_scale
    return amounts, warfarin_mg_per_day * time_scale * math.exp(-kw) / -math.expm1(-kw)


def steady_plasma_warfarin_mg_per_l(warfarin_mg_per_day: float, p, time_scale: float = 1.0) -> float:
    """Day-mean plasma warfarin (mg/L) after long steady daily dosing, the level a run settles at:
    :func:`steady_plasma_amounts`' start-of-day amount advanced one day by :func:`advance_plasma`
    (``p.warfarin_half_life_h``: a person's, :func:`personal_warfarin_half_life_h`)."""
    none = {"k1": 0.0, "mk4": 0.0, "mk7": 0.0}
    _, warfarin_mg = steady_plasma_amounts(none, warfarin_mg_per_day, p, time_scale)
    return advance_plasma(none, warfarin_mg, none, warfarin_mg_per_day, p, time_scale)[2].warfarin_mean_mg_per_l


def dietary_intake_ug_per_day(diet) -> dict[str, float]:
    """Intake of each form (µg/day) from a scenario's ``diet`` section."""
    return {"k1": diet.vitamin_k1_ug_per_day, "mk4": diet.mk4_ug_per_day, "mk7": diet.mk7_ug_per_day}


def steady_tissue_supply_nmol_per_l(intake_ug_per_day: dict[str, float], warfarin_mg_per_day: float,
                                    k1_weight: float, mk7_weight: float, p, time_scale: float = 1.0) -> float:
    """A tissue's vitamin K supply (MK-4-equivalent nmol/L) on the first day after long
    steady dosing: steady start-of-day plasma advanced one day, weighted as in
    :func:`tissue_supply_nmol_per_l`."""
    amounts, warfarin = steady_plasma_amounts(intake_ug_per_day, warfarin_mg_per_day, p, time_scale)
    _, _, plasma = advance_plasma(amounts, warfarin, intake_ug_per_day, warfarin_mg_per_day, p, time_scale)
    return tissue_supply_nmol_per_l(plasma, k1_weight, mk7_weight)


def vkor_activity(warfarin_mg_per_l: float, p, ec50_mg_per_l: float | None = None) -> float:
    """Fraction of VKOR activity left at a plasma warfarin concentration (Emax model).

    ``ec50_mg_per_l`` defaults to the liver's ``warfarin_ec50_mg_per_l``; the vessel wall passes
    ``extrahepatic_warfarin_ec50_mg_per_l`` (no cooperating warfarin-resistant reductase), bone
    ``bone_warfarin_ec50_mg_per_l``."""
    c = max(warfarin_mg_per_l, 0.0)
    ec50 = p.warfarin_ec50_mg_per_l if ec50_mg_per_l is None else ec50_mg_per_l
    return 1.0 - p.warfarin_imax * c / (ec50 + c)


def tissue_supply_nmol_per_l(plasma: PlasmaDay, k1_weight: float, mk7_weight: float) -> float:
    """Vitamin K reaching a tissue, in MK-4-equivalent nmol/L of plasma.

    Each form's day-mean plasma concentration counts with the tissue's uptake weight for
    it (MK-4, the tissue form, counts 1). The liver takes every form (weights 1): it is
    served first. Extra-hepatic weights are parameters.
    """
    m = plasma.mean_nmol_per_l
    return k1_weight * m["k1"] + m["mk4"] + mk7_weight * m["mk7"]


def reduced_vitamin_k(supply_nmol_per_l, vkor: float, alternative_reductase_per_h: float, p):
    """Quasi-steady tissue vitamin K hydroquinone (KH2), nmol/L, for a given supply.

    The supply enters the tissue at ``S = k_uptake * C`` with an uptake rate constant of
    1 /h (an assumption folded into the tissue uptake weights), so ``S`` in nmol/L/h has
    the same number as the weighted plasma concentration ``C`` in nmol/L.

    Steady state of the linear cycle (per hour)::

        dK/dt  = S + b*KO - (a + e)*K        a = k_red*vkor + k_alt
        dKH2/dt = a*K - (g + e)*KH2          g = GGCX epoxidation
        dKO/dt = g*KH2 - (b + e)*KO          b = k_epox*vkor

    gives ``KH2 = S / ((a+e)(g+e)/a - b*g/(b+e))``. Works on scalars or numpy arrays of
    supply (the supply enters linearly, so one factor serves a whole grid).
    """
    e = p.tissue_vitamin_k_loss_per_h
    g = p.ggcx_epoxidation_per_h
    a = p.vkor_quinone_reduction_per_h * vkor + alternative_reductase_per_h
    b = p.vkor_epoxide_reduction_per_h * vkor
    if a <= 0.0:
        return supply_nmol_per_l * 0.0
    denom = (a + e) * (g + e) / a - b * g / (b + e)
    return supply_nmol_per_l / denom


def tissue_lag_day(level: float, target: float, p, time_scale: float = 1.0, turnover_per_h: float | None = None
                   ) -> float:
    """Tissue vitamin K supply after one day of first-order relaxation towards ``target``.

    The cycle's total pool turns over at ``tissue_vitamin_k_loss_per_h``, so the tissue
    follows a change in plasma with that time constant (exact over the day); the liver passes its
    own, faster ``turnover_per_h`` (``liver_vitamin_k_turnover_per_h``).
    """
    turnover = p.tissue_vitamin_k_loss_per_h if turnover_per_h is None else turnover_per_h
    return target + (level - target) * math.exp(-turnover * 24.0 * time_scale)


def kh2_per_supply(vkor: float, alternative_reductase_per_h: float, p) -> float:
    """KH2 produced per unit of supply (the cycle's gain); see :func:`reduced_vitamin_k`."""
    return float(reduced_vitamin_k(1.0, vkor, alternative_reductase_per_h, p))


__all__ = ["PARAMETERS", "FORMS", "PlasmaDay", "advance_plasma", "steady_plasma_amounts",
           "steady_plasma_warfarin_mg_per_l", "vkor_activity", "tissue_supply_nmol_per_l", "reduced_vitamin_k",
           "tissue_lag_day", "kh2_per_supply", "form_constants", "dietary_intake_ug_per_day",
           "steady_tissue_supply_nmol_per_l", "warfarin_clearance_relative", "personal_warfarin_half_life_h"]


#: the absorbed fractions of the dietary forms of vitamin K, which the ``vitamin_k_disposition`` trait scales
VITAMIN_K_ABSORBED_FIELDS = ("k1_absorbed_fraction", "mk4_absorbed_fraction", "mk7_absorbed_fraction")


def vitamin_k_absorbed_fractions(p, vitamin_k_disposition: float) -> dict[str, float]:
    """``k1/mk4/mk7_absorbed_fraction`` of ``p`` x the ``vitamin_k_disposition`` trait, each at most 1
    (name -> fraction): the person law of :func:`.ageing.personal_parameters` that acts on the vitamin K cycle."""
    return {name: min(getattr(p, name) * vitamin_k_disposition, 1.0) for name in VITAMIN_K_ABSORBED_FIELDS}


def warfarin_clearance_relative(age_years: float, p) -> float:
    """Warfarin clearance of a person aged ``age_years`` relative to an adult's before the onset age
    (dimensionless, in (0, 1]): ``1 - warfarin_clearance_decline_per_year x max(age -
    warfarin_clearance_decline_onset_age_years, 0)``, Hamberg et al. 2007's S-warfarin clearance
    (Jensen et al. 2012 measured a fall of the same size from 50 to 85). The parameters' ranges keep it
    above 0 up to the oldest age allowed (120). :func:`personal_warfarin_half_life_h` is the half-life it gives."""
    return 1.0 - p.warfarin_clearance_decline_per_year * max(age_years - p.warfarin_clearance_decline_onset_age_years,
                                                             0.0)


def personal_warfarin_half_life_h(age_years: float, p) -> float:
    """The plasma half-life of warfarin (h) of a person aged ``age_years``: ``warfarin_half_life_h`` (healthy
    young volunteers, Wajima 2009) over :func:`warfarin_clearance_relative` (the volume of distribution stays,
    so the half-life rises as the clearance falls). What :func:`.ageing.personal_parameters` and
    :func:`vitamin_k_parameters` put in a person's set."""
    return p.warfarin_half_life_h / warfarin_clearance_relative(age_years, p)


@per_parameter_set(maxsize=256)
def vitamin_k_parameters(p, vitamin_k_disposition: float, warfarin_half_life: float | None = None):
    """The parameter set a person's vitamin K day reads (:func:`.carboxylation.repeated_or_new_day`):
    ``p`` with :func:`vitamin_k_absorbed_fractions` and, if given, the person's ``warfarin_half_life`` (h,
    :func:`personal_warfarin_half_life_h`). Every parameter the vitamin K cycle and the clotting factors read has the
    value :func:`.ageing.personal_parameters` gives it: the other age and menopause laws change none of them
    (``tests/test_vitamin_k_day_memo.py`` checks both). So this set stays the same object from one 30-day
    update of the person's rates to the next until warfarin's clearance starts falling with age, and the
    cycle's day repeats instead of being computed again."""
    half_life = {} if warfarin_half_life is None else {"warfarin_half_life_h": warfarin_half_life}
    return p._replace(**vitamin_k_absorbed_fractions(p, vitamin_k_disposition), **half_life)
