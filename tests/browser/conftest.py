"""Fixtures for the end-to-end tests: real `solara run` servers and Debian's chromium.

Every test here is marked ``browser``. Servers bind 127.0.0.1 on a free port and are
stopped (their whole process group) at the end of the session. Screenshots go to
``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from playwright.sync_api import expect

from browser_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PageProblems, free_port, start_server, stop_server

# Playwright's `expect` waits 5 s by default, apart from the pages' 20 s (dash_context): on a loaded machine a
# demo's runs took longer to build than that, and Play's answer came after it (the CI rehearsal of stop 72, with
# two reviewers' browsers beside it). What a test waits for must still come: a lost press fails after 20 s.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def dashboard_url():
    """The dashboard started the way users start it: `calcium-abm dashboard`."""
    port = free_port()
    cmd = [sys.executable, "-m", "calcium_abm.cli", "dashboard", "--port", str(port), "--no-open"]
    proc = start_server(cmd, port, ARTIFACTS / "dashboard-server.log")
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def dash_context(chromium):
    ctx = chromium.new_context(viewport={"width": 1600, "height": 2000})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def dash_page(dash_context, dashboard_url):
    """A fresh tab on the dashboard, loaded; fails the test on any page error."""
    page = dash_context.new_page()
    problems = PageProblems(page)
    page.goto(dashboard_url + "/")
    page.get_by_text("Day 0 · year 0.0").wait_for()
    yield page
    assert problems.errors == []

