"""How a cohort draws one characteristic of its virtual patients: the ``Distribution`` table
of ``[cohort.distributions]`` and the draws themselves.

A distribution is either numeric (``normal``, ``uniform``, ``lognormal``, ``constant``, or
``documented``: the published distribution of a person-level trait, from
:mod:`calcium_abm.physiology.person_traits`, as a frozen ``scipy.stats`` distribution) or a
``choice`` among listed values with probabilities ``p`` (``sex = { choice = ["male",
"female"], p = [0.47, 0.53] }``). ``zero_probability`` makes a numeric distribution
zero-inflated (a share of exactly 0, e.g. a coronary calcium score of 0). Every draw takes a
``numpy.random.Generator`` from the batch's streams (:mod:`calcium_abm.batch.streams`), so
the same batch seed gives the same people on any number of workers.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from calcium_abm.inputs.keys import range_problem, resolve_setting, setting_kind
from calcium_abm.inputs.messages import fmt_num, fmt_value, rule_error

__all__ = ["Distribution", "MAX_SILENT_CLIP_SHARE", "TRAIT_PATHS", "clip_problem", "distribution_problems",
           "draw_values", "share_beyond", "tertiles_problems"]

#: person-level traits (physiology/person_traits.py), drawable with distribution = "documented"
TRAIT_PATHS = tuple(f"patient.{name}" for name in ("calcification_propensity", "remodeling_balance",
                                                   "calcium_absorption_efficiency", "vitamin_k_disposition",
                                                   "peak_bone_mass", "wall_plaque_growth"))
#: The share of a cohort's draws that may fall outside the range the model takes and be moved to its
#: edge without a word (assumption: a tail such as normal(60, 15)'s 0.3 % below 18 years changes no
#: result; more piles patients up at the edge, a distribution the user did not ask for)
MAX_SILENT_CLIP_SHARE = 0.01
_NEEDS = {"normal": ("mean", "sd"), "uniform": ("min", "max"), "lognormal": ("median", "sigma"),
          "constant": ("value",), "documented": (), "choice": ("choice",)}
_OWN = ("mean", "sd", "median", "sigma", "value", "choice", "p")


#: the least share of a normal or log-normal distribution's draws its own min and max may keep (below it, every
#: patient gets a bound: a hostile tester's normal(66, 1) with min 80 and max 85 gave all 80)
MIN_SHARE_INSIDE_OWN_BOUNDS = 0.001


class Distribution(BaseModel):
    """How one patient characteristic or intake is drawn; ``min``/``max`` clip numeric draws."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    distribution: Literal["normal", "uniform", "lognormal", "constant", "documented", "choice"] | None = None
    mean: float | None = Field(None, allow_inf_nan=False)
    sd: float | None = Field(None, ge=0, allow_inf_nan=False)
    median: float | None = Field(None, gt=0, allow_inf_nan=False)
    sigma: float | None = Field(None, ge=0, le=10, allow_inf_nan=False)  # sd of log(value)
    value: float | None = Field(None, allow_inf_nan=False)
    choice: list[bool | str | float] | None = Field(None, min_length=1, max_length=100)
    p: list[float] | None = Field(None, min_length=1, max_length=100)
    zero_probability: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)
    min: float | None = Field(None, allow_inf_nan=False)
    max: float | None = Field(None, allow_inf_nan=False)

    @field_validator("value", mode="before")
    @classmethod
    def _a_number(cls, value: Any) -> Any:
        """A constant is a number; text (``value = "female"``) gets the way to draw or fix a text setting."""
        if isinstance(value, str):
            raise rule_error(f"{fmt_value(value)} is not allowed: a constant must be a number; a setting that "
                             "holds text (sex) is drawn with choice = [...] and p = [...], or given to every patient "
                             "in [set]")
        return value

    @property
    def kind(self) -> str:
        """The distribution's name (``"choice"`` when only ``choice`` is given)."""
        return self.distribution or "choice"

    @model_validator(mode="after")
    def _has_its_parameters(self) -> Distribution:
        if self.distribution is None and self.choice is None:
            raise rule_error('distribution is missing: give distribution = "normal", "uniform", "lognormal", '
                             '"constant" or "documented", or choice = [...] with p = [...]')
        kind, need = self.kind, _NEEDS[self.kind]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            what = " and ".join(need)
            raise rule_error(f'a {kind} distribution needs {what}; {", ".join(missing)} '
                             f'{"is" if len(missing) == 1 else "are"} missing')
        extra = [n for n in _OWN if getattr(self, n) is not None and n not in need and not (kind == "choice" and n == "p")]
        if kind == "choice":
            extra += [n for n in ("min", "max", "zero_probability") if getattr(self, n) is not None]
        if extra:
            takes = {"documented": "no parameters (optional min, max and zero_probability)",
                     "choice": "choice and p"}.get(kind, f"{', '.join(need)}, and optional min, max and "
                                                         "zero_probability")
            raise rule_error(f"{extra[0]} is not used by a {kind} distribution (it takes {takes})")
        if kind == "choice":
            self._check_choice()
        if self.zero_probability == 0:
            raise rule_error("zero_probability = 0 is not allowed: no patient would get exactly 0 from it, so it "
                             "would change nothing; must be more than 0 and less than 1 (or leave it out)")
        if self.zero_probability == 1:
            raise rule_error(f"zero_probability = 1 is not allowed: every patient would get exactly 0, so the {kind} "
                             "distribution would never act; must be less than 1 (or give distribution = "
                             "\"constant\", value = 0)")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise rule_error(f"max = {fmt_value(self.max)} is not allowed: must be at least min = {fmt_value(self.min)}")
        if kind == "uniform" and not math.isfinite(self.max - self.min):
            raise rule_error(f"min = {fmt_value(self.min)} and max = {fmt_value(self.max)} are not allowed: "
                             "max - min must be finite (a uniform draw over a wider span overflows)")
        if kind == "uniform" and self.max == self.min:
            raise rule_error("a uniform distribution needs max > min (use distribution = \"constant\")")
        if (spread := {"normal": "sd", "lognormal": "sigma"}.get(kind)) and getattr(self, spread) == 0 \
                and not self.zero_probability:  # with zero_probability: a value or 0, which differ
            raise rule_error(f"a {kind} distribution needs {spread} > 0: with {spread} = 0 every patient gets the "
                             f"same value (use distribution = \"constant\")")
        if bound := next((n for n in ("min", "max") if kind == "constant" and getattr(self, n) is not None), None):
            raise rule_error(f"{bound} is not used by a constant distribution: every patient gets value = "
                             f"{fmt_value(self.value)}, which a {bound} could only replace; leave it out")
        if kind in ("normal", "lognormal") and (self.min is not None or self.max is not None) and \
                (inside := 1.0 - _tail(self, -math.inf if self.min is None else self.min, True)
                 - _tail(self, math.inf if self.max is None else self.max, False)) < MIN_SHARE_INSIDE_OWN_BOUNDS:
            shown = " and ".join(f"{n} = {fmt_value(getattr(self, n))}" for n in ("min", "max") if getattr(self, n) is not None)
            raise rule_error(f"{shown} keep {100 * inside:.2g} % of the {kind} draws: every patient would get a bound, "
                             f"so the distribution would never act; give one with more than {100 * MIN_SHARE_INSIDE_OWN_BOUNDS:g} % of its "
                             "draws inside them")
        return self

    def _check_choice(self) -> None:
        values, p = self.choice, self.p
        if len({repr(v) for v in values}) != len(values):
            raise rule_error(f"choice = {_listed(values)} is not allowed: each value may be listed once")
        if len({type(v) for v in values}) > 1:
            raise rule_error(f"choice = {_listed(values)} is not allowed: the values must all be text or "
                             "all numbers")
        if p is None:
            return
        if len(p) != len(values):
            raise rule_error(f"p = {_listed(p)} is not allowed: give one probability per value of choice "
                             f"({len(values)})")
        if any(not math.isfinite(x) or x < 0 for x in p) or abs(sum(p) - 1.0) > 1e-6:
            raise rule_error(f"p = {_listed(p)} is not allowed: probabilities must be 0 or more and add up "
                             f"to 1 (they add up to {sum(p):g})")
        if never := [v for v, x in zip(values, p) if x == 0]:  # listed, never drawn
            raise rule_error(f"p = {_listed(p)} is not allowed: {fmt_value(never[0])} has probability 0 and would "
                             "never be drawn; leave it out of choice, or give it a probability above 0")

    def probabilities(self) -> np.ndarray:
        """A choice's probabilities (equal when ``p`` is not given)."""
        n = len(self.choice or ())
        return np.full(n, 1.0 / n) if self.p is None else np.asarray(self.p, dtype=np.float64)


