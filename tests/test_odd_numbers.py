"""docs/ODD.md quotes parameter values and code constants beside their names; each quote is
read here and compared with the code, so a changed parameter cannot leave the ODD describing
the old one. Quotes of a value that was tried or held before (and is said so in the text) are
listed in FORMER_VALUES."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calcium_abm.inputs import sections
from calcium_abm.physiology import intima, kidney, parameter_registry, parameter_set

ODD = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text(encoding="utf-8").split())
SECTIONS = set(re.findall(r"#{2,4} (\d+(?:\.\d+)+) ", (Path(__file__).resolve().parents[1] / "docs" / "ODD.md")
                          .read_text(encoding="utf-8")))
#: "`name` VALUE" right after a parameter's name: its value, unless the text says it is another one
QUOTE = re.compile(r"`(?P<name>\w+)`(?P<sep> \(| = |, | )(?P<num>-?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?)(?P<after>.)")
SMALL = {f"{side}_grid_{axis}": 16 for side in ("bone", "vessel") for axis in ("width", "height")}
#: (parameter, quoted value): values the text gives as tried, not kept, or held before
FORMER_VALUES = {
    ("systemic_calcification_inhibition", "0.98"),  # "(0.98 gave +2,860 AU at 15 years)"
    ("renal_pth_resistance_gfr_exponent", "1.0"),  # "Tried 2026-12-03 (not kept): ... 1.0 instead of 0.75"
    ("vitamin_k_bone_half_saturation_nmol_per_l", "2.37"),  # "at ... 2.37 the usual diet left ..." (before 0.3)
    # issue 10, tried 2026-12-05 (not kept), section 8's rising-calcium bullet
    ("urine_calcium_gfr_exponent", "0.5"),
    ("renal_pth_resistance_gfr_exponent", "1.25"),
    ("bone_fluid_pth_calcitriol_exponent", "2"),
    ("parathyroid_capacity_max", "2.5"),
    ("hepatic_menaquinone_store_nmol_per_l", "0.8"),  # section 8's dietary-K1 bullet: "until 2026-12-07 ... 0.8"
}


def _quotes():
    registry = parameter_registry()
    for m in QUOTE.finditer(ODD):
        name, num = m["name"], m["num"].rstrip(",")
        if name not in registry:
            continue
        if num in SECTIONS and m["after"] in ")'":
            continue  # a section reference, "(7.14)" (the ODD writes them "§7.14" beside a name)
        yield name, num, registry[name].value


def test_the_odd_quotes_parameters_by_name():
    quotes = list(_quotes())
    assert len(quotes) >= 40, "the pattern no longer finds the ODD's quotes"


def test_every_quoted_parameter_value_is_the_registrys():
    wrong = []
    for name, num, value in _quotes():
        if (name, num) in FORMER_VALUES:
            continue
        quoted = float(num.replace(",", ""))
        decimals = len(num.split(".")[1]) if "." in num and "e" not in num else 0
        if abs(value - quoted) > 0.5 * 10 ** -decimals * (1 + 1e-9) and abs(value - quoted) > 1e-9 * abs(value):
            wrong.append(f"`{name}` {num} (registry: {value:g})")
    assert not wrong, "docs/ODD.md quotes values the parameters no longer have: " + "; ".join(wrong)


def test_the_former_values_are_still_quoted_as_such():
    found = {(name, num) for name, num, _ in _quotes()}
    assert FORMER_VALUES <= found, FORMER_VALUES - found
    for name, num in FORMER_VALUES:
        assert parameter_registry()[name].value != float(num), f"{name} = {num} is its value now: drop the exception"


def test_the_odd_quotes_code_constants_as_they_are():
    stages = [f"{kidney.GFR_ML_PER_MIN_BY_CKD_STAGE[s]:g}" for s in range(1, 6)]
    assert f"(`GFR_ML_PER_MIN_BY_CKD_STAGE`: {', '.join(stages[:-1])} and {stages[-1]} mL/min for stages 1–5" in ODD
    assert f"`MIN_HUMAN_AGE_YEARS` ({sections.MIN_HUMAN_AGE_YEARS:g}: the laws are adult laws)" in ODD
    rodents = sections.MAX_RODENT_AGE_YEARS
    assert f"`MAX_RODENT_AGE_YEARS`: mouse {rodents['mouse']:g} years, Yuan 2009 for C57BL/6; rat {rodents['rat']:g} " \
           "years" in ODD
    assert f"`EARLIEST_INTIMAL_ONSET_AGE_YEARS` ({intima.EARLIEST_INTIMAL_ONSET_AGE_YEARS:g}, `intima.py`" in ODD


def test_the_start_figures_of_section_5_are_the_models():
    """§5's day-0 figures: the share of osteochondrogenic cells on warfarin and in health, the
    exchangeable bone calcium in CKD 5 against the healthy store, and the PTH on haemodialysis."""
    from calcium_abm import simulate

    day0 = {name: simulate(name, years=0.01, seed=1).iloc[0]
            for name in ("healthy_adult", "long_term_warfarin", "ckd_stage5", "haemodialysis")}

    def switched(name: str) -> float:
        row = day0[name]
        return 100 * row.osteochondrogenic_vsmc_count / (row.osteochondrogenic_vsmc_count + row.contractile_vsmc_count)

    assert f"So on warfarin ~{round(switched('long_term_warfarin'), -1):.0f} % of the cells start " \
           f"osteochondrogenic, holding `osteochondrogenic_mgp_synthesis_factor` times the MGP, against " \
           f"~{switched('healthy_adult'):.0f} %" in ODD
    healthy_store = parameter_registry()["exchangeable_bone_calcium_mg"].value
    # the default man starts at his calcium balance, within 0.3 % of the reference PTH: near the reference store
    assert abs(day0["healthy_adult"].ca_bone_fluid_mg - healthy_store) < 0.01 * healthy_store
    assert f"`exchangeable_bone_calcium_mg` in the reference state, ~{day0['ckd_stage5'].ca_bone_fluid_mg / 1000:.1f} g " \
           f"in CKD 5, whose high PTH mobilises it: starting CKD 5 with the healthy {healthy_store / 1000:.1f} g" in ODD
    dialysis_pth = day0["haemodialysis"].pth_pmol_l / day0["healthy_adult"].pth_pmol_l
    assert f"1 for healthy kidneys and about {dialysis_pth:.0f} on haemodialysis" in ODD


def test_the_spin_up_and_life_course_figures_of_section_5():
    from calcium_abm import model, person
    from calcium_abm.physiology import life_course

    peak = parameter_registry()["osteoblast_reference_age_years"].value
    assert f"the bone section remodels for {model.SPINUP_DAYS} physiological days (`SPINUP_DAYS`" in ODD
    assert f"(start age − {model.SPINUP_DAYS} days) on the run's own section, through the same bone rules in coarse " \
           f"{life_course.STEP_DAYS:g}-day steps" in ODD
    assert f"is first spun up for {life_course.SPINUP_DAYS:g} days at {peak:g} y" in ODD
    assert f"(`ageing.personal_parameters`, refreshed every {life_course.RATES_EVERY_DAYS:g} days;" in ODD
    youngest = peak + model.SPINUP_DAYS / person.DAYS_PER_YEAR_OF_AGE  # the span from the peak to the spin-up's start
    assert f"A run that starts before {youngest:.1f} y has no life course" in ODD
    lived = [model.CalciumParadoxModel("healthy_adult", age_years=youngest + shift, **SMALL).life_course.years
             for shift in (-0.01, 0.01)]
    assert lived[0] == 0.0 < lived[1]


def test_the_warfarin_figures_of_section_7_9_are_the_models():
    """§7.1 and §7.9's steady-state INR ladder, the INR and activity on 5 mg/day, and the share of
    osteocalcin fully carboxylated with and without warfarin: day 0 of a run is the steady state of
    its inputs, so one day-0 row per dose gives each figure."""
    from calcium_abm import simulate


    def day0(dose: float):
        return simulate("healthy_adult", years=0.01, seed=1, overrides={**SMALL, "warfarin_mg_per_day": dose}).iloc[0]

    doses = (2.5, 5, 10, 20, 50, 100)
    rows = {dose: day0(dose) for dose in (0, *doses, 7.5, 1000)}
    flat = " / ".join(f"{rows[d].inr:.2f}" for d in (2.5, 5, 7.5))  # §8's flat dose-response and row W7's note
    assert f"({flat} at 2.5 / 5 / 7.5 mg/day)" in ODD
    from calcium_abm.validation.anticoagulation_rows import FLAT_DOSE_RESPONSE  # noqa: PLC0415

    assert f"puts the steady INR at {flat} at 2.5 / 5 / 7.5 mg/day" in FLAT_DOSE_RESPONSE
    ladder = " / ".join(f"{rows[d].inr:.1f}" for d in doses)
    assert f"steady state {ladder} at {' / '.join(f'{d:g}' for d in doses)} mg/day" in ODD
    blocked = rows[1000]  # VKOR fully blocked
    assert f"≈ {blocked.inr:.0f} (factors ≈ {100 * blocked.prothrombin_complex_activity:.0f} %) when VKOR is fully " \
           "blocked on the usual diet" in ODD
    activity = re.search(rf"warfarin 5 mg/day gives INR ≈ {rows[5].inr:.1f} \(activity ≈ (\d+) %", ODD)
    assert activity and abs(int(activity.group(1)) - 100 * rows[5].prothrombin_complex_activity) < 1, activity
    on, off = (1 - rows[dose].ucoc_fraction for dose in (5, 0))
    assert f"make {100 * on:.0f} % of their osteocalcin fully carboxylated ({100 * off:.0f} % without: " \
           f"−{100 * (1 - on / off):.0f} %;" in ODD
    assert f"make {100 * on:.0f} % of their osteocalcin fully carboxylated against {100 * off:.0f} % without " \
           f"(−{100 * (1 - on / off):.0f} %;" in ODD
    assert f"(model −{100 * (1 - on / off):.0f} %, from bone's own warfarin sensitivity" in ODD


def _validation_value(row: str, criterion: str) -> float:
    """The simulated mean of a criterion in docs/validation.md's summary table (generated by validate --docs)."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    found = re.search(rf"^\| {re.escape(row)} \| {re.escape(criterion)} \|.*?\| (-?[\d.]+) \[", page, re.M)
    assert found, f"docs/validation.md has no row {row}: {criterion}"
    return float(found.group(1))


