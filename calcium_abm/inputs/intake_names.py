"""Modelled intakes named another way: ``drugs.warfarin``, ``WARFARIN_MG_PER_DAY``,
``phylloquinone_ug_per_day`` are pointed at the one intake of that substance, never at another
substance's; a name of no single intake is called "not a modelled substance" only when it holds
no word of one (``vitamin_k2_ug_per_day`` is two modelled intakes, MK-4 and MK-7)."""

from __future__ import annotations

import re

from calcium_abm.inputs.messages import suggestion
from calcium_abm.inputs.sections import FLAT_KEYS

__all__ = ["INTAKE_NAMES", "intake_hint", "same_substance_intake", "unknown_intake_word"]


#: Other names of each modelled intake, lower case without separators or unit: a key naming
#: the substance another way (``phylloquinone_ug_per_day``, ``WARFARIN_MG_PER_DAY``,
#: ``drugs.warfarin``) is pointed at that intake, never at another substance's.
INTAKE_NAMES: dict[str, tuple[str, ...]] = {
    "calcium_mg_per_day": ("calcium", "ca", "dietarycalcium"),
    "phosphate_mg_per_day": ("phosphate", "phosphorus"),
    "vitamin_k1_ug_per_day": ("vitamink1", "k1", "phylloquinone", "phytonadione", "phytomenadione"),
    "mk4_ug_per_day": ("mk4", "menaquinone4", "menatetrenone", "vitaminmk4", "vitamink2mk4"),
    "mk7_ug_per_day": ("mk7", "menaquinone7", "vitaminmk7", "vitamink2mk7"),
    "warfarin_mg_per_day": ("warfarin", "warfarinsodium", "coumadin"),
    "sevelamer_g_per_day": ("sevelamer", "sevelamercarbonate", "sevelamerhydrochloride"),
    "calcium_acetate_g_per_day": ("calciumacetate",),
}
#: Word parts of the modelled substances: a name holding one, but naming no single intake
#: (``vitamin_k2_ug_per_day``), is not called "not modelled".
_MODELLED_WORDS = ("calcium", "phosph", "vitamink", "k1", "k2", "mk", "menaquinone", "phyllo", "phyto",
                   "warfarin", "sevelamer", "acetate")
_UNIT_TAIL = re.compile(r"((^|_)((n|u|µ|m|mc)?g|iu)(_?(per_?day|day|daily|d))?|_?per_?day|_?daily|_dose)$")


def _substance_word(name: str) -> str:
    """``"WARFARIN_MG_PER_DAY"`` -> ``"warfarin"``, ``"menaquinone-7 ug"`` -> ``"menaquinone7"``."""
    word = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    return re.sub(r"[^a-z0-9µ]", "", _UNIT_TAIL.sub("", word))


def same_substance_intake(name: str) -> str | None:
    """The dotted path of the one modelled intake ``name`` names (``"phylloquinone_ug_per_day"``
    -> ``"diet.vitamin_k1_ug_per_day"``), else ``None``: names of other substances, and names of
    several intakes at once (``vitamin_k2``, ``vitamin_k``), get none."""
    if not isinstance(name, str) or len(name) > 200:
        return None
    word = _substance_word(name)
    found = [FLAT_KEYS[f] for f, names in INTAKE_NAMES.items() if word in names]
    return found[0] if len(found) == 1 else None


def intake_hint(name: str, section: str | None = None) -> str:
    """``" — did you mean 'drugs.warfarin_mg_per_day'?"`` for an unknown key ``name`` (in
    ``section``, or flat when ``None``) that names a modelled intake another way, with a note
    when the mass unit differs; ``""`` otherwise."""
    path = same_substance_intake(name)
    if path is None:
        return ""
    return suggestion(str(name) if section is None else f"{section}.{name}",
                      path.partition(".")[2] if section is None else path)


def unknown_intake_word(name: str) -> str:
    """How to call an unknown intake key ``name`` that names no single intake: ``"not a
    modelled substance"`` when it holds no word of one (aspirin, vitamin_d3), else ``"not a
    known intake name"`` (``vitamin_k2_ug_per_day``: K2 is modelled as MK-4 and MK-7)."""
    word = _substance_word(name)
    return "not a known intake name" if any(w in word for w in _MODELLED_WORDS) else "not a modelled substance"