def _listed(values: list[Any]) -> str:
    return "[" + ", ".join(fmt_value(v) for v in values) + "]"


def distribution_problems(where: str, path: str, dist: Distribution, choices: tuple[Any, ...] = ()) -> list[str]:
    """What is wrong with drawing setting ``path`` from ``dist`` (empty if it fits).

    ``choices`` are the values a text setting accepts (``("female", "male")`` for sex).
    """
    kind = dist.kind
    numeric = setting_kind(path) in ("int", "float")  # a measured baseline, absent unless given, too
    if dist.zero_probability and not zero_means_none(path):
        return [f"{where}.zero_probability = {fmt_num(dist.zero_probability)} is not allowed for {path}: a share of "
                "exactly 0 is for amounts whose 0 means none of it (the calcium score, intakes and doses), and "
                f"{path} = 0 is {'a value like any other' if range_problem(path, 0.0) is None else 'outside its range'}"
                "; leave zero_probability out"]
    if kind == "documented" and path not in TRAIT_PATHS:
        return [f"{where}: distribution = \"documented\" is only for the person-level traits "
                f"({', '.join(p.split('.')[1] for p in TRAIT_PATHS)}); give {path} a normal, uniform, lognormal, "
                "constant or choice distribution"]
    if kind != "choice":
        return _outside(where, path, dist) if numeric else [
            f"{where}: {path} is not a number: draw it with choice = [...] and p = [...]"]
    bad = [v for v in dist.choice if (v not in choices if choices else isinstance(v, (str, bool)) or not numeric)]
    if bad:
        allowed = ", ".join(fmt_value(c) for c in choices) if choices else "numbers"
        return [f"{where}.choice: {fmt_value(bad[0])} is not allowed: {path} takes {allowed}"]
    return [] if choices else _outside(where, path, dist)


