"""A phone opens the dashboard with its sidebar closed.

Solara's layout opens the sidebar drawer on load; below 960 px Vuetify draws it over the page, so on a
390 px phone the first thing seen was the settings, covering the run. The server does not know the
screen's width, so :class:`PhoneSidebar` (an invisible widget) closes the drawer in the browser, once per
page load, on a screen at most :data:`PHONE_MAX_WIDTH_PX` wide, by pressing the app bar's menu button
for the user (the drawer's state is the server's). The same button opens it again, and a lecture demo picked in
the open drawer closes it the same way, so its run is in view.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

#: the widest screen treated as a phone (the page's one-column breakpoint)
PHONE_MAX_WIDTH_PX = 600

_TEMPLATE = """
<template><span class="ca-phone-sidebar" style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    const phone = `(max-width: ${this.max_width}px)`;
    if (!window.caPhoneDemoCloses) {  // a demo picked in the drawer shows its run: the drawer closes (a student)
      window.caPhoneDemoCloses = true;
      document.addEventListener("click", (event) => {
        if (window.matchMedia(phone).matches && event.target.closest
            && event.target.closest(".v-navigation-drawer--open .demo-button")) {
          setTimeout(() => {
            const button = document.querySelector(".v-navigation-drawer--is-mobile.v-navigation-drawer--open")
              && document.querySelector(".v-app-bar__nav-icon");
            if (button) { button.click(); }
          }, 200);
        }
      }, true);
    }
    if (window.caPhoneSidebarDone || !window.matchMedia(phone).matches) {
      return;
    }
    window.caPhoneSidebarDone = true;  // once per page load: a drawer the user opens stays open
    const started = Date.now();
    const close = () => {
      // the app bar's menu button (Vuetify ignores a script's click on the overlay: not a trusted event)
      const button = document.querySelector(".v-navigation-drawer--is-mobile.v-navigation-drawer--open")
        && document.querySelector(".v-app-bar__nav-icon");
      if (button) {
        button.click();
      } else if (Date.now() - started < 10000) {
        setTimeout(close, 100);  // the drawer opens after this widget is mounted
      }
    };
    close();
  },
};
</script>
"""


class PhoneSidebar(v.VuetifyTemplate):
    """Closes the sidebar drawer on a phone's first load (see the module docstring)."""

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    max_width = traitlets.Int(PHONE_MAX_WIDTH_PX).tag(sync=True)
