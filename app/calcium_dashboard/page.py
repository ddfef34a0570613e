"""The dashboard page: settings in the sidebar, live tissue views, charts and explanations.

State lives in the components (``use_reactive`` / ``use_memo``), so each browser tab has
its own settings and models. The play loop is a threaded ``use_task`` that advances the
model(s) by the chosen number of simulated days, renders a frame and hands it to the page.

A slider change (or a new scenario) starts a fresh run from day 0 with the new settings,
and keeps playing if it was playing.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import replace
from typing import Any, Callable

import reacton.ipyvuetify as rv
import reacton.ipyvue
import solara
import solara.lab

from calcium_abm import ScenarioError
from calcium_abm.physiology.species import scale_note
from calcium_abm.scenario import MAX_SCENARIO_BYTES, builtin_scenarios

from calcium_dashboard.charts import (
    CHART_COLUMNS,
    CHARTS,
    CHARTS_BY_KEY,
    FONT_PX,
    PRESENT_FONT_PX,
    AxisLock,
    Chart,
    chart_png,
    echarts_option,
)
from calcium_dashboard.server import (
    CHART_INTERVAL_PER_PLAYING_TAB_S,
    FRAME_GATE,
    MAX_QUEUED_MESSAGES,
    NEVER,
    PAGE_TITLE,
    PLAY_LOOPS,
    TabWatch,
    current_kernel,
)
from calcium_dashboard.session import RunFrame, SimulationRun, build_runs, combined_csv, date_text
from calcium_dashboard.demos import DEMOS, DEMOS_BY_KEY, current_demo
from calcium_dashboard.settings import (
    EDIT_BOTH,
    KNOBS,
    SPEEDS_DAYS_PER_FRAME,
    UPLOAD_PREFIX,
    DashboardSettings,
    Knob,
    SideSettings,
    amount_text,
    change_both,
    changed_text,
    checked_change,
    difference_text,
    differences,
    initial_editing,
    knob_values,
    resolve_scenario,
    parse_seed,
    scenario_choices,
    settings_from_query,
    shared_changes_dropped,
    side_scenario,
    side_label,
)
from calcium_dashboard.address import AddressReplace
from calcium_dashboard.phone import PhoneSidebar
from calcium_dashboard.present import PRESENT_CHART_CSS
from calcium_dashboard.key import TissueKey
from calcium_dashboard.live import ChartView, FrameView
from calcium_dashboard.slider import PageSetSliderElement
from calcium_dashboard.texts import EXPLANATIONS
from calcium_dashboard.upload import ScenarioFileInput, scenario_from_upload

#: upper bound on frames per second pushed to the browser: faster only queues messages
MAX_FRAMES_PER_S = 25.0
#: frames per second the whole server makes, shared by the playing tabs: each tab plays at most
#: this divided by the tabs playing (2.7 frames/s each with 30 tabs, 25 with 3). Tabs faster than
#: their share take CPU a newly opened page (and, with the tabs on the same machine, their
#: browser) needs. A frame costs ~4.5 ms of server CPU and 4-6 ms of browser CPU (one message,
#: pictures on canvases, charts redrawn only on screen; bench/dashboard.py --frame-cost), so
#: 80 frames/s take ~0.8 of a 2-core machine's cores (it was 66 when a frame cost the browser
#: 22 ms). The classroom target is 2 frames/s per tab with 30 tabs (assumption: a third above
#: it, so a tab that misses a turn still meets it; :func:`frame_interval_s`)
SERVER_FRAMES_PER_S = 80.0
#: seconds a play loop waits before looking again when its tab's browser is behind
BACKLOG_WAIT_S = 0.05
#: seconds between chart redraws while playing (pictures and date update every frame)
CHART_INTERVAL_S = 0.25
#: environment variable holding the query string used when a page opens without one
DEFAULT_QUERY_ENV = "CALCIUM_ABM_DASHBOARD_QUERY"
#: messages shown at once above the run: more pushed the controls off a laptop's screen (a fresh user's
#: 6-8 refused tries); the oldest goes first
MAX_NOTICES = 3
#: the start of a physiology warning's topic (:func:`report_physiology`): the sliders' reset drops them
PHYSIOLOGY_TOPIC = "physiology"
#: a slider's value is applied once it has rested this long (s): 25 quick arrow-key presses each rebuilt the runs
#: in turn, and the page answered nothing else for ~17 s (a student's review); 0 applies each at once
SLIDER_SETTLE_S = 0.3


def with_notice(notices: tuple[tuple[str | None, str, int], ...], message: str | None, topic: str | None = None,
                keep: int = MAX_NOTICES) -> tuple[tuple[str | None, str, int], ...]:
    """The page's messages, ``(topic, text, serial)`` oldest first, with ``message`` added last. A message
    on the same ``topic`` (one control, the seed box, the upload) replaces the earlier one, as does the
    same text again; then at most ``keep`` stay, the newest. ``message`` None only takes the topic's
    message away (its control was then set). Each message added gets a new serial, so the same refusal
    twice still renders the page again, which shows a refused control's running value again (a fresh
    user's second "female" refused on a mouse stayed pressed)."""
    kept = tuple(n for n in notices if n[1] != message and (topic is None or n[0] != topic))
    if message is None:
        return kept
    serial = max((n[2] for n in notices), default=0) + 1
    return (kept + ((topic, message, serial),))[-keep:]


def knockout_notes(scenario, side: str = "") -> list[str]:
    """What a knockout's marker charts mean: its missing protein has no marker, so a flat 0 (dp-ucMGP) or an empty
    chart (%ucOC) is not vitamin K status (an educator: students read the MGP knockout's 0 as good status).
    ``scenario``: the side's, with its controls; ``side``: "A" or "B" in compare mode, named in the note."""
    genetics = scenario.genetics
    who = (f"{side}'s " if side else "This ") + ("person" if scenario.patient.species == "human" else
                                                  scenario.patient.species)
    who = who[0].upper() + who[1:]
    return [text for knocked, text in (
        (genetics.mgp_knockout, f"{who} makes no MGP, so its dp-ucMGP reads 0: that is no vitamin K status, and "
                                "its media calcifies fastest of all."),
        (genetics.osteocalcin_knockout, f"{who} makes no osteocalcin, so its %ucOC line stays empty.")) if knocked]


def link_notices(texts: list[str], keep: int = MAX_NOTICES) -> list[str]:
    """A link's messages as the page shows them: all, or ``keep - 1`` and one that counts the rest (a link with
    twelve unknown keys showed twelve, which pushed the Play button off a laptop's screen). A message about the
    scenario comes first: it says what the page runs instead."""
    if len(texts) <= keep:
        return list(texts)
    ordered = sorted(texts, key=lambda text: "scenario" not in text)  # stable: the link's order otherwise
    rest = len(texts) - (keep - 1)
    return [*ordered[:keep - 1], f"link: {rest} more messages about this link are not shown; check the link, or "
                                 "open the page without it"]


