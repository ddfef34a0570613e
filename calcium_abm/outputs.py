"""The recorded columns: each declared ONCE with its unit, its description and how it is
computed from the day's tallies.

``COLUMNS`` (name -> (unit, description)) is what a run records, in order; the DataFrame
from :func:`calcium_abm.simulate`, the Parquet/CSV files and ``docs/outputs.md`` all use it.
:func:`current_row` evaluates every column for the model's current day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from mesa import DataCollector

from calcium_abm.physiology import ageing, calcium, coagulation, kidney, remodeling, skeleton, wall_readouts
from calcium_abm.physiology.ledger import CALCIUM_POOLS, NAMES
from calcium_abm.physiology.minerals import PHOSPHATE_POOLS

__all__ = ["COLUMNS", "DAILY_FLOW_COLUMNS", "HUMAN_ONLY_COLUMNS", "SIGNED_COLUMNS", "SHARE_COLUMNS", "column_range", "ZERO_ON_DAY_0_COLUMNS", "day_0_value_problem", "percent_change_problem", "CALCIUM_POOLS", "PHOSPHATE_POOLS", "Column", "DayTallies", "RowCollector", "current_row", "physiology_warning", "physiology_warning_today",
           "physiology_row", "physiology_columns"]


class DayTallies:
    """What the columns are computed from: one pass over each tissue section, the calcium
    pools summed once, and the model (``m``) and its parameters (``p``) for the rest."""

    def __init__(self, model: Any, fresh: bool = False):
        self.m, self.p = model, model.params
        bone, wall, vk = model.bone, model.vessel, model.carboxylation
        # fresh: the sums today's kernels left are current (model.step records right after them)
        self.mineral_sum, self.osteoid_sum, self.cavity_sum, self.deficit_sum = bone.day_sums if fresh else (
            bone.tallies())
        self.vessel_mineral_sum, self.n_calcified, self.n_osteo, self.mgp_share = wall.day_tallies if fresh else (
            wall_readouts.vessel_tallies(wall.osteochondrogenic, wall.mineral, self.p.calcified_patch_threshold,
                                         vk.mgp_carboxylated_by_depth.ravel(), self.p.osteochondrogenic_mgp_synthesis_factor))
        self.n_vsmc = wall.mineral.size
        self.ledger, self.p_ledger = model.calcium, model.phosphate
        # each ledger's pools, their sum, amounts (counters by index), excreted total and balance error, at once
        self.pools, self.total_mg, self.amount, self.excreted_mg, self.balance_error_mg = self.ledger.readouts(
            {"bone_trabecular": bone.calcium_mg(self.mineral_sum), "vessel_wall": wall.calcium_mg(self.vessel_mineral_sum)})
        (self.p_pools, self.p_total_mg, self.p_amount, self.p_excreted_mg,
         self.p_balance_error_mg) = self.p_ledger.readouts({name: kidney.phosphorus_with_calcium_mg(self.pools[name], self.p)
                                                           for name in ("bone_trabecular", "bone_cortical", "vessel_wall")})
        self.day0 = model.day == 0
        self.bmd = remodeling.section_bmd_g_cm2(self.mineral_sum, model.reference_mineral_sum, model.params)
        patient = model.inputs.patient  # the expected lumbar-spine DXA reading, once for its column and the T-score's
        self.spine_dxa = _NAN if patient.species != "human" else skeleton.expected_spine_dxa_bmd_g_cm2(
            self.bmd, model.age_years, patient.sex, self.p)
        self.serum_ca = calcium.serum_calcium_mmol_l(self.ledger["blood"], self.p)
        self.plasma = vk.plasma
        self.pca = _prothrombin_complex_activity(model.blood, self.p)
        self.osteoblast_slots = model.osteoblasts.live_slots()

    def per_day(self, source: int, sink: int, source2: int | None = None, sink2: int | None = None,
                ledger: Any = None) -> float:
        """Today's flow ``source -> sink`` (plus ``source2 -> sink2``; pools by their index in
        :data:`.ledger.NAMES`) in the calcium ledger (or ``ledger``), in mg per physiological day;
        NaN on day 0, the start state, before any day has passed (a 0 there read as no urine, and
        pulled down a run's mean)."""
        if self.day0:
            return _NAN
        flow = (self.ledger if ledger is None else ledger).flow
        mg = flow.item(source, sink)
        if source2 is not None:
            mg = mg + flow.item(source2, sink2)
        return mg / self.m.dt


def _prothrombin_complex_activity(blood: Any, p) -> float:
    """:func:`.coagulation.weighted_factor_activity` of the blood's clotting factors (the model's own
    map), kept on the blood with the map and parameter set it was computed for: the model replaces
    the map when a factor changes (never edits it), so the same map object has the same activity."""
    factors, last = blood.clotting_factor_activity, blood.__dict__.get("_pca")
    if last is None or last[0] is not factors or last[1] is not p:
        last = blood._pca = (factors, p, coagulation.weighted_factor_activity(factors, p))
    return last[2]


@dataclass(frozen=True)
class Column:
    """One recorded column: its unit, its description and ``expression``, the Python expression
    over ``t`` (a :class:`DayTallies`) that computes it. :func:`row_values` evaluates all the
    expressions in one compiled function (one call a day instead of one per column)."""

    unit: str
    description: str
    expression: str

    @property
    def compute(self) -> Callable[[DayTallies], float]:
        """The column alone, as a function of a :class:`DayTallies`."""
        row = _compile_row([self.expression])
        return lambda t: row(t)[0]


_NAN = float("nan")
_DECLARED: dict[str, Column] = {
    "day": Column("day", "Simulated time in days at the end of the recorded day (0 = start, after the bone spin-up): "
                  "a [[schedule]] entry from start_day d acts in the day from d to d + 1, so first in row d + 1, "
                  "whose day-mean columns are that day's", "float(t.m.day)"),
    "years": Column("year", "Simulated time in years (365 days)", "t.m.day / 365.0"),
    "bone_mineral_density_g_cm2": Column("g/cm2", "Areal BMD of the bone section (DXA-like)", "t.bmd"),
    "lumbar_spine_dxa_bmd_g_cm2": Column(
        "g/cm2", "Expected lumbar-spine DXA reading at today's age: the section's BMD x the vertebra's depth "
                 "grown since the young-adult peak, plus osteophyte mineral weighted by its prevalence at the "
                 "age and sex (skeleton.expected_spine_dxa_bmd_g_cm2, row A4); NaN in rodents",
        "t.spine_dxa"),
    "lumbar_spine_t_score": Column(
        "SD", "T-score of lumbar_spine_dxa_bmd_g_cm2: SDs from the young-adult mean of the same sex "
              "(ageing.t_score; the reference a measured patient.baseline_bmd_t_score is read against); NaN in "
              "rodents",
        '_NAN if t.m.inputs.patient.species != "human" else ageing.t_score(t.spine_dxa, t.m.inputs.patient.sex, t.p)'),
    "bmd_change_pct": Column("%", "BMD change since day 0 (NaN if the section held no bone at day 0)",
                             "100.0 * (t.bmd / t.m.bmd_day0 - 1.0) if t.m.bmd_day0 > 0 else _NAN"),
    "bone_volume_fraction": Column("-", "Matrix (mineral + osteoid) volume / section volume (BV/TV)",
                                   "(t.mineral_sum + t.deficit_sum + t.osteoid_sum) / t.m.bone.mineral.size"),
    "remodeling_space_fraction": Column("-", "Resorbed cavities not yet refilled / section volume",
                                        "t.cavity_sum / t.m.bone.cavity.size"),
    "vessel_calcification_mg": Column("mg", "Calcium deposited in the represented arterial wall: media plus "
                                            "intimal plaque (intima.py)",
                                      't.pools["vessel_wall"]'),
    "calcification_score": Column("Agatston-like units", "vessel_calcification_mg x agatston_units_per_mg_calcium; in a "
                                  "rodent preset only a relative measure (no coronary score: read calcified_area_fraction)",
                                  't.pools["vessel_wall"] * t.p.agatston_units_per_mg_calcium'),
    "calcified_area_fraction": Column("-", "Share of media patches above the calcified threshold",
                                      "t.n_calcified / t.n_vsmc"),
    "osteochondrogenic_vsmc_fraction": Column("-", "Share of VSMCs in the osteochondrogenic phenotype",
                                              "t.n_osteo / t.n_vsmc"),
    "dp_ucmgp_pmol_l": Column("pmol/L", "Plasma desphospho-uncarboxylated MGP", "t.m.blood.dp_ucmgp_pmol_l"),
    "ucoc_fraction": Column("-", "Share of osteocalcin made today that is not fully carboxylated (%ucOC / 100); NaN in "
                                 "the osteocalcin knockout. Its changes are checked (rows 8, 11); its level is not: "
                                 "assays read ~21 % in healthy women (Emaus 2010 placebo: 3.9 of 18.8 ng/mL)",
                            "1.0 - t.m.carboxylation.osteocalcin_carboxylated_fraction"),
    "hepatic_carboxylation_fraction": Column("-", "Share of new clotting factors (II, VII, IX, X) made fully "
                                                  "carboxylated today (flux-limited hepatic carboxylation)",
                                             "t.m.carboxylation.hepatic_carboxylation_fraction"),
    "prothrombin_complex_activity": Column(
        "-", "Functional prothrombin-complex activity the prothrombin time sees (fraction of normal pooled plasma): "
             "the clotting factors by their pt_weight_factor_* weights, factor VII alone by default",
        "t.pca"),
    "inr": Column("-", "International normalised ratio, 1 + b (1/activity - 1) (Holford 1986 form)",
                  "coagulation.inr(t.pca, t.p)"),
    "factor_vii_activity": Column("-", "Functional factor VII (fraction of normal pooled plasma; half-life "
                                       "factor_vii_half_life_h): the factor the INR follows by default",
                                  "t.m.blood.clotting_factor_activity['vii']"),
    "factor_ii_activity": Column("-", "Functional prothrombin, factor II (fraction of normal pooled plasma; half-life "
                                      "factor_ii_half_life_h): the factor whose fall carries warfarin's antithrombotic "
                                      "effect, days behind the INR",
                                 "t.m.blood.clotting_factor_activity['ii']"),
    "vascular_mgp_carboxylation_fraction": Column(
        "-", "Production-weighted share of new MGP fully carboxylated; NaN in the MGP knockout (no MGP is "
            "made, so the share is undefined)",
        "_NAN if t.m.inputs.genetics.mgp_knockout else t.mgp_share"),
    "serum_calcium_mmol_l": Column("mmol/L", "Serum total calcium", "t.serum_ca"),
    "ionized_calcium_mmol_l": Column("mmol/L", "Serum ionised calcium",
                                     "calcium.ionized_calcium_mmol_l(t.serum_ca, t.p)"),
    "serum_phosphate_mmol_l": Column("mmol/L", "Serum inorganic phosphate: blood phosphorus / (30.97 x ECF volume), "
                                               "end of day (after a dialysis session on session days)",
                                     'calcium.serum_phosphate_mmol_l(t.p_pools["blood"], t.p)'),
    "pth_pmol_l": Column("pmol/L", "Parathyroid hormone (start of day)", "t.m.systemic.pth_pmol_l"),
    "calcitriol_relative": Column("-", "Calcitriol relative to a healthy adult",
                                  "t.m.systemic.calcitriol_relative"),
    "fgf23_relative": Column("-", "FGF23 relative to a healthy adult", "t.m.systemic.fgf23_relative"),
    "parathyroid_gland_capacity": Column("-", "Parathyroid secretory capacity (1 = healthy gland; slow hyperplasia)",
                                         "t.m.hormones.gland_capacity"),
    "skeletal_pth_sensitivity": Column("-", "Bone turnover's response to PTH relative to health (1; lower in kidney "
                                            "failure, following the kidneys over weeks)",
                                       "t.m.hormones.skeletal_pth_sensitivity"),
    "gfr_ml_per_min": Column("mL/min/1.73m2", "Glomerular filtration rate today", "t.m.systemic.gfr_ml_per_min"),
    "plasma_k1_nmol_l": Column("nmol/L", "Day-mean plasma phylloquinone (K1)",
                               't.plasma.mean_nmol_per_l["k1"]'),
    "plasma_mk4_nmol_l": Column("nmol/L", "Day-mean plasma menaquinone-4", 't.plasma.mean_nmol_per_l["mk4"]'),
    "plasma_mk7_nmol_l": Column("nmol/L", "Day-mean plasma menaquinone-7", 't.plasma.mean_nmol_per_l["mk7"]'),
    "plasma_warfarin_mg_l": Column("mg/L", "Day-mean plasma warfarin; a person whose dose's steady level passes that of "
                                           "the highest dose of rows W1-W7 gets a calibration warning "
                                           "(simulation.warfarin_warning)", "t.plasma.warfarin_mean_mg_per_l"),
    "vkor_activity_fraction": Column("-", "Hepatic VKOR activity left under warfarin (1 = uninhibited; vessel wall and bone are more inhibited)",
                                     "t.m.carboxylation.vkor_activity_fraction"),
    "osteoclast_count": Column("cells", "Live osteoclasts (remodeling units resorbing)",
                               "float(t.m.osteoclasts.count)"),
    "osteoblast_count": Column("teams", "Osteoblast teams refilling cavities", "float(t.osteoblast_slots.size)"),
    "osteoblast_cells": Column("cells", "Osteoblasts in all teams",
                               "float(t.m.osteoblasts.team_cells[t.osteoblast_slots].sum())"),
    "contractile_vsmc_count": Column("cells", "Contractile VSMCs", "float(t.n_vsmc - t.n_osteo)"),
    "osteochondrogenic_vsmc_count": Column("cells", "Osteochondrogenic VSMCs", "float(t.n_osteo)"),
    "ca_gut_mg": Column("mg", "Calcium in the gut lumen", 't.pools["gut"]'),
    "ca_blood_mg": Column("mg", "Calcium in blood / extracellular fluid", 't.pools["blood"]'),
    "ca_bone_fluid_mg": Column("mg", "Exchangeable bone-fluid calcium", 't.pools["bone_fluid"]'),
    "ca_bone_trabecular_mg": Column(
        "mg", "Calcium in mineralised trabecular bone (the section, scaled to the skeleton)",
        't.pools["bone_trabecular"]'),
    "ca_bone_cortical_mg": Column("mg", "Calcium in mineralised cortical bone (mean-field compartment)",
                                  't.pools["bone_cortical"]'),
    "ca_vessel_wall_mg": Column("mg", "Calcium deposited in the vessel wall (= vessel_calcification_mg)",
                                't.pools["vessel_wall"]'),
    "ca_intake_cum_mg": Column("mg", "Cumulative calcium eaten since day 0: the diet's, less what uraemic "
                                      "anorexia leaves uneaten off dialysis below uraemic_intake_onset_gfr_ml_per_min, "
                                      "and calcium acetate's calcium (the run mean against the diet's: "
                                      "df.attrs['notes'])",
                               't.amount[DIET]'),
    "ca_urine_cum_mg": Column("mg", "Cumulative urinary calcium since day 0", 't.amount[URINE]'),
    "ca_feces_cum_mg": Column("mg", "Cumulative faecal calcium since day 0", 't.amount[FAECES]'),
    "ca_excreted_cum_mg": Column("mg", "Cumulative urine + faeces since day 0", "t.excreted_mg"),
    "ca_balance_error_mg": Column("mg", "sum(pools) - intake + excreted - its day-0 value; round-off only",
                                  "t.balance_error_mg"),
    "ca_absorption_mg_per_day": Column("mg/day", "Calcium absorbed from the gut today; NaN on day 0",
                                       't.per_day(GUT, BLOOD)'),
    "urine_calcium_mg_per_day": Column("mg/day", "Urinary calcium today; NaN on day 0", 't.per_day(BLOOD, URINE)'),
    "bone_resorption_mg_per_day": Column(
        "mg/day", "Calcium released by osteoclasts today (trabecular + cortical); NaN on day 0",
        't.per_day(BONE_TRABECULAR, BLOOD, BONE_CORTICAL, BLOOD)'),
    "bone_mineralisation_mg_per_day": Column(
        "mg/day", "Calcium taken up by mineralising osteoid today (trabecular + cortical); NaN on day 0",
        't.per_day(BLOOD, BONE_TRABECULAR, BLOOD, BONE_CORTICAL)'),
    "vessel_deposition_mg_per_day": Column("mg/day", "Net calcium deposited in the vessel wall today; NaN on day 0",
                                           't.per_day(BLOOD, VESSEL_WALL)'),
    **{f"p_{pool}_mg": Column("mg", f"Phosphorus in the {pool.replace("_", " ")} pool" + (
        " (0 at the end of every day: dietary phosphorus is absorbed or passed within the day)" if pool == "gut" else
        ""), f"t.p_pools[{pool!r}]") for pool in PHOSPHATE_POOLS},
    "p_intake_cum_mg": Column("mg", "Cumulative dietary phosphorus eaten since day 0: the diet's, less what "
                                     "uraemic anorexia leaves uneaten off dialysis below "
                                     "uraemic_intake_onset_gfr_ml_per_min (the run mean against the diet's: "
                                     "df.attrs['notes'])",
                              't.p_amount[DIET]'),
    "p_urine_cum_mg": Column("mg", "Cumulative urinary phosphorus since day 0",
                             't.p_amount[URINE]'),
    "p_feces_cum_mg": Column("mg", "Cumulative faecal phosphorus since day 0",
                             't.p_amount[FAECES]'),
    "p_dialysate_cum_mg": Column("mg", "Cumulative phosphorus removed by dialysis since day 0",
                                 't.p_amount[DIALYSATE]'),
    "p_excreted_cum_mg": Column("mg", "Cumulative urine + faeces + dialysate phosphorus since day 0",
                                "t.p_excreted_mg"),
    "p_balance_error_mg": Column("mg", "Phosphorus: sum(pools) - intake + excreted - its day-0 value; round-off only",
                                 "t.p_balance_error_mg"),
    "urine_phosphate_mg_per_day": Column(
        "mg/day", "Urinary phosphorus today; NaN on day 0",
        't.per_day(BLOOD, URINE, ledger=t.p_ledger)'),
}

#: name -> (unit, description) of every recorded column, in order
COLUMNS: dict[str, tuple[str, str]] = {name: (c.unit, c.description) for name, c in _DECLARED.items()}
#: the columns that are a change since day 0 or round-off in a balance (0 on day 0)
_CHANGE_COLUMNS: tuple[str, ...] = ("bmd_change_pct", "ca_balance_error_mg", "p_balance_error_mg")
#: the columns that can be negative (a change, round-off in a balance, a T-score); every other column is a
#: non-negative amount, level, fraction or count (tests/test_simulate_api.py checks it on runs)
SIGNED_COLUMNS: tuple[str, ...] = (*_CHANGE_COLUMNS, "lumbar_spine_t_score")
#: the columns a rodent preset never records (NaN in every row: no DXA readout, no T-score reference)
HUMAN_ONLY_COLUMNS: tuple[str, ...] = ("lumbar_spine_dxa_bmd_g_cm2", "lumbar_spine_t_score")
#: the columns that are a day's flow (mg/day): NaN on day 0, when no day has passed
DAILY_FLOW_COLUMNS: tuple[str, ...] = tuple(name for name, c in _DECLARED.items() if "t.per_day(" in c.expression)
#: the columns that read 0 on every run's day 0 by definition: a sum since day 0 (``*_cum_mg``) or a change from
#: it (the change and balance columns); their change is their final value and their percent change has no value
ZERO_ON_DAY_0_COLUMNS: tuple[str, ...] = (*(name for name in _DECLARED if "_cum_" in name), *_CHANGE_COLUMNS)
#: the columns that are a share of a whole, from 0 to 1 (tests/test_simulate_api.py checks it on runs); the
#: clotting activities are left out: a fraction of normal pooled plasma can exceed 1
SHARE_COLUMNS: tuple[str, ...] = (
    "bone_volume_fraction", "remodeling_space_fraction", "calcified_area_fraction", "osteochondrogenic_vsmc_fraction",
    "ucoc_fraction", "hepatic_carboxylation_fraction", "vascular_mgp_carboxylation_fraction", "vkor_activity_fraction")


def column_range(column: str) -> tuple[float, float]:
    """The closed range ``column`` can take in any run: ``[0, 1]`` for a share (:data:`SHARE_COLUMNS`),
    unbounded below for a signed column (:data:`SIGNED_COLUMNS`), ``[0, inf)`` for every other."""
    return (-math.inf if column in SIGNED_COLUMNS else 0.0), (1.0 if column in SHARE_COLUMNS else math.inf)


def day_0_value_problem(column: str) -> str | None:
    """Why ``column``'s day-0 value says nothing about a run (a flow's is NaN, a sum's or a change's since day 0 is
    0 in every run), so no change from it can be measured; None for any other column."""
    if column in DAILY_FLOW_COLUMNS:
        return "a day's flow has no value on day 0 (no day has passed)"
    if column in ZERO_ON_DAY_0_COLUMNS:
        return "it is 0 on every run's day 0 (a sum or a change since day 0)"
    return None


def percent_change_problem(column: str) -> str | None:
    """Why a percent change of ``column`` from day 0 has no meaning: :func:`day_0_value_problem`, or a
    score that is a signed distance from a reference (a T-score, 0 at the young-adult mean, where a
    percent change divides by a number near 0); None for any other column."""
    if column == "lumbar_spine_t_score":
        return "a T-score is a signed distance in SDs from the young-adult mean (0 at the mean)"
    if column in ("calcification_score", "vessel_calcification_mg", "calcified_area_fraction"):  # zeros dropped
        return ("the vessel wall's calcium is 0 or near 0 on day 0 in many patients, where a percent change has no "
                "value or is huge (a score of 0.04 AU rising to 7 AU reads +17,400 %)")  # unequally by arm
    return day_0_value_problem(column)


def _compile_row(expressions: list[str]) -> Callable[[DayTallies], list[float]]:
    """``lambda t: [expression, ...]``, compiled with this module's names (as ``namedtuple``
    builds its methods), so the row's columns are evaluated without a call per column."""
    source = "lambda t: [" + ", ".join(f"({e})" for e in expressions) + "]"
    names = {"_NAN": _NAN, "ageing": ageing, "calcium": calcium, "kidney": kidney, "coagulation": coagulation, "skeleton": skeleton,
             **{name.upper(): i for i, name in enumerate(NAMES)}}  # a ledger's pools by index
    return eval(compile(source, "<calcium_abm.outputs row>", "eval"), names)  # noqa: S307 - our own declarations


_NAMES = tuple(_DECLARED)
_ROW = _compile_row([column.expression for column in _DECLARED.values()])


def row_values(model: Any, fresh: bool = False) -> list[float]:
    """The values of every column of :data:`COLUMNS`, in order, for the model's current day;
    ``fresh``: take the tissue sums today's kernels left (:class:`DayTallies`) instead of a new
    pass over the sections (only right after :meth:`~calcium_abm.model.CalciumParadoxModel.step`)."""
    return _ROW(DayTallies(model, fresh))


class _SerumTallies:
    """The part of :class:`DayTallies` that the columns of
    :data:`calcium_abm.physiology.kidney.PHYSIOLOGICAL_RANGES` read (serum calcium and phosphate
    from the ledgers' blood pools): no pass over the tissue sections."""

    def __init__(self, model: Any, blood_mg: tuple[float, float] | None = None):
        self.m, self.p = model, model.params
        calcium_mg, phosphorus_mg = (model.calcium["blood"], model.phosphate["blood"]) if blood_mg is None else blood_mg
        self.serum_ca = calcium.serum_calcium_mmol_l(calcium_mg, self.p)
        self.p_pools = {"blood": phosphorus_mg}


def physiology_row(model: Any) -> dict[str, float]:
    """``day`` and the columns :func:`physiology_warning` reads (those of
    :data:`calcium_abm.physiology.kidney.PHYSIOLOGICAL_RANGES`) for the model's current day,
    computed by the same column functions as the full row (the same values, bit for bit), at a
    fraction of its cost: what a run that keeps only its first and last rows checks on the
    recorded days between (``simulate(..., rows="ends")``)."""
    return {"day": float(model.day), **dict(zip(kidney.PHYSIOLOGICAL_RANGES, _PHYSIOLOGY_ROW(_SerumTallies(model))))}


def physiology_columns(model: Any, days: np.ndarray, calcium_mg: np.ndarray, phosphorus_mg: np.ndarray) -> dict:
    """:func:`physiology_row` of past ``days`` of the run (shape (n,)) whose blood held ``calcium_mg`` and
    ``phosphorus_mg`` (mg, shape (n,)) at their end, as columns (name -> float64 values, shape (n,)): the same
    column functions on arrays (each element as the scalar row computes it: those rows' values, bit for bit)."""
    columns = _PHYSIOLOGY_ROW(_SerumTallies(model, (calcium_mg, phosphorus_mg)))
    return {"day": np.asarray(days, dtype=float),
            **{name: np.asarray(column, dtype=float) for name, column in zip(kidney.PHYSIOLOGICAL_RANGES, columns)}}


_PHYSIOLOGY_ROW = _compile_row([_DECLARED[name].expression for name in kidney.PHYSIOLOGICAL_RANGES])


def current_row(model: Any) -> dict[str, float]:
    """Every column of :data:`COLUMNS` for the model's current day (name -> value)."""
    return dict(zip(_NAMES, row_values(model)))


class RowCollector(DataCollector):
    """A Mesa ``DataCollector`` fed with ready-made rows.

    The model computes every column once per recorded day as plain floats (:func:`row_values`)
    and hands the row over; this keeps Mesa's interface (``model_vars``,
    ``get_model_vars_dataframe``, ``batch_run``, SolaraViz plots) without Mesa's per-reporter
    deepcopy. Rows are kept as they come and moved into ``model_vars``' per-column lists when
    ``model_vars`` is read (one pass per column instead of ~50 appends a day); ``latest`` is the
    last row as a dict. It appends the step to Mesa's private ``_collection_steps`` list, as
    ``DataCollector.collect`` does (pinned by ``tests/test_mesa_compat.py``).
    """

    def __init__(self):
        self._pending: list[list] = []  # rows not yet in model_vars: the column values
        self._pending_seeds: list = []  # the seed beside each pending row
        self._last: list | None = None  # the last row collected
        self._latest: tuple[list | None, dict[str, float]] = (None, {})
        super().__init__(model_reporters={**{name: name for name in COLUMNS}, "seed": "seed"})

    @property
    def model_vars(self) -> dict[str, list]:
        """Column name -> list of its recorded values (Mesa's ``DataCollector.model_vars``),
        and ``"seed"``: the run's seed beside every row, so ``mesa.batch_run`` reports it."""
        pending, columns = self._pending, self._model_vars
        if pending:
            for i, name in enumerate(_NAMES):
                columns[name].extend([row[i] for row in pending])
            columns["seed"].extend(self._pending_seeds)
            pending.clear()
            self._pending_seeds.clear()
        return columns

    def column_arrays(self) -> dict[str, np.ndarray]:
        """Column name -> float64 array of its recorded values, for every column of
        :data:`COLUMNS` (not the seed): the values of :attr:`model_vars`, built from the
        pending rows in one conversion instead of through the per-column lists."""
        done, pending = self._model_vars, self._pending
        table = np.array(pending, dtype=np.float64).reshape(len(pending), len(_NAMES))
        if not done[_NAMES[0]]:
            return {name: table[:, i] for i, name in enumerate(_NAMES)}
        return {name: np.concatenate([np.asarray(done[name], dtype=np.float64), table[:, i]])
                for i, name in enumerate(_NAMES)}

    @model_vars.setter
    def model_vars(self, value: dict[str, list]) -> None:
        self._model_vars = value

    @property
    def latest(self) -> dict[str, float]:
        """The last recorded row (column name -> value); ``{}`` before the first."""
        if self._latest[0] is not self._last:
            self._latest = (self._last, dict(zip(_NAMES, self._last)))
        return self._latest[1]

    def collect(self, model, fresh: bool = False):  # noqa: D102 - see class docstring; fresh: row_values'
        row = row_values(model, fresh)
        self._pending.append(row)
        self._pending_seeds.append(model.seed)
        self._last = row
        self._collection_steps.append(model.time)


# ----------------------------------------------------------------------------- guardrail
def physiology_warning(frame: Any, scenario: Any) -> str | None:
    """One warning for the first recorded day on which a run left physiology, or ``None``.

    Checks the columns named in :data:`calcium_abm.physiology.kidney.PHYSIOLOGICAL_RANGES`
    (serum calcium 1.8-3.2, phosphate 0.3-4 mmol/L) with
    :func:`calcium_abm.physiology.kidney.physiology_violations`; the message names the day, the
    quantity, its value, the allowed range and the inputs most likely responsible
    (:func:`calcium_abm.guardrail.inputs_most_changed`).
    """
    from calcium_abm.physiology import kidney

    names = [name for name in kidney.PHYSIOLOGICAL_RANGES if name in frame.columns]
    if not names or len(frame) == 0:
        return None
    days = frame["day"].to_numpy() if "day" in frame.columns else range(len(frame))
    columns = [frame[name].to_numpy(dtype=np.float64) for name in names]
    outside = np.zeros(len(frame), dtype=bool)  # rows the law below may flag (its test, on whole columns)
    for name, col in zip(names, columns):
        low, high = kidney.PHYSIOLOGICAL_RANGES[name]
        outside |= ~((low <= col) & (col <= high))
    for i in np.flatnonzero(outside).tolist():
        day = days[i]
        broken = kidney.physiology_violations(**{name: float(col[i]) for name, col in zip(names, columns)})
        if broken:
            return _left_physiology(day, broken[0], scenario)
    return None


def physiology_warning_today(model: Any) -> str | None:
    """:func:`physiology_warning` for the model's current day alone (from :func:`physiology_row`, no
    frame built): what a live view (the dashboard) asks after each shown frame."""
    from calcium_abm.physiology import kidney

    row = physiology_row(model)
    broken = kidney.physiology_violations(**{name: row[name] for name in kidney.PHYSIOLOGICAL_RANGES})
    return _left_physiology(row["day"], broken[0], model.config) if broken else None


def _left_physiology(day: float, violation: tuple, scenario: Any) -> str:
    """The warning for one (name, value, (low, high)) of :func:`.kidney.physiology_violations` on ``day``."""
    name, value, (low, high) = violation
    from calcium_abm.guardrail import inputs_most_changed

    causes = inputs_most_changed(scenario)
    cause = ("; inputs most different from a healthy adult: " + ", ".join(causes)) if causes else (
        "; no input differs from the healthy adult's defaults")
    w, h = scenario.simulation.bone_grid_width, scenario.simulation.bone_grid_height
    small = (f" A {w} x {h} bone section has few osteoclasts, whose swings move serum calcium: a bone grid of "
             f"{SMALL_BONE_GRID_SIDE} x {SMALL_BONE_GRID_SIDE} or more may keep it in range."
             if name == "serum_calcium_mmol_l" and w * h < SMALL_BONE_GRID_SIDE ** 2 else "")
    return (f"the run left physiology on day {int(day)}: {name} = {_reads_outside(value, low, high)}, outside the "
            f"physiological {low:g}-{high:g}{cause}. Results after that day are not physiological.{small}")


#: bone grids with fewer patches than this side squared swing serum calcium (a fresh user's cohort draw at 16 x 16: 1.0
#: mmol/L at its lowest, the same person 2.00-2.10 at 32 x 32 and 2.18 at 64 x 64, 3 seeds each, 2026-12-06)
SMALL_BONE_GRID_SIDE = 32


def _reads_outside(value: float, low: float, high: float) -> str:
    """``value`` with the fewest significant digits, 3 or more, that still read outside ``low``-``high``
    (a serum calcium of 1.7996 mmol/L was printed '1.8, outside the physiological 1.8-3.2')."""
    for digits in range(3, 17):
        if not low <= float(text := f"{value:.{digits}g}") <= high:
            return text
    return repr(value)
