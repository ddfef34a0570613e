"""What the dashboard lets a user change, and how it travels in a shareable link.

A :class:`DashboardSettings` is everything a link carries: scenario A, optionally
scenario B (compare mode), the slider values that differ from each scenario, the seed
and the speed. It is plain, frozen data so that Solara can compare it cheaply and the
model is rebuilt only when it really changes.

Link format (query string)::

    ?scenario=k2_deficiency&compare=healthy_adult&b.mk7_ug_per_day=180&seed=42&speed=7

Slider keys are the model's flat setting names; ``b.`` prefixes scenario B's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode

from calcium_abm import Scenario, ScenarioError, builtin_scenarios, load_scenario
from calcium_abm.inputs.fields import field_choices
from calcium_abm.inputs.messages import TypedNumber, did_you_mean, fmt_num
from calcium_abm.person import single_run_scenario
from calcium_abm.inputs.keys import resolve_key, setting_bounds, setting_kind, setting_unit
from calcium_abm.inputs.sections import (MAX_AGE_AT_MENOPAUSE_YEARS, MIN_AGE_AT_MENOPAUSE_YEARS, MIN_HUMAN_AGE_YEARS,
                                         SECTIONS, oldest_start_age_years)

UPLOAD_PREFIX = "uploaded: "
DEFAULT_SCENARIO = "healthy_adult"
#: simulated days per frame offered by the speed control (7 = one week per frame)
SPEEDS_DAYS_PER_FRAME = (1, 7, 14, 30, 91, 365)
DEFAULT_DAYS_PER_FRAME = 7
MK7_SUPPLEMENT_UG_PER_DAY = 180.0  # the classic MK-7 trial dose (Knapen 2013/2015)
WARFARIN_DEMO_MG_PER_DAY = 5.0  # a common maintenance dose (assumption: typical 2-10 mg/day)
#: grid cap per section for the dashboard (patches per side): 256x256 keeps a frame cheap
#: enough for a classroom on 2 cores (assumption, measured with bench/dashboard.py)
MAX_GRID_SIDE_PATCHES = 256
#: the largest seed a link or the seed box may carry (numpy accepts any int; 64 bits is plenty)
MAX_SEED = 2**63 - 1
MAX_SEED_DIGITS = len(str(MAX_SEED))


@dataclass(frozen=True)
class Knob:
    """One slider, switch or choice (e.g. sex) on a flat model setting.

    The setting's section, type, unit and allowed range come from the scenario schema
    (:mod:`calcium_abm.inputs.keys`), the one source the CLI's messages and batch ranges use
    too; a knob only adds its label, the end of its slider (a teaching range inside the
    schema's range: a value above it from an upload or a link still shows) and its step.
    """

    key: str
    label: str
    slider_max: float = math.inf
    step: float = 1.0
    note: str = ""  # shown instead of the unit (e.g. "0 = healthy kidneys")

    @property
    def path(self) -> str:
        return resolve_key(self.key)

    @property
    def section(self) -> str:
        return self.path.partition(".")[0]

    @property
    def kind(self) -> str:
        return setting_kind(self.path)

    @property
    def choices(self) -> tuple[str, ...]:
        """The values a choice setting accepts (``("female", "male")`` for sex), from the
        schema; empty for numbers and switches."""
        section, _, name = self.path.partition(".")
        return tuple(field_choices(SECTIONS[section], name)) if section in SECTIONS else ()

    @property
    def unit(self) -> str:
        return self.note or setting_unit(self.path)

    @property
    def minimum(self) -> float:
        return 0.0 if self.kind == "bool" else setting_bounds(self.path)[0]

    @property
    def maximum(self) -> float:
        return 1.0 if self.kind == "bool" else min(self.slider_max, setting_bounds(self.path)[1])

    def slider_range(self, scenario: Scenario, side: SideSettings | None = None) -> tuple[float, float]:
        """The slider's ends on a side running ``scenario`` (with ``side``'s changes): the schema's range,
        and for the age the ages that scenario accepts: an adult whom the run does not carry past the
        oldest age (:func:`calcium_abm.inputs.sections.oldest_start_age_years`), and a postmenopausal
        woman no younger than the earliest menopause (30; the slider offered 18-29, which were refused).
        A rat or a mouse has no age slider (:meth:`fixed_note`)."""
        low, high = self.minimum, self.maximum
        if self.key == "age_years":
            low = MIN_HUMAN_AGE_YEARS
            changed = side.changed if side is not None else {}
            if changed.get("postmenopausal", scenario.patient.postmenopausal):
                low = max(low, MIN_AGE_AT_MENOPAUSE_YEARS)
            high = min(high, oldest_start_age_years("human", scenario.days))
        # both ends on the slider's steps: an end between them was what the End key gave, and the label and
        # the link showed it (a mouse's 3.5-year lifespan less a 60-day run gave 3.33573)
        step = self.step
        if math.isfinite(low):
            low = float(round(math.ceil(low / step - 1e-9) * step, 9))
        if math.isfinite(high):
            high = float(round(math.floor(high / step + 1e-9) * step, 9))
        return low, max(low, high)

    def fixed_note(self, scenario: Scenario) -> str | None:
        """What the page shows instead of this knob's control where no value but the scenario's runs,
        or None: a rat's or a mouse's age (the rodent presets have no age laws, so the model refuses any
        age but 0; the slider once offered 0-3.3 years, all of which ran alike)."""
        if self.key == "age_years" and scenario.patient.species != "human":
            return (f"{self.label}: 0 years (the {scenario.patient.species} preset has no age laws, "
                    "so its age is not a setting)")
        if self.key == "ckd_stage" and (gfr := scenario.kidney.residual_gfr_ml_per_min) is not None:
            # the measured GFR sets kidney function: haemodialysis's slider at 0 ("healthy kidneys") ran as at 5
            return (f"{self.label}: {scenario.patient.ckd_stage or 'from the GFR'} (kidney function is the scenario's "
                    f"measured GFR, kidney.residual_gfr_ml_per_min = {fmt_num(gfr)} mL/min, so the stage is not a "
                    "setting)")
        return None

    def scenario_value(self, scenario: Scenario) -> Any:
        """This knob's value in ``scenario`` (its base settings, day 0)."""
        return getattr(getattr(scenario, self.section), self.key)

    def parse(self, text: str) -> Any:
        """A value from a link; raises ValueError with a clear message (a long text cut, as :func:`_short` cuts it)."""
        text = text.strip()
        shown = repr(_short(text))
        if self.choices:
            if text not in self.choices:
                raise ValueError(f"{self.key} = {shown} is not allowed: must be one of {', '.join(self.choices)}")
            return text
        if self.kind == "bool":
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"{self.key} = {shown} is not allowed: must be true or false")
        try:  # digits 0-9 only, as the seed box and `run --set` read them (float() took Arabic-Indic ones)
            if not text.isascii():
                raise ValueError(text)
            value = float(text)
        except ValueError:
            raise ValueError(f"{self.key} = {shown} is not allowed: must be a number ({self.unit})") from None
        if not math.isfinite(value):  # nan, inf or too large for a float (1e400, 5,000 digits): the model refuses
            return TypedNumber(value, text)  # it as it does a file's, with the range (settings_from_query checks it)
        if self.kind == "int":
            if not value.is_integer():
                raise ValueError(f"{self.key} = {shown} is not allowed: must be a whole number")
            return int(value)
        return value


