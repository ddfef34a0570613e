"""The guardrail's cause: which of a scenario's inputs differ most from the healthy default person, named in the
warning of a run that left physiology (:func:`calcium_abm.outputs.physiology_warning`); and the warning of a run
whose serum calcium alternates from day to day (:func:`alternating_calcium_warning`)."""

from __future__ import annotations

import math
from typing import Any

from calcium_abm.inputs.keys import flatten, parameter_registry

__all__ = ["inputs_most_changed", "CKD_STAGE_SCORE_PER_STAGE", "alternating_calcium_warning",
           "ALTERNATION_STEP_MMOL_L", "ALTERNATION_DAYS"]

#: serum calcium moving by more than this (mmol/L) each day, up and down in turn, is the daily step's instability,
#: not physiology: a fresh user's gland at set point 1.5 mmol/L and maximum 60 pmol/L swung 1.3 <-> 3.1 mmol/L every
#: other day, and at hill 200 2.60 <-> 2.98 inside the physiological range, and the summary's mean read 2.25 and 2.80
#: (stop 69); a healthy run moves it by ~0.01 a day, a 16 x 16 section's osteoclasts by up to ~0.2 at random
ALTERNATION_STEP_MMOL_L = 0.1
#: the last recorded days it looks at (consecutive days only; 80 % of their turns must alternate)
ALTERNATION_DAYS = 30

#: a CKD stage is a category, not a dose, so no log ratio ranks it: each stage above 0 scores this, so stages 3-5
#: rank with or above a switched-on treatment (10), the kidneys being the first suspect for serum calcium and
#: phosphate (a cohort's warning for CKD stage 4 named the menopause and the calcium score and not the stage)
CKD_STAGE_SCORE_PER_STAGE = 10.0 / 3.0


def inputs_most_changed(scenario: Any, n: int = 3) -> list[str]:
    """The ``n`` scenario inputs that differ most from the healthy default person, as
    ``"key = value (default d)"``, ranked by ``|log((value + e) / (default + e))|`` with
    ``e = 1e-3 * max(|default|, 1)`` (so a dose switched on from 0 ranks high), a switched boolean and a
    measured value where the default has none 10, a CKD stage :data:`CKD_STAGE_SCORE_PER_STAGE` a stage. Considers
    ``patient``, ``diet``, ``drugs``, ``genetics`` (numbers and booleans) and ``parameters``."""
    from calcium_abm.scenario import Scenario  # lazy: the scenario module's import is the heavier one

    sections = ("patient", "diet", "drugs", "genetics", "kidney", "dialysis")
    given, default = scenario.model_dump(), Scenario().model_dump()
    pairs = []
    for section in sections:
        here, base = flatten(given.get(section, {}), f"{section}."), flatten(default.get(section, {}), f"{section}.")
        pairs += [(key, here[key], base.get(key)) for key in here]
    registry = parameter_registry()
    pairs += [(f"parameters.{name}", value, registry[name].value) for name, value in scenario.parameters.items()]
    scored = []
    for key, value, base in pairs:
        if base is None and isinstance(value, (int, float)):  # a measured value given where none is the default
            scored.append((10.0, f"{key} = {value:g} (default none)"))
            continue
        if key == "patient.ckd_stage":
            score = CKD_STAGE_SCORE_PER_STAGE * abs(int(value) - int(base))
        elif isinstance(value, bool) or isinstance(base, bool):
            score = 10.0 if bool(value) != bool(base) else 0.0
        elif isinstance(value, (int, float)) and isinstance(base, (int, float)):
            eps = 1e-3 * max(abs(float(base)), 1.0)
            score = abs(math.log((abs(float(value)) + eps) / (abs(float(base)) + eps)))
        else:
            continue
        if score > 0.0:
            scored.append((score, f"{key} = {value:g} (default {base:g})" if not isinstance(value, bool)
                           else f"{key} = {str(value).lower()} (default {str(base).lower()})"))
    scored.sort(key=lambda item: -item[0])
    return [text for _, text in scored[:n]]


def alternating_calcium_warning(frame: Any) -> str | None:
    """A warning if serum calcium alternates up and down by more than :data:`ALTERNATION_STEP_MMOL_L` on at least
    80 % of the turns of the last :data:`ALTERNATION_DAYS` consecutive recorded days, else None: the day's coupled
    laws overshoot each other (a gland far steeper or higher than a person's), and the day's values and their
    means are then not physiology. ``frame``: the run's checked rows (columns ``day``, ``serum_calcium_mmol_l``)."""
    import numpy as np

    if "serum_calcium_mmol_l" not in frame.columns or len(frame) < 10:
        return None
    days = frame["day"].to_numpy(dtype=np.float64)[-(ALTERNATION_DAYS + 1):]
    calcium = frame["serum_calcium_mmol_l"].to_numpy(dtype=np.float64)[-(ALTERNATION_DAYS + 1):]
    consecutive = np.flatnonzero(np.diff(days) != 1.0)
    if consecutive.size:  # only the run of consecutive days at the end
        days, calcium = days[consecutive[-1] + 1:], calcium[consecutive[-1] + 1:]
    step = np.diff(calcium)
    if step.size < 9:
        return None
    turns = (step[:-1] * step[1:] < 0) & (np.minimum(abs(step[:-1]), abs(step[1:])) > ALTERNATION_STEP_MMOL_L)
    if turns.mean() < 0.8:
        return None
    return (f"serum calcium alternates from one day to the next over the run's last {step.size + 1} days (between "
            f"{calcium.min():.3g} and {calcium.max():.3g} mmol/L, a median step of {np.median(abs(step)):.2g}): the "
            "day's laws overshoot each other at these settings (a parathyroid gland far steeper or higher than a "
            "person's), so the daily values and their means are not physiology")
