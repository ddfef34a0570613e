"""Lecture demos: one person simulated twice, differing in one cause, and the words that go with them.

Every figure a demo's words give is the model's, computed when first shown (:func:`demo_outcome`,
one ``calcium_abm.simulate`` of each side, cached per server process), never typed in.

The human demos run on a man of :data:`DEMO_AGE_YEARS`: in this model a man's plaque calcium starts at a
median age of ``intimal_onset_age_median_male_years`` (53), so a 50-year-old's vessel line stayed at 0
for years whatever the vitamin K; at 65 he has plaque on day 0 and his vessel line grows from day 0.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

from calcium_abm import load_scenario, parameter_registry, simulate
from calcium_abm.inputs.messages import fmt_num
from calcium_dashboard.charts import BMD_MEAN_DAYS, trailing_mean

from calcium_dashboard.settings import (DEFAULT_SCENARIO, MK7_SUPPLEMENT_UG_PER_DAY, WARFARIN_DEMO_MG_PER_DAY,
                                        DashboardSettings, SideSettings, side_scenario)

#: the age of the demos' person (both sides): past the median onset of a man's plaque calcium in the
#: model, so the vessel holds plaque on day 0 and gains from day 0 (at 50 his line was flat at 0 for years)
DEMO_AGE_YEARS = 65
#: the scenario whose vitamin K intakes the vitamin K demo's B eats (README: its long-term low intake)
LOW_VITAMIN_K_SCENARIO = "k2_deficiency"
VITAMIN_K_KEYS = ("vitamin_k1_ug_per_day", "mk4_ug_per_day", "mk7_ug_per_day")


@dataclass(frozen=True)
class Outcome:
    """What a demo's two runs show, from the model: ``(A, B)`` pairs at day 0 and at the end."""

    years: float
    seed: int
    vessel_day0_mg: tuple[float, float]
    score_day0_au: tuple[float, float]
    vessel_end_mg: tuple[float, float]
    bone_end_pct: tuple[float, float]  # the mean of the last year, as the chart's thick bone line ends
    dp_ucmgp_day0_pmol_l: tuple[float, float]


@dataclass(frozen=True)
class Demo:
    """A lecture demo: one person simulated twice; B (drawn dashed) differs from A by ``changes``.

    ``shared``: settings both sides run with (the person's age); ``history``: what B has done for years
    before day 0, for :meth:`day_zero_text`; ``note``: what the audience should look at, made from the
    demo's :class:`Outcome` ("" for none)."""

    key: str
    title: str
    scenario: str
    changes: tuple[tuple[str, Any], ...]
    history: str = ""
    note: Callable[[Outcome], str] | None = None
    shared: tuple[tuple[str, Any], ...] = (("age_years", DEMO_AGE_YEARS),)

    @property
    def cause(self) -> str:
        """The first setting B differs in (a one-setting demo's only one)."""
        return self.changes[0][0]

    @property
    def value(self) -> Any:
        """The value of :attr:`cause` in B."""
        return self.changes[0][1]

    def settings(self) -> DashboardSettings:
        return DashboardSettings(a=SideSettings(self.scenario, tuple(sorted(self.shared))),
                                 b=SideSettings(self.scenario, tuple(sorted(self.shared + self.changes))))

    def outcome(self, shown: DashboardSettings | None = None) -> Outcome:
        """The two runs' figures for the settings on screen (``shown``, which :meth:`shown_by`; None: the demo's
        own): a control moved for A and B together, or the seed box, changes the runs, so the words change
        with them (they kept the default demo's numbers beside a chart that showed others)."""
        shown = shown or self.settings()
        computed = _COMPUTED  # the record when asked: a page test's fresh record is not filled by an older thread
        outcome = demo_outcome(shown.a, shown.b, shown.seed)
        computed.add((shown.a, shown.b, shown.seed))
        return outcome

    def outcome_ready(self, shown: DashboardSettings | None = None) -> bool:
        """Whether :meth:`outcome` for ``shown`` was computed already in this process (so it returns at once; the
        first time takes ~2 s, which the page spends in a thread instead of on a stale screen)."""
        shown = shown or self.settings()
        return (shown.a, shown.b, shown.seed) in _COMPUTED

    def day_zero_text(self, outcome: Outcome | None = None) -> str:
        """Why A and B differ on day 0, and what they share: each person starts in the steady state of their
        own day-0 settings (bone, blood, the wall's cells), but the calcium already in the vessel wall starts
        from the same healthy history (``calcium_abm`` gives the wall no history of B's cause)."""
        out = outcome or self.outcome()
        text = (f"B has {self.history} for years before day 0: bone, blood and vessel cells start in each "
                "person's own steady state, so A and B differ on day 0")
        a_mg, b_mg = out.vessel_day0_mg
        if abs(a_mg - b_mg) <= 1e-6 * max(1.0, abs(a_mg)):
            return (f"{text}, but not in the calcium already in the vessel wall: the model starts it from a healthy "
                    f"history ({a_mg:.1f} mg in both).")
        return f"{text}, the vessel wall's calcium too ({a_mg:.1f} mg in A, {b_mg:.1f} mg in B)."

    def note_text(self, outcome: Outcome | None = None, shown: DashboardSettings | None = None) -> str:
        """What to look at, the person's age and why: the demo's note and :func:`age_text` (for the settings
        ``shown``; None: the demo's own)."""
        shown = shown or self.settings()
        out = outcome or self.outcome(shown)
        return " ".join(filter(None, (self.note(out) if self.note else "", age_text(shown, out))))

    def shown_by(self, settings: DashboardSettings) -> bool:
        """Whether ``settings`` compare this demo's person: both sides on its scenario, and B differing from
        A by its changes alone (a control then moved for A and B together keeps it the demo)."""
        a, b = settings.a, settings.b
        return (b is not None and a.scenario == b.scenario == self.scenario and set(a.changes) <= set(b.changes)
                and set(b.changes) - set(a.changes) == set(self.changes))


