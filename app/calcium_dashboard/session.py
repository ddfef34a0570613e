"""One browser tab's simulations: models, their pictures and their recorded series.

Every tab builds its own :class:`SimulationRun` objects (inside the page component, never
at module level), so tabs never share a model. A run is advanced by the play loop's
worker thread and read by downloads in the UI thread; a lock keeps the two apart.
"""

from __future__ import annotations

import math
import threading
from typing import Mapping

import numpy as np
import pandas as pd

from calcium_abm import CalciumParadoxModel, Scenario, known_limits, results_frame
from calcium_abm.outputs import physiology_warning_today
from calcium_abm.render import DEFAULT_SCALE, intima_full_scale_mg, render_bone, render_vessel

from calcium_dashboard.charts import DAYS_PER_YEAR, trailing_mean
from calcium_dashboard.frames import RunFrame
from calcium_dashboard.settings import DashboardSettings, side_label, side_scenario

#: points per chart line sent to the browser; more adds bytes per frame, not detail
MAX_CHART_POINTS = 400
#: screen pixels per grid patch in the frames sent to the browser (:mod:`calcium_abm.render`: a
#: cell is a dot in one of a patch's pixels, so the tissue under it shows). The page enlarges the
#: pictures with ``image-rendering: pixelated``; they go to the page as raw RGB pixels (48 KB each at
#: 64x64; ``live.FrameView``). At 5x5-pixel patches PNG encoding was ~60 % of a frame (bench/dashboard.py)
IMAGE_SCALE = DEFAULT_SCALE


class SimulationRun:
    """A model for one side of the dashboard, with its label."""

    def __init__(self, label: str, scenario: Scenario, seed: int):
        self.label = label
        self.seed = seed
        self.scenario = scenario
        self.model = CalciumParadoxModel(scenario, rng=seed)
        self._lock = threading.Lock()
        self._physiology_noticed = False
        self._limits_noticed = False

    @property
    def day(self) -> int:
        return self.model.day

    @property
    def days_total(self) -> int:
        return self.model.days_total

    @property
    def finished(self) -> bool:
        return not self.model.running

    def advance(self, days: int) -> int:
        """Step up to ``days`` days (fewer at the end of the run); the days stepped."""
        done = 0
        with self._lock:
            while done < days and self.model.running:
                self.model.step()
                done += 1
        return done

    def take_physiology_notice(self) -> str | None:
        """The warning ``calcium-abm run`` prints (:func:`calcium_abm.outputs.physiology_warning_today`) if
        today's serum calcium or phosphate is outside its physiological range, named with the run's
        label; once per run (later calls return None), None while the run is physiological.
        The page asks after each shown frame, so an excursion between two frames is not seen."""
        if self._physiology_noticed:
            return None
        with self._lock:
            message = physiology_warning_today(self.model)
        if message is None:
            return None
        self._physiology_noticed = True
        return f"{self.label}: {message}"

    def take_known_limits(self) -> str | None:
        """The model's known limits this run meets and its inputs beyond the ranges their laws are calibrated on, as
        ``calcium-abm run`` prints them (:func:`calcium_abm.known_limits`, the results' ``calibration_warnings``), in
        one message named with the run's label (the page keeps three);
        once per run (later calls return None), None where it meets none. An educator's CKD 5 demo rested on a
        mechanism the validation marks as failing, unsaid."""
        if self._limits_noticed:
            return None
        self._limits_noticed = True
        try:
            with self._lock:
                frame = results_frame(self.model)
                limits = known_limits(self.scenario, frame)
        except Exception:  # noqa: BLE001 - a note must never break the page (its run plays on without it)
            return None
        # and an input beyond the range its laws are calibrated on, as `run` prints it: a link's warfarin of 1000
        # mg/day played ten years at an INR of 9 without a word (a lecturer, stop 70)
        parts = ([f"known limit{'s' if len(limits) > 1 else ''} of the model: " + "; ".join(limits)] if limits else [])
        parts += frame.attrs.get("calibration_warnings", [])
        return f"{self.label}: " + "; ".join(parts) if parts else None

    def frame(self, specs: tuple[tuple[str, str, int], ...], series: bool = True) -> RunFrame:
        """Pictures of both tissues and, with ``series``, the recorded series so far (thinned).

        ``specs``: ``(series key, recorded column, mean days)`` triples; with ``mean days``
        > 0 the series is the trailing mean over that many days (``charts.trailing_mean``).
        Without ``series`` the frame's ``series`` is ``None``: a playing tab redraws its
        charts only every few seconds, and building the series was a third of a frame.
        """
        with self._lock:
            snapshot = self.model.tissue_snapshot()
            lines = self._series(specs) if series else None
            day, total = self.model.day, self.model.days_total
        bone, vessel = render_bone(snapshot, IMAGE_SCALE), render_vessel(snapshot, IMAGE_SCALE)
        return RunFrame(self.label, day, total, bone, vessel, lines, snapshot["intima_calcium_mg"])

    def intima_full_scale_mg(self) -> float:
        """The plaque calcium at the top of the band's ramp (:func:`calcium_abm.render.intima_full_scale_mg`)."""
        with self._lock:
            return intima_full_scale_mg(self.model.tissue_snapshot())

    def _series(self, specs: tuple[tuple[str, str, int], ...]) -> dict[str, tuple[list[float], list[float | None]]]:
        data = self.model.datacollector.model_vars
        days = data["day"]
        stride = max(1, math.ceil(len(days) / MAX_CHART_POINTS))
        idx = list(range(0, len(days), stride))
        if idx[-1] != len(days) - 1:
            idx.append(len(days) - 1)  # always end at today
        years = np.round(np.array([days[i] for i in idx], dtype=float) / DAYS_PER_YEAR, 4).tolist()
        step_days = max(1, int(days[1] - days[0])) if len(days) > 1 else 1
        series = {}
        for key, column, mean_days in specs:
            values = data[column]
            if mean_days:
                picked = trailing_mean(values, max(1, round(mean_days / step_days)))[idx]
            else:
                picked = np.array([values[i] for i in idx], dtype=float)
            series[key] = (years, _finite(picked))
        return series

    def results(self) -> pd.DataFrame:
        """Every recorded column so far (the CSV export)."""
        with self._lock:
            return results_frame(self.model)


