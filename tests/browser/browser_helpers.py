"""Helpers shared by the browser tests: servers, page problem collection, screenshots."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cmd: list[str], port: int, log: Path) -> subprocess.Popen:
    """Start ``cmd`` in its own process group and wait until it answers HTTP."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"server did not answer on port {port} within 90 s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server and anything it started (its process group)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class PageProblems:
    """Collects page errors, console errors and failed requests of a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("requestfailed", self._request_failed)
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)


    def _request_failed(self, request) -> None:
        # A tissue picture is an image widget whose blob: URL the front end revokes when the
        # next frame replaces it; a load still pending then is aborted. That is a superseded
        # frame, not a page error (the next frame loads); any other failed request counts.
        if request.url.startswith("blob:"):
            return
        self.errors.append(f"failed: {request.url} ({request.failure})")


def day(page) -> int:
    """The simulated day the page shows (its date line "Day N · year …")."""
    return int(page.locator(".sim-date").inner_text().split()[1])


def wait_for_day(page, at_least: int, timeout_s: float = 30) -> int:
    """Wait until the page shows day ``at_least`` or later; fails naming the day it stayed at."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        d = day(page)
        if d >= at_least:
            return d
        time.sleep(0.1)
    raise AssertionError(f"the date stayed at day {day(page)} (wanted >= {at_least})")


def play_until_then_pause(page, at_least: int) -> int:
    """Press Play, wait for day ``at_least``, press Pause; the day the page stays at."""
    page.get_by_role("button", name="▶ Play").click()
    wait_for_day(page, at_least)
    page.get_by_role("button", name="❚❚ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    time.sleep(0.5)  # a frame already on its way may still land
    return day(page)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_dashboard(chromium, url: str, width: int, height: int, query: str = ""):
    """A new browser context of ``width`` x ``height`` on the dashboard at ``url`` with ``query``, once day 0 shows:
    ``(context, page, PageProblems)``; close the context when done."""
    ctx = chromium.new_context(viewport={"width": width, "height": height})
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    problems = PageProblems(page)
    page.goto(f"{url}/{query}")
    page.get_by_text("Day 0 · year 0.0").first.wait_for()
    return ctx, page, problems