CSS = """
.ca-date { font-size: 34px; font-weight: 700; line-height: 1.2; }
.ca-label { font-size: 20px; font-weight: 600; margin: 4px 0; }
.ca-tissues { display: flex; flex-wrap: nowrap; gap: 16px; align-items: flex-start; width: 100%; }
.ca-tissues-present { justify-content: center; }
.ca-side { display: flex; flex-direction: column; gap: 2px; min-width: 0; flex: 1 1 0; }
.ca-tissue-row { display: flex; flex-wrap: nowrap; gap: 8px; justify-content: center; }
.ca-tissue-cell { display: flex; flex-direction: column; gap: 2px; min-width: 0; align-items: center; flex: 1 1 0; }
.ca-run-label { font-size: 17px; min-height: 3.1em; }
/* boxes sized by the layout, not by the frame: a new frame repaints the canvas and never changes the layout */
canvas.ca-tissue { width: 100%; max-width: 300px; height: auto; image-rendering: pixelated; border-radius: 4px; }
.ca-date { font-variant-numeric: tabular-nums; }
.ca-explain, .ca-explain span { font-size: 20px !important; line-height: 1.45; color: #222; }
.ca-explain h3 { font-size: 23px !important; margin-bottom: 4px; }
.ca-legend { font-size: 17px; }
.ca-swatch { display: inline-block; width: 18px; height: 18px; border-radius: 3px; vertical-align: middle;
             margin-right: 6px; border: 1px solid #0003; }
.ca-colorbar { height: 16px; width: 100%; max-width: 520px; border-radius: 3px; }
.demo-button .v-btn__content { white-space: normal; flex: 1 1 auto; line-height: 1.25; }
.ca-tissue-title { white-space: nowrap; }
.ca-tissue-note { font-size: 14px; color: #333; text-align: center; line-height: 1.2; }
.ca-knob-label { font-size: 15px; margin-top: 6px; }
.ca-notice { font-size: 17px; white-space: pre-wrap; overflow-wrap: anywhere; }
.ca-caption { font-size: 16px; line-height: 1.35; color: #333; overflow-wrap: anywhere; }
/* on a projector the caption wraps whole, in smaller type (cut at two lines, the warfarin demo's note could
   not be read at 1280x720) */
.ca-present .ca-caption { font-size: 15px; line-height: 1.25; color: #111; }
.ca-notices:empty { display: none !important; }  /* no messages: no gap in the page's column either */
/* the demo's conclusion was the smallest text on a 1920x1080 projector (15 px grey; a lecturer, stop 70) */
@media (min-height: 900px) { .ca-present .ca-caption { font-size: 20px; } }
/* on a projector a message is one line (its start; Dismiss clears it, the sidebar's page reads it whole): the CKD 5
   demo's four-line known limits pushed the paradox chart's axis off a 1024x768 screen (an educator) */
.ca-present .ca-notice.v-alert { font-size: 15px; padding: 4px 12px; margin-bottom: 2px; }
.ca-present .ca-notice .v-alert__content { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ca-key-compact, .ca-key-compact span { font-size: 14px; line-height: 1.2; }
.ca-key-compact .ca-swatch { width: 13px; height: 13px; }
@media (min-height: 900px) { .ca-present .ca-key-compact, .ca-present .ca-key-compact span { font-size: 17px; } }
/* two panels a row (charts, explanations); one a row on a phone, where two were ~90 px wide */
.ca-pair { flex-wrap: wrap; gap: 12px; width: 100%; margin: 0 !important; }
.ca-pair > .ca-pair-item, .ca-pair > * { flex: 1 1 0; min-width: 0; }
.ca-chart-title { font-size: 18px; font-weight: 600; text-align: center; overflow-wrap: anywhere; margin: 6px 0 0 0; }
.ca-chart-sides { font-size: 14px; text-align: center; color: #444; overflow-wrap: anywhere; }
.ca-chart-legend { font-size: 15px; text-align: center; line-height: 1.6; }
/* an item wraps within the legend's width (a half-width chart on a 1024 px screen) instead of running out */
.ca-legend-item { display: inline-block; margin: 0 12px; max-width: 100%; }
.ca-line { display: inline-block; width: 30px; height: 0; border-top: 3px solid; vertical-align: middle;
           margin-right: 6px; }
.ca-line-faint { opacity: 0.35; border-top-width: 1px; }
.ca-line-dashed { border-top-style: dashed; }
/* presentation mode: views and the paradox chart on one screen, type for the back row */
.ca-present { padding: 4px 14px !important; height: 100vh; box-sizing: border-box; overflow: hidden auto; }
.ca-present .ca-date { font-size: 44px; }
.ca-present .ca-label { font-size: 22px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ca-present .ca-run-label { font-size: 17px; min-height: 0; }
.ca-present .ca-present-tissues { text-align: center; font-size: 18px; }
/* contain: a picture narrower than its 25vh box (a phone) keeps its shape instead of stretching tall */
.ca-present canvas.ca-tissue { height: 25vh; width: auto; max-width: 100%; object-fit: contain; }
.ca-present .ca-chart-title { font-size: 24px; margin: 0; }
.ca-present .ca-chart-sides { font-size: 18px; }
.ca-present .ca-chart-legend { font-size: 18px; line-height: 1.3; }
.ca-present .ca-legend-item { margin: 0 8px; }
.ca-present .v-btn { font-size: 18px !important; }
.ca-present-live, .ca-present-live .chart-paradox, .ca-present-chart { flex: 1 1 0; min-height: 0; }
""" + PRESENT_CHART_CSS + """
/* a phone: Solara's sidebar drawer is at least 400 px wide and opens over the page below 960 px, so on a
   375 px screen it covered the whole page, its app bar and the overlay that closes it: the run could not be
   reached. Narrower than the screen, it leaves a strip of the overlay to tap, which closes it */
@media (max-width: 600px) {
  .ca-pair > .ca-pair-item, .ca-pair > * { flex: 1 1 100%; }
}
@media (max-width: 456px) {
  .v-navigation-drawer.solara-content-main { min-width: 0 !important; width: calc(100vw - 56px) !important;
                                             max-width: calc(100vw - 56px) !important; }
}
"""
#: heights of the live charts (CSS); the presentation chart takes what the views leave
CHART_HEIGHT = "380px"
PRESENT_CHART_HEIGHT = "100%"  # of .ca-present-chart, which fills the screen below the pictures


# ----------------------------------------------------------------------------- helpers
def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _frames(runs: list[SimulationRun], series: bool = True) -> list[RunFrame]:
    return [run.frame(CHART_COLUMNS, series) for run in runs]


def first_line(exc: BaseException | None) -> str:
    """An error's message for the page: its first line, at most 200 characters ("…" after them), "" if none."""
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    return text[:200] + "…" if len(text) > 200 else text


def one_line(exc: BaseException) -> str:
    """An unexpected error as one line for the page: its kind and first line, no traceback or path."""
    text = first_line(exc)
    return f"something went wrong ({type(exc).__name__}{': ' + text if text else ''}); the page keeps running"


def demo_failed_text(title: str, error: BaseException | None) -> str:
    """The caption when a demo's figures could not be computed: the demo's name and why, in one line, no
    traceback (the caption was left blank)."""
    text = first_line(error)
    why = text if isinstance(error, ScenarioError) else ": ".join(filter(None, [type(error).__name__, text]))
    return f"{title}: its figures for these settings could not be computed ({why}); the runs on the charts are not affected"


# -------------------------------------------------------------------------- controls
@solara.component
def KnobControl(knob: Knob, value: Any, on_change: Callable[..., None], bounds: tuple[float, float],
                step: float, comparison: Any = None):
    """A switch for a yes/no setting, buttons for a choice (sex), else a slider between ``bounds``
    (:meth:`Knob.slider_range`) in steps of ``step`` (the knob's), applied when released.

    ``comparison``: a ref whose ``current`` counts the comparisons shown; a slider's settled value is passed to
    ``on_change`` with the count when it was moved, so a value moved before a demo or scenario was chosen is
    not applied to it."""
    # the widgets are bound to ``value`` (what runs), not to state of their own as solara.Switch and
    # ToggleButtonsSingle are: a press the page refuses (a notice) shows the running value again, where
    # the switch stayed off while the run kept it on
    if knob.choices:
        solara.Text(knob.label, classes=["ca-knob-label", f"knob-label-{knob.key}"])
        choices = list(knob.choices)
        rv.BtnToggle(v_model=choices.index(value) if value in choices else None, mandatory=True,
                     on_v_model=lambda index: index is not None and on_change(choices[index]),
                     children=[rv.Btn(children=[choice]) for choice in choices], class_=f"knob-{knob.key}")
    elif knob.kind == "bool":
        rv.Switch(label=knob.label, v_model=bool(value), on_v_model=lambda on: on_change(bool(on)),
                  class_=f"knob-{knob.key}")
    else:
        KnobSlider(knob, value, on_change, bounds, step, comparison)


def _reaching(bounds: tuple[float, float], own: Any) -> tuple[float, float]:
    """A slider's top raised to the scenario's own value (MK-4 45 mg beyond the usual range): fixed while the
    user moves it, where a top that followed the current value shrank with each drag down (45 -> 22.5 -> 11.3 mg).
    Its bottom stays (the age slider's starts where the model accepts the person: 30 for a postmenopausal woman)."""
    if isinstance(own, bool) or not isinstance(own, (int, float)) or not math.isfinite(own):
        return bounds
    return bounds[0], max(bounds[1], float(own))