KNOBS: tuple[Knob, ...] = (
    Knob("vitamin_k1_ug_per_day", "Vitamin K1 (phylloquinone)", slider_max=1000, step=10),
    Knob("mk7_ug_per_day", "Vitamin K2 as MK-7", slider_max=500, step=5),
    Knob("mk4_ug_per_day", "Vitamin K2 as MK-4", slider_max=1500, step=5),
    Knob("calcium_mg_per_day", "Calcium intake", slider_max=3000, step=50),
    Knob("warfarin_mg_per_day", "Warfarin", slider_max=15, step=0.5),
    Knob("ckd_stage", "Chronic kidney disease stage", note="0 = healthy kidneys … 5 = kidney failure"),
    Knob("sex", "Sex"),
    Knob("age_years", "Age at the start", slider_max=100, step=1),
    Knob("postmenopausal", "Postmenopausal woman"),
    Knob("menopausal_hormone_therapy", "Menopausal hormone therapy"),
    Knob("mgp_knockout", "MGP knockout"),
    Knob("osteocalcin_knockout", "Osteocalcin knockout"),
)
KNOBS_BY_KEY = {k.key: k for k in KNOBS}


@dataclass(frozen=True)
class SideSettings:
    """One simulated side: a scenario and the slider values that differ from it."""

    scenario: str = DEFAULT_SCENARIO
    changes: tuple[tuple[str, Any], ...] = ()

    @property
    def changed(self) -> dict[str, Any]:
        return dict(self.changes)

    def with_change(self, key: str, value: Any, scenario: Scenario) -> SideSettings:
        """These settings with one knob set; values equal to the scenario's are dropped."""
        changes = self.changed
        updates = {key: value}
        if key == "sex" and value != "female":  # a man has no menopause: pressing "male" turns its switches off
            updates["postmenopausal"] = False
            updates["menopausal_hormone_therapy"] = False
        elif key == "sex" and changes.get("postmenopausal") is False:  # "female" again: the scenario's woman back
            changes.pop("postmenopausal")
        for name, new in updates.items():
            # the menopause switch pressed by hand stays as pressed: equal to the scenario's, dropping it let
            # the dashboard's own rule (menopause_follows_age) turn a woman of 55 postmenopausal again, so the
            # switch moved and nothing else did; kept, the run is built as pressed or refused with the reason
            if new == KNOBS_BY_KEY[name].scenario_value(scenario) and not (name == key == "postmenopausal"):
                changes.pop(name, None)
            else:
                changes[name] = new
        return replace(self, changes=tuple(sorted(changes.items())))

    def model_settings(self) -> dict[str, Any]:
        """Flat settings for ``CalciumParadoxModel(..., **settings)``."""
        out = self.changed
        if out.get("postmenopausal"):
            out["sex"] = "female"  # only a woman can be postmenopausal
        return out