def _finite(values: np.ndarray) -> list[float | None]:
    """Rounded to 6 decimals; JSON has no NaN: gaps (e.g. %ucOC in the osteocalcin knockout) become null."""
    out = np.round(values, 6).tolist()
    finite = np.isfinite(values)
    if not finite.all():
        out = [x if ok else None for x, ok in zip(out, finite.tolist())]
    return out


def build_runs(settings: DashboardSettings, uploads: Mapping[str, Scenario] | None = None
               ) -> list[SimulationRun]:
    """The runs for ``settings``: scenario A (and B in compare mode) with one seed.

    Raises ScenarioError if a scenario or slider value does not validate.
    """
    scenarios = [side_scenario(side, uploads) for side in settings.sides]
    seed = settings.seed if settings.seed is not None else scenarios[0].simulation.seed
    sides = settings.sides  # each side's own settings first, where a projector's one-line heading is not cut
    labels = [side_label(side, other=sides[1 - i] if len(sides) == 2 else None) for i, side in enumerate(sides)]
    if len(labels) == 2 and labels[0] == labels[1]:
        labels = [f"A: {labels[0]}", f"B: {labels[1]}"]
    return [SimulationRun(label, scenario, seed) for label, scenario in zip(labels, scenarios)]


def combined_csv(runs: list[SimulationRun]) -> bytes:
    """All runs' recorded rows as CSV; a ``scenario`` column tells the runs apart."""
    frames = []
    for run in runs:
        frame = run.results()
        frame.insert(0, "scenario", run.label)
        frame.insert(1, "seed", run.seed)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).to_csv(index=False).encode("utf-8")


def date_text(day: int) -> str:
    """The simulated date as shown on screen: ``Day 365 · year 1.0``."""
    return f"Day {day} · year {day / DAYS_PER_YEAR:.1f}"