@solara.component
def KnobSlider(knob: Knob, value: Any, on_change: Callable[..., None], bounds: tuple[float, float],
               step: float, comparison: Any = None):
    pending = solara.use_reactive(None)  # a value moved to and not yet applied (SLIDER_SETTLE_S)
    # the comparison on screen when it was moved: a demo chosen while the slider settled is not changed by it
    # (CKD 5 moved, then the MK-7 demo: its A got CKD 5 0.3 s later; a reviewer, stop 71)
    moved_in = solara.use_ref(None)
    apply = solara.use_ref(on_change)  # this render's: a settled value goes to today's settings, not to those
    apply.current = on_change          # of the render that started the wait (another slider moved meanwhile)
    here = value if pending.value is None else pending.value
    shown = amount_text(here, knob.unit) if knob.kind == "float" else _fmt(here)  # 45015 µg: "45.015 mg/day"
    solara.Text(f"{knob.label}: {shown}", classes=["ca-knob-label", f"knob-label-{knob.key}"])
    # an uploaded scenario or a link may lie beyond the usual range: the slider reaches its value, and keeps
    # reaching it while the user drags down (its ends do not follow the value; a new range starts afresh)
    reach = solara.use_ref((bounds, *bounds))
    if reach.current[0] != bounds:
        reach.current = (bounds, *bounds)
    minimum, maximum = min(reach.current[1], float(value)), max(reach.current[2], float(value))
    reach.current = (bounds, minimum, maximum)
    # the browser owns the slider's value (slider.py): the page sets it only for a value the browser does not
    # show, that is when another comparison is shown (a demo, even one keeping the value), or when the slider has
    # settled and what runs differs from what the browser last sent (a refused or rounded press, a value changed
    # elsewhere: the other side's linked slider, a reset)
    count = None if comparison is None else comparison.current
    sent = solara.use_ref({"version": 0, "browser": None, "comparison": count, "set": None})
    if (sent.current["browser"] is None or count != sent.current["comparison"]
            or (pending.value is None and value != sent.current["browser"])):
        sent.current = {"version": sent.current["version"] + 1, "browser": value, "comparison": count, "set": value}
    # the value set with its version, not today's: a value applied while the browser moved on is not set on it
    slider = PageSetSliderElement(page_value=(sent.current["set"], sent.current["version"]), min=minimum, max=maximum,
                                  step=step, hide_details=True, thumb_label=True, class_=f"knob-{knob.key}")

    def changed(widget, event, data):
        # Vuetify emits "change" on release / key press, so a drag rebuilds the model once; its arrow keys
        # add steps in floating point (3.3 - 0.1 = 3.1999999999999997), which the run and the link got, and
        # go past the ends (End then an arrow: CKD stage 6, age 101; a student): kept within the slider's range
        moved = min(max(float(data), minimum), maximum)
        moved = int(round(moved)) if knob.kind == "int" else round(moved, 9)
        moved_in.current = None if comparison is None else comparison.current
        # what the browser shows (before it is kept in range), in the comparison it was moved in: a demo chosen
        # again re-renders nothing, and its new count, first seen by this press's render, set the older value
        # back (a reviewer, stop 72)
        sent.current = {**sent.current, "browser": float(data), "comparison": moved_in.current}
        if SLIDER_SETTLE_S <= 0:
            on_change(moved, moved_in.current)
        else:
            pending.set(moved)

    def settle() -> None:
        moved, shown = pending.value, moved_in.current
        if moved is None:
            return
        time.sleep(SLIDER_SETTLE_S)
        if settling.is_current():  # no later key press: the last value is applied, once
            apply.current(moved, shown)
            try:
                if pending.value == moved:  # a press during the rebuild waits for its own turn
                    pending.set(None)
            except Exception:  # noqa: BLE001 - the change replaced this slider (a rebuilt panel)
                pass

    settling = solara.lab.use_task(settle, dependencies=[pending.value], prefer_threaded=True)
    reacton.ipyvue.use_event(slider, "change", changed)
    if knob.kind == "int":
        solara.Text(knob.unit, style={"font-size": "13px", "color": "#666"})


@solara.component
def SeedInput(seed: int | None, own_seed: int | None, on_seed: Callable[[int | None], None],
              notify: Callable[..., None]):
    """The seed box: empty runs scenario A's own seed, and its hint says which seed runs.

    Read when the box is left or Enter is pressed, by the links' rule (:func:`parse_seed`). A refused
    text gets its message and the box shows the seed in use again: the refused text stayed in the box
    (``solara.InputInt``) while the run kept the old seed."""
    shown = "" if seed is None else str(seed)
    text = solara.use_reactive(shown)
    solara.use_effect(lambda: text.set(shown), [shown])  # a link, a demo or a commit changed the seed

    def commit(*_) -> None:
        raw = (text.value or "").strip()
        try:
            value = None if raw == "" else parse_seed(raw)
        except ValueError as exc:
            notify(str(exc), "seed")
            value = seed
        text.set("" if value is None else str(value))  # "0042" runs as 42 and shows 42
        if value != seed:
            on_seed(value)
            notify(None, "seed")  # a seed set: a refusal of an earlier text is stale

    if seed is not None:
        hint = f"runs with seed {seed}; empty the box for the scenario's own"
    else:
        hint = "runs with the scenario's own seed" + (f", {own_seed}" if own_seed is not None else "")
    box = rv.TextField(label="Random seed (same for A and B)", v_model=text.value, on_v_model=text.set, hint=hint,
                       persistent_hint=True, class_="seed-input")
    reacton.ipyvue.use_event(box, "focusout", commit)
    reacton.ipyvue.use_event(box, "keyup.enter", commit)