#: the (A, B, seed) whose :func:`demo_outcome` is in its cache (an evicted one is computed again: harmless)
_COMPUTED: set[tuple] = set()


@functools.lru_cache(maxsize=64)
def demo_outcome(a: SideSettings, b: SideSettings, seed: int | None = None) -> Outcome:
    """A's and B's runs of a demo (each side's scenario as the page makes it, :func:`.settings.side_scenario`;
    ``seed`` None: A's scenario's own, as the page runs them) with ``simulate``; bone as the chart draws it, the mean of the past year
    (:data:`.charts.BMD_MEAN_DAYS`): the text quoted the last day's, which a fresh lecturer found 0.7 points from
    the thick line the audience watches. Cached per server process (the last 64 settings shown)."""
    scenarios = [side_scenario(side) for side in (a, b)]
    seed = scenarios[0].simulation.seed if seed is None else seed
    rows = [simulate(scenario, seed=seed) for scenario in scenarios]

    def pair(column: str, row: int) -> tuple[float, float]:
        return float(rows[0][column].iloc[row]), float(rows[1][column].iloc[row])

    step = [int(r["day"].iloc[1] - r["day"].iloc[0]) if len(r) > 1 else 1 for r in rows]  # days between rows
    bone = tuple(float(trailing_mean(r["bmd_change_pct"].to_numpy(), max(1, round(BMD_MEAN_DAYS / d)))[-1])
                 for r, d in zip(rows, step))
    return Outcome(float(rows[0]["years"].iloc[-1]), seed, pair("vessel_calcification_mg", 0),
                   pair("calcification_score", 0), pair("vessel_calcification_mg", -1), bone,
                   pair("dp_ucmgp_pmol_l", 0))


def age_text(shown: DashboardSettings, out: Outcome) -> str:
    """Why the person shown has plaque on day 0 or not: their age and sex (A's, which B shares) against the
    model's median onset of plaque calcium for that sex; "" where A sets no age (a rodent's scenario)."""
    person = dict(shown.a.changes)
    age = person.get("age_years")
    if age is None:
        return ""
    female = side_scenario(shown.a).patient.sex == "female"
    who = "woman's" if female else "man's"
    onset = parameter_registry()[f"intimal_onset_age_median_{'female' if female else 'male'}_years"].value
    where = "past" if age >= onset else "before"
    gains = "and gains from then on" if out.score_day0_au[0] > 0 else "so its line may stay flat for years"
    return (f"Both are {fmt_num(age)}, {where} the model's median onset of a {who} plaque ({fmt_num(onset)}): the "
            f"vessel holds {out.score_day0_au[0]:.0f} AU on day 0 {gains}.")