def test_the_factor_vii_of_row_w7_is_the_validation_rows():
    from calcium_abm.validation.anticoagulation_rows import FLAT_DOSE_RESPONSE  # noqa: PLC0415

    five, ten = (_validation_value("W7", f"factor VII 36 h after a {dose} mg start") for dose in (5, 10))
    assert f"factor VII on 5 mg reads {100 * five:.0f} % against 54 %" in ODD
    assert f"VII reads {100 * five:.0f} % at 36 h against Harrison's 54 % (43-65), while the 10 mg arm's " \
           f"{100 * ten:.0f} % sits inside" in FLAT_DOSE_RESPONSE


def test_the_ckd_dp_ucmgp_figures_are_the_validation_rows():
    ckd4, ckd5 = (_validation_value("Kurnatowska", f"dp-ucMGP in CKD {stage}") for stage in (4, 5))
    assert f"puts CKD 4 / CKD 5 at ≈ {round(ckd4, -1):.0f} / {round(ckd5, -1):.0f} pmol/L (row Kurnatowska" in ODD


def test_the_agatston_mapping_is_the_parameters():
    calcium_share = 0.399  # hydroxyapatite Ca10(PO4)6(OH)2 is 39.9 % calcium by mass
    mg_hydroxyapatite = 1 / (parameter_registry()["agatston_units_per_mg_calcium"].value * calcium_share)
    assert f"a mass score of roughly {mg_hydroxyapatite:.1f} mg hydroxyapatite per Agatston unit, hydroxyapatite being " \
           f"{100 * calcium_share:.1f} % calcium" in ODD