@solara.component
def SettingsPanel(settings: solara.Reactive[DashboardSettings], uploads: solara.Reactive[tuple],
                  editing: solara.Reactive[str], notify: Callable[..., None],
                  on_new_comparison: Callable[[], None] = lambda: None,
                  on_sliders_reset: Callable[[], None] = lambda: None):
    """Scenario pickers, compare mode, sliders, seed, upload and the shareable link.

    ``on_sliders_reset`` is called when the sliders go back to the scenario's values (the page then drops
    the runs' physiology warnings).

    ``on_new_comparison`` is called before another demo or scenario (A or B), or compare mode switched,
    replaces the comparison: the page then drops the locked chart axes (a slider keeps them)."""
    s = settings.value
    upload_map = dict(uploads.value)
    choices = scenario_choices(upload_map)
    descriptions = {**builtin_scenarios(),  # an uploaded file's own description, as a built-in's (an educator)
                    **{f"{UPLOAD_PREFIX}{name}": scenario.description for name, scenario in upload_map.items()
                       if scenario.description}}
    refused = solara.use_ref({})  # control key -> the value last refused, until it runs or is set

    changing = solara.use_memo(threading.Lock, [])  # a slider's settled value is applied from its own thread
    comparisons = solara.use_ref(0)  # another demo, scenario, compare mode or file: a settling slider's value is stale

    def sliders_stale() -> None:
        comparisons.current += 1

    def new_comparison() -> None:
        sliders_stale()
        on_new_comparison()

    def set_side(which: str, side: SideSettings) -> None:
        settings.set(replace(settings.value, **{"a" if which == "A" else "b": side}))

    def new_scenario(which: str, name: str) -> None:
        if name != (s.a if which == "A" else s.b).scenario:
            new_comparison()
        set_side(which, SideSettings(name))

    DemoButtons(settings, on_demo=lambda: editing.set(EDIT_BOTH),  # the same person: sex or age moves A and B
                on_new_comparison=on_new_comparison,  # another demo: fresh axes
                on_choosing=sliders_stale)  # any demo, the one on screen too: it restarts from its own settings
    solara.Button("Presentation mode", block=True, outlined=True, classes=["present-button"],
                  on_click=lambda: settings.set(replace(settings.value, present=True)))
    solara.Select("Scenario A" if s.b else "Scenario", value=s.a.scenario, values=choices,
                  on_value=lambda name: new_scenario("A", name), classes=["scenario-a"])
    if s.a.scenario in descriptions:  # the scenario as written; how A's controls change it: below the sliders
        # (the same words whether or not a slider moved, so the sliders never move under the pointer: a fresh
        # lecturer's second drag landed on the slider above once this line grew)
        solara.Text(f"{s.a.scenario} as written: {descriptions[s.a.scenario]}", style={"font-size": "13px",
                    "color": "#555"}, classes=["scenario-description"])

    last_b = solara.use_reactive(None)  # B as it was when compare went off: back when it goes on again

    def toggle_compare(on: bool) -> None:
        current = settings.value
        if not on:
            last_b.set(current.b)
        b = (last_b.value or SideSettings(current.a.scenario)) if on else None
        new_comparison()
        settings.set(replace(current, b=b))
        editing.set(initial_editing(replace(current, b=b)) if on else "A")

    solara.Switch(label="Compare with a second scenario", value=s.b is not None, on_value=toggle_compare,
                  classes=["compare-switch"])
    if s.b is not None:
        solara.Select("Scenario B (dashed)", value=s.b.scenario, values=choices,
                      on_value=lambda name: new_scenario("B", name), classes=["scenario-b"])
        solara.ToggleButtonsSingle(value=editing.value, values=["A", "B", EDIT_BOTH], on_value=editing.set,
                                   classes=["editing-toggle"])
        EditingNote(s.a, s.b, editing.value, upload_map)

    which = editing.value if s.b is not None else "A"
    side = s.b if which == "B" else s.a
    try:
        base = resolve_scenario(side.scenario, upload_map)
    except ScenarioError as exc:
        solara.Error(str(exc))
        return
    values = knob_values(side, base)  # what runs, also what the dashboard fills in
    base_b = values_b = None
    if which == EDIT_BOTH:  # a control the sides differ in, or one B has none for, is no slider here
        try:
            base_b = resolve_scenario(s.b.scenario, upload_map)
        except ScenarioError as exc:
            solara.Error(str(exc))
            return
        values_b = knob_values(s.b, base_b)

    def forget_fixed(key: str, runs_now: list[dict[str, Any]], sides_now: list[SideSettings]) -> None:
        """Take away the refusal of ``key`` (set now) and of every control whose refused value now runs on
        the sides changed ("female" refused on a mouse stayed after "Postmenopausal woman", which made her
        female, was switched on as the message advised), or would now be accepted on them (hormone therapy
        refused for a man stayed, naming his sex, after she became a woman)."""
        refused.current.pop(key, None)
        notify(None, f"control {key}")  # set: a refusal of its last value is stale
        for other, wanted in list(refused.current.items()):
            if all(values.get(other) == wanted for values in runs_now) or _accepted_now(other, wanted, sides_now):
                refused.current.pop(other)
                notify(None, f"control {other}")

    def _accepted_now(other: str, wanted: Any, sides_now: list[SideSettings]) -> bool:
        try:
            if len(sides_now) == 2:
                change_both(*sides_now, other, wanted, upload_map)
            else:
                checked_change(sides_now[0], other, wanted, base, upload_map)
        except ScenarioError:
            return False
        return True

    def change(key: str, value: Any, moved_in: int | None = None) -> None:
        # on today's settings, one change at a time: two sliders settling together (SLIDER_SETTLE_S) each
        # applied its value to the settings of the render that started its wait, and the second undid the first
        with changing:
            if moved_in is not None and moved_in != comparisons.current:  # moved before this comparison
                return
            now = settings.value
            here = (now.b if which == "B" else now.a) if now.b is not None or which == "A" else None
            if here is None or here.scenario != side.scenario:  # the panel's side has changed meanwhile
                return
            try:
                if which == EDIT_BOTH:
                    a, b = change_both(now.a, now.b, key, value, upload_map)
                    settings.set(replace(settings.value, a=a, b=b))
                    forget_fixed(key, [knob_values(a, base), knob_values(b, base_b)], [a, b])
                    return
                new = checked_change(here, key, value, base, upload_map)
            except ScenarioError as exc:
                refused.current[key] = value
                notify(str(exc), f"control {key}")
                return
            set_side(which, new)
            forget_fixed(key, [knob_values(new, base)], [new])

    demo = current_demo(s)
    demo_shared = demo.shared if demo is not None else ()  # a demo's person (age): the reset keeps it

    def back_to_scenario() -> None:
        # the extreme run's warnings and axes go with it: its red warning stayed, and its locked axes
        # (-50 %, 80 mg) flattened the scenario's run
        on_sliders_reset()
        new_comparison()
        if which == EDIT_BOTH:  # the changes made to both; how B differs from A (a demo's cause) stays
            a, b = shared_changes_dropped(s.a, s.b, demo_shared)
            settings.set(replace(settings.value, a=a, b=b))
        else:
            set_side(which, SideSettings(side.scenario))

    own_values = knob_values(SideSettings(side.scenario), base)  # the scenario's own: its slider always reaches them
    for knob in KNOBS:
        note = knob.fixed_note(base)
        if values_b is not None and note is None:
            if values_b[knob.key] != values[knob.key]:  # moved together, the difference a demo shows was lost
                note = f"{difference_text(knob, values[knob.key], values_b[knob.key])} (pick A or B above to change it)"
            elif (b_note := knob.fixed_note(base_b)) is not None:
                note = f"{b_note} (scenario B)"
        if note is not None:
            solara.Text(note, classes=["ca-knob-label", f"knob-label-{knob.key}"])
            continue
        KnobControl(knob, values[knob.key], lambda value, moved_in=None, key=knob.key: change(key, value, moved_in),
                    _reaching(knob.slider_range(base, side), own_values[knob.key]), knob.step, comparisons
                    ).key(f"knob-{which}-{side.scenario}-{knob.key}")  # another side or scenario: its own ends
    shared = which == EDIT_BOTH and bool(set(s.a.changes) & set(s.b.changes) - set(demo_shared))
    solara.Button("Sliders back to the scenario's values" if s.b is None else
                  "Undo the changes made to both" if which == EDIT_BOTH else f"{which}'s sliders back to its scenario",
                  text=True, disabled=not (shared if which == EDIT_BOTH else side.changes), on_click=back_to_scenario,
                  classes=["reset-sliders"], style={"white-space": "normal", "height": "auto", "min-height": "36px"})
    shown = s.b if which == "B" else s.a  # the sliders' side (A's with A and B together)
    if shown.changes and (shown.scenario in descriptions or shown.scenario.startswith(UPLOAD_PREFIX)):  # below the
        # sliders, so its growing never moves them; an upload's too, with or without a description
        try:
            solara.Text(f"Running{' (B)' if shown is s.b else ''}: "
                        f"{changed_text(shown, resolve_scenario(shown.scenario, upload_map))}",
                        style={"font-size": "13px", "color": "#333"}, classes=["scenario-changed"])
        except ScenarioError:
            pass

    try:
        own_seed = (base if which == "A" else resolve_scenario(s.a.scenario, upload_map)).simulation.seed
    except ScenarioError:
        own_seed = None
    SeedInput(s.seed, own_seed, lambda seed: settings.set(replace(settings.value, seed=seed)), notify)

    solara.Text("Load a scenario file (.toml, at most 1 MiB):", style={"font-weight": "600"})

    def load(name: str, size: int, data: bytes | None) -> None:
        try:
            scenario = scenario_from_upload(name, size, data)
        except ScenarioError as exc:
            notify(str(exc), "upload")
            return
        except Exception as exc:  # noqa: BLE001 - e.g. deeply nested TOML: one line, never a traceback
            notify(f"{name[:80]}: could not be read as a scenario ({type(exc).__name__})", "upload")
            return
        uploads.set(tuple((k, sc) for k, sc in uploads.value if k != scenario.name) + ((scenario.name, scenario),))
        notify(None, "upload")  # a file read: the refusal of an earlier one is stale (it stayed on the page)
        new_comparison()
        # with A and B moving together the file is A's scenario (it replaced B without a word), and the
        # sliders then change A, the side that runs it
        set_side("A" if which == EDIT_BOTH else which, SideSettings(UPLOAD_PREFIX + scenario.name))
        if which == EDIT_BOTH:
            editing.set("A")

    def on_drop(info) -> None:
        size = int(info.get("size") or 0)
        # read at most one byte more than allowed: the size check needs no more
        data = None if size > MAX_SCENARIO_BYTES else info["file_obj"].read(MAX_SCENARIO_BYTES + 1)
        load(str(info.get("name") or "upload.toml"), size, data)

    ScenarioFileInput.element(on_file=load)
    solara.FileDrop(label="…or drop a scenario .toml file here", on_file=on_drop, lazy=True)
    ShareLink(s)


