"""The address bar's tidy link replaces the address it tidies, in the browser's history.

Solara's router pushes every address it is given onto the browser's history. The page gives it its own link in
two cases that are not a step of the user's: the first render (a bare ``/`` or ``?present=1`` becomes the link of
the page's settings) and a link whose values the page ignored or refused. Pushed, each left the untidy address one
step back, and Back returned to it, which the page tidied and pushed again: Back never left the dashboard (a
lecturer, stop 70), and Forward history was cut. :class:`AddressReplace` (an invisible widget) instead replaces the
current history entry in the browser with the link (``history.replaceState``); the router is not told, so a later
change of the user's is pushed as before, and Back from it reaches the tidy link.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

_TEMPLATE = """
<template><span class="ca-address-replace" style="display: none"></span></template>
<script>
module.exports = {
  mounted() { this.replace(); },
  watch: { request() { this.replace(); } },
  methods: {
    replace() {
      const cut = this.request.indexOf("|");  // "<count>|<address>": the same address asked twice still acts
      const address = cut < 0 ? "" : this.request.slice(cut + 1);
      if (address && window.location.pathname + window.location.search !== address) {
        window.history.replaceState(window.history.state, "", address + window.location.hash);
      }
    },
  },
};
</script>
"""


class AddressReplace(v.VuetifyTemplate):
    """Replaces the browser's current address with ``request``'s (``"<count>|<path>?<query>"``; see the module)."""

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    request = traitlets.Unicode("").tag(sync=True)
