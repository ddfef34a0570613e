"""Dashboard speed: tissue rendering vs Mesa's matplotlib space component, browser fps, and
a classroom of 30 tabs on one server (loopback only).

    .venv/bin/python bench/dashboard.py                 # parts 1 and 2 (needs /usr/bin/chromium)
    .venv/bin/python bench/dashboard.py --no-browser    # rendering only
    .venv/bin/python bench/dashboard.py --classroom     # part 3 only (about 5 minutes)
    .venv/bin/python bench/dashboard.py --frame-cost    # part 4 only (about 1 minute)

1. One frame of both tissue views at the default grid (64x64 bone + 64x64 vessel wall),
   to PNG: ``calcium_abm.render`` vs Mesa's ``SpaceRenderer(model, backend="matplotlib")``
   drawing the same property layers and agents and saving the figure as PNG, the way
   SolaraViz's space component does each frame. Same model, same run; medians.
2. Frames per second in headless Chromium while the dashboard plays one simulated week
   per frame: date changes in the page counted by a MutationObserver over fixed windows.
   Targets: rendering >= 5x faster than Mesa, >= 10 frames/s in the browser.
3. A classroom: ``--tabs`` (30) tabs in a Chromium of their own all play at 7 simulated
   days per frame. Frames per second per tab come from the server's play-loop register
   (``/dashboardz``, answered to this machine only) over ``--window`` seconds; then a
   31st tab (another browser) is timed from navigation to its first frame (the date and
   the tissue pictures shown). Then the 30-tab Chromium is killed (tabs vanish without
   closing, as when a laptop lid shuts) and the server's resident memory is read
   ``--after`` seconds later and compared with the idle server (one tab opened and closed).
   Targets: slowest tab >= 2 frames/s; 31st tab's first frame <= 5 s; memory within 20 %
   of idle 2 minutes after the tabs vanish. It also prints the CPU the server and the
   tabs' Chromium used over the window, the server's CPU per frame (so what 30 tabs at
   2 frames/s would need), and the models still in memory after the tabs vanished
   (``/memoryz``; 0 unless a tab's models leak), where each frame's time went (waiting
   for the gate, making it, sending it: per tab, from ``/dashboardz``), and where the 31st
   tab's time went (page loaded, websocket open, date shown; the server's request, render
   and build times). ``--server-repo DIR`` runs the server of another checkout (e.g. a
   ``git archive`` of an older commit) with this script, for before/after comparisons;
   ``--tabs 12 --class-window 20 --after 5`` is a shorter run for such comparisons.
4. What a frame costs: ``--tabs`` (use 6-8) tabs in one Chromium play at 7 simulated days
   per frame for ``--class-window`` seconds; the CPU time the server and the Chromium (all
   its processes) used, divided by the frames the server made. CPU time per frame, unlike
   frames per second, hardly depends on what else runs on the machine, so before/after
   comparisons (``--server-repo``) hold on a shared machine. ``--query present=1`` plays in
   presentation mode (the paradox chart on screen); ``--viewport 1600x2000`` puts every chart
   on screen.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
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


def _cpu_seconds(procs) -> float:
    """User + system CPU seconds of the psutil processes ``procs`` (those that ended count 0)."""
    import psutil

    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _with_children(proc) -> list:
    """``proc`` and all its descendants (a browser's renderer processes)."""
    return [proc] + proc.children(recursive=True)


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


def _start_server(port: int, repo: Path = REPO) -> subprocess.Popen:
    """``calcium-abm dashboard`` from the checkout ``repo`` (another checkout: an A/B comparison)."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONPATH": str(repo)}
    cmd = [sys.executable, "-m", "calcium_abm.cli", "dashboard", "--host", "127.0.0.1", "--port", str(port),
           "--no-open"]
    server = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            return server
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                os.killpg(server.pid, signal.SIGTERM)
                raise RuntimeError("the dashboard server did not start")
            time.sleep(0.3)


def _dashboardz(base: str) -> dict:
    with urllib.request.urlopen(base + "/dashboardz", timeout=30) as r:
        return json.loads(r.read())


def _loops(base: str) -> dict[int, dict]:
    return {rec["loop_id"]: rec for rec in _dashboardz(base)["play_loops"]["loops"]}


def _spawn_chromium() -> tuple[subprocess.Popen, int]:
    """A Chromium of our own, driven over CDP on loopback, so it can be killed like a lost laptop."""
    port = _free_port()
    profile = tempfile.mkdtemp(prefix="calcium-abm-bench-")
    proc = subprocess.Popen(["/usr/bin/chromium", "--headless", f"--remote-debugging-port={port}",
                             "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}",
                             *CHROMIUM_ARGS, "--disable-sync", "--no-first-run", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("could not start Chromium")


def _first_frame_s(page, url: str, phases: dict | None = None) -> float:
    """Seconds from navigation to the first frame (date and a tissue picture shown); with
    ``phases``, also when the page's HTML had loaded and when the date appeared."""
    t, t_epoch = time.perf_counter(), time.time()
    opened = []
    page.on("websocket", lambda ws: opened.append(time.perf_counter() - t))
    page.goto(url)
    loaded = time.perf_counter() - t
    page.locator(".sim-date").wait_for(timeout=120_000)
    dated = time.perf_counter() - t
    page.locator("canvas.ca-tissue, img.ca-tissue").first.wait_for(state="attached", timeout=120_000)
    pictured = time.perf_counter() - t
    # the pictures are drawn: FrameView sets data-day when it draws a frame (an older server's
    # pictures are <img> elements, loaded when complete)
    page.wait_for_function("() => { const v = document.querySelector('.ca-tissues'); "
                           "if (v) return v.dataset.day !== undefined; "
                           "return [...document.querySelectorAll('img.ca-tissue')].some(i => i.complete && "
                           "i.naturalWidth > 0); }", timeout=120_000)
    if phases is not None:
        phases.update(html_loaded_s=loaded, websocket_s=opened[0] if opened else float("nan"),
                      date_shown_s=dated, picture_element_s=pictured, navigated_epoch=t_epoch)
    return time.perf_counter() - t


def _per_frame_ms(before: dict[int, dict], after: dict[int, dict], key: str) -> list[float]:
    """Per playing loop, the mean milliseconds per frame spent on ``key`` over the window
    (empty for a server that does not time its frames)."""
    out = []
    for k, b in before.items():
        a = after.get(k)
        if a is None or key not in a or not b["running"]:
            continue
        frames = a["frames"] - b["frames"]
        if frames > 0:
            out.append(1e3 * (a[key] - b[key]) / frames)
    return sorted(out)


def bench_classroom(tabs: int, window_s: float, after_s: float, repo: Path = REPO, query: str = "",
                    viewport: tuple[int, int] = (1280, 900)) -> dict[str, float]:
    """The classroom figures (see the module docstring, part 3), for the server in ``repo``; the
    playing tabs open ``/?query`` at ``viewport`` (the default 1280x900 page has its charts below
    the fold, so they are not redrawn; ``present=1`` puts the paradox chart on screen)."""
    import psutil
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port, repo)
    victim = None
    try:
        rss = lambda: psutil.Process(server.pid).memory_info().rss  # noqa: E731 - the server's own memory
        with sync_playwright() as pw:
            local = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            warm = local.new_page(viewport={"width": 1280, "height": 900})
            _first_frame_s(warm, base + "/")
            warm.close()
            alone = local.new_page(viewport={"width": 1280, "height": 900})
            first_frame_alone = _first_frame_s(alone, base + "/")  # the same, with no tab playing
            alone.close()
            time.sleep(10)
            idle = rss()
            victim, cdp = _spawn_chromium()
            remote = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{cdp}")
            context = remote.contexts[0]
            pages = []
            for i in range(tabs):  # open them all first: a 10-year run lasts ~2 min at 4 frames/s
                page = context.new_page()
                page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
                page.goto(f"{base}/?{query}")
                page.locator(".sim-date").wait_for(timeout=120_000)
                pages.append(page)
            for page in pages:
                page.get_by_role("button", name="▶ Play").click()  # default speed: 7 days per frame
            time.sleep(5.0)  # let every loop settle
            server_p, browser_p = psutil.Process(server.pid), psutil.Process(victim.pid)
            before = _loops(base)
            cpu0 = (_cpu_seconds([server_p]), _cpu_seconds(_with_children(browser_p)))
            t0 = time.perf_counter()
            time.sleep(window_s)
            after = _loops(base)
            elapsed = time.perf_counter() - t0
            cpu1 = (_cpu_seconds([server_p]), _cpu_seconds(_with_children(browser_p)))
            server_cores, browser_cores = ((b - a) / elapsed for a, b in zip(cpu0, cpu1))
            rates = sorted((after[k]["frames"] - before[k]["frames"]) / elapsed
                           for k in before if before[k]["running"] and k in after)
            frames_made = sum(after[k]["frames"] - before[k]["frames"] for k in before if k in after)
            stop_reasons = collections.Counter(r["stop_reason"] or "running" for r in after.values())
            newcomer = local.new_page(viewport={"width": 1280, "height": 900})
            phases: dict = {}
            first_frame = _first_frame_s(newcomer, base + "/", phases)
            newcomer.close()
            openings = _dashboardz(base).get("openings", [])
            peak = rss()
            os.killpg(victim.pid, signal.SIGKILL)  # the tabs vanish without closing
            victim.wait(10)
            victim = None
            time.sleep(after_s)
            later = rss()
            still = sum(r["running"] for r in _loops(base).values())
            with urllib.request.urlopen(base + "/resourcez", timeout=30) as r:
                kernels_after = json.loads(r.read())["kernels"]["total"]
            try:
                with urllib.request.urlopen(base + "/memoryz", timeout=60) as r:
                    models_after = json.loads(r.read())["instances"]["CalciumParadoxModel"]
            except urllib.error.HTTPError:  # an older server (--server-repo) has no /memoryz
                models_after = "unknown"
            local.close()
        return {"tabs": tabs, "query": query, "viewport": f"{viewport[0]}x{viewport[1]}", "playing": len(rates), "slowest_fps": rates[0] if rates else 0.0,
                "median_fps": statistics.median(rates) if rates else 0.0, "fastest_fps": rates[-1] if rates else 0.0,
                "first_frame_s": first_frame, "first_frame_alone_s": first_frame_alone, "idle_mb": idle / 2**20, "peak_mb": peak / 2**20,
                "after_mb": later / 2**20, "loops_running_after": still, "kernels_after": kernels_after,
                "stop_reasons": dict(stop_reasons), "server_cores": server_cores, "browser_cores": browser_cores,
                "server_ms_per_frame": 1e3 * server_cores * elapsed / max(1, frames_made),
                "models_after": models_after, "newcomer_phases": phases,
                "newcomer_server": openings[-1] if openings else {},
                "per_frame_ms": {key: _per_frame_ms(before, after, key)
                                 for key in ("gate_wait_s", "compute_s", "send_s")}}
    finally:
        if victim is not None and victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def bench_frame_cost(tabs: int, window_s: float, repo: Path = REPO, query: str = "",
                     viewport: tuple[int, int] = (1280, 900)) -> dict[str, float]:
    """Part 4 (module docstring): CPU milliseconds per frame of the server and of the tabs'
    Chromium, with ``tabs`` tabs playing at 7 days per frame for ``window_s`` seconds."""
    import psutil
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port, repo)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            pages = []
            for _ in range(tabs):
                page = context.new_page()
                page.goto(f"{base}/?{query}")
                page.locator(".sim-date").wait_for(timeout=120_000)
                pages.append(page)
            for page in pages:
                page.get_by_role("button", name="▶ Play").click()  # default speed: 7 days per frame
            time.sleep(4.0)  # let every loop settle
            server_p = psutil.Process(server.pid)
            chromium = [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()]
            before, cpu0, t0 = _loops(base), (_cpu_seconds([server_p]), _cpu_seconds(chromium)), time.perf_counter()
            time.sleep(window_s)
            after, cpu1 = _loops(base), (_cpu_seconds([server_p]), _cpu_seconds(chromium))
            elapsed = time.perf_counter() - t0
            browser.close()
        frames = sum(after[k]["frames"] - before[k]["frames"] for k in before if k in after)
        rates = sorted((after[k]["frames"] - before[k]["frames"]) / elapsed
                       for k in before if before[k]["running"] and k in after)
        return {"tabs": tabs, "frames": frames, "seconds": elapsed, "query": query,
                "viewport": f"{viewport[0]}x{viewport[1]}",
                "slowest_fps": rates[0] if rates else 0.0, "fastest_fps": rates[-1] if rates else 0.0,
                "server_cores": (cpu1[0] - cpu0[0]) / elapsed, "browser_cores": (cpu1[1] - cpu0[1]) / elapsed,
                "server_ms_per_frame": 1e3 * (cpu1[0] - cpu0[0]) / max(1, frames),
                "browser_ms_per_frame": 1e3 * (cpu1[1] - cpu0[1]) / max(1, frames)}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def frame_cost_report(f: dict) -> str:
    """Part 4's figures as printed."""
    return (f"frame cost: {f['tabs']} tabs at 7 simulated days per frame, {f['viewport']}"
            f"{', query ' + f['query'] if f['query'] else ''}: {f['frames']} frames in {f['seconds']:.1f} s "
            f"({f['slowest_fps']:.2f}-{f['fastest_fps']:.2f} frames/s per tab); CPU per frame: server "
            f"{f['server_ms_per_frame']:.1f} ms, browser {f['browser_ms_per_frame']:.1f} ms (server "
            f"{f['server_cores']:.2f} cores, browser {f['browser_cores']:.2f}; load average {f['load_average']:.1f})")


