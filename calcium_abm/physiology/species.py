"""Species presets: rodent findings mapped onto the human model.

Rodent physiology runs faster. Physiological times scale with body mass roughly as
``M**0.25`` (Lindstedt & Calder 1981), so one rodent day corresponds to
``(70 kg / M_rodent)**0.25`` human-physiology days. The model keeps one parameter set and
advances every rate process (pharmacokinetics, cell turnover, MGP turnover, mineral
growth) by ``time_scale`` physiological days per simulated day.

Rodent serum is also richer in phosphate: mice ~3x and rats ~2.3x the human phosphate, so
the arterial media of a rodent sees a larger Ca x P product. :func:`vessel_chemistry` gives
the media's drive these ratios (the rest of the model keeps human serum chemistry). This is
why losing MGP calcifies a mouse's arteries within weeks (Luo 1997) while humans without
MGP (Keutel syndrome, complete loss-of-function mutations) have arterial calcification
only "in some cases" (Cancela et al. 2021, Front Cell Dev Biol 9:642136; Am J Med Genet A
2014 164A:1062).

The species also differ in what protects the media. In humans, losing the pyrophosphate-making
enzyme ENPP1 calcifies the arteries of most infants, half of whom die before 6 months (GACI:
Rutsch et al. 2003, Nat Genet 34:379; Ferreira et al. 2021, J Bone Miner Res 36:2193: arterial
calcification in 77 %, 50 % dead by 6 months), while losing MGP (Keutel syndrome) does so only
in some; in the mouse, losing MGP is lethal within 2 months (Luo 1997). So the circulating
inhibitors (pyrophosphate, fetuin-A) carry more of the human media's protection than the
rodent's: :func:`systemic_calcification_inhibition` gives each species its own (rodents:
``rodent_systemic_calcification_inhibition``, calibrated with the rodent rows).

A rodent run must end within the species' maximum lifespan (mouse 3.5 years, rat 3.8 years,
with their sources: :data:`calcium_abm.inputs.sections.MAX_RODENT_AGE_YEARS`, kept in the input
layer so that reading a scenario does not load the physiology).
"""

from __future__ import annotations

from calcium_abm.parameters import Parameter, declare


def scale_note(species: str) -> str | None:
    """The caveat a rodent run's results carry (the CLI's summary and the dashboard say it); None for a person."""
    if species == "human":
        return None
    return (f"a {species} run keeps the human model's pool sizes and doses (only time is scaled: docs/ODD.md 7.6); "
            "read its amounts as relative changes")

PARAMETERS = declare([
    Parameter("rat_time_scale", 3.9, "-", "[C] (70 kg / 0.3 kg)**0.25 (allometric time scaling, Lindstedt & Calder 1981)",
              "Human-physiology days per rat day", 0.1, 100, ("2",)),
    Parameter("mouse_time_scale", 7.3, "-", "[C] (70 kg / 0.025 kg)**0.25 (allometric time scaling)",
              "Human-physiology days per mouse day", 0.1, 100, ("1",)),
    Parameter("mouse_serum_phosphate_relative", 3.0, "-",
              "[C] mouse serum phosphorus 10.5 / 10.3 mg/dL (FVB males / females; Taconic phenotype data [V]) vs "
              "the human reference 3.5 mg/dL (1.13 mmol/L)",
              "Mouse serum phosphate relative to the human reference (vessel wall only)", 0.1, 10, ("1", "1b")),
    Parameter("mouse_serum_calcium_relative", 1.14, "-",
              "[C] mouse serum calcium 11.0 / 10.7 mg/dL (Taconic FVB [V]) vs the human 9.5 mg/dL (2.375 mmol/L)",
              "Mouse serum calcium relative to the human reference (vessel wall only)", 0.1, 10, ("1", "1b")),
    Parameter("rat_serum_phosphate_relative", 3.2, "-",
              "assumption: calibrated to row 2 (Price 1998 rats first calcified at 2 weeks): 3.6 mmol/L (11 mg/dL) "
              "vs the human 1.13 mmol/L, the upper range of young growing rats [U] (adult rodents run ~2.5-3x "
              "human: Taconic mouse data [V]; Biol Chem 2007 388:547 rodent reference database [S abstract])",
              "Rat serum phosphate relative to the human reference (vessel wall only)", 0.1, 10, ("2",)),
    Parameter("rodent_systemic_calcification_inhibition", 0.9, "-",
              "assumption: fetuin-A and pyrophosphate keep serum supersaturation from precipitating (Pasch 2012 "
              "T50); in rodents only the product mineral_growth_per_day x (1 - this) is identified, by rows 1, 1b "
              "and 2 (humans: systemic_calcification_inhibition, larger: module docstring)",
              "Inhibition of media mineral growth by circulating inhibitors in mice and rats", 0.0, 1.0,
              ("1", "1b", "2")),
    Parameter("rat_serum_calcium_relative", 1.1, "-",
              "assumption: rat serum calcium ~10.4 mg/dL vs the human 9.5 mg/dL",
              "Rat serum calcium relative to the human reference (vessel wall only)", 0.1, 10, ("2",)),
])