@solara.component
def EditingNote(a: SideSettings, b: SideSettings, editing: str, uploads: dict):
    """Which side the sliders change, and where A and B differ (what a demo compares)."""
    target = "A and B together" if editing == EDIT_BOTH else f"scenario {editing}"
    try:
        differ = differences(a, b, uploads)
    except ScenarioError:
        differ = []
    solara.Text(f"The sliders below change {target}. " + (
        f"A and B differ in {'; '.join(differ)}." if differ else "A and B have the same settings."),
        style={"font-size": "13px"}, classes=["editing-note"])


@solara.component
def DemoButtons(settings: solara.Reactive[DashboardSettings], on_demo: Callable[[], None] = lambda: None,
                dense: bool = False, on_new_comparison: Callable[[], None] = lambda: None,
                on_choosing: Callable[[], None] = lambda: None):
    """One button per demo; each compares the same person with and without one cause.

    ``on_new_comparison`` is called before another demo replaces the settings (the locked axes go)."""
    if not dense:
        solara.Text("Lecture demos (one cause each, same person, same seed):",
                    style={"font-weight": "600", "font-size": "14px"})

    def choose(key: str) -> None:
        on_choosing()  # before the settings change: a slider still settling drops its value (the same demo too)
        s = settings.value
        if not DEMOS_BY_KEY[key].shown_by(s):
            on_new_comparison()
        settings.set(replace(DEMOS_BY_KEY[key].settings(), days_per_frame=s.days_per_frame, present=s.present))
        on_demo()

    if dense:
        titles = {d.title: d.key for d in DEMOS}
        current = next((d.title for d in DEMOS if d.settings().run_key[:2] == settings.value.run_key[:2]), None)
        with solara.Column(style={"min-width": "300px", "max-width": "420px"}):
            solara.Select("Demo", value=current, values=list(titles), dense=True, classes=["demo-select"],
                          on_value=lambda title: title and choose(titles[title]))
        return
    for demo in DEMOS:
        solara.Button(demo.title, color="primary", block=not dense, small=dense, text=dense,
                      on_click=lambda key=demo.key: choose(key), classes=["demo-button", f"demo-{demo.key}"],
                      style={"margin-bottom": "4px", "text-transform": "none", "white-space": "normal",
                             "height": "auto", "min-height": "36px", "padding": "4px 8px"})


def scenario_caption(side: SideSettings, uploads: dict) -> str:
    """A side's scenario in words: its one-line description as written (``k2_deficiency: Long-term low
    vitamin K intake: ...``), or, with controls changed, the scenario changed by them
    (:func:`~calcium_dashboard.settings.changed_text`): the description then describes another person."""
    try:
        base = resolve_scenario(side.scenario, uploads)
    except ScenarioError:
        return side_label(side)
    if side.changes:
        return changed_text(side, base)
    description = builtin_scenarios().get(side.scenario) or base.description
    return f"{side_label(side)}: {description}" if description else side_label(side)


@solara.component
def Caption(s: DashboardSettings, uploads: dict):
    """What the audience sees, in words, under the controls: for a lecture demo what to expect and why A
    and B already differ on day 0; in presentation mode with one scenario, which scenario runs (there is
    no sidebar to say so)."""
    demo = current_demo(s)
    ready = demo is not None and demo.outcome_ready(s)
    # the first time a setting is shown its figures take ~2 s: in a thread, so the page turns to the new demo at
    # once (it kept the last demo's day, words and end note for 2-4 s, an educator). A stale thread runs to its
    # end and its figures are dropped: solara's intrusive cancel raised inside whatever line the thread was on,
    # once inside numba's compiler lock after it was taken, which then stayed taken and hung every later run
    # (a page test hung about one time in three)
    pending = solara.use_thread(lambda: demo.outcome(s) if demo is not None and not ready else None,
                                dependencies=[demo.key if demo is not None else None, s.a, s.b, s.seed, ready],
                                intrusive_cancel=False)
    if demo is not None:
        outcome = demo.outcome(s) if ready else (  # the model's figures for the words, for the settings on screen
            pending.value if pending.state == solara.ResultState.FINISHED else None)
        texts = ([demo.day_zero_text(outcome), demo.note_text(outcome, s)] if outcome is not None  # day 0 first
                 else [demo_failed_text(demo.title, pending.error)] if pending.state == solara.ResultState.ERROR
                 else [f"{demo.title}: computing the figures for these settings (a few seconds)…"])
    elif s.present and s.b is None:
        texts = [scenario_caption(s.a, uploads)]
    else:
        texts = []
    for which, side in zip("AB", filter(None, (s.a, s.b))):  # a mouse's or a rat's run: its mg and doses are the
        try:                                                   # human model's; a knockout's marker charts
            scenario = side_scenario(side, uploads)  # with the side's controls (a knockout switched on or off)
        except ScenarioError:
            continue
        note = scale_note(scenario.patient.species)
        for line in ([note[0].upper() + note[1:] + "."] if note is not None else []) + knockout_notes(
                scenario, which if s.b is not None else ""):
            if line not in texts:
                texts.append(line)
    # each part a sentence: a description without a full stop ran into the next ("...in the artery wall A mouse run")
    text = " ".join(t if t.rstrip()[-1:] in ".!?…" else t.rstrip() + "." for t in filter(None, texts))
    if text:  # class not "caption": that is Vuetify's 12 px type
        rv.Html(tag="div", children=[text], class_="ca-caption run-caption", attributes={"title": text})


@solara.component
def ShareLink(s: DashboardSettings):
    """The link that reopens these settings; the address bar carries it too."""
    headers = solara.lab.headers.value or {}
    host = (headers.get("host") or [""])[0]
    query = s.to_query()
    link = f"http://{host}/?{query}" if host else f"?{query}"
    solara.Text("Share these settings:", style={"font-weight": "600", "margin-top": "12px"})
    rv.TextField(v_model=link, readonly=True, dense=True, hide_details=True, class_="share-link",
                hint="uploaded files are not in the link")


# ------------------------------------------------------------------------- live views
@solara.component
def Explanation(key: str):
    title, body = EXPLANATIONS[key]
    with solara.Card(classes=["ca-explain", "ca-pair-item", f"explain-{key}"], margin=0):
        solara.HTML(tag="h3", unsafe_innerHTML=title)
        solara.Text(body)


def _years_total(frames: list[RunFrame]) -> float:
    return max(f.days_total for f in frames) / 365.0


