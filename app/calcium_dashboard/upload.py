"""Loading a scenario file the user picks or drops in the browser.

The browser checks the size before sending anything, so a file over the 1 MiB limit never
crosses the websocket; the server checks again and parses the text as TOML data (never
code) through :func:`calcium_abm.scenario.parse_scenario_toml`.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

import ipyvuetify as v
import traitlets

from calcium_abm import Scenario, ScenarioError
from calcium_abm.scenario import MAX_SCENARIO_BYTES, parse_scenario_toml


def scenario_from_upload(name: str, size: int, data: bytes | None) -> Scenario:
    """The validated scenario in an uploaded file; ScenarioError names what is wrong."""
    name = name or "upload.toml"
    if size > MAX_SCENARIO_BYTES or data is None or len(data) > MAX_SCENARIO_BYTES:
        shown = max(size, len(data or b""))
        raise ScenarioError(f"{name}: is {shown / 1024 / 1024:.1f} MiB, more than the 1 MiB a scenario file may be")
    return parse_scenario_toml(data, origin=name, default_name=Path(name).stem[:200] or None)


class ScenarioFileInput(v.VuetifyTemplate):
    """A file picker that sends the chosen file (base64) to ``on_file(name, size, data)``."""

    template = traitlets.Unicode("""
<template>
  <label class="scenario-upload" style="display:block; cursor:pointer; padding:6px 0">
    <input type="file" accept=".toml,text/plain,application/toml" class="scenario-file-input" @change="picked" />
  </label>
</template>
<script>
module.exports = {
  methods: {
    picked(event) {
      const input = event.target;
      const file = input.files && input.files[0];
      if (!file) return;
      if (file.size > this.max_bytes) {
        this.file_chosen({name: file.name, size: file.size, data_b64: null});
        input.value = "";
        return;
      }
      const reader = new FileReader();
      reader.onload = () => {
        const url = String(reader.result);
        this.file_chosen({name: file.name, size: file.size, data_b64: url.slice(url.indexOf(",") + 1)});
        input.value = "";
      };
      reader.readAsDataURL(file);
    }
  }
}
</script>
""").tag(sync=True)
    max_bytes = traitlets.Int(MAX_SCENARIO_BYTES).tag(sync=True)
    on_file = traitlets.Callable(None, allow_none=True)

    def vue_file_chosen(self, data: dict[str, Any]) -> None:
        if self.on_file is None:
            return
        raw = data.get("data_b64")
        try:
            content = None if raw is None else base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            content = b"\xff"  # reported below as not UTF-8 text
        self.on_file(str(data.get("name") or "upload.toml"), int(data.get("size") or 0), content)