@dataclass(frozen=True)
class DashboardSettings:
    """Everything a shareable link carries."""

    a: SideSettings = field(default_factory=SideSettings)
    b: SideSettings | None = None  # compare mode when set
    seed: int | None = None  # None: each scenario's own simulation.seed (A's, shared by B)
    days_per_frame: int = DEFAULT_DAYS_PER_FRAME
    present: bool = False  # presentation mode: no sidebar, big type, views and paradox chart on one screen

    @property
    def run_key(self) -> tuple:
        """What the models depend on (speed and layout do not restart a run)."""
        return (self.a, self.b, self.seed)

    @property
    def sides(self) -> tuple[SideSettings, ...]:
        return (self.a,) if self.b is None else (self.a, self.b)

    def to_query(self) -> str:
        """The URL query string (without ``?``) that restores these settings."""
        pairs: list[tuple[str, str]] = [("scenario", self.a.scenario)]
        pairs += [(k, _text(v)) for k, v in self.a.changes]
        if self.b is not None:
            pairs.append(("compare", self.b.scenario))
            pairs += [(f"b.{k}", _text(v)) for k, v in self.b.changes]
        if self.seed is not None:
            pairs.append(("seed", str(self.seed)))
        if self.days_per_frame != DEFAULT_DAYS_PER_FRAME:
            pairs.append(("speed", str(self.days_per_frame)))
        if self.present:
            pairs.append(("present", "1"))
        return urlencode(pairs)


