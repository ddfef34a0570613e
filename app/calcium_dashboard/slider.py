"""A slider whose value the browser owns while it is moved.

Vuetify's slider steps each arrow key from the value it shows. A reacton element sets every prop on its widget
again whenever the page renders, so a slider drawn with ``v_model=...`` sent an older value back whenever a
render read the page's state before the browser's latest press reached it (the page's renders and the browser's
messages run in different threads). On a loaded machine 10 quick presses on K1 gave 160-170, not 200 (the CI
of stop 71). :class:`PageSetSlider` takes the page's value as ``page_value``, a ``(value, version)`` pair that
is not synced to the browser: the slider is set only when the pair changes, never by a render that repeats it.
"""

from __future__ import annotations

import ipyvuetify
import reacton
import traitlets


class PageSetSlider(ipyvuetify.Slider):
    """``ipyvuetify.Slider`` set by the page only when ``page_value`` changes.

    ``page_value``: ``(value, version)``, or None (the slider's own ``v_model`` is left alone). A new version
    sets ``v_model`` to ``value`` again even when ``value`` is unchanged (a demo that keeps the value after the
    browser moved the slider). ``v_model`` is what the browser last sent, or the page last set."""

    page_value = traitlets.Any(None)  # not tagged sync: the browser never sees it

    @traitlets.observe("page_value")
    def _set_by_the_page(self, change: dict) -> None:
        if change["new"] is not None:
            self.v_model = change["new"][0]


#: the reacton element of :class:`PageSetSlider` (used like ``reacton.ipyvuetify.Slider``)
PageSetSliderElement = reacton.component(PageSetSlider)
