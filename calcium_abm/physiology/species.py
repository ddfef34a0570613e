"""Species presets: rodent findings mapped onto the human model.

Rodent physiology runs faster. Physiological times scale with body mass roughly as
``M**0.25`` (Lindstedt & Calder 1981), so one rodent day corresponds to
``(70 kg / M_rodent)**0.25`` human-physiology days. The model keeps one parameter set and
advances every rate process (pharmacokinetics, cell turnover, MGP turnover, mineral
growth) by ``time_scale`` physiological days per simulated day. Nothing else changes.
"""

from __future__ import annotations

from calcium_abm.parameters import Parameter, declare

PARAMETERS = declare([
    Parameter("rat_time_scale", 3.9, "-", "[C] (70 kg / 0.3 kg)**0.25 (allometric time scaling, Lindstedt & Calder 1981)",
              "Human-physiology days per rat day", 0.1, 100, ("2",)),
    Parameter("mouse_time_scale", 7.3, "-", "[C] (70 kg / 0.025 kg)**0.25 (allometric time scaling)",
              "Human-physiology days per mouse day", 0.1, 100, ("1",)),
])


def time_scale(species: str, p) -> float:
    """Physiological days per simulated day for a species (1 for humans)."""
    if species == "human":
        return 1.0
    return float(getattr(p, f"{species}_time_scale"))