def _short(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a one-line message."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def scenario_choices(uploads: Mapping[str, Scenario] | None = None) -> list[str]:
    """Names for the scenario picker: every built-in, then this tab's uploads."""
    return [*builtin_scenarios(), *(UPLOAD_PREFIX + name for name in (uploads or {}))]


def resolve_scenario(choice: str, uploads: Mapping[str, Scenario] | None = None) -> Scenario:
    """The validated scenario behind a picker choice (raises ScenarioError)."""
    if choice.startswith(UPLOAD_PREFIX):
        name = choice[len(UPLOAD_PREFIX):]
        if uploads and name in uploads:
            return uploads[name]
        raise ScenarioError(f"scenario '{choice}' was uploaded in another browser tab: upload the file again here")
    if choice not in builtin_scenarios():
        # never treat a link's text as a file path
        names = ", ".join(builtin_scenarios())
        raise ScenarioError(f"unknown scenario '{_short(choice)}': built-in scenarios are {names}"
                            f"{did_you_mean(choice, builtin_scenarios())}")
    return load_scenario(choice)


def side_scenario(side: SideSettings, uploads: Mapping[str, Scenario] | None = None) -> Scenario:
    """The scenario of one side with its slider values applied (raises ScenarioError).

    Checked as the model checks it when a run is built (:func:`calcium_abm.person.single_run_scenario`,
    e.g. a woman whose run would pass 60 still premenopausal), so a control or a link the run would
    refuse is refused here with its message, and never leaves the page without a run."""
    base = resolve_scenario(side.scenario, uploads)
    settings = menopause_follows_age(side.model_settings(), base)
    try:
        return single_run_scenario(base, settings)
    except ScenarioError:
        if problem := _premenopausal_past_60(settings, base):
            raise ScenarioError(problem) from None
        raise


def checked_change(side: SideSettings, key: str, value: Any, scenario: Scenario,
                   uploads: Mapping[str, Scenario] | None = None, typed_text: str | None = None) -> SideSettings:
    """``side`` with one knob set to ``value``, checked as its run would be (raises ScenarioError,
    :func:`side_scenario`). A refusal shows a number as the user gave it: a link's text (``-5``, not
    ``-5.0``), else as the slider's label shows it (``0``, not ``0.0``: :func:`fmt_num`)."""
    shown = TypedNumber(value, fmt_num(value) if typed_text is None else typed_text) if type(value) is float else value
    side_scenario(side.with_change(key, shown, scenario), uploads)
    return side.with_change(key, value, scenario)


def _premenopausal_past_60(settings: Mapping[str, Any], base: Scenario) -> str | None:
    """The page's message for the menopause switch turned off on a woman whose run would take her past 60
    (the model's message names a menopause age and a schedule, which the page has no control for)."""
    patient, years = base.patient, base.simulation.years
    age = settings.get("age_years", patient.age_years)
    if (settings.get("postmenopausal") is not False or settings.get("sex", patient.sex) != "female"
            or patient.age_at_final_menstrual_period is not None or age + years <= MAX_AGE_AT_MENOPAUSE_YEARS):
        return None
    youngest = MAX_AGE_AT_MENOPAUSE_YEARS - years
    move = (f"move the age slider to {youngest:g} or younger first" if youngest >= MIN_HUMAN_AGE_YEARS else
            f"no age on the slider keeps her so through this {years:g}-year run")
    return (f"postmenopausal = off is not allowed for a woman of {age:g} in a {years:g}-year run: she would pass "
            f"{MAX_AGE_AT_MENOPAUSE_YEARS:g} still premenopausal, and natural menopause comes by "
            f"{MAX_AGE_AT_MENOPAUSE_YEARS:g}; {move}")


#: the age at menopause the dashboard assumes for a woman moved past it (the median, NAMS)
DASHBOARD_AGE_AT_MENOPAUSE_YEARS = 51.0


def menopause_follows_age(settings: dict[str, Any], base: Scenario) -> dict[str, Any]:
    """The dashboard has sliders for sex and age but none for a menopause history: a woman
    whose run would take her past 51 premenopausal (after the age or sex control moved) has the
    typical woman's menopause at 51 (postmenopausal since then, or her final period at 51 during the run;
    a fresh lecturer's woman of 50 ran 10 years without one, where the rule acted only past 60, and lost
    a third of a man's bone), and a postmenopausal woman whose menopause would fall outside 30-60 had it
    at 51. A woman switched to premenopausal keeps her periods (the model refuses her past 60). Returns the
    settings to apply."""
    patient = base.patient
    if patient.species != "human" or not {"age_years", "sex", "postmenopausal"} & settings.keys():
        return settings
    age, out = settings.get("age_years", patient.age_years), dict(settings)
    if not out.get("postmenopausal", patient.postmenopausal):  # a man, or a woman switched to premenopausal
        if patient.years_since_menopause > 0:
            out["years_since_menopause"] = 0.0
        if out.get("sex", patient.sex) != "female" and patient.age_at_final_menstrual_period is not None:
            out["age_at_final_menstrual_period"] = None
    if out.get("sex", patient.sex) != "female":
        return out
    end_age = age + base.simulation.years
    if (end_age > DASHBOARD_AGE_AT_MENOPAUSE_YEARS and "postmenopausal" not in out and not patient.postmenopausal
            and patient.age_at_final_menstrual_period is None):  # she would pass 51 premenopausal
        if age >= DASHBOARD_AGE_AT_MENOPAUSE_YEARS:  # since 51: a woman of 51-60 had hers on day 0 at her age
            out["postmenopausal"] = True
            out["years_since_menopause"] = age - DASHBOARD_AGE_AT_MENOPAUSE_YEARS
        else:
            out["age_at_final_menstrual_period"] = DASHBOARD_AGE_AT_MENOPAUSE_YEARS
    if out.get("postmenopausal", patient.postmenopausal):
        since = patient.years_since_menopause if patient.postmenopausal else 0.0
        if not MIN_AGE_AT_MENOPAUSE_YEARS <= age - since <= MAX_AGE_AT_MENOPAUSE_YEARS:
            out["years_since_menopause"] = max(age - DASHBOARD_AGE_AT_MENOPAUSE_YEARS, 0.0)
    return out


def knob_values(side: SideSettings, base: Scenario) -> dict[str, Any]:
    """What each control shows: the scenario's value, the side's changes, and what the run
    fills in (a woman moved past her menopause runs postmenopausal, :func:`menopause_follows_age`),
    so a switch never shows off while the run has it on. The scenario's value is day 0's: a ``[[schedule]]``
    entry from day 0 replaces its base value for the whole run (an uploaded file's MK-7 slider showed 5 µg/day
    while 180 ran)."""
    day_0 = base.state_at(0) if base.schedule else base
    values = {k.key: k.scenario_value(day_0) for k in KNOBS} | side.changed
    applied = menopause_follows_age(side.model_settings(), base)
    return values | {key: value for key, value in applied.items() if key in KNOBS_BY_KEY}


#: from this many µg a value is shown in mg (the mk4_45mg scenario's MK-4 read "45015 µg/day")
MG_FROM_UG = 1000.0


def amount_text(value: Any, unit: str) -> str:
    """A value with its unit as a person reads it: ``180 µg/day``, and from :data:`MG_FROM_UG` µg in mg
    (``45.015 mg/day``, not ``45015 µg/day``)."""
    if unit.startswith("µg") and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value) and abs(value) >= MG_FROM_UG:
        return f"{value / MG_FROM_UG:.6g} mg{unit[2:]}"
    return f"{_text(value)} {unit}" if unit else _text(value)