def report(f: dict) -> str:
    """The classroom figures as printed (and as the README block shows them), from the dict
    :func:`bench_classroom` returns plus the run's ``cores``, ``class_window_s``, ``after_s``,
    ``load_average`` and ``measured``."""
    lines = [f"measured {f.get('measured', '?')}"]
    page = f"{f.get('viewport', '1280x900')} page" + (f", /?{f['query']}" if f.get("query") else "")
    lines.append(f"classroom: {f['tabs']} tabs playing 7 simulated days per frame on {f['cores']} cores, "
                 f"{page} ({f['playing']} loops measured over {f['class_window_s']:g} s)")
    lines.append(f"  frames/s per tab: slowest {f['slowest_fps']:.2f}, median {f['median_fps']:.2f}, "
                 f"fastest {f['fastest_fps']:.2f} (target: slowest >= 2)")
    lines.append(f"  tab number {f['tabs'] + 1}: first frame after {f['first_frame_s']:.2f} s (target <= 5 s; "
                 f"{f['first_frame_alone_s']:.2f} s with no tab playing)")
    change = 100.0 * (f["after_mb"] - f["idle_mb"]) / f["idle_mb"]
    lines.append(f"  server memory: idle {f['idle_mb']:.0f} MB, with {f['tabs']} tabs {f['peak_mb']:.0f} MB, "
                 f"{f['after_s']:g} s after they vanished {f['after_mb']:.0f} MB ({change:+.0f} % vs idle; "
                 f"target within 20 %); play loops still running: {f['loops_running_after']}, "
                 f"tabs' kernels still open: {f['kernels_after']}, models still in memory: {f['models_after']}")
    lines.append(f"  play loops at the end of the window: {f['stop_reasons']}; CPU used meanwhile: server "
                 f"{f['server_cores']:.2f} cores, the tabs' Chromium {f['browser_cores']:.2f} cores "
                 f"(load average {f['load_average']:.1f}); server CPU per frame {f['server_ms_per_frame']:.1f} ms, "
                 f"so {f['tabs']} tabs at 2 frames/s need {f['tabs'] * 2 * f['server_ms_per_frame'] / 1e3:.2f} server cores")
    p, srv = f["newcomer_phases"], dict(f["newcomer_server"])
    if "opened_epoch" in srv:
        srv["request_after_navigation_s"] = round(srv.pop("opened_epoch") - p["navigated_epoch"], 3)
    lines.append(f"  tab number {f['tabs'] + 1}, browser: page loaded after {p['html_loaded_s']:.2f} s, websocket "
                 f"opened after {p['websocket_s']:.2f} s, date shown after {p['date_shown_s']:.2f} s, "
                 f"picture element after {p['picture_element_s']:.2f} s; server, seconds "
                 f"from the page's request (or first render) to each stage: {srv or 'not timed'}")
    for key, values in f["per_frame_ms"].items():
        if values:
            lines.append(f"  per frame, {key[:-2]}: median tab {statistics.median(values):.1f} ms, "
                         f"lowest {values[0]:.1f}, highest {values[-1]:.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=40, help="frames timed for our renderer (Mesa: a quarter)")
    parser.add_argument("--window", type=float, default=4.0, help="seconds per browser fps window")
    parser.add_argument("--windows", type=int, default=3, help="browser fps windows (median reported)")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser measurement")
    parser.add_argument("--classroom", action="store_true", help="run only part 3, the classroom")
    parser.add_argument("--frame-cost", action="store_true", help="run only part 4, CPU per frame")
    parser.add_argument("--query", default="", help="with --frame-cost or --classroom, the playing tabs' query "
                        "string (e.g. present=1)")
    parser.add_argument("--viewport", default="1280x900", help="with --frame-cost or --classroom, the playing "
                        "tabs' size WIDTHxHEIGHT")
    parser.add_argument("--tabs", type=int, default=None,
                        help="tabs playing at once (default: 30 with --classroom, 6 with --frame-cost)")
    parser.add_argument("--class-window", type=float, default=30.0, help="seconds over which tab fps is measured")
    parser.add_argument("--after", type=float, default=120.0,
                        help="seconds after the tabs vanish at which server memory is read")
    parser.add_argument("--server-repo", type=Path, default=REPO,
                        help="checkout whose dashboard server the classroom runs (default: this one), "
                             "for before/after comparisons")
    parser.add_argument("--json", type=Path, default=None,
                        help="with --classroom, also save the figures as JSON (the README block reads "
                             "bench/results/dashboard.json)")
    args = parser.parse_args(argv)

    width, height = (int(x) for x in args.viewport.lower().split("x"))
    if args.frame_cost:
        f = bench_frame_cost(args.tabs or 6, args.class_window, args.server_repo.resolve(), args.query,
                             (width, height))
        print(frame_cost_report(dict(f, load_average=os.getloadavg()[0])))
        return 0
    if args.classroom:
        f = bench_classroom(args.tabs or 30, args.class_window, args.after, args.server_repo.resolve(), args.query,
                            (width, height))
        f = dict(f, cores=os.cpu_count(), class_window_s=args.class_window, after_s=args.after,
                 load_average=os.getloadavg()[0], measured=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        print(report(f))
        if args.json is not None:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(f, indent=1, default=str) + "\n", encoding="utf-8")
            print(f"figures saved to {args.json}")
        return 0

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