class FrameSink:
    """The widgets that show the live frame, owned here and updated in place.

    Re-rendering through Solara on every frame makes the renderer walk the page (and every
    chart data point), ~50-250 ms a frame on 2 cores. Instead these widgets are created
    once per set of runs, placed in the page as ready-made children (so Solara never
    rewrites their values), and each frame is one message to :attr:`view` (the date and the
    pictures) plus, when the charts are redrawn, one per chart (``live``): the cost of a
    frame is the model, the renderer and the messages.
    """

    def __init__(self, frames: list[RunFrame], axes: AxisLock, present: bool = False):
        self.latest = frames
        self.axes = axes
        #: the comparison these runs belong to: after another demo or scenario (AxisLock.forget) a frame
        #: this sink still shows (a play loop's last) does not widen the new comparison's axes
        self.comparison = axes.comparison
        self.present = present
        self._lock = threading.Lock()
        self._charts_shown = 0.0
        #: the date and the tissue pictures; placed twice (date slot, pictures), one message a frame
        self.view = FrameView([f.label for f in frames], min(f.day for f in frames), frames_date_text(frames),
                              _pictures(frames), present=present)
        self.charts = {chart.key: ChartView(option=self.option(chart, frames),
                                            attributes={"style": self._chart_style(chart)}, responsive=True)
                       for chart in CHARTS}

    def _chart_style(self, chart: Chart) -> str:
        height = PRESENT_CHART_HEIGHT if (self.present and chart.key == "paradox") else CHART_HEIGHT
        return f"height: {height}; width: 100%;"

    def option(self, chart: Chart, frames: list[RunFrame]) -> dict:
        return echarts_option(chart, frames, _years_total(frames),
                              font_px=PRESENT_FONT_PX if self.present else FONT_PX,
                              ranges=self.axes.ranges_for(chart, frames, self.comparison))

    def set_present(self, present: bool) -> None:
        """Switch chart sizes and type between the normal page and presentation mode."""
        with self._lock:
            if present == self.present:
                return
            self.present = present
            self.view.present = present
            for chart in CHARTS:
                self.charts[chart.key].attributes = {"style": self._chart_style(chart)}
        self.show(self.latest, charts=True)

    def _chart_interval(self) -> float:
        return max(CHART_INTERVAL_S, CHART_INTERVAL_PER_PLAYING_TAB_S * PLAY_LOOPS.running_count())

    def charts_due(self) -> bool:
        """Whether a playing tab's next frame redraws the charts (and so needs its series)."""
        return time.perf_counter() - self._charts_shown >= self._chart_interval()

    def show(self, frames: list[RunFrame], charts: bool | None = True) -> None:
        """Put ``frames`` on screen (call from any thread).

        ``charts=None`` redraws the charts only if the last redraw is older than
        CHART_INTERVAL_S: a chart redraw costs the browser far more than a picture. Frames
        made without their series (``SimulationRun.frame(series=False)``) keep the series
        the charts show now, so :attr:`latest` is always what the page shows.
        """
        with self._lock:
            if any(f.series is None for f in frames):
                frames = [f if f.series is not None else replace(f, series=old.series)
                          for f, old in zip(frames, self.latest)]
                charts = False
            self.latest = frames
            self.view.show(min(f.day for f in frames), frames_date_text(frames), _pictures(frames))
            now = time.perf_counter()
            if charts or (charts is None and now - self._charts_shown >= self._chart_interval()):
                self._charts_shown = now
                for chart in CHARTS:  # made only for the charts on screen (ChartView.show)
                    self.charts[chart.key].show(lambda chart=chart, frames=frames: self.option(chart, frames))


def _pictures(frames: list[RunFrame]) -> list:
    """Every side's pictures in the order the page draws them: A bone, A vessel, B bone, B vessel."""
    return [picture for frame in frames for picture in (frame.bone, frame.vessel)]


def frames_date_text(frames: list[RunFrame]) -> str:
    days = sorted({f.day for f in frames})
    return date_text(days[0]) if len(days) == 1 else " / ".join(date_text(d) for d in days)


@solara.component
def TissueViews(sink: FrameSink, present: bool = False):
    """Bone and vessel side by side; in compare mode A's pair, then B's, in one row (drawn by
    :class:`FrameView`, which also shows the date in the page's date slot)."""
    solara.Column(children=[sink.view], gap="0px", style={"width": "100%"}, classes=["ca-pictures-slot"])


@solara.component
def ChartHeader(chart: Chart, frames: list[RunFrame], present: bool = False):
    """The chart's title and, in compare mode, which line style is which scenario (HTML wraps).

    In presentation mode the run labels above the pictures already say which is dashed.
    """
    solara.Text(chart.title, classes=["ca-chart-title", f"chart-title-{chart.key}"])
    if len(frames) > 1 and not present:
        solara.Text(" · ".join(f"{'AB'[i]}{' (dashed)' if i else ' (solid)'}: {f.label}"
                               for i, f in enumerate(frames)), classes=["ca-chart-sides"])


@solara.component
def ChartLegend(chart: Chart, frames: list[RunFrame]):
    """The chart's legend in HTML under the plot: it wraps instead of clipping or scrolling."""
    items = []
    for line in chart.lines:
        items.append(f'<span class="ca-legend-item"><span class="ca-line" style="border-top-color:{line.color}">'
                     f"</span>{line.label}</span>")
        if line.mean_days:
            items.append(f'<span class="ca-legend-item"><span class="ca-line ca-line-faint" '
                         f'style="border-top-color:{line.color}"></span>{line.name}, daily</span>')
    if len(frames) > 1:
        items.append('<span class="ca-legend-item"><span class="ca-line" style="border-top-color:#444"></span>'
                     'A</span><span class="ca-legend-item"><span class="ca-line ca-line-dashed" '
                     'style="border-top-color:#444"></span>B</span>')
    solara.HTML(tag="div", unsafe_innerHTML="".join(items), classes=["ca-chart-legend", f"legend-{chart.key}"])


@solara.component
def LiveChart(chart: Chart, sink: FrameSink):
    ChartHeader(chart, sink.latest)
    solara.Column(children=[sink.charts[chart.key]], gap="0px", style={"width": "100%"})
    ChartLegend(chart, sink.latest)
    solara.FileDownload(lambda: chart_png(chart, sink.latest, _years_total(sink.latest),
                                          sink.axes.ranges_for(chart, sink.latest, sink.comparison)),
                        filename=f"calcium_abm_{chart.key}.png", label="Chart as PNG", mime_type="image/png")


@solara.component
def Charts(sink: FrameSink):
    for pair in (CHARTS[:2], CHARTS[2:]):  # two a row; one a row on a phone (.ca-pair)
        with solara.Row(classes=["ca-pair"]):
            for chart in pair:
                with solara.Column(gap="0px", classes=[f"chart-{chart.key}", "ca-pair-item"], style={"min-width": "0"}):
                    LiveChart(chart, sink)


@solara.component
def Controls(runs: list[SimulationRun], sink: FrameSink, playing: solara.Reactive[bool],
             finished: bool, days_per_frame: int, on_speed: Callable[[int], None],
             on_reset: Callable[[], None], on_finished: Callable[[bool], None], present: bool = False,
             notify: Callable[[str], None] | None = None):
    """Play/Pause, Step, Reset and speed.

    Rendered by the page, outside the per-run views, so these buttons survive a rebuild of
    the runs: a press that arrives while a run is being built is handled once it is built
    (the old code put them inside the rebuilt views, and such a press was dropped).
    """
    def step() -> None:
        with FRAME_GATE:
            for run in runs:
                run.advance(days_per_frame)
            frames = _frames(runs)
        sink.show(frames)
        report_physiology(runs, notify)
        on_finished(all(r.finished for r in runs))

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "12px"}):
        PlayPause(playing, finished)
        solara.Button("Step", on_click=step, disabled=playing.value or finished, classes=["step-button"])
        solara.Button("Reset", on_click=on_reset, classes=["reset-button"])
        with solara.Column(gap="0px"):
            if not present:
                solara.Text("Speed: simulated days per frame", style={"font-size": "13px"})
            solara.ToggleButtonsSingle(value=days_per_frame, values=list(SPEEDS_DAYS_PER_FRAME),
                                       on_value=on_speed, classes=["speed-toggle"])
        if not present:
            solara.FileDownload(lambda: combined_csv(runs), filename="calcium_abm_run.csv",
                                label="Download run (CSV)", mime_type="text/csv")


def second_click(data: Any) -> bool:
    """Whether a click event's data (the browser's event, as ipyvue sends it) is the second (or later)
    click of a double-click: the DOM's ``detail``, the click count."""
    return isinstance(data, dict) and isinstance(data.get("detail"), int) and data["detail"] >= 2


@solara.component
def PlayPause(playing: solara.Reactive[bool], finished: bool):
    """▶ Play, or ❚❚ Pause while playing. The second click of a double-click is ignored: the button turns
    into Pause under the cursor, and a double-clicked Play paused the run at its first frame (day 7)."""
    label, color, cls = ("❚❚ Pause", "warning", "pause-button") if playing.value else ("▶ Play", "success",
                                                                                         "play-button")
    button = rv.Btn(children=[label], color=color, disabled=finished and not playing.value, class_=cls)

    play = not playing.value  # what this button does: the label it shows says so

    def clicked(widget, event, data) -> None:
        if not second_click(data):
            playing.set(play)

    reacton.ipyvue.use_event(button, "click", clicked)