def zero_means_none(path: str) -> bool:
    """True if 0 of setting ``path`` means none of it (the coronary calcium score, an intake or a
    dose per day that may be 0), the settings a zero-inflated draw (``zero_probability``) is for; a
    T-score, an age or a trait of exactly 0 is no such state."""
    amount = path == "patient.baseline_calcification_score" or path.endswith("_per_day")
    return amount and range_problem(path, 0.0) is None  # dietary phosphorus starts at 100 mg/day


def _outside(where: str, path: str, dist: Distribution) -> list[str]:
    """A stated value (constant, choice, mean, median, min, max) outside what the scenario allows.

    Only a tail of a normal, lognormal or documented draw beyond the range is cut off at
    it (:func:`calcium_abm.batch.expand.cohort_patients`); a stated value beyond it is refused.
    """
    stated = [(name, getattr(dist, name)) for name in ("value", "mean", "median", "min", "max")
              if getattr(dist, name) is not None]
    stated += [("choice", v) for v in dist.choice or ()]
    for name, value in stated:
        allowed = range_problem(path, value)
        if allowed:
            said = f".choice: {fmt_num(value)}" if name == "choice" else f".{name} = {fmt_num(value)}"
            return [f"{where}{said} is not allowed: {allowed}"]
    return []


def tertiles_problems(tertiles_of: str, distributions: dict[str, Distribution]) -> list[str]:
    """``analysis.tertiles_of`` names one of the cohort's ``distributions``, one whose draws differ between patients:
    a constant (or a choice of one value, min = max) ranked equal patients into three
    tertiles by their order alone, so its relative risks compared arbitrary groups."""
    try:
        path = resolve_setting(tertiles_of, "analysis.tertiles_of")
    except PydanticCustomError as exc:
        from calcium_abm.outputs import COLUMNS

        if isinstance(tertiles_of, str) and tertiles_of in COLUMNS:  # a recorded column: not 'unknown'
            return [f"analysis.tertiles_of = {fmt_value(tertiles_of)} is not allowed: it is a recorded column, and "
                    "tertiles split the patients by one of the cohort's drawn distributions "
                    f"({', '.join(distributions) or 'none'}), which a recorded column is not"]
        return [exc.context["text"]]
    drawn = {resolve_setting(k, "cohort.distributions"): (k, d) for k, d in distributions.items()}
    if path not in drawn:
        return [f"analysis.tertiles_of = {fmt_value(tertiles_of)} is not allowed: must be one of the cohort's "
                f"distributions ({', '.join(distributions) or 'none'})"]
    key, d = drawn[path]
    if not d.zero_probability and (d.kind == "constant" or (d.kind == "choice" and len(d.choice) == 1)
                                   or (d.min is not None and d.min == d.max)):
        return [f"analysis.tertiles_of = {fmt_value(tertiles_of)} is not allowed: cohort.distributions.{key} gives "
                "every patient the same value, so its tertiles would split equal patients by their order alone; "
                "give a distribution whose values differ, or leave tertiles_of out"]
    return []