def test_serum_calcium_of_a_man_of_60_at_three_steady_gfrs():
    """§8: "A man of 60 at a steady GFR of 90 / 45 / 22 mL/min ends 2 years at a serum calcium of ..."
    (seed 42, the mean of the last 4 weeks, as `calcium-abm run` prints it). It said 2.35 / 2.36 / 2.42 before
    the skeleton resisted PTH in CKD, and 2.35 / 2.36 / 2.41 before uraemic anorexia (both 2026-12-06)."""
    from calcium_abm import simulate

    gfrs = (90, 45, 22)
    calcium = [simulate("healthy_adult", years=2, seed=42, overrides={"age_years": 60,
                                                                      "kidney.residual_gfr_ml_per_min": gfr})
               ["serum_calcium_mmol_l"].iloc[-28:].mean() for gfr in gfrs]
    assert f"A man of 60 at a steady GFR of {' / '.join(map(str, gfrs))} mL/min ends 2 years at a serum calcium of " \
           f"{' / '.join(f'{c:.2f}' for c in calcium)} mmol/L (seed 42, last 4 weeks" in ODD


def test_an_osteoclasts_neighbourhood_and_tie_break_are_the_kernels():
    """§4: osteoclasts sense their 8 neighbours and break ties with a uniform ×10⁻⁶ draw."""
    import inspect

    from calcium_abm.physiology import bone_geometry, remodeling

    source = inspect.getsource(remodeling._resorption_kernel.py_func if hasattr(remodeling._resorption_kernel, "py_func")
                               else remodeling._resorption_kernel)
    neighbours = len(bone_geometry.OFFSETS_X)
    assert f"for j in range({neighbours}):" in source and "value += rng.random() * 1e-6" in source
    assert f"of their own patch and of their {neighbours} neighbours (to move)" in ODD
    assert "a random tie-break (uniform, ×10⁻⁶) when an osteoclast chooses the neighbour" in ODD


