"""Command-line options that are whole numbers (``--workers``, ``--seeds``, ``--port``).

``str.isdigit`` accepts superscripts (``²``) that ``int`` refuses, and ``int`` refuses
strings of more than 4,300 digits: both used to end in a traceback. :func:`integer_option`
accepts ASCII digits only, checks the length first and names the option in its message.
"""

from __future__ import annotations

import re
from typing import Any

from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import short_repr

__all__ = ["call_options_problem", "integer_option", "refuse_workers_with_scheduler"]

_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def integer_option(raw: str | None, option: str, lo: int, hi: int, default: int | None = None) -> int | None:
    """``raw`` (an option's text) as an integer in [lo, hi]; ``default`` if it was not given.

    Raises :class:`UserInputError` naming ``option``, the value and the allowed range.
    """
    if raw is None:
        return default
    text = str(raw).strip()
    shown = text if len(text) <= 40 else text[:37] + "..."
    allowed = f"must be a whole number from {lo} to {hi}"
    if not _ASCII_INTEGER.fullmatch(text) or len(text) > len(str(hi)) + 2:
        raise UserInputError(f"{option} {shown!r} is not allowed: {allowed}")
    value = int(text)
    if not lo <= value <= hi:
        raise UserInputError(f"{option} {shown!r} is not allowed: {allowed}")
    return value


def refuse_workers_with_scheduler(workers: str | None, scheduler: str | None) -> None:
    """``--workers`` beside ``--scheduler`` (``batch``, ``sensitivity``, ``validate``): a Dask cluster has its own
    workers, so the local count would never act; :class:`UserInputError` if both are given."""
    if workers is not None and scheduler is not None:
        raise UserInputError("--workers and --scheduler cannot be combined: a Dask cluster has its own "
                             "workers (start them with `dask worker ADDRESS`)")


def call_options_problem(*, resume: Any, progress: Any, on_result: Any) -> str:
    """Why ``run_batch``'s options from a Python caller are not allowed, or ``""``: ``resume`` and ``progress`` must
    be True or False ("no" is a true string: it would act), ``on_result`` a function or None (it was called only once
    the first run was saved, so a wrong one left a half-started directory)."""
    import numpy as np

    for option, value in (("resume", resume), ("progress", progress)):
        if not isinstance(value, (bool, np.bool_)):
            return f"{option} = {short_repr(value, 60)} is not allowed: must be True or False"
    if on_result is not None and not callable(on_result):
        return (f"on_result = {short_repr(on_result, 60)} is not allowed: must be a function of one argument, the (run_id, rows, "
                "simulate_seconds) tuple, or None")
    return ""