def draw_values(dist: Distribution, n: int, rng: np.random.Generator, path: str = "", params: Any = None) -> np.ndarray:
    """``n`` draws of ``dist`` (shape ``(n,)``; objects for a choice of text, else float64).

    Numeric draws are clipped to ``min``/``max``; ``zero_probability`` then sets that share
    of the draws to exactly 0 (chosen with a child stream of ``rng``, so the first ``k`` of
    ``n`` draws are the same for any ``n``). A
    ``documented`` trait (``path`` = ``patient.<trait>``) is drawn with
    :func:`calcium_abm.physiology.person_traits.draw_trait` under ``params`` (the base
    scenario's parameter set).
    """
    kind = dist.kind
    if kind == "choice":
        picks = rng.choice(len(dist.choice), size=n, p=dist.probabilities())
        values = [dist.choice[i] for i in picks]
        return np.asarray(values, dtype=object if isinstance(dist.choice[0], (str, bool)) else np.float64)
    if kind == "normal":
        x = rng.normal(dist.mean, dist.sd, n)
    elif kind == "uniform":
        x = rng.uniform(dist.min, dist.max, n)
    elif kind == "lognormal":
        x = dist.median * np.exp(rng.normal(0.0, dist.sigma, n))
    elif kind == "documented":
        from calcium_abm.physiology.person_traits import draw_trait  # lazy: scipy.stats and the registry

        x = draw_trait(path.partition(".")[2], rng, params, n)
    else:
        x = np.full(n, float(dist.value))
    lo = -np.inf if dist.min is None else dist.min
    hi = np.inf if dist.max is None else dist.max
    x = np.clip(x, lo, hi)
    if dist.zero_probability:  # its own child stream: the first k patients stay the same for any n
        x = np.where(rng.spawn(1)[0].random(n) < dist.zero_probability, 0.0, x)
    return x



def _tail(dist: Distribution, t: float, below: bool) -> float:
    """The share of ``dist``'s draws (before its own ``min``/``max``) below ``t`` or above it."""
    kind = dist.kind
    if kind in ("constant", "choice"):
        values, p = ([dist.value], [1.0]) if kind == "constant" else (dist.choice, dist.probabilities())
        return float(sum(pi for v, pi in zip(values, p) if (v < t if below else v > t)))
    if kind == "uniform":
        u = min(max((t - dist.min) / (dist.max - dist.min), 0.0), 1.0)
        return u if below else 1.0 - u
    if kind == "lognormal" and t <= 0:
        return 0.0 if below else 1.0
    if kind not in ("normal", "lognormal"):
        return 0.0  # a documented trait keeps to its own range
    centre, spread = (dist.mean, dist.sd) if kind == "normal" else (math.log(dist.median), dist.sigma)
    t = t if kind == "normal" else math.log(t)
    under = float(centre < t) if spread == 0 else 0.5 * math.erfc((centre - t) / (spread * math.sqrt(2)))
    return under if below else 1.0 - under


def share_beyond(dist: Distribution, lo: float, hi: float) -> tuple[float, float]:
    """The shares of ``dist``'s draws (after its own ``min``/``max`` and ``zero_probability``)
    below ``lo`` and above ``hi``."""
    a = -math.inf if dist.min is None else dist.min
    b = math.inf if dist.max is None else dist.max
    below = 0.0 if a >= lo else 1.0 if b < lo else _tail(dist, lo, True)
    above = 0.0 if b <= hi else 1.0 if a > hi else _tail(dist, hi, False)
    zeros = dist.zero_probability or 0.0
    return zeros * (lo > 0) + (1 - zeros) * below, zeros * (hi < 0) + (1 - zeros) * above


def clip_problem(where: str, dist: Distribution, lo: float, hi: float, range_means: str, unit: str = "years",
                 what: str = "the cohort's ages") -> str | None:
    """A distribution more than :data:`MAX_SILENT_CLIP_SHARE` of whose draws would be moved to
    the edge of ``[lo, hi]`` (what the model takes, in ``unit``; ``range_means`` says why), or None."""
    below, above = share_beyond(dist, lo, hi)
    for share, side, edge, bound in ((below, "below", lo, "min"), (above, "above", hi, "max")):
        if share > MAX_SILENT_CLIP_SHARE:
            e = fmt_num(round(edge, 4))
            zeros = (dist.zero_probability or 0.0) * ((edge > 0) if side == "below" else (edge < 0))
            fix = (f"zero_probability = {fmt_num(dist.zero_probability)} sets that share to exactly 0, outside the "
                   "range: leave zero_probability out" if zeros > MAX_SILENT_CLIP_SHARE else
                   f"give {bound} = {e} to make that cut your own, or a distribution within the range")
            return (f"{where}: {100 * share:.3g} % of the draws lie {side} {e} {unit} and would all be set to {e} "
                    f"({what} are {fmt_num(round(lo, 4))} to {fmt_num(round(hi, 4))} {unit}: {range_means}); {fix}")
    return None
