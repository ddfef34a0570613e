"""Dashboard speed: tissue rendering vs Mesa's matplotlib space component, and browser fps.

    .venv/bin/python bench/dashboard.py                 # both parts (needs /usr/bin/chromium)
    .venv/bin/python bench/dashboard.py --no-browser    # rendering only

1. One frame of both tissue views at the default grid (64x64 bone + 64x64 vessel wall),
   to PNG: ``calcium_abm.render`` vs Mesa's ``SpaceRenderer(model, backend="matplotlib")``
   drawing the same property layers and agents and saving the figure as PNG, the way
   SolaraViz's space component does each frame. Same model, same run; medians.
2. Frames per second in headless Chromium while the dashboard plays one simulated week
   per frame: date changes in the page counted by a MutationObserver over fixed windows.
   Targets: rendering >= 5x faster than Mesa, >= 10 frames/s in the browser.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def bench_rendering(repeats: int) -> tuple[float, float]:
    """(ours_ms, mesa_ms): median time for one frame of both tissue views to PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import mesa
    from mesa.visualization import SpaceRenderer
    from mesa.visualization.components import AgentPortrayalStyle, PropertyLayerStyle

    from calcium_abm import CalciumParadoxModel
    from calcium_abm.render import render_tissues_png

    model = CalciumParadoxModel("k2_deficiency", rng=1)
    for _ in range(365):
        model.step()

    def ours():
        render_tissues_png(model.tissue_snapshot())

    def portrayal(agent):
        color = "#ff2828" if type(agent).__name__ == "Osteoclast" else "#28c8ff"
        return AgentPortrayalStyle(color=color, marker="s", size=12)

    def layers(layer):
        styles = {"bone_mineral": PropertyLayerStyle(colormap="magma", vmin=0, vmax=1, alpha=1.0, colorbar=False),
                  "vessel_mineral": PropertyLayerStyle(colormap="magma", vmin=0, vmax=0.05, alpha=1.0,
                                                       colorbar=False),
                  "vsmc_osteochondrogenic": PropertyLayerStyle(color="#3cff78", vmin=0, vmax=1, alpha=0.5,
                                                               colorbar=False)}
        return styles.get(layer.name)

    class VesselView(mesa.Model):
        """The vessel wall grid as a model, so SpaceRenderer (which reads model.grid) draws it."""

        def __init__(self, grid):
            super().__init__(rng=0)
            self.grid = grid

    bone = SpaceRenderer(model, backend="matplotlib").setup_agents(portrayal).setup_propertylayer(layers)
    vessel = SpaceRenderer(VesselView(model.vessel_grid), backend="matplotlib").setup_propertylayer(layers)

    def mesa_frame():
        for renderer, agents in ((bone, True), (vessel, False)):
            ax = renderer.canvas
            for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.images, *ax.artists]:
                artist.remove()  # what SolaraViz does before each redraw
            renderer.draw_propertylayer()
            if agents:
                renderer.draw_agents()
            buf = io.BytesIO()
            ax.get_figure().savefig(buf, format="png", bbox_inches="tight")

    return _median_ms(ours, repeats), _median_ms(mesa_frame, max(3, repeats // 4))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_browser_fps(window_s: float, windows: int) -> list[float]:
    """Frames per second seen in headless Chromium while playing, one value per window."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    cmd = [sys.executable, "-m", "calcium_abm.cli", "dashboard", "--port", str(port), "--no-open"]
    server = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("the dashboard server did not start")
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(url)
            page.get_by_text("Day 0 · year 0.0").wait_for(timeout=60_000)
            page.evaluate("""() => {
                window.__dates = [];
                const el = document.querySelector('.sim-date');
                new MutationObserver(() => window.__dates.push([performance.now(), el.textContent]))
                    .observe(el, {childList: true, subtree: true, characterData: true});
            }""")
            page.get_by_role("button", name="▶ Play").click()  # default speed: 7 days per frame
            time.sleep(1.0)  # let the loop settle
            rates = []
            for _ in range(windows):
                t0 = page.evaluate("performance.now()")
                time.sleep(window_s)
                t1 = page.evaluate("performance.now()")
                dates = {text for t, text in page.evaluate("window.__dates") if t0 <= t <= t1}
                rates.append(len(dates) / ((t1 - t0) / 1000.0))
            browser.close()
        return rates
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=40, help="frames timed for our renderer (Mesa: a quarter)")
    parser.add_argument("--window", type=float, default=4.0, help="seconds per browser fps window")
    parser.add_argument("--windows", type=int, default=3, help="browser fps windows (median reported)")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser measurement")
    args = parser.parse_args(argv)

    ours, theirs = bench_rendering(args.repeats)
    print("one frame of both tissue views (64x64 + 64x64) to PNG, median:")
    print(f"  calcium_abm.render:                     {ours:8.2f} ms")
    print(f"  Mesa SpaceRenderer (matplotlib) + PNG:  {theirs:8.2f} ms")
    print(f"  speed-up: {theirs / ours:.1f}x (target >= 5x)")
    if not args.no_browser:
        rates = bench_browser_fps(args.window, args.windows)
        print(f"headless Chromium, playing 7 simulated days per frame: median {statistics.median(rates):.1f} "
              f"frames/s over {len(rates)} windows of {args.window:g} s "
              f"({', '.join(f'{r:.1f}' for r in rates)}) (target >= 10)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