def knob_text(knob: Knob, value: Any) -> str:
    """One control's value as a label says it: ``MK-7 180 µg/day``, ``Sex male``, ``no warfarin``."""
    if knob.kind == "bool":
        return knob.label if value else f"no {knob.label.lower()}"
    if knob.kind in ("int", "str"):
        return f"{knob.label} {value}"
    return f"{knob.label.split(' as ')[-1]} {amount_text(value, knob.unit)}"


def changed_text(side: SideSettings, base: Scenario) -> str:
    """A side as the base scenario changed by its controls, each with the scenario's own value:
    ``healthy_adult with Age at the start 80 (scenario: 50), Sex female (scenario: male)``; the scenario's
    name alone when nothing is changed. Its description describes the scenario as written, so a page shows
    it only then (an 80-year-old woman was described as "Healthy 50-year-old man")."""
    name = side.scenario.removeprefix(UPLOAD_PREFIX)
    if not side.changes:
        return name
    day_0 = base.state_at(0) if base.schedule else base
    parts = []
    for key, value in side.changes:
        knob = KNOBS_BY_KEY[key]
        own = knob.scenario_value(day_0)
        was = ("on" if own else "off") if knob.kind == "bool" else (
            amount_text(own, knob.unit) if knob.kind == "float" else str(own))
        parts.append(f"{knob_text(knob, value)} (scenario: {was})")
    applied = menopause_follows_age(side.model_settings(), base)  # what the page adds: said, not hidden
    if applied.get("age_at_final_menstrual_period") is not None and "postmenopausal" not in side.changed:
        parts.append(f"final period at {DASHBOARD_AGE_AT_MENOPAUSE_YEARS:g} during the run (the typical age; "
                     "the page has no menopause-history control)")
    elif applied.get("postmenopausal") and "postmenopausal" not in side.changed and not day_0.patient.postmenopausal:
        parts.append(f"postmenopausal since {DASHBOARD_AGE_AT_MENOPAUSE_YEARS:g} (the typical age; the page has no "
                     "menopause-history control)")
    return f"{name} with " + ", ".join(parts)


