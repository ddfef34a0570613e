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
from calcium_abm.inert_settings import inert_problems
from calcium_abm.scenario import MAX_SCENARIO_BYTES, parse_scenario_toml

from calcium_dashboard.settings import dashboard_limits_problem

#: longest base64 text that can decode to MAX_SCENARIO_BYTES (4 characters per 3 bytes)
MAX_BASE64_CHARS = 4 * ((MAX_SCENARIO_BYTES + 2) // 3)


def scenario_from_upload(name: str, size: int, data: bytes | None) -> Scenario:
    """The validated scenario in an uploaded file, small enough for the dashboard.

    ``size``: the size the browser reported (bytes); ``data``: the file's bytes, or None when
    it was not sent because it is too large. Raises ScenarioError with a one-line message
    naming what is wrong: too large, not TOML, a field out of range, grids over the
    dashboard's cap (:func:`settings.dashboard_limits_problem`), a setting the person's run would
    not read (:func:`calcium_abm.inert_settings.inert_problems`: the first, as a run refuses it), or
    anything unexpected the parser raised (e.g. deeply nested TOML), never a traceback.
    """
    name = (name or "upload.toml")[:120]
    if size > MAX_SCENARIO_BYTES or data is None or len(data) > MAX_SCENARIO_BYTES:
        shown = max(size, len(data or b""))
        # in bytes, as `calcium-abm run` says it: rounded to MiB, a file just over the limit read "is 1.0 MiB,
        # more than the 1 MiB"
        raise ScenarioError(f"{name}: is {shown:,} bytes, more than the {MAX_SCENARIO_BYTES:,} bytes (1 MiB) "
                            "a scenario file may be")
    try:
        scenario = parse_scenario_toml(data, origin=name, default_name=Path(name).stem[:200] or None)
    except ScenarioError:
        raise
    except RecursionError:
        raise ScenarioError(f"{name}: is nested too deeply to read as a scenario file") from None
    except Exception as exc:  # noqa: BLE001 - one line for anything the parser did not foresee
        first = (str(exc).splitlines() or [""])[0][:120]
        raise ScenarioError(f"{name}: could not be read as a scenario file ({type(exc).__name__}: {first})") from None
    problem = dashboard_limits_problem(scenario) or next(iter(inert_problems(scenario)), None)  # as a run refuses
    if problem:
        raise ScenarioError(f"{name}: {problem}")
    return scenario


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
        raw = data.get("data_b64") if isinstance(data, dict) else None
        name = str(data.get("name") or "upload.toml") if isinstance(data, dict) else "upload.toml"
        try:
            size = max(0, int(data.get("size") or 0))
        except (TypeError, ValueError, AttributeError):
            size = 0
        if isinstance(raw, str) and len(raw) > MAX_BASE64_CHARS:
            # checked before decoding: the text alone tells the decoded size
            self.on_file(name, max(size, len(raw) * 3 // 4), None)
            return
        try:
            content = None if raw is None else base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError, TypeError):
            content = b"\xff"  # reported below as not UTF-8 text
        self.on_file(name, size, content)