def report_physiology(runs: list[SimulationRun], notify: Callable[[str], None] | None) -> None:
    """Pass each run's known limits (:meth:`SimulationRun.take_known_limits`) and physiology warning
    (:meth:`SimulationRun.take_physiology_notice`), each once per run, to ``notify``: the page says what
    ``calcium-abm run`` prints of a run's known limits and when it leaves physiology."""
    if notify is None:
        return
    for run in runs:
        for notice in (run.take_known_limits(), run.take_physiology_notice()):
            if notice:
                notify(notice)


def frame_interval_s(playing_tabs: int) -> float:
    """Seconds between one tab's frames with ``playing_tabs`` tabs playing on the server: its
    share of :data:`SERVER_FRAMES_PER_S`, at most :data:`MAX_FRAMES_PER_S`."""
    return max(1.0 / MAX_FRAMES_PER_S, max(1, playing_tabs) / SERVER_FRAMES_PER_S)


def play_frames(runs: list[SimulationRun], sink: FrameSink, days_per_frame: int,
                keep_going: Callable[[], bool], watch: TabWatch, on_finished: Callable[[], None],
                on_gone: Callable[[str], None], notify: Callable[[str], None] | None = None) -> str:
    """The play loop: advance, draw, repeat; returns why it stopped.

    Frames are made inside :data:`FRAME_GATE` (the tab that has waited longest for a turn goes
    first; a first frame before every next one) and sent after leaving it, at most the tab's
    share of the server's frames (:func:`frame_interval_s`); a frame carries the chart
    series only when its charts are redrawn (:meth:`FrameSink.charts_due`). The loop stops when ``keep_going()`` turns
    false (pause, new settings), at the end of the run, or when its tab is gone
    (:class:`TabWatch`), so an abandoned tab costs nothing.
    """
    record = PLAY_LOOPS.start(watch.kernel_id)
    reason = "paused"
    try:
        next_frame = time.perf_counter()
        last_turn = NEVER  # a tab's first frame goes before the other tabs' next ones
        while True:
            if not keep_going():
                reason = "paused"
                break
            gone = watch.gone()
            if gone:
                reason = gone
                on_gone(gone)
                break
            if watch.backlog() > MAX_QUEUED_MESSAGES:  # its browser is behind: let it catch up
                time.sleep(BACKLOG_WAIT_S)
                next_frame = time.perf_counter()
                continue
            t0 = time.perf_counter()
            FRAME_GATE.acquire(since=last_turn)  # the tab that has waited longest goes first
            try:
                last_turn = time.monotonic()
                t1 = time.perf_counter()
                for run in runs:
                    run.advance(days_per_frame)
                done = all(r.finished for r in runs)
                redraw = done or sink.charts_due()
                new = _frames(runs, series=redraw)
            finally:
                FRAME_GATE.release()
            t2 = time.perf_counter()
            if not keep_going():
                reason = "paused"  # paused (or superseded) while this frame was being made
                break
            # sent outside the gate, so the next tab computes its frame meanwhile; the widget
            # messages are queued for the event loop (server.queue_widget_messages)
            sink.show(new, charts=redraw)
            report_physiology(runs, notify)
            record.timed(t1 - t0, t2 - t1, time.perf_counter() - t2)
            if done:
                reason = "finished"
                on_finished()
                break
            next_frame += frame_interval_s(PLAY_LOOPS.running_count())
            delay = next_frame - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                next_frame = time.perf_counter()  # running behind: do not try to catch up
    except Exception as exc:  # noqa: BLE001 - reported to the page by the caller
        reason = f"error: {type(exc).__name__}"
        raise
    finally:
        PLAY_LOOPS.stop(record, reason)
    return reason


@solara.component
def Live(runs: list[SimulationRun], sink: FrameSink, playing: solara.Reactive[bool], days_per_frame: int,
         on_finished: Callable[[bool], None], notify: Callable[[str], None], present: bool = False):
    """The play loop, tissue views and charts for one set of runs (one tab)."""
    # set when this component leaves the page (new runs after a slider, scenario or demo change; the
    # presentation switch): its loop stops. The task stayed "current" after that, so the old run kept
    # playing unseen beside the new one and, on reaching its end, paused the new run
    unmounted = solara.use_memo(threading.Event, [])
    solara.use_effect(lambda: unmounted.set, [])

    def play_loop() -> None:
        if not playing.value:
            return
        watch = TabWatch(current_kernel())

        def finished() -> None:
            # only for these runs: a slider that replaced them while their last frame was being sent has its own
            # loop, which this one paused (a reviewer, stop 71)
            if task.is_current() and not unmounted.is_set():
                on_finished(True)
                playing.set(False)

        def gone(reason: str) -> None:
            try:
                playing.set(False)
            except Exception:  # noqa: BLE001 - the kernel may already be closing
                pass

        try:
            play_frames(runs, sink, days_per_frame,
                        lambda: playing.value and task.is_current() and not unmounted.is_set(), watch,
                        finished, gone, notify)
        except Exception as exc:  # noqa: BLE001 - one line on the page, never a traceback
            playing.set(False)
            notify(one_line(exc))

    task = solara.lab.use_task(play_loop, dependencies=[playing.value, days_per_frame], prefer_threaded=True)

    def charts_up_to_date() -> None:
        if not playing.value:  # paused: the charts must show the same day as the pictures
            sink.show(_frames(runs), charts=True)

    solara.use_effect(charts_up_to_date, [playing.value])

    full_scale_mg = runs[0].intima_full_scale_mg()  # the plaque band's top of the ramp, from the run's media
    if present:  # the chart takes the height the rows above leave (.ca-present-live): they wrap while playing
        with solara.Column(classes=["ca-present-live"]):
            TissueViews(sink, present=True)
            TissueKey(full_scale_mg, compact=True)
            chart = CHARTS_BY_KEY["paradox"]
            with solara.Column(gap="0px", classes=["chart-paradox"], style={"width": "100%", "min-width": "0"}):
                ChartHeader(chart, sink.latest, present=True)
                solara.Column(children=[sink.charts["paradox"]], gap="0px", style={"width": "100%"},
                              classes=["ca-present-chart"])
                ChartLegend(chart, sink.latest)
        return
    TissueViews(sink)
    TissueKey(full_scale_mg)
    with solara.Row(classes=["ca-pair"]):
        Explanation("bone")
        Explanation("vessel")
    Charts(sink)
    with solara.Row(classes=["ca-pair"]):
        Explanation("paradox")
        Explanation("markers")


# ------------------------------------------------------------------------------- page
@solara.component
def Page():
    """The whole dashboard for one browser tab; an unexpected error becomes one line."""
    error, clear = solara.use_exception()
    if error is not None:
        with solara.Column(style={"padding": "16px"}):
            solara.Title(PAGE_TITLE)
            solara.Error(one_line(error), classes=["ca-notice", "notice", "page-error"])
            solara.Button("Back to the dashboard", on_click=clear, classes=["recover-button"])
        return
    Dashboard()


def _initial_settings(search: str) -> tuple[DashboardSettings, list[str]]:
    """The settings of an address's query string, or of the default one (`calcium-abm dashboard --scenario`) when
    it has none, with the link's messages; a link never breaks the page."""
    try:
        return settings_from_query(search or os.environ.get(DEFAULT_QUERY_ENV, ""))
    except Exception as exc:  # noqa: BLE001 - a link never breaks the page
        return DashboardSettings(), [f"link: ignored ({one_line(exc)})"]