def _end_text(out: Outcome) -> str:
    a, b = out.bone_end_pct
    va, vb = out.vessel_end_mg
    return (f"in {fmt_num(out.years)} years bone changes {a:+.1f} % in A, {b:+.1f} % in B (the past year's mean, as "
            f"the thick lines); the vessel ends at "
            f"{va:.1f} mg in A, {vb:.1f} mg in B")


def mk7_note(out: Outcome) -> str:
    a, b = out.bone_end_pct
    dp_a, dp_b = out.dp_ucmgp_day0_pmol_l
    return (f"MK-7's effect on bone is small in this model, as in the trials (in {fmt_num(out.years)} years bone "
            f"changes {a:+.1f} % in A, {b:+.1f} % in B, the past year's mean, as the thick lines), so the bone lines "
            f"cross. The vessel's vitamin K marker tells "
            f"them apart: dp-ucMGP is {dp_b:.0f} pmol/L in B against {dp_a:.0f} in A on day 0.")


def warfarin_note(out: Outcome) -> str:
    return ("Warfarin users' bone is expected to change like non-users' (validation row W3: MrOS, Woo et al. "
            "2008), so only the vessel half of the paradox shows here: B's bone line lies on A's, while B's vessel "
            f"gains more calcium ({_end_text(out)}).")


def ckd5_note(out: Outcome) -> str:
    return f"Kidney failure alone moves both halves of the paradox: {_end_text(out)}."


def vitamin_k_note(out: Outcome) -> str:
    low = load_scenario(LOW_VITAMIN_K_SCENARIO).diet
    enough = load_scenario(DEFAULT_SCENARIO).diet
    intakes = ", ".join(f"{name} {fmt_num(getattr(low, key))} (A {fmt_num(getattr(enough, key))})"
                        for name, key in zip(("K1", "MK-4", "MK-7"), VITAMIN_K_KEYS))
    return f"B eats {LOW_VITAMIN_K_SCENARIO}'s vitamin K, µg/day: {intakes}. Both halves: {_end_text(out)}."


def _low_vitamin_k() -> tuple[tuple[str, Any], ...]:
    diet = load_scenario(LOW_VITAMIN_K_SCENARIO).diet
    return tuple((key, getattr(diet, key)) for key in VITAMIN_K_KEYS)


DEMOS: tuple[Demo, ...] = (
    Demo("vitamin_k", "Enough vitamin K vs too little", DEFAULT_SCENARIO, _low_vitamin_k(),
         history="eaten too little vitamin K", note=vitamin_k_note),
    Demo("mk7", "The same person with and without MK-7", DEFAULT_SCENARIO,
         (("mk7_ug_per_day", MK7_SUPPLEMENT_UG_PER_DAY),), history="taken MK-7", note=mk7_note),
    Demo("warfarin", "The same person with and without warfarin", DEFAULT_SCENARIO,
         (("warfarin_mg_per_day", WARFARIN_DEMO_MG_PER_DAY),), history="been on warfarin", note=warfarin_note),
    Demo("ckd5", "The same person: healthy kidneys vs CKD 5", DEFAULT_SCENARIO, (("ckd_stage", 5),),
         history="had CKD 5", note=ckd5_note),
)
DEMOS_BY_KEY = {d.key: d for d in DEMOS}


def current_demo(settings: DashboardSettings) -> Demo | None:
    """The lecture demo ``settings`` show (:meth:`Demo.shown_by`), or None."""
    return next((d for d in DEMOS if d.shown_by(settings)), None)


def lecture_demo(key: str = "mk7") -> DashboardSettings:
    """The settings of demo ``key`` (default: the same person with and without MK-7)."""
    return DEMOS_BY_KEY[key].settings()