def side_label(side: SideSettings, knobs: Mapping[str, Knob] = KNOBS_BY_KEY, other: SideSettings | None = None) -> str:
    """A short human label: ``k2_deficiency + MK-7 180 µg/day``. With ``other`` (the side it is compared with) on
    the same scenario, the settings it differs in come first: a projector's one-line heading cut B off just
    where it differs from A ("healthy_adult + Age at the start 65 years, MK-4 2 µg/day, M…")."""
    changes = side.changes
    if other is not None and other.scenario == side.scenario:
        shared = set(other.changes)
        changes = tuple(sorted(changes, key=lambda change: change in shared))  # stable: own ones first
    parts = [knob_text(knobs[key], value) for key, value in changes]
    return side.scenario.removeprefix(UPLOAD_PREFIX) + (" + " + ", ".join(parts) if parts else "")


#: the editing toggle's third value: the sliders move A and B together (what a demo starts with, so that
#: a person's sex or age moved after "the same person with and without MK-7" stays the same person on both)
EDIT_BOTH = "A and B"


def change_both(a: SideSettings, b: SideSettings, key: str, value: Any,
                uploads: Mapping[str, Scenario] | None = None) -> tuple[SideSettings, SideSettings]:
    """Both sides of a comparison with one control set to ``value``, each checked as its run would be
    (:func:`checked_change`). Raises ScenarioError naming the side that refuses; then neither side changes."""
    out = []
    for name, side in (("A", a), ("B", b)):
        try:
            out.append(checked_change(side, key, value, resolve_scenario(side.scenario, uploads), uploads))
        except ScenarioError as exc:
            raise ScenarioError(f"scenario {name}: {exc} (neither side changed: pick A or B above the sliders to "
                                "change one side)") from None
    return out[0], out[1]


def shared_changes_dropped(a: SideSettings, b: SideSettings, keep: tuple[tuple[str, Any], ...] = ()
                           ) -> tuple[SideSettings, SideSettings]:
    """Both sides without the slider changes they share (the same control at the same value): the reset of
    the sliders moved for A and B together, which keeps how B differs from A (a demo's one cause). ``keep``:
    settings both then run with (a demo's person's age: the reset goes back to the demo, not past it)."""
    shared = set(a.changes) & set(b.changes)

    def dropped(side: SideSettings) -> SideSettings:
        kept = dict(c for c in side.changes if c not in shared) | dict(keep)
        return replace(side, changes=tuple(sorted(kept.items())))

    return dropped(a), dropped(b)


def difference_text(knob: Knob, value_a: Any, value_b: Any) -> str:
    """One control's values on the two sides: ``MK-7: 5 µg/day in A, 180 in B``."""
    if knob.kind == "float":
        shown_a, shown_b = (amount_text(v, knob.unit) for v in (value_a, value_b))
        if shown_b.endswith(knob.unit) and shown_a.endswith(knob.unit):  # one unit said once
            shown_b = shown_b[:-len(knob.unit)].rstrip()
    else:
        shown_a, shown_b = (("on" if v else "off") if knob.kind == "bool" else _text(v) for v in (value_a, value_b))
    return f"{knob.label.split(' as ')[-1]}: {shown_a} in A, {shown_b} in B"


