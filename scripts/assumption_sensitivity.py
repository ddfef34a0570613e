"""Morris screening of every parameter marked "assumption" (docs/sensitivity_assumptions.md).

The brief's standard: every parameter has a unit and a source, or is marked as an assumption
*with its sensitivity shown*. This script shows it for all of them at once, through the
public batch API (``[sensitivity]`` batches, :func:`calcium_abm.batch.sensitivity_indices`):

* **Parameters**: every registry parameter whose source starts with "assumption", read from
  the registry at run time (a new assumption joins the screening by itself), each varied
  over :func:`screening_range` (0.5x to 2x its value within its allowed range; see there).
* **Settings** (:data:`SETTINGS`): a woman of 60 nine years past her final period (and the same woman on
  menopausal hormone therapy since it), a man of
  65 on warfarin 5 mg/day, an adult of 60 on haemodialysis, and the rat of row 2 (warfarin +
  extra K1, 7 weeks): together they exercise bone, the vitamin K cycle, clotting, the vessel
  wall, the kidney, dialysis and the rodent presets. A parameter read only in another
  setting has no effect in these (exactly 0: the runs are bit-identical).
* **Seed noise**: the base point of each setting at :data:`NOISE_SEEDS` seeds; an effect
  (mu_star) below twice the seed SD is marked as within noise (the cell agents make BMD and
  the media's score stochastic, docs/batch.md "Sensitivity").

Usage (from the repository root; ~20 min on 2 idle cores)::

    .venv/bin/python scripts/assumption_sensitivity.py --out /tmp/assumption_morris --workers 2
    .venv/bin/python scripts/assumption_sensitivity.py --out /tmp/assumption_morris --docs   # + rewrite the doc

A finished setting is not run again (``--out`` is resumed), so ``--docs`` after a run only
rewrites docs/sensitivity_assumptions.md from the stored results.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calcium_abm.batch import open_batch, run_batch, run_outcomes, sensitivity_indices  # noqa: E402
from calcium_abm.markdown import markdown_table  # noqa: E402
from calcium_abm.physiology import parameter_registry  # noqa: E402

DOC = ROOT / "docs" / "sensitivity_assumptions.md"
#: the vessel wall's own screening (issue 12): its batch file and the doc whose table it fills
VESSEL_BATCH = ROOT / "examples" / "batches" / "sensitivity_vessel_morris.toml"
VESSEL_DOC = ROOT / "docs" / "sensitivity_vessel.md"
_BLOCK = re.compile(r"(<!-- generated: vessel-morris -->\n)(.*?)(<!-- end generated -->)", re.S)
#: Morris trajectories per setting (runs = trajectories x (parameters + 1))
TRAJECTORIES = 4
#: seeds of the base point that measure each output's seed noise
NOISE_SEEDS = 8
SEED = 2026
#: the outputs screened (the last recorded day), with the unit printed in the tables
OUTPUTS = {
    "bmd_change_pct": "%",
    "calcification_score": "AU",
    "calcified_area_fraction": "-",
    "dp_ucmgp_pmol_l": "pmol/L",
    "ucoc_fraction": "-",
    "inr": "-",
    "serum_calcium_mmol_l": "mmol/L",
    "serum_phosphate_mmol_l": "mmol/L",
    "pth_pmol_l": "pmol/L",
}
#: name -> (description, scenario, years, settings)
SETTINGS: dict[str, tuple[str, str, float, dict]] = {
    "woman_60": ("a woman of 60, final period at 51, usual diet, 5 years", "healthy_adult", 5.0,
                 {"patient.sex": "female", "patient.age_years": 60.0, "patient.postmenopausal": True,
                  "patient.years_since_menopause": 9.0}),
    "woman_60_on_therapy": ("the woman of 60 on menopausal hormone therapy since her final period, 5 years",
                            "healthy_adult", 5.0,
                            {"patient.sex": "female", "patient.age_years": 60.0, "patient.postmenopausal": True,
                             "patient.years_since_menopause": 9.0, "drugs.menopausal_hormone_therapy": True}),
    "warfarin_man_65": ("a man of 65 on warfarin 5 mg/day, 5 years", "long_term_warfarin", 5.0,
                        {"patient.age_years": 65.0}),
    "haemodialysis": ("an adult of 60 on haemodialysis (built-in scenario), 3 years", "haemodialysis", 3.0, {}),
    "rat_warfarin": ("the rat of row 2: warfarin + extra K1 (Price 1998 design), 7 weeks", "warfarin_high_k1",
                     49 / 365.0, {"patient.species": "rat", "patient.age_years": 0.0}),
}


#: why a parameter is read in none of :data:`SETTINGS` (checked in the code): each acts elsewhere
NOT_IN_THESE_SETTINGS = {
    "minimum_prothrombin_complex_activity": "a floor of each factor's activity in the INR, reached only far above "
                                            "the therapeutic INR",
    "osteophyte_onset_age_years": "read only by the lumbar_spine_dxa_bmd_g_cm2 readout (row A4), not screened here",
    "fgf23_max_relative": "a cap of FGF23, reached only at a GFR and phosphate load beyond these settings",
    "fgf23_min_relative": "a floor of FGF23, reached only at a phosphate load far below these settings",
    "absorption_minimum_relative": "a floor of the age decline of calcium absorption, reached only at ages beyond "
                                   "these settings",
    "gfr_minimum_ml_per_min": "a floor of the age law of GFR, reached only at ages beyond these settings",
    "skeletal_pth_resistance_onset_gfr_ml_per_min": "the GFR below which the skeleton resists PTH: it acts in CKD "
                                                     "3b-5 without dialysis (on dialysis the ESRD share holds), so only "
                                                     "where a setting's GFR lies below it",
    "calcification_propensity_log_sd": "the spread of the calcification_propensity trait: it places a person whose "
                                       "trait is not 1 in the intimal onset distribution, so it acts in cohorts "
                                       "that draw traits (row 21), never for the typical person of a single run",
}


def assumption_parameters() -> dict[str, object]:
    """Registry parameters whose source is marked as an assumption, by name (registry order)."""
    return {name: p for name, p in parameter_registry().items() if p.source.lower().startswith("assumption")}


def screening_range(p) -> tuple[float, float]:
    """The range a parameter is screened over: ``[v / 2, 2 v]`` within its allowed range, and
    for a share bounded by 1 (maximum 1) at most halfway from ``v`` to 1; a parameter at 0
    (switched off) goes from 0 to a quarter of its allowed maximum (an absolute step: there
    is no value to halve); an age (unit years, ``age`` in the name) +-20 %, since halving or
    doubling a reference age leaves the human life span."""
    v, lo, hi = float(p.value), float(p.minimum), float(p.maximum)
    if v == 0.0:
        return 0.0, hi / 4.0
    if p.unit == "years" and "age" in p.name:
        low, high = 0.8 * v, 1.2 * v
    else:
        low, high = v / 2.0, 2.0 * v
        if hi == 1.0:
            high = min(high, v + (1.0 - v) / 2.0)
    return max(low, lo), min(high, hi)


def _batch(name: str, kind: dict) -> dict:
    description, scenario, years, settings = SETTINGS[name]
    return {"name": f"assumptions_{name}", "description": description, "scenario": scenario, "seed": SEED,
            "years": years, "output": "summary", "set": settings, **kind,
            "analysis": {"outcomes": {column: "final" for column in OUTPUTS}}}


def morris_batch(name: str) -> dict:
    """The ``[sensitivity]`` batch of setting ``name`` over every assumption parameter, those the
    setting never reads too (``screen_unread``: another species' parameters, a spread the typical
    person does not let act; their effects are exactly 0, shown as such in the document)."""
    ranges = {n: list(screening_range(p)) for n, p in assumption_parameters().items()}
    return _batch(name, {"sensitivity": {"method": "morris", "trajectories": TRAJECTORIES, "levels": 4,
                                         "parameters": ranges, "screen_unread": True}})


def noise_batch(name: str) -> dict:
    """The base point of setting ``name`` at :data:`NOISE_SEEDS` seeds (a one-point sweep of a
    parameter at its own value, replicated)."""
    anchor = next(iter(assumption_parameters().values()))
    return _batch(name, {"sweep": {"parameters": {anchor.name: [anchor.value]}, "replicates": NOISE_SEEDS}})


def _run(batch: dict | Path, out: Path, workers: int) -> None:
    resume = (out / "manifest.json").exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    run_batch(batch, out, workers=workers, resume=resume, progress=True)


def run_all(out: Path, workers: int) -> None:
    _run(VESSEL_BATCH, out / "vessel", workers)
    for name in SETTINGS:
        _run(noise_batch(name), out / name / "noise", workers)
        _run(morris_batch(name), out / name / "morris", workers)


def setting_table(out: Path, name: str) -> pd.DataFrame:
    """One row per assumption parameter: mu_star of each output and whether it is above noise."""
    noise = run_outcomes(out / name / "noise")
    base_mean = {c: float(noise[c].mean()) for c in OUTPUTS}
    sd = {c: float(noise[c].std(ddof=1)) for c in OUTPUTS}
    indices = sensitivity_indices(open_batch(out / name / "morris"))
    table = indices.pivot(index="parameter", columns="output", values="mu_star").reindex(indices["parameter"].unique())
    table.attrs.update(base=base_mean, sd=sd)
    return table


def _fmt(x: float) -> str:
    if x == 0.0:
        return "0"
    return f"{x:.2g}" if abs(x) < 1e3 else f"{x:,.0f}"


def threshold(base: float, sd: float) -> float:
    """The smallest ``mu_star`` counted as an effect: twice the output's seed SD at the base
    point, and at least 0.1 % of its base value (outputs that no random draw moves, like the
    INR, have SD 0)."""
    return max(2.0 * sd, 1e-3 * abs(base))


def _effect_cell(mu_star: float, limit: float) -> str:
    if mu_star == 0.0:
        return "0"
    return _fmt(mu_star) + ("" if mu_star >= limit else " (noise)")


def markdown(out: Path) -> str:
    """docs/sensitivity_assumptions.md from the stored results in ``out``."""
    params = assumption_parameters()
    tables = {name: setting_table(out, name) for name in SETTINGS}
    lines = [
        "<!-- Generated by `scripts/assumption_sensitivity.py --docs`. Do not edit by hand. -->",
        "",
        "# Sensitivity of every assumption (Morris screening)",
        "",
        f"Every parameter whose source is marked *assumption* in [parameters.md](parameters.md) ({len(params)} of "
        f"them) is screened here, all at once, in {len(SETTINGS)} settings that together exercise bone, the vitamin K "
        "cycle, clotting, the vessel wall, the kidney, dialysis and the rodent presets. Generated by",
        "",
        "```",
        ".venv/bin/python scripts/assumption_sensitivity.py --out /tmp/assumption_morris --workers 2 --docs",
        "```",
        "",
        f"Method: Morris elementary effects through `calcium-abm`'s `[sensitivity]` batches ({TRAJECTORIES} "
        f"trajectories, 4 levels, {TRAJECTORIES * (len(params) + 1)} runs per setting, seed {SEED}, common random "
        "numbers) on the default grids (bone section and media 64 x 64, as a user's run). Each parameter moves over its screening range: 0.5x to "
        "2x its value within its allowed range (a share bounded by 1 at most halfway to 1; a parameter at 0 from 0 to "
        "a quarter of its allowed maximum; a reference age +-20 %). `mu_star` is the mean absolute elementary "
        "effect in the output's unit, scaled to the whole range: the change of the output on the last day when "
        "the parameter crosses 2/3 of its range (one step of the 4 levels), divided by 2/3. "
        f"**(noise)**: below twice the output's SD over {NOISE_SEEDS} seeds at the base point, or below 0.1 % "
        "of its base value (the cell agents make BMD and the media's score stochastic, so such an effect is not "
        f"distinguishable from seed noise with {TRAJECTORIES} trajectories). **0**: the runs are bit-identical, the parameter is not read in that "
        "setting (it acts in another: its module and rows in parameters.md). Morris ranks parameters; it does not "
        "give effects for a particular question: use `calcium-abm sensitivity` with more trajectories and "
        "`replicates` for that (docs/batch.md).",
        "",
    ]
    for name, (description, scenario, years, _) in SETTINGS.items():
        t = tables[name]
        base, sd = t.attrs["base"], t.attrs["sd"]
        shown = [c for c in OUTPUTS if c in t.columns and (t[c] > 0).any()]
        lines += [f"## {name}: {description}", "",
                  f"Scenario `{scenario}` with the settings in `SETTINGS` of the script. Base point "
                  f"({NOISE_SEEDS} seeds): " + "; ".join(f"{c} {_fmt(base[c])} (SD {_fmt(sd[c])}) {OUTPUTS[c]}"
                                                         for c in shown) + ".", "",
                  "Parameters with an effect above noise on at least one output, largest first (relative to "
                  "that output's threshold); the others are listed after the table.", "",
                  "| parameter | range | " + " | ".join(f"{c} ({OUTPUTS[c]})" for c in shown) + " |",
                  "|---|---|" + "---|" * len(shown)]
        limit = {c: threshold(base[c], sd[c]) for c in shown}
        score = pd.Series({p: max((t.at[p, c] / limit[c] if limit[c] > 0 else (math.inf if t.at[p, c] > 0 else 0.0))
                                  for c in shown) if shown else 0.0 for p in t.index})
        above = score[score >= 1.0].sort_values(ascending=False, kind="mergesort")
        for p in above.index:
            low, high = screening_range(params[p])
            lines.append(f"| `{p}` | {_fmt(low)} – {_fmt(high)} | "
                         + " | ".join(_effect_cell(float(t.at[p, c]), limit[c]) for c in shown) + " |")
        noise_only = [p for p in t.index if 0.0 < score[p] < 1.0]
        unread = [p for p in t.index if score[p] == 0.0]
        lines += ["", f"Below the threshold on every output ({len(noise_only)}): "
                  + (", ".join(f"`{p}`" for p in noise_only) or "none") + ".", "",
                  f"Not read in this setting ({len(unread)}): " + (", ".join(f"`{p}`" for p in unread) or "none")
                  + ".", ""]
    never = [p for p in params if all(tables[n].get(c, pd.Series(dtype=float)).get(p, 0.0) == 0.0
                                      for n in SETTINGS for c in OUTPUTS)]
    lines += ["## Read in none of these settings", ""]
    lines += [f"* `{p}`: {NOT_IN_THESE_SETTINGS.get(p, 'NO REASON RECORDED: check that a rule reads it')}."
              for p in never] or ["None: every assumption moves at least one output in at least one setting."]
    lines.append("")
    return "\n".join(lines)


def vessel_doc(out: Path) -> str:
    """docs/sensitivity_vessel.md with its generated block replaced by the vessel batch's
    indices (``out/vessel``): every output and parameter, ranked by mu_star."""
    t = sensitivity_indices(open_batch(out / "vessel"))
    table = markdown_table(list(t.columns), t.itertuples(index=False))
    text = VESSEL_DOC.read_text(encoding="utf-8")
    if not _BLOCK.search(text):
        raise SystemExit(f"{VESSEL_DOC} has no '<!-- generated: vessel-morris -->' block")
    return _BLOCK.sub(lambda m: m.group(1) + table + "\n" + m.group(3), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the batches (resumed if present)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--docs", action="store_true", help=f"rewrite {DOC.relative_to(ROOT)} from the results")
    args = parser.parse_args(argv)
    run_all(args.out, args.workers)
    if args.docs:
        DOC.write_text(markdown(args.out), encoding="utf-8")
        VESSEL_DOC.write_text(vessel_doc(args.out), encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)} and {VESSEL_DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
