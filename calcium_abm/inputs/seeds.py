"""The seed a model runs with, from what a caller passed as ``rng`` (Mesa's contract).

Mesa models take ``rng``: ``None`` means fresh entropy, an integer a reproducible stream.
``mesa.batch_run(..., iterations=3)`` passes ``rng=None`` three times and expects three
different runs, and Mesa's seed box passes text. :func:`model_seed` turns each accepted form
into the one integer the model then records (``model.seed``, the ``seed`` model variable,
``DataFrame.attrs["seed"]``), so any run can be repeated by passing that integer back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.keys import resolve_key
from calcium_abm.inputs.messages import fmt_value
from calcium_abm.inputs.sections import MAX_SEED

__all__ = ["FRESH_SEED_BITS", "fresh_seed", "model_seed", "run_seed"]

#: fresh seeds are drawn below 2**53, so they survive a float64 column or a JSON number exactly
FRESH_SEED_BITS = 53
_DIGITS = re.compile(r"[0-9]+")
_ALLOWED = f"must be a whole number from 0 to {MAX_SEED}, or None for a fresh seed"


def fresh_seed() -> int:
    """A new seed from the operating system's entropy (``numpy.random.SeedSequence``)."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(64 - FRESH_SEED_BITS))


def model_seed(rng: Any) -> int:
    """The integer seed for ``rng``.

    Accepts ``None`` or ``""`` (a fresh seed, :func:`fresh_seed`), an ``int`` or numpy integer
    from 0 to ``2**63 - 1``, a string of ASCII digits in that range (Mesa's seed box), or a
    ``numpy.random.Generator`` (one seed is drawn from it, so the run is reproducible from that
    generator's seed).

    Raises:
        ScenarioError: for anything else (a bool, a float such as ``7.0``, ``"7.5"``, ``"abc"``,
            ``"-1"``, a number out of range), naming ``rng``, the value and what is allowed.
    """
    if rng is None:
        return fresh_seed()
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**FRESH_SEED_BITS))
    if isinstance(rng, str):
        text = rng.strip()
        if not text:
            return fresh_seed()
        if _DIGITS.fullmatch(text) and len(text) <= len(str(MAX_SEED)) and int(text) <= MAX_SEED:
            return int(text)
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        if 0 <= int(rng) <= MAX_SEED:
            return int(rng)
    shown = repr(rng) if len(repr(rng)) <= 40 else repr(rng)[:37] + "..."
    raise ScenarioError(f"rng = {shown} is not allowed: {_ALLOWED}")


def run_seed(rng: Any, settings: Mapping[str, Any], seed_setting: int) -> int:
    """The seed of a model built with ``rng`` and the flat ``settings``: :func:`model_seed` of
    ``rng``, or, when ``rng`` is None and the settings name the seed (``seed=4``, Mesa's old
    keyword, or ``simulation.seed=4``), that seed (``seed_setting``, the validated value), which
    would otherwise be accepted and not used.

    Raises:
        ScenarioError: the settings name a seed and ``rng`` gives another one.
    """
    named = [key for key in settings if isinstance(key, str) and key.strip() and resolve_key(key) == "simulation.seed"]
    if not named:
        return model_seed(rng)
    if rng is None or (isinstance(rng, str) and not rng.strip()):
        return seed_setting
    chosen = model_seed(rng)
    if chosen != seed_setting:
        raise ScenarioError(f"{named[0]} = {fmt_value(settings[named[0]])} is not allowed with rng = {chosen}: two "
                            "seeds for one run; give one (rng, or seed= as a setting)")
    return chosen
