"""Clotting factors made by the liver, prothrombin-complex activity and the INR.

Pure functions of scalars. The chain the model follows each day:

hepatic carboxylated fraction of each factor (carboxylation.py, from hepatic KH2)
  -> functional factor level (first-order approach with the factor's plasma half-life)
  -> prothrombin-complex activity (the factors the prothrombin time sees, by weight: VII by default)
  -> INR (hyperbolic relation between activity and prothrombin time).

Only fully carboxylated factor molecules count as functional: under-carboxylated prothrombins
lose "nearly all activity" (Craciun 1997 BBA 1334:44), which is why carboxylation uses
``q ** n_Gla``. Units: activity as a fraction of normal pooled plasma (1 = 100 %); INR
dimensionless; half-lives in hours. Sources and the liver's mechanism are in
``docs/design/kidney_and_anticoagulation.md``.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Mapping

from calcium_abm.parameters import Parameter, declare, module_defaults
from calcium_abm.checks import per_set_or_fresh

#: the hepatic vitamin K-dependent clotting factors
FACTORS = ("ii", "vii", "ix", "x")
#: Gla residues per molecule: "factors II and VII each possess 10 such residues per molecule,
#: whereas factors IX and X each possess 12" (review "Vitamin K-dependent proteins", abstract on scilit.com [V]).
GLA_RESIDUES_BY_FACTOR = {"ii": 10, "vii": 10, "ix": 12, "x": 12}

PARAMETERS = declare([
    Parameter("factor_ii_half_life_h", 60.0, "h",
              "[S] 60-72 h (clinical summaries citing CHEST guidelines); 50 h (Goodman & Gilman); 3 days "
              "(Eckhoff 2004 Ann Pharmacother 38:2115)", "Plasma half-life of prothrombin (factor II)", 1.0, 500.0),
    Parameter("factor_vii_half_life_h", 6.0, "h",
              "[S] 4-6 h (clinical summaries); 5-7 h (Eckhoff 2004)", "Plasma half-life of factor VII", 0.5, 100.0),
    Parameter("factor_ix_half_life_h", 24.0, "h", "[S] 24 h (Goodman & Gilman; Eckhoff 2004)",
              "Plasma half-life of factor IX", 1.0, 200.0),
    Parameter("factor_x_half_life_h", 40.0, "h", "[S] 40 h (Eckhoff 2004); 36 h (Goodman & Gilman); 48-72 h",
              "Plasma half-life of factor X", 1.0, 300.0),
    Parameter("pt_weight_factor_ii", 0.0, "-",
              "[C] Harrison et al. 1997 Ann Intern Med 126:133 (49 patients starting warfarin, factors measured "
              "daily): 36 h after a 10 mg start factor VII was 27 % (CI 18-36), factor II 74 % (67-81) and 44 % of "
              "patients had INR > 2; the activity-INR law (inr_hyperbolic_slope) reaches INR ~1.9 there only when "
              "VII carries the weight (equal weights of II, VII, X: INR ~1.3), so II's share is ~0 (at most ~0.1 "
              "for a median INR of 1.8); Am J Hematol 1998 57:193 [V abstract]: at a given INR, factor VII was the "
              "same in the initial and the stable phase of warfarin while native prothrombin was not ('VII, and not "
              "prothrombin, may be the predominant factor monitored by the INR'). All factors share one "
              "carboxylated fraction in this model, so the weights act only while the factors relax at their "
              "different half-lives (starting, stopping, vitamin K rescue). Sensitivity (rows W5, W6): II and X "
              "at 0.05 each (VII's share 0.91) give INR 2 on day 4 and INR 1.75 / 1.23 at 65 / 115 h after the "
              "last dose; at 0.25 each (share 0.67) day 7 and 1.84 / 1.29, which fails W6; at 1 (equal weights, "
              "the former assumption) day 9 and 1.98 / 1.39 (2026-12-04)",
              "Weight of factor II in prothrombin-complex activity", 0.0, 10.0),
    Parameter("pt_weight_factor_vii", 1.0, "-",
              "[C] the prothrombin time's thromboplastin acts through factor VII (tissue factor-VIIa activates "
              "X); the weights of pt_weight_factor_ii (Harrison 1997; Am J Hematol 1998 57:193) are relative to it, "
              "so it is above 0 (the prothrombin time always sees some factor)",
              "Weight of factor VII in prothrombin-complex activity", 0.01, 10.0),
    Parameter("pt_weight_factor_x", 0.0, "-", "[C] as pt_weight_factor_ii (factor X was not in Harrison 1997's "
              "abstract; at 36 h, with its 40 h half-life, it lies between II and VII, so any weight lowers the "
              "INR there further)", "Weight of factor X in prothrombin-complex activity", 0.0, 10.0),
    Parameter("pt_weight_factor_ix", 0.0, "-",
              "[V] the prothrombin time tests the extrinsic and common pathways; factor IX is intrinsic "
              "(coagulation tables, e.g. Eckhoff 2004 via Citizendium)",
              "Weight of factor IX in prothrombin-complex activity", 0.0, 10.0),
    Parameter("inr_hyperbolic_slope", 1.0 / 3.0, "-",
              "[C] fitted to the activity-INR table 100/40/30/25/20/15/10 % -> INR 1.0/1.5/1.75/2.0/2.35/2.9/4.45 "
              "(medicalalgorithms.com, from a published figure [S]); the hyperbolic form is Holford 1986 Clin "
              "Pharmacokinet 11:483 [V abstract]; cross-check: factor X 23 % at INR 1.6-2.5, all factors < 30 % "
              "at INR >= 3.6 (Gulati 2011 Arch Pathol Lab Med 135:490 [V abstract])",
              "b in INR = 1 + b * (1/activity - 1)", 0.05, 2.0),
    Parameter("hepatic_carboxylation_reserve", 1.3, "-",
              "assumption: the liver's KH2 turnover at the reference diet is ~1.3x what full carboxylation of its "
              "Gla demand needs (~12 umol Gla/day for prothrombin alone [C]: 1.4 uM x 3 L x ln2/60 h x 10 Gla, vs "
              "~0.1-0.2 umol/day of absorbed K1, so each K is recycled ~100x); constrained by W1 (INR 2-3 at "
              "5 mg/d warfarin) and by normal INR at low K1 intake (design note)",
              "Hepatic KH2 supply relative to the Gla demand of clotting-factor synthesis at the reference state",
              0.5, 10.0, ()),
    Parameter("hepatic_menaquinone_store_nmol_per_l", 2.5, "nmol/L",
              "assumption calibrated to the INR's response to dietary K1 on warfarin, which this store dilutes (the "
              "liver's KH2 follows its total supply, so 100 ug/day more K1 is a step of ~0.8 nmol/L on the "
              "reference supply's ~3.3, 100 ug/day of K1 and the store): a week of ~100 ug/day more K1 from vegetables lowered 24 warfarin patients' INR "
              "by 0.35 (J Pharm Care, Tehran University of Medical Sciences, jpc.tums.ac.ir article 87 [V "
              "abstract]; row W-Diet). Checked against what it was not set to: Khan et al. 2004 Br J Haematol "
              "124:348 (-0.2 per 100 ug/day over 4 days, row W-Diet), the next-day INR after 1 mg oral K1 "
              "(Crowther 1998: 2.86, 2.50-3.23; row W4) and MK-7 45 ug/day on a VKA (Theuwissen 2013: ~-40 %, "
              "row W2). [S] human liver vitamin K is ~90 % long-chain menaquinones, a slowly turning store, "
              "while hepatic K1 is labile (nutrition texts); a basal supply in plasma-equivalent nmol/L that "
              "keeps the INR normal on low-K1 diets (rows Ferland1993, Booth2003). Was 0.8 (2026-12-07), which "
              "gave -0.51 / -0.49 at 7 / 4 days and 1.94 the day after 1 mg K1; with 0.8 the liver's "
              "warfarin-insensitive reductase was half its value (liver_alternative_reductase_per_h)",
              "Hepatic vitamin K supply from the menaquinone store, added to the plasma-derived supply",
              0.0, 20.0, ("W-Diet", "W4", "W2")),
    Parameter("carboxylation_saturation_sharpness", 8.0, "-",
              "assumption: smooth minimum between supply-limited and complete carboxylation",
              "Sharpness m of the smooth minimum y / (1 + y**m)**(1/m)", 1.0, 50.0),
    Parameter("minimum_prothrombin_complex_activity", 0.01, "-",
              "assumption: keeps the INR finite (1 % activity -> INR ~34)",
              "Floor of prothrombin-complex activity in the INR relation", 1e-4, 0.2),
])

def default_parameters(**overrides: float) -> SimpleNamespace:
    """This module's defaults as attributes, with ``overrides`` applied (tests and readouts).

    Raises:
        KeyError: for a name this module does not declare.
    """
    return module_defaults(PARAMETERS, "coagulation", overrides)


def _fraction(name: str, value: float) -> float:
    v = float(value)
    if not math.isfinite(v) or not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} = {value!r} is not allowed: it must be a fraction between 0 and 1")
    return v


_FACTOR_SET = frozenset(FACTORS)
_HALF_LIFE_NAMES = tuple(f"factor_{f}_half_life_h" for f in FACTORS)
_PT_WEIGHT_NAMES = tuple(f"pt_weight_factor_{f}" for f in FACTORS)


def _factor_map(name: str, values: Mapping[str, float]) -> dict[str, float]:
    if values.keys() != _FACTOR_SET:
        missing = set(FACTORS) - set(values)
        unknown = set(values) - set(FACTORS)
        raise ValueError(f"{name} must give each of {list(FACTORS)} exactly; missing {sorted(missing)}, "
                         f"unknown {sorted(unknown)}")
    checked = {}
    for f in FACTORS:  # the checks of _fraction, its message built only for a bad value (daily path)
        v = float(values[f])
        checked[f] = v if 0.0 <= v <= 1.0 else _fraction(f"{name}[{f!r}]", values[f])
    return checked


def factor_half_lives_h(p) -> dict[str, float]:
    """Plasma half-life (h) of each factor."""
    return {f: getattr(p, attr) for f, attr in zip(FACTORS, _HALF_LIFE_NAMES)}


def advance_factor_activity(activity: Mapping[str, float], carboxylated_fraction: Mapping[str, float], p,
                            dt_days: float = 1.0) -> dict[str, float]:
    """Functional level of each factor after ``dt_days`` (exact, constant synthesis over the step).

    Synthesis of functional factor is the normal synthesis times the fraction made fully
    carboxylated, elimination is first order with the factor's half-life, so each level relaxes
    towards its carboxylated fraction: ``a1 = f + (a0 - f) * exp(-ln2 * 24 dt / t_half)``.
    """
    a0 = _factor_map("activity", activity)
    target = _factor_map("carboxylated_fraction", carboxylated_fraction)
    dt = float(dt_days)
    if not math.isfinite(dt) or dt < 0.0:
        raise ValueError(f"dt_days = {dt_days!r} is not allowed: it must be a finite number >= 0")
    return relax_factor_activity(a0, target, p, dt)


def relax_factor_activity(activity: Mapping[str, float], carboxylated_fraction: Mapping[str, float], p,
                          dt_days: float = 1.0) -> dict[str, float]:
    """The law of :func:`advance_factor_activity` without its input checks, for maps of every
    factor already checked (the model's own state, every day)."""
    keep = _factor_keep(p, dt_days)
    return {f: carboxylated_fraction[f] + (activity[f] - carboxylated_fraction[f]) * keep[f] for f in FACTORS}


@per_set_or_fresh
def _factor_keep(p, dt_days: float) -> dict[str, float]:
    """Share of each factor's distance to its target left after ``dt_days``: ``exp(-ln2 * 24 dt / t_half)``
    (a constant of the parameter set and step, so the daily path computes it once)."""
    half = factor_half_lives_h(p)
    return {f: math.exp(-math.log(2.0) * 24.0 * dt_days / half[f]) for f in FACTORS}


def prothrombin_complex_activity(factor_activity: Mapping[str, float], p) -> float:
    """Activity the prothrombin time sees (fraction of normal): the weighted geometric mean of
    the factor activities (weights ``pt_weight_factor_*``; by default factor VII alone, whose level
    the INR follows while the factors relax at different speeds: Harrison 1997, Am J Hematol 1998).

    At steady state, pass the hepatic carboxylated fraction of each factor as its activity.
    """
    return weighted_factor_activity(_factor_map("factor_activity", factor_activity), p)


def weighted_factor_activity(factor_activity: Mapping[str, float], p) -> float:
    """The law of :func:`prothrombin_complex_activity` without its input check, for a map of
    every factor already checked (the model's own state, every recorded day)."""
    floor = p.minimum_prothrombin_complex_activity
    weights, total = _pt_weights(p)
    return math.exp(sum([w * math.log(max(factor_activity[f], floor)) for f, w in weights]) / total)


@per_set_or_fresh
def _pt_weights(p) -> tuple[tuple[tuple[str, float], ...], float]:
    """((factor, weight), ...) of the prothrombin time and the weights' sum, for parameter set ``p``.

    Raises:
        ValueError: if every weight is 0.
    """
    weights = {f: getattr(p, attr) for f, attr in zip(FACTORS, _PT_WEIGHT_NAMES)}
    total = sum(weights.values())
    if total <= 0.0:
        raise ValueError("pt_weight_factor_* are all 0: at least one factor must count in the prothrombin time")
    return tuple(weights.items()), total


def inr(activity: float, p) -> float:
    """International normalised ratio at a prothrombin-complex activity (fraction of normal).

    ``INR = 1 + b * (1 / a - 1)`` (hyperbolic; ``a`` floored at ``minimum_prothrombin_complex_activity``).
    Anchors: 100 % -> 1.0, 25 % -> 2.0, 15 % -> 2.9 (therapeutic INR 2-3 = activity ~15-25 %).
    """
    a = max(_fraction("prothrombin-complex activity", activity), p.minimum_prothrombin_complex_activity)
    return 1.0 + p.inr_hyperbolic_slope * (1.0 / a - 1.0)


def activity_for_inr(target_inr: float, p) -> float:
    """Prothrombin-complex activity (fraction) that gives ``target_inr`` (inverse of :func:`inr`)."""
    v = float(target_inr)
    if not math.isfinite(v) or v < 1.0:
        raise ValueError(f"target_inr = {target_inr!r} is not allowed: it must be a finite number >= 1")
    return 1.0 / (1.0 + (v - 1.0) / p.inr_hyperbolic_slope)


def flux_limited_carboxylated_fraction(kh2_relative: float, reserve: float, p) -> float:
    """Fraction of newly made factor that leaves the liver fully carboxylated when carboxylation
    is limited by the KH2 the vitamin K cycle delivers (one KH2 oxidised per Gla formed).

    ``y = reserve * kh2_relative`` is KH2 turnover over Gla demand (``kh2_relative`` = hepatic KH2
    relative to the reference state, e.g. from ``vitamin_k.reduced_vitamin_k``); the fraction is
    the smooth minimum ``y / (1 + y**m)**(1/m)`` of ``y`` and 1. Warfarin lowers ``kh2_relative``
    by blocking recycling; extra vitamin K raises it; the reserve is why a healthy liver is
    (nearly) fully carboxylated while extra-hepatic tissues with reserve < 1 are not.
    """
    x = float(kh2_relative)
    r = float(reserve)
    if not (x >= 0.0 and math.isfinite(x)):
        raise ValueError(f"kh2_relative = {kh2_relative!r} is not allowed: it must be a finite number >= 0")
    if not (r > 0.0 and math.isfinite(r)):
        raise ValueError(f"reserve = {reserve!r} is not allowed: it must be a finite number > 0")
    y = r * x
    m = p.carboxylation_saturation_sharpness
    return y / (1.0 + y ** m) ** (1.0 / m)


def hepatic_supply_nmol_per_l(plasma_supply_nmol_per_l: float, p) -> float:
    """Vitamin K supply to hepatocytes: the plasma-derived supply (all forms, chylomicron-remnant
    K1 included) plus the hepatic menaquinone store."""
    s = float(plasma_supply_nmol_per_l)
    if not (s >= 0.0 and math.isfinite(s)):
        raise ValueError(f"plasma_supply_nmol_per_l = {plasma_supply_nmol_per_l!r} is not allowed: "
                         "it must be a finite number >= 0")
    return s + p.hepatic_menaquinone_store_nmol_per_l


def hepatic_factor_carboxylation(kh2_relative: float, p) -> dict[str, float]:
    """Carboxylated fraction of each clotting factor at a hepatic KH2 relative to the reference
    (the same for all four: their Gla demand is in the liver's reserve)."""
    f = flux_limited_carboxylated_fraction(kh2_relative, p.hepatic_carboxylation_reserve, p)
    return {name: f for name in FACTORS}


def steady_state_inr(carboxylated_fraction_by_factor: Mapping[str, float], p) -> float:
    """INR once every factor has reached its carboxylated fraction (weeks on a stable dose)."""
    return inr(prothrombin_complex_activity(carboxylated_fraction_by_factor, p), p)


__all__ = ["PARAMETERS", "FACTORS", "GLA_RESIDUES_BY_FACTOR", "default_parameters", "factor_half_lives_h",
           "advance_factor_activity", "relax_factor_activity",
           "prothrombin_complex_activity", "weighted_factor_activity", "inr", "activity_for_inr",
           "flux_limited_carboxylated_fraction", "hepatic_supply_nmol_per_l", "hepatic_factor_carboxylation",
           "steady_state_inr"]