def test_the_tissues_vkor_and_mgp_on_warfarin_are_the_models():
    """§7.1-7.2: on 5 mg/day the liver keeps 11 % of its VKOR, the media 3.0 % and osteoblasts 23 %
    (each tissue's EC50 at the same plasma warfarin), the media's MGP is ~0.33 % carboxylated and
    dp-ucMGP ~3.5x that of non-users; healthy vascular MGP is 66 % carboxylated on the usual diet (as the
    source of mk7_tissue_uptake_weight, which docs/parameters.md prints, says too)."""
    from calcium_abm import simulate
    from calcium_abm.physiology.vitamin_k import vkor_activity

    healthy, warfarin = (simulate("healthy_adult", years=0.01, seed=1, overrides={"warfarin_mg_per_day": dose}).iloc[0]
                         for dose in (0, 5))
    p = parameter_set({})
    liver = warfarin.vkor_activity_fraction
    blocked = 1 - liver  # = imax c / (ec50 + c): the plasma warfarin c that leaves the liver this much
    plasma = blocked * p.warfarin_ec50_mg_per_l / (p.warfarin_imax - blocked)
    assert vkor_activity(plasma, p) == pytest.approx(liver)
    media = vkor_activity(plasma, p, p.extrahepatic_warfarin_ec50_mg_per_l)
    bone = vkor_activity(plasma, p, p.bone_warfarin_ec50_mg_per_l)
    ratio = warfarin.dp_ucmgp_pmol_l / healthy.dp_ucmgp_pmol_l
    assert f"On warfarin 5 mg/day the liver keeps {100 * liver:.0f} % of its VKOR (INR {warfarin.inr:.1f}), the media " \
           f"{100 * media:.1f} % (MGP ~{100 * warfarin.vascular_mgp_carboxylation_fraction:.2f} % carboxylated; " \
           f"dp-ucMGP ~{ratio:.1f}× that of non-users;" in ODD
    assert f"On 5 mg/day osteoblasts keep {100 * bone:.0f} % of their VKOR" in ODD
    assert f"healthy vascular MGP ~2/3 carboxylated ({100 * healthy.vascular_mgp_carboxylation_fraction:.0f} % on the " \
           "usual diet)" in ODD
    source = parameter_registry()["mk7_tissue_uptake_weight"].source
    assert f"vascular MGP ~{100 * healthy.vascular_mgp_carboxylation_fraction:.0f} % carboxylated on the usual diet" \
        in source