def differences(a: SideSettings, b: SideSettings, uploads: Mapping[str, Scenario] | None = None) -> list[str]:
    """Where B's controls show another value than A's, as :func:`difference_text` phrases (the scenarios
    first when they differ). Raises ScenarioError for a scenario that cannot be resolved."""
    shown_a = knob_values(a, resolve_scenario(a.scenario, uploads))
    shown_b = knob_values(b, resolve_scenario(b.scenario, uploads))
    out = [f"scenario: {a.scenario.removeprefix(UPLOAD_PREFIX)} in A, {b.scenario.removeprefix(UPLOAD_PREFIX)} in B"
           ] if a.scenario != b.scenario else []
    return out + [difference_text(k, shown_a[k.key], shown_b[k.key]) for k in KNOBS
                  if shown_a.get(k.key) != shown_b.get(k.key)]


def initial_editing(settings: DashboardSettings) -> str:
    """The side the sliders change when a page opens: A and B together for a comparison of one scenario
    (the same person, as a lecture demo leaves it; a demo's link opened in class keeps the person the
    same on both sides), else A."""
    return EDIT_BOTH if settings.b is not None and settings.b.scenario == settings.a.scenario else "A"


def dashboard_limits_problem(scenario: Scenario) -> str:
    """Why ``scenario`` is too big to play in the dashboard, or ``""``.

    The dashboard shares 2 cores among a classroom, so each grid section is capped at
    :data:`MAX_GRID_SIDE_PATCHES` per side; larger runs belong to ``calcium-abm run``.
    """
    sim = scenario.simulation
    for key in ("bone_grid_width", "bone_grid_height", "vessel_grid_width", "vessel_grid_height"):
        value = getattr(sim, key)
        if value > MAX_GRID_SIDE_PATCHES:
            return (f"simulation.{key} = {value} is too large for the dashboard: at most "
                    f"{MAX_GRID_SIDE_PATCHES} (grids up to {MAX_GRID_SIDE_PATCHES}x{MAX_GRID_SIDE_PATCHES} "
                    "per section); run larger grids with `calcium-abm run`")
    return ""


def seed_problem(text: str) -> str:
    """The message refusing ``text`` as a seed. It names the text whole up to 24 characters, else
    its first 12 and an ellipsis with its length: a seed cut without a mark reads as another number."""
    shown = text if len(text) <= 24 else f"{text[:12]}… ({len(text)} characters)"
    return f"seed = {shown!r} is not allowed: must be a whole number from 0 to {MAX_SEED}"