@solara.component
def Dashboard():
    # a tab being opened goes before the playing tabs' next frames (FairGate.newcomer)
    newcomer = solara.use_memo(FRAME_GATE.newcomer, [])
    solara.use_effect(lambda: FRAME_GATE.newcomer_done(newcomer), [])
    solara.Style(CSS)
    solara.Title(PAGE_TITLE)
    router = solara.use_router()
    # a link's query string wins; `calcium-abm dashboard --scenario` sets the default one
    initial = solara.use_memo(
        lambda: _initial_settings(router.search or ""), [])
    settings = solara.use_reactive(initial[0])
    notices = solara.use_reactive(tuple((None, text, i) for i, text in enumerate(link_notices(initial[1]))))
    notices_open = solara.use_reactive(False)  # presentation mode: the messages shown above the run

    def dismiss_notices() -> None:  # the next message waits behind the button again (a second reading)
        notices.set(())
        notices_open.set(False)
    uploads = solara.use_reactive(())  # this tab's uploaded scenarios: ((name, Scenario), ...)
    playing = solara.use_reactive(False)
    reset_count = solara.use_reactive(0)
    editing = solara.use_reactive(initial_editing(initial[0]))
    axes = solara.use_memo(lambda: AxisLock(locked=True), [])
    axes_locked = solara.use_reactive(True)
    s = settings.value

    def notify(message: str | None, topic: str | None = None) -> None:
        notices.set(with_notice(notices.value, message, topic))

    def notify_physiology(message: str) -> None:  # each on its own topic: A's and B's both stay
        notify(message, f"{PHYSIOLOGY_TOPIC} {message}")

    def drop_physiology() -> None:
        notices.set(tuple(n for n in notices.value if not (n[0] or "").startswith(PHYSIOLOGY_TOPIC)))

    def build():
        try:
            runs = build_runs(settings.value, dict(uploads.value))
        except ScenarioError as exc:
            return None, str(exc)
        except Exception as exc:  # noqa: BLE001
            return None, one_line(exc)
        return runs, None

    runs, build_error = solara.use_memo(build, [s.run_key, uploads.value, reset_count.value])
    FRAME_GATE.newcomer_mark(newcomer, "built")
    sink = solara.use_memo(lambda: FrameSink(_frames(runs), axes, s.present) if runs else None, [runs])
    FRAME_GATE.newcomer_mark(newcomer, "first_frame")
    def new_runs() -> None:  # the last runs' warnings and known limits go (a CKD run's stayed above a healthy one)
        drop_physiology()
        report_physiology(runs or [], notify_physiology)  # known limits, and a run outside physiology from day 0

    solara.use_effect(new_runs, [runs])
    finished_runs = solara.use_reactive(0)  # id() of the runs that reached their end, else 0
    is_finished = bool(runs) and finished_runs.value == id(runs)

    def on_finished(flag: bool) -> None:
        finished_runs.set(id(runs) if flag else 0)

    replacing = solara.use_reactive("")  # AddressReplace's "<count>|<address>"
    replace_next = solara.use_ref(True)  # the first render's link, and an untidy address followed, replace it

    def replace_address(query: str) -> None:
        """The page's link replaces the browser's current address (:mod:`.address`): a tidy, not a step."""
        count = int(replacing.value.partition("|")[0] or 0) + 1
        replacing.set(f"{count}|{router.path or '/'}?{query}")

    def sync_url() -> None:
        query = settings.value.to_query()
        if router.set_path is None or (router.search or "") == query:  # None outside a server
            replace_next.current = False
            return
        if replace_next.current:  # Back to a bare "/" redirected again: a trap (a lecturer, stop 70)
            replace_next.current = False
            replace_address(query)
        else:
            router.push(f"{router.path or '/'}?{query}")

    solara.use_effect(sync_url, [settings.value])
    followed = solara.use_ref(router.search or "")
    tidied = solara.use_ref(0)

    def follow_address() -> None:
        """The browser's Back and Forward: the page follows the address bar (it changed the address and kept the
        page, a student's review). The page's own pushes (sync_url) already match the settings. An address
        that reads as the page's settings but is not their link (values the page ignored, ``?a=nonexistent``,
        which sync_url's first push does not replace when the browser's location starts after it) gets the
        page's own link, so copying it does not share the problem again (a student; at most 5 times a tab)."""
        search = router.search or ""
        if search == followed.current:
            return
        followed.current = search
        query = settings.value.to_query()
        if search == query:
            return
        new, texts = _initial_settings(search)  # "/": the default one
        if new != settings.value:
            playing.set(False)
            replace_next.current = True  # the address's own link (sync_url) replaces it, keeping Forward
            settings.set(new)
            editing.set(initial_editing(new))
            for text in link_notices(texts):
                notify(text)
        elif router.set_path is not None and tidied.current < 5:
            tidied.current += 1
            replace_address(query)

    solara.use_effect(follow_address, [router.search])

    def sync_present() -> None:
        if sink is not None:
            sink.set_present(s.present)

    solara.use_effect(sync_present, [s.present, sink])

    def reset() -> None:
        playing.set(False)
        reset_count.set(reset_count.value + 1)

    def set_speed(dpf) -> None:
        settings.set(replace(settings.value, days_per_frame=int(dpf)))

    def lock_axes(on: bool) -> None:
        axes.set_locked(on)
        axes_locked.set(on)
        if sink is not None:
            sink.show(sink.latest, charts=True)

    AddressReplace.element(request=replacing.value)
    if not s.present:
        PhoneSidebar.element()  # a phone's first load: the drawer closed, the run in view
        with solara.Sidebar():
            SettingsPanel(settings, uploads, editing, notify, on_new_comparison=axes.forget,
                          on_sliders_reset=drop_physiology)
            solara.Switch(label="Lock chart axes (keep their range across restarts)", value=axes_locked.value,
                          on_value=lock_axes, classes=["axis-lock"])

    with solara.Column(style={"padding": "8px 16px"}, classes=["ca-present"] if s.present else [],
                       gap="4px" if s.present else "12px"):
        if not s.present:
            solara.Text("Calcium paradox: bone loses mineral while the artery wall gains it",
                        style={"font-size": "24px", "font-weight": "600"})
        # on a projector the messages wait behind a red button in the demo row (one line each still pushed the
        # paradox chart's legend off a 1280x720 screen in the CKD 5 demo, an educator): opened, they show here
        # in a column of their own, present or not: a message that came (a demo's known limits) shifted the controls
        # below it, whose widgets were made anew, so a press of Play on the old ones was lost (an educator, stop 70)
        with solara.Column(gap="4px", classes=["ca-notices"]):
            if notices.value and (not s.present or notices_open.value or build_error or not runs):  # no demo row
                for _, message, _ in notices.value:
                    solara.Error(message, classes=["ca-notice", "notice"])
                with solara.Row(gap="8px"):
                    if s.present and runs and not build_error:  # else no button to bring them back: they stay
                        solara.Button("Hide messages", text=True, on_click=lambda: notices_open.set(False),
                                      classes=["hide-notices-button"])
                    solara.Button("Dismiss messages", text=True, on_click=dismiss_notices,
                                  classes=["dismiss-button"])
        if build_error:
            solara.Error(build_error, classes=["ca-notice", "build-error"])
            return
        if not runs:
            return
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "12px"}):
            solara.Column(children=[sink.view], gap="0px", classes=["ca-date-slot"])
            Controls(runs, sink, playing, is_finished, s.days_per_frame, set_speed, reset, on_finished,
                     present=s.present, notify=notify_physiology)
            if s.present:
                DemoButtons(settings, on_demo=lambda: editing.set(EDIT_BOTH), dense=True,
                            on_new_comparison=axes.forget)
                solara.Button("Exit presentation", outlined=True, classes=["exit-present-button"],
                              on_click=lambda: settings.set(replace(settings.value, present=False)))
                if notices.value and not notices_open.value:
                    count = len(notices.value)
                    solara.Button(f"⚠ {count} message{'s' * (count > 1)}", outlined=True, color="error",
                                  on_click=lambda: notices_open.set(True), classes=["show-notices-button"])
                if is_finished:  # in the row: a banner pushed the paradox chart's axis off the unscrolled screen
                    # beside the messages button the whole sentence wrapped the row at 1024 px, the legend went
                    solara.Text("End of the run" + ("" if notices.value and not notices_open.value
                                                    else ": press Reset to watch again"), classes=["ca-end-note"])
        Caption(s, dict(uploads.value))
        if is_finished and not s.present:
            solara.Info("End of the simulated period: press Reset to watch again, or change a setting.")
        Live(runs, sink, playing, s.days_per_frame, on_finished, notify_physiology, present=s.present
             ).key(f"live-{id(runs)}-{s.present}")
