"""The guardrail's cause: which of a scenario's inputs differ most from the healthy default person, named in the
warning of a run that left physiology (:func:`calcium_abm.outputs.physiology_warning`)."""

from __future__ import annotations

import math
from typing import Any

from calcium_abm.inputs.keys import flatten, parameter_registry

__all__ = ["inputs_most_changed", "CKD_STAGE_SCORE_PER_STAGE"]

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