def parse_seed(raw: str) -> int:
    """A seed from a link or box: ASCII digits only, at most :data:`MAX_SEED_DIGITS` of them."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_SEED_DIGITS or int(text) > MAX_SEED:
        raise ValueError(seed_problem(text))
    return int(text)


def parse_speed(raw: str) -> int:
    """Simulated days per frame from a link: one of :data:`SPEEDS_DAYS_PER_FRAME`."""
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) <= 4 and int(text) in SPEEDS_DAYS_PER_FRAME:
        return int(text)
    shown = text if len(text) <= 24 else f"{text[:12]}… ({len(text)} characters)"
    allowed = ", ".join(map(str, SPEEDS_DAYS_PER_FRAME))
    raise ValueError(f"speed = {shown!r} is not allowed: must be one of {allowed} (days per frame)")


def settings_from_query(search: str | None, uploads: Mapping[str, Scenario] | None = None
                        ) -> tuple[DashboardSettings, list[str]]:
    """Settings from a link's query string, and a message for each part that was ignored.

    A link never breaks the page: unknown keys, unknown scenarios and invalid values are
    reported and left at their defaults.
    """
    problems: list[str] = []
    values: dict[str, str] = {}
    for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True):
        if key in values and values[key] != value:  # the last acts; the one it replaces is said to be ignored
            problems.append(f"link: '{_short(key)}' is given twice: {_short(values[key])!r} was ignored, "
                            f"{_short(value)!r} is used")
        values[key] = value
    if not values:
        return DashboardSettings(), problems

    def side(name_key: str, prefix: str) -> SideSettings | None:
        name = values.pop(name_key, None)
        if name is None and (prefix or not KNOBS_BY_KEY.keys() & values.keys()):
            return None
        if name is None:  # a hand-made link with settings but no scenario: the default person's
            name = DEFAULT_SCENARIO
        try:
            scenario = resolve_scenario(name, uploads)
        except ScenarioError as exc:  # said with what runs instead (B quietly ran the default, an educator)
            problems.append(f"link: {exc}; {'B' if prefix else 'A'} runs {DEFAULT_SCENARIO} instead")
            name, scenario = DEFAULT_SCENARIO, load_scenario(DEFAULT_SCENARIO)
        result = SideSettings(name)
        link_sex = values.get(f"{prefix}sex", "").strip() or None  # the sex the link names, if any
        # sex first: pressing "female" restores the scenario's woman (drops a menopause switched off for a man),
        # so a link's postmenopausal = false read before sex = female was lost (links list their keys sorted)
        for key in sorted([k for k in values if k.startswith(prefix) and k[len(prefix):] in KNOBS_BY_KEY],
                          key=lambda k: k != f"{prefix}sex"):
            if prefix == "" and key.startswith("b."):
                continue
            knob = KNOBS_BY_KEY[key[len(prefix):]]
            raw = values.pop(key)
            try:
                value = knob.parse(raw)
                if knob.key == "postmenopausal" and value and link_sex in KNOBS_BY_KEY["sex"].choices \
                        and link_sex != "female":
                    # the switch makes the person a woman (as pressed on the page), which dropped the link's own
                    # sex = male without a word; refused as `calcium-abm run` refuses the two together
                    raise ValueError(f"postmenopausal = {raw!r} is not allowed with {prefix}sex = {link_sex!r}: "
                                     "only a woman can be postmenopausal")
                if (note := knob.fixed_note(scenario)) is not None:  # no control on the page: the value would not act
                    raise ValueError(f"{knob.key} = {_short(raw.strip())!r} was ignored: {note}")
                candidate = checked_change(result, knob.key, value, scenario, uploads, typed_text=raw.strip())
            except (ValueError, ScenarioError) as exc:
                problems.append(f"link: {prefix}{exc}" if isinstance(exc, ValueError) else f"link: {exc}")
                continue
            result = candidate
        return result

    a = side("scenario", "") or SideSettings()
    b = side("compare", "b.")
    seed = None
    if "seed" in values:
        try:
            seed = parse_seed(values.pop("seed"))
        except ValueError as exc:
            problems.append(f"link: {exc}")
    days_per_frame = DEFAULT_DAYS_PER_FRAME
    if "speed" in values:
        try:
            days_per_frame = parse_speed(values.pop("speed"))
        except ValueError as exc:
            problems.append(f"link: {exc}")
    present = False
    if "present" in values:
        raw = values.pop("present").strip().lower()
        if raw in ("1", "true", "yes", "on", ""):
            present = True
        elif raw not in ("0", "false", "no", "off"):
            problems.append(f"link: present = {raw[:24]!r} is not allowed: must be 1 or 0")
    link_keys = ["scenario", "compare", "seed", "speed", "present", *KNOBS_BY_KEY, *(f"b.{k}" for k in KNOBS_BY_KEY)]
    for key in values:
        if key.startswith("b.") and key[2:] in KNOBS_BY_KEY:  # a comparison setting without compare=
            problems.append(f"link: '{key}' was ignored: it sets the comparison run, which the link does not "
                            f"start (add compare=SCENARIO, e.g. compare={DEFAULT_SCENARIO})")
            continue
        problems.append(f"link: unknown setting '{_short(key)}' was ignored{did_you_mean(key, link_keys)}")
    return DashboardSettings(a=a, b=b, seed=seed, days_per_frame=days_per_frame, present=present), problems
