"""The recorded columns, their units, and the mapping to clinical scores.

``COLUMNS`` is the single list of what a run records (name -> unit, description); the
DataFrame from :func:`calcium_abm.simulate`, the Parquet/CSV files and the docs all use it.
"""

from __future__ import annotations

from mesa import DataCollector


COLUMNS: dict[str, tuple[str, str]] = {
    "day": ("day", "Simulated day (0 = start, after the bone spin-up)"),
    "years": ("year", "Simulated time in years (365 days)"),
    "bone_mineral_density_g_cm2": ("g/cm2", "Areal BMD of the bone section (DXA-like)"),
    "bmd_change_pct": ("%", "BMD change since day 0 (NaN if the section held no bone at day 0)"),
    "bone_volume_fraction": ("-", "Matrix (mineral + osteoid) volume / section volume (BV/TV)"),
    "remodeling_space_fraction": ("-", "Resorbed cavities not yet refilled / section volume"),
    "vessel_calcification_mg": ("mg", "Calcium deposited in the represented arterial media"),
    "calcification_score": ("Agatston-like units", "vessel_calcification_mg x agatston_units_per_mg_calcium"),
    "calcified_area_fraction": ("-", "Share of media patches above the calcified threshold"),
    "osteochondrogenic_vsmc_fraction": ("-", "Share of VSMCs in the osteochondrogenic phenotype"),
    "dp_ucmgp_pmol_l": ("pmol/L", "Plasma desphospho-uncarboxylated MGP"),
    "ucoc_fraction": ("-", "Share of osteocalcin made today that is not fully carboxylated (%ucOC / 100); "
                           "NaN in the osteocalcin knockout"),
    "hepatic_carboxylation_fraction": ("-", "Share of new prothrombin fully carboxylated (clotting)"),
    "vascular_mgp_carboxylation_fraction": ("-", "Production-weighted share of new MGP fully carboxylated"),
    "serum_calcium_mmol_l": ("mmol/L", "Serum total calcium"),
    "ionized_calcium_mmol_l": ("mmol/L", "Serum ionised calcium"),
    "serum_phosphate_mmol_l": ("mmol/L", "Serum phosphate"),
    "pth_pmol_l": ("pmol/L", "Parathyroid hormone"),
    "calcitriol_relative": ("-", "Calcitriol relative to a healthy adult"),
    "plasma_k1_nmol_l": ("nmol/L", "Day-mean plasma phylloquinone (K1)"),
    "plasma_mk4_nmol_l": ("nmol/L", "Day-mean plasma menaquinone-4"),
    "plasma_mk7_nmol_l": ("nmol/L", "Day-mean plasma menaquinone-7"),
    "plasma_warfarin_mg_l": ("mg/L", "Day-mean plasma warfarin"),
    "vkor_activity_fraction": ("-", "VKOR activity left under warfarin (1 = uninhibited)"),
    "osteoclast_count": ("cells", "Live osteoclasts (remodeling units resorbing)"),
    "osteoblast_count": ("teams", "Osteoblast teams refilling cavities"),
    "osteoblast_cells": ("cells", "Osteoblasts in all teams"),
    "contractile_vsmc_count": ("cells", "Contractile VSMCs"),
    "osteochondrogenic_vsmc_count": ("cells", "Osteochondrogenic VSMCs"),
    "ca_gut_mg": ("mg", "Calcium in the gut lumen"),
    "ca_blood_mg": ("mg", "Calcium in blood / extracellular fluid"),
    "ca_bone_fluid_mg": ("mg", "Exchangeable bone-fluid calcium"),
    "ca_bone_trabecular_mg": ("mg", "Calcium in mineralised trabecular bone (the section, scaled to the skeleton)"),
    "ca_bone_cortical_mg": ("mg", "Calcium in mineralised cortical bone (mean-field compartment)"),
    "ca_vessel_wall_mg": ("mg", "Calcium deposited in the vessel wall (= vessel_calcification_mg)"),
    "ca_intake_cum_mg": ("mg", "Cumulative dietary calcium since day 0"),
    "ca_urine_cum_mg": ("mg", "Cumulative urinary calcium since day 0"),
    "ca_feces_cum_mg": ("mg", "Cumulative faecal calcium since day 0"),
    "ca_excreted_cum_mg": ("mg", "Cumulative urine + faeces since day 0"),
    "ca_balance_error_mg": ("mg", "sum(pools) - intake + excreted - its day-0 value; round-off only"),
    "ca_absorption_mg_per_day": ("mg/day", "Calcium absorbed from the gut today"),
    "urine_calcium_mg_per_day": ("mg/day", "Urinary calcium today"),
    "bone_resorption_mg_per_day": ("mg/day", "Calcium released by osteoclasts today (trabecular + cortical)"),
    "bone_mineralisation_mg_per_day": ("mg/day", "Calcium taken up by mineralising osteoid today (trabecular + cortical)"),
    "vessel_deposition_mg_per_day": ("mg/day", "Net calcium deposited in the vessel wall today"),
}

CALCIUM_POOLS = ("gut", "blood", "bone_fluid", "bone_trabecular", "bone_cortical", "vessel_wall")


class RowCollector(DataCollector):
    """A Mesa ``DataCollector`` fed with ready-made rows.

    The model computes every column once per recorded day as plain floats and hands the
    row over; this keeps Mesa's interface (``model_vars``, ``get_model_vars_dataframe``,
    ``batch_run``, SolaraViz plots) without Mesa's per-reporter deepcopy.
    """

    def __init__(self):
        super().__init__(model_reporters={name: name for name in COLUMNS})
        self.latest: dict[str, float] = {}

    def collect(self, model):  # noqa: D102 - see class docstring
        row = model.current_row()
        self.latest = row
        self._collection_steps.append(model.time)
        for name, values in self.model_vars.items():
            values.append(row[name])