def vessel_chemistry(species: str, p) -> tuple[float, float]:
    """(serum phosphate, serum Ca x P) of a species relative to the human reference, as the
    arterial media sees them; (1, 1) for humans."""
    if species == "human":
        return 1.0, 1.0
    phosphate = float(getattr(p, f"{species}_serum_phosphate_relative"))
    return phosphate, phosphate * float(getattr(p, f"{species}_serum_calcium_relative"))


def systemic_calcification_inhibition(species: str, p) -> float:
    """Share of media mineral growth that circulating inhibitors (pyrophosphate, fetuin-A)
    block in a healthy member of ``species``: ``systemic_calcification_inhibition`` in humans,
    ``rodent_systemic_calcification_inhibition`` in mice and rats (module docstring)."""
    if species == "human":
        return float(p.systemic_calcification_inhibition)
    return float(p.rodent_systemic_calcification_inhibition)


def time_scale(species: str, p) -> float:
    """Physiological days per simulated day for a species (1 for humans)."""
    if species == "human":
        return 1.0
    return float(getattr(p, f"{species}_time_scale"))


#: parameters read only by one species' laws: the rodent presets (above) and, for humans, the laws
#: rodent presets do not use (ageing, the intima, the lumbar-spine DXA readout); a run of another
#: species would never read them (measured: each x1.5 leaves a 16 x 16 run of the other species
#: bit-identical, tests/test_species_parameters.py)
RODENT_PRESET_SPECIES = {"rat_time_scale": ("rat",), "rat_serum_phosphate_relative": ("rat",),
                         "rat_serum_calcium_relative": ("rat",), "mouse_time_scale": ("mouse",),
                         "mouse_serum_phosphate_relative": ("mouse",), "mouse_serum_calcium_relative": ("mouse",),
                         "rodent_systemic_calcification_inhibition": ("rat", "mouse")}
#: the lumbar-spine DXA readout's parameters (skeleton.py): a T-score's human reference
DXA_READOUT_PARAMETERS = ("young_adult_section_bmd_relative", "vertebral_area_growth_per_year",
                          "lumbar_osteophyte_prevalence_male", "lumbar_osteophyte_prevalence_female",
                          "osteophyte_onset_age_years", "osteophyte_spine_bmd_male_g_cm2",
                          "osteophyte_spine_bmd_female_g_cm2")


#: the human media's systemic inhibition (calcification.py); rodents read rodent_systemic_calcification_inhibition
HUMAN_WALL_PARAMETERS = ("systemic_calcification_inhibition",)


def species_of_parameters() -> dict[str, tuple[str, ...]]:
    """Parameter name -> the species whose runs read it, for the parameters one species' laws read
    (the others are read by every species)."""
    from calcium_abm.physiology import ageing, intima  # the human laws (lazy: they import the physiology)

    human = {p.name: ("human",) for module in (ageing, intima) for p in module.PARAMETERS}
    return {**human, **dict.fromkeys((*DXA_READOUT_PARAMETERS, *HUMAN_WALL_PARAMETERS), ("human",)),
            **RODENT_PRESET_SPECIES}


def other_species_parameters(parameters, species: str) -> list[str]:
    """The names in ``parameters`` that a ``species`` run never reads (another species' laws)."""
    scope = species_of_parameters()
    return [name for name in parameters if species not in scope.get(name, (species,))]


def read_only_by(name: str) -> str:
    """What reads the species-specific parameter ``name``, in words: ``"it is read only by ..."``."""
    scope = species_of_parameters()[name]
    human = "the human laws (ageing, the intima, the human media's systemic inhibition, the lumbar-spine DXA readout)"
    return "it is read only by " + (human if scope == ("human",) else f"the {' and '.join(scope)} preset")


def other_species_parameter_problems(parameters, species: str) -> list[str]:
    """One message per parameter in ``parameters`` (name -> value) that a ``species`` run never reads."""
    return [f"parameters.{name} = {parameters[name]:g} does nothing for species = \"{species}\": {read_only_by(name)}"
            for name in other_species_parameters(parameters, species)]
