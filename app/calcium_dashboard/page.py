"""The dashboard page: settings in the sidebar, live tissue views, charts and explanations.

State lives in the components (``use_reactive`` / ``use_memo``), so each browser tab has
its own settings and models. The play loop is a threaded ``use_task`` that advances the
model(s) by the chosen number of simulated days, renders a frame and hands it to the page.

A slider change (or a new scenario) starts a fresh run from day 0 with the new settings,
and keeps playing if it was playing.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from typing import Any, Callable

import reacton.ipyvuetify as rv
import reacton.ipyvue
import solara
import solara.lab
import ipyvuetify as v
import ipywidgets as widgets
from solara.components.echarts import EchartsWidget

from calcium_abm import ScenarioError
from calcium_abm.render import BONE_LEGEND, VESSEL_LEGEND, VESSEL_MINERAL_FULL_SCALE, css_gradient
from calcium_abm.scenario import MAX_SCENARIO_BYTES, builtin_scenarios

from calcium_dashboard.charts import CHART_COLUMNS, CHARTS, Chart, chart_png, echarts_option
from calcium_dashboard.session import RunFrame, SimulationRun, build_runs, combined_csv, date_text
from calcium_dashboard.settings import (
    KNOBS,
    SPEEDS_DAYS_PER_FRAME,
    UPLOAD_PREFIX,
    DashboardSettings,
    Knob,
    SideSettings,
    lecture_demo,
    resolve_scenario,
    scenario_choices,
    settings_from_query,
    side_scenario,
)
from calcium_dashboard.texts import EXPLANATIONS
from calcium_dashboard.upload import ScenarioFileInput, scenario_from_upload

#: upper bound on frames per second pushed to the browser: faster only queues messages
MAX_FRAMES_PER_S = 25.0
#: seconds between chart redraws while playing (pictures and date update every frame)
CHART_INTERVAL_S = 0.25
#: environment variable holding the query string used when a page opens without one
DEFAULT_QUERY_ENV = "CALCIUM_ABM_DASHBOARD_QUERY"

CSS = """
.ca-date { font-size: 34px; font-weight: 700; line-height: 1.2; }
.ca-label { font-size: 20px; font-weight: 600; margin: 4px 0; }
.ca-tissue img, img.ca-tissue { width: 100%; max-width: 520px; image-rendering: pixelated; border-radius: 4px; }
.ca-explain, .ca-explain span { font-size: 20px !important; line-height: 1.45; color: #222; }
.ca-explain h3 { font-size: 23px !important; margin-bottom: 4px; }
.ca-legend { font-size: 17px; }
.ca-swatch { display: inline-block; width: 18px; height: 18px; border-radius: 3px; vertical-align: middle;
             margin-right: 6px; border: 1px solid #0003; }
.ca-colorbar { height: 16px; width: 100%; max-width: 520px; border-radius: 3px; }
.ca-knob-label { font-size: 15px; margin-top: 6px; }
.ca-notice { font-size: 17px; white-space: pre-wrap; }
"""


# ----------------------------------------------------------------------------- helpers
def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _frames(runs: list[SimulationRun]) -> list[RunFrame]:
    return [run.frame(CHART_COLUMNS) for run in runs]


# -------------------------------------------------------------------------- controls
@solara.component
def KnobControl(knob: Knob, value: Any, on_change: Callable[[Any], None]):
    """A switch for a yes/no setting, else a slider applied when released."""
    if knob.kind == "bool":
        solara.Switch(label=knob.label, value=bool(value), on_value=on_change, classes=[f"knob-{knob.key}"])
    else:
        KnobSlider(knob, value, on_change)


@solara.component
def KnobSlider(knob: Knob, value: Any, on_change: Callable[[Any], None]):
    unit = f" {knob.unit}" if knob.kind == "float" else ""
    solara.Text(f"{knob.label}: {_fmt(value)}{unit}", classes=["ca-knob-label", f"knob-label-{knob.key}"])
    maximum = max(knob.maximum, float(value))  # an uploaded scenario may exceed the usual range
    slider = rv.Slider(v_model=value, min=knob.minimum, max=maximum, step=knob.step, hide_details=True,
                      thumb_label=True, class_=f"knob-{knob.key}")

    def changed(widget, event, data):
        # Vuetify emits "change" on release / key press, so a drag rebuilds the model once
        on_change(int(data) if knob.kind == "int" else float(data))

    reacton.ipyvue.use_event(slider, "change", changed)
    if knob.kind == "int":
        solara.Text(knob.unit, style={"font-size": "13px", "color": "#666"})


@solara.component
def SettingsPanel(settings: solara.Reactive[DashboardSettings], uploads: solara.Reactive[tuple],
                  editing: solara.Reactive[str], notify: Callable[[str], None]):
    """Scenario pickers, compare mode, sliders, seed, upload and the shareable link."""
    s = settings.value
    upload_map = dict(uploads.value)
    choices = scenario_choices(upload_map)
    descriptions = builtin_scenarios()

    def set_side(which: str, side: SideSettings) -> None:
        settings.set(replace(settings.value, **{"a" if which == "A" else "b": side}))

    solara.Button("Lecture demo: low K2 vs MK-7", color="primary", block=True,
                  on_click=lambda: (settings.set(lecture_demo()), editing.set("A")), classes=["demo-button"])
    solara.Select("Scenario A" if s.b else "Scenario", value=s.a.scenario, values=choices,
                  on_value=lambda name: set_side("A", SideSettings(name)), classes=["scenario-a"])
    if s.a.scenario in descriptions:
        solara.Text(descriptions[s.a.scenario], style={"font-size": "13px", "color": "#555"})

    def toggle_compare(on: bool) -> None:
        settings.set(replace(settings.value, b=SideSettings(settings.value.a.scenario) if on else None))
        editing.set("A")

    solara.Switch(label="Compare with a second scenario", value=s.b is not None, on_value=toggle_compare,
                  classes=["compare-switch"])
    if s.b is not None:
        solara.Select("Scenario B (dashed)", value=s.b.scenario, values=choices,
                      on_value=lambda name: set_side("B", SideSettings(name)), classes=["scenario-b"])
        solara.ToggleButtonsSingle(value=editing.value, values=["A", "B"], on_value=editing.set,
                                   classes=["editing-toggle"])
        solara.Text(f"The sliders below change scenario {editing.value}.", style={"font-size": "13px"})

    which = "B" if (s.b is not None and editing.value == "B") else "A"
    side = s.b if which == "B" else s.a
    try:
        base = resolve_scenario(side.scenario, upload_map)
    except ScenarioError as exc:
        solara.Error(str(exc))
        return
    values = {k.key: k.scenario_value(base) for k in KNOBS} | side.changed

    def change(key: str, value: Any) -> None:
        new = side.with_change(key, value, base)
        try:
            side_scenario(new, upload_map)
        except ScenarioError as exc:
            notify(str(exc))
            return
        set_side(which, new)

    for knob in KNOBS:
        KnobControl(knob, values[knob.key], lambda value, key=knob.key: change(key, value))
    solara.Button("Sliders back to the scenario's values", text=True, disabled=not side.changes,
                  on_click=lambda: set_side(which, SideSettings(side.scenario)))

    def set_seed(value: int | None) -> None:
        if value is not None and value < 0:
            notify(f"seed = {value} is not allowed: must be a whole number, 0 or more")
            return
        settings.set(replace(settings.value, seed=value))

    solara.InputInt("Random seed (same for A and B)", value=s.seed, optional=True, on_value=set_seed,
                    classes=["seed-input"])

    solara.Text("Load a scenario file (.toml, at most 1 MiB):", style={"font-weight": "600"})

    def load(name: str, size: int, data: bytes | None) -> None:
        try:
            scenario = scenario_from_upload(name, size, data)
        except ScenarioError as exc:
            notify(str(exc))
            return
        uploads.set(tuple((k, sc) for k, sc in uploads.value if k != scenario.name) + ((scenario.name, scenario),))
        set_side(which, SideSettings(UPLOAD_PREFIX + scenario.name))

    def on_drop(info) -> None:
        size = int(info.get("size") or 0)
        # read at most one byte more than allowed: the size check needs no more
        data = None if size > MAX_SCENARIO_BYTES else info["file_obj"].read(MAX_SCENARIO_BYTES + 1)
        load(str(info.get("name") or "upload.toml"), size, data)

    ScenarioFileInput.element(on_file=load)
    solara.FileDrop(label="…or drop a scenario .toml file here", on_file=on_drop, lazy=True)
    ShareLink(s)


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
def Legend():
    with solara.Row(classes=["ca-legend"], style={"flex-wrap": "wrap", "gap": "18px"}):
        with solara.Column(gap="2px", style={"min-width": "260px"}):
            solara.HTML(tag="div", unsafe_innerHTML=f'<div class="ca-colorbar" style="background:{css_gradient()}"></div>')
            solara.Text(f"mineral: bone 0 → 100 % of a patch; vessel 0 → {VESSEL_MINERAL_FULL_SCALE:.0%} "
                        "(square-root scale)")
        for entry in (*BONE_LEGEND, *VESSEL_LEGEND):
            solara.HTML(tag="span", unsafe_innerHTML=f'<span class="ca-swatch" style="background:{entry.color}">'
                        f"</span>{entry.label}", attributes={"title": entry.meaning})


@solara.component
def Explanation(key: str):
    title, body = EXPLANATIONS[key]
    with solara.Card(classes=["ca-explain", f"explain-{key}"], margin=0):
        solara.HTML(tag="h3", unsafe_innerHTML=title)
        solara.Text(body)


def _years_total(frames: list[RunFrame]) -> float:
    return max(f.days_total for f in frames) / 365.0


class FrameSink:
    """The widgets that show the live frame, owned here and updated in place.

    Re-rendering through Solara on every frame makes the renderer walk the page (and every
    chart data point), ~50-250 ms a frame on 2 cores. Instead these widgets are created
    once per set of runs, placed in the page as ready-made children (so Solara never
    rewrites their values), and each frame only sets their traits: the cost of a frame is
    the model, the renderer and the websocket message.
    """

    def __init__(self, frames: list[RunFrame]):
        self.latest = frames
        self._lock = threading.Lock()
        self._charts_shown = 0.0
        self.date = v.Html(tag="div", class_="ca-date sim-date", children=[frames_date_text(frames)])
        self.images: dict[tuple[int, str], widgets.Image] = {
            (i, tissue): widgets.Image(value=_png(frame, tissue), format="png",
                                       _dom_classes=["solara-image", "ca-tissue", f"{tissue}-view-{'ab'[i]}"])
            for i, frame in enumerate(frames) for tissue in ("bone", "vessel")}
        self.charts = {chart.key: EchartsWidget(option=echarts_option(chart, frames, _years_total(frames)),
                                                attributes={"style": "height: 380px; width: 100%;"},
                                                responsive=True)
                       for chart in CHARTS}

    def show(self, frames: list[RunFrame], charts: bool | None = True) -> None:
        """Put ``frames`` on screen (call from any thread).

        ``charts=None`` redraws the charts only if the last redraw is older than
        CHART_INTERVAL_S: a chart redraw costs the browser far more than a picture.
        """
        with self._lock:
            self.latest = frames
            self.date.children = [frames_date_text(frames)]
            for (i, tissue), widget in self.images.items():
                widget.value = _png(frames[i], tissue)
            now = time.perf_counter()
            if charts or (charts is None and now - self._charts_shown >= CHART_INTERVAL_S):
                self._charts_shown = now
                for chart in CHARTS:
                    self.charts[chart.key].option = echarts_option(chart, frames, _years_total(frames))


def _png(frame: RunFrame, tissue: str) -> bytes:
    return frame.bone_png if tissue == "bone" else frame.vessel_png


def frames_date_text(frames: list[RunFrame]) -> str:
    days = sorted({f.day for f in frames})
    return date_text(days[0]) if len(days) == 1 else " / ".join(date_text(d) for d in days)


@solara.component
def TissueViews(sink: FrameSink):
    """Bone and vessel side by side; in compare mode A's pair, then B's, in one row."""
    current = sink.latest
    compare = len(current) > 1
    with solara.Columns([1] * (2 * len(current))):
        for i, frame in enumerate(current):
            for tissue, title in (("bone", "Bone section"), ("vessel", "Vessel wall (lumen on top)")):
                with solara.Column(gap="4px"):
                    if compare:
                        solara.Text(f"{'AB'[i]}: {frame.label}", classes=["ca-label", f"run-label-{'ab'[i]}"],
                                    style={"font-size": "17px"})
                    solara.Text(title, classes=["ca-label"])
                    solara.Column(children=[sink.images[(i, tissue)]], gap="0px")


@solara.component
def LiveChart(chart: Chart, sink: FrameSink):
    solara.Column(children=[sink.charts[chart.key]], gap="0px", style={"width": "100%"})
    solara.FileDownload(lambda: chart_png(chart, sink.latest, _years_total(sink.latest)),
                        filename=f"calcium_abm_{chart.key}.png", label="Chart as PNG", mime_type="image/png")


@solara.component
def Charts(sink: FrameSink):
    for pair in (CHARTS[:2], CHARTS[2:]):
        with solara.Columns([1] * len(pair)):
            for chart in pair:
                with solara.Column(gap="0px", classes=[f"chart-{chart.key}"]):
                    LiveChart(chart, sink)


@solara.component
def Controls(runs: list[SimulationRun], sink: FrameSink, finished: solara.Reactive[bool],
             playing: solara.Reactive[bool], days_per_frame: int, on_speed: Callable[[int], None],
             on_reset: Callable[[], None]):
    def step() -> None:
        for run in runs:
            run.advance(days_per_frame)
        sink.show(_frames(runs))
        finished.set(all(r.finished for r in runs))

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "12px"}):
        if playing.value:
            solara.Button("❚❚ Pause", on_click=lambda: playing.set(False), color="warning",
                          classes=["pause-button"])
        else:
            solara.Button("▶ Play", on_click=lambda: playing.set(True), color="success", disabled=finished.value,
                          classes=["play-button"])
        solara.Button("Step", on_click=step, disabled=playing.value or finished.value, classes=["step-button"])
        solara.Button("Reset", on_click=on_reset, classes=["reset-button"])
        with solara.Column(gap="0px"):
            solara.Text("Speed: simulated days per frame", style={"font-size": "13px"})
            solara.ToggleButtonsSingle(value=days_per_frame, values=list(SPEEDS_DAYS_PER_FRAME),
                                       on_value=on_speed, classes=["speed-toggle"])
        solara.FileDownload(lambda: combined_csv(runs), filename="calcium_abm_run.csv",
                            label="Download run (CSV)", mime_type="text/csv")


@solara.component
def Live(runs: list[SimulationRun], playing: solara.Reactive[bool], days_per_frame: int,
         on_speed: Callable[[int], None], on_reset: Callable[[], None]):
    """Date, play controls, tissue views and charts for one set of runs (one tab)."""
    sink = solara.use_memo(lambda: FrameSink(_frames(runs)), [])
    finished = solara.use_reactive(all(r.finished for r in runs))

    def play_loop() -> None:
        if not playing.value:
            return
        interval = 1.0 / MAX_FRAMES_PER_S
        next_frame = time.perf_counter()
        while playing.value and task.is_current():
            for run in runs:
                run.advance(days_per_frame)
            new = _frames(runs)
            if not (playing.value and task.is_current()):
                return  # paused (or superseded) while this frame was being made
            done = all(r.finished for r in runs)
            sink.show(new, charts=None if not done else True)
            if done:
                finished.set(True)
                playing.set(False)
                return
            next_frame += interval
            delay = next_frame - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                next_frame = time.perf_counter()  # running behind: do not try to catch up

    task = solara.lab.use_task(play_loop, dependencies=[playing.value, days_per_frame], prefer_threaded=True)

    def charts_up_to_date() -> None:
        if not playing.value:  # paused: the charts must show the same day as the pictures
            sink.show(sink.latest, charts=True)

    solara.use_effect(charts_up_to_date, [playing.value])

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "12px"}):
        solara.Column(children=[sink.date], gap="0px")
        Controls(runs, sink, finished, playing, days_per_frame, on_speed, on_reset)
    if finished.value:
        solara.Info("End of the simulated period: press Reset to watch again, or change a setting.")
    TissueViews(sink)
    Legend()
    with solara.Columns([1, 1]):
        Explanation("bone")
        Explanation("vessel")
    Charts(sink)
    with solara.Columns([1, 1]):
        Explanation("paradox")
        Explanation("markers")


# ------------------------------------------------------------------------------- page
@solara.component
def Page():
    """The whole dashboard for one browser tab."""
    solara.Style(CSS)
    solara.Title("Calcium paradox dashboard")
    router = solara.use_router()
    # a link's query string wins; `calcium-abm dashboard --scenario` sets the default one
    initial = solara.use_memo(
        lambda: settings_from_query(router.search or os.environ.get(DEFAULT_QUERY_ENV, "")), [])
    settings = solara.use_reactive(initial[0])
    notices = solara.use_reactive(tuple(initial[1]))
    uploads = solara.use_reactive(())  # this tab's uploaded scenarios: ((name, Scenario), ...)
    playing = solara.use_reactive(False)
    reset_count = solara.use_reactive(0)
    editing = solara.use_reactive("A")

    def notify(message: str) -> None:
        notices.set(notices.value + (message,))

    def build():
        try:
            return build_runs(settings.value, dict(uploads.value)), None
        except ScenarioError as exc:
            return None, str(exc)

    runs, build_error = solara.use_memo(build, [settings.value, uploads.value, reset_count.value])

    def sync_url() -> None:
        query = settings.value.to_query()
        if router.set_path is not None and (router.search or "") != query:  # None outside a server
            router.push(f"{router.path or '/'}?{query}")

    solara.use_effect(sync_url, [settings.value])

    def reset() -> None:
        playing.set(False)
        reset_count.set(reset_count.value + 1)

    with solara.Sidebar():
        SettingsPanel(settings, uploads, editing, notify)

    with solara.Column(style={"padding": "8px 16px"}):
        solara.Text("Calcium paradox: bone loses mineral while the artery wall gains it",
                    style={"font-size": "24px", "font-weight": "600"})
        for message in notices.value:
            solara.Error(message, classes=["ca-notice", "notice"])
        if notices.value:
            solara.Button("Dismiss messages", text=True, on_click=lambda: notices.set(()),
                          classes=["dismiss-button"])
        if build_error:
            solara.Error(build_error, classes=["ca-notice", "build-error"])
        elif runs:
            Live(runs, playing, settings.value.days_per_frame,
                 lambda dpf: settings.set(replace(settings.value, days_per_frame=int(dpf))), reset
                 ).key(f"live-{id(runs)}")
