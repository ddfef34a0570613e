"""The widgets a playing tab updates every frame, built for a cheap frame in the browser.

With 30 tabs and their Chromium on the server's 2 cores, the browser's work per frame set the
classroom's pace (22 ms of browser CPU per frame against the server's 7-10 ms). Most of it was
the frame's form, not its content: each picture an ``ipywidgets.Image`` (a Blob, an object
URL, an image request and a PNG decode per picture per frame), the date a separate widget
(its own message and Vue re-render), and each chart option a widget trait that Vue copied,
compared and watched point by point before ECharts drew it.

* :class:`FrameView` shows the date and the tissue pictures. A frame is one custom message
  (:meth:`FrameView.show`) carrying the date and one buffer of raw RGB pixels per picture; the
  page draws them on fixed-size canvases (``putImageData``), with no image decoding and no
  layout change. The same widget is placed twice: inside an element of class
  ``ca-date-slot`` it shows the date, elsewhere the pictures, so one message changes both.
* :class:`ChartView` is Solara's ECharts widget whose later options arrive as custom
  messages (:meth:`ChartView.show`) and go straight to ECharts, and only while the chart is
  on screen: a chart scrolled out of view gets its latest option when it comes back.

A view mounted after the first frame (presentation mode switched, a reconnect) draws the
frame it was created with, then asks for the latest (``vue_ready``).
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

import ipyvuetify as v
import numpy as np
import traitlets
from solara.components.echarts import EchartsWidget


def rgb_buffer(picture: np.ndarray) -> bytes:
    """A picture's pixels as the page draws them: rows of RGB bytes.

    ``picture``: ``uint8`` array of shape ``(height, width, 3)``. Raises ValueError for any
    other shape or type.
    """
    if picture.dtype != np.uint8 or picture.ndim != 3 or picture.shape[2] != 3:
        raise ValueError(f"picture of shape {picture.shape} and type {picture.dtype} is not allowed: "
                         "must be uint8 of shape (height, width, 3)")
    return np.ascontiguousarray(picture).tobytes()


class FrameView(v.VuetifyTemplate):
    """The date and the tissue pictures of one tab (see the module docstring).

    ``sides``: the run labels (one, or two in compare mode); ``pictures`` in the order
    A bone, A vessel, B bone, B vessel, each ``(height, width, 3)`` ``uint8``.
    """

    template_file = (__file__, "frame.vue")

    sides = traitlets.List(traitlets.Unicode()).tag(sync=True)
    present = traitlets.Bool(False).tag(sync=True)
    #: (width, height) of each picture in pixels; the canvases keep this size
    sizes = traitlets.List(traitlets.List(traitlets.Int())).tag(sync=True)
    #: the frame the widget was created with, drawn by a view before any frame message
    day = traitlets.Int(0).tag(sync=True)
    date = traitlets.Unicode("").tag(sync=True)
    pictures = traitlets.List(traitlets.Bytes()).tag(sync=True)

    def __init__(self, sides: Sequence[str], day: int, date: str, pictures: Sequence[np.ndarray],
                 present: bool = False, **kwargs):
        buffers = [rgb_buffer(p) for p in pictures]
        super().__init__(sides=list(sides), present=present, day=int(day), date=date, pictures=buffers,
                         sizes=[[int(p.shape[1]), int(p.shape[0])] for p in pictures], **kwargs)
        self._lock = threading.Lock()
        self.latest: tuple[int, str, list[bytes]] = (int(day), date, buffers)

    def show(self, day: int, date: str, pictures: Sequence[np.ndarray]) -> None:
        """Send one frame (any thread): the date and every picture in one message."""
        buffers = [rgb_buffer(p) for p in pictures]
        with self._lock:
            self.latest = (int(day), date, buffers)
            self._send_latest()

    def _send_latest(self) -> None:
        day, date, buffers = self.latest
        self.send({"method": "frame", "args": [{"day": day, "date": date}]}, buffers=buffers)

    def vue_ready(self, data=None) -> None:
        """A view was mounted: send it the latest frame."""
        with self._lock:
            self._send_latest()


class ChartView(EchartsWidget):
    """A live ECharts chart: the first option as state, later ones as messages (:meth:`show`),
    made and sent only while the chart is on screen.

    The page reports when the chart scrolls into or out of view (``vue_visible``). A redraw
    of a chart out of view is only noted: its option is made and sent when the chart comes
    back, from the frames shown then. A student's tab whose charts are below the fold costs
    neither the server nor its browser a chart redraw; a chart on screen is redrawn as before.
    """

    template_file = (__file__, "chart.vue")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._lock = threading.Lock()
        #: the option the chart shows now (the last sent)
        self.latest: dict = self.option
        #: whether the page shows the chart: not until a view says so (a chart left out of the
        #: page, as three of four in presentation mode, never says so and costs nothing)
        self.on_screen = False
        self._pending: Callable[[], dict] | None = None  # a redraw waiting for the chart to be seen

    def show(self, option: dict | Callable[[], dict]) -> None:
        """Draw ``option`` (any thread); a callable making it is called only when the chart is on screen."""
        with self._lock:
            if not self.on_screen:
                self._pending = option if callable(option) else (lambda: option)
                return
            self._send_option(option() if callable(option) else option)

    def _send_option(self, option: dict) -> None:
        self._pending = None
        self.latest = option
        self.send({"method": "option", "args": [option]})

    def vue_visible(self, data=None) -> None:
        """The page scrolled the chart into (``data`` true) or out of view."""
        with self._lock:
            self.on_screen = bool(data)
            if self.on_screen and self._pending is not None:
                self._send_option(self._pending())

    def vue_ready(self, data=None) -> None:
        """A view's chart was created: send it the latest option, or keep that for when the chart
        comes into view (ECharts loads after the page reported the chart out of view, perhaps after
        a run began: an off-screen chart is not redrawn)."""
        with self._lock:
            if self._pending is None and self.latest is not self.option:
                latest = self.latest
                self._pending = lambda: latest
            if self._pending is not None and self.on_screen:
                self._send_option(self._pending())
