"""The address bar under a router, the browser's location widget simulated as solara's Navigator (a second reading of
stop 69): the page follows the address, gives an address it reads but did not write its own link, and keeps
``calcium-abm dashboard --scenario``'s default when the browser reports the bare "/". The page's own link replaces
such an address (AddressReplace, in the browser) and is never pushed over it: pushed, Back returned to the untidy
address, which was tidied and pushed again, so Back never left the page (a lecturer, stop 70)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import ipyvuetify as v
import solara
import solara.widgets
from solara.autorouting import RoutingProvider

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from calcium_dashboard import page as dp  # noqa: E402
from wait_helpers import wait_until  # noqa: E402


def _render(monkeypatch, default: str, opened: str):
    monkeypatch.setenv(dp.DEFAULT_QUERY_ENV, default)
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py

    rc = solara.render(RoutingProvider(children=[solara.AppLayout(children=[app.page()])],
                                       routes=[solara.Route(path="/")], pathname=opened), handle_error=False)[1]
    return rc, rc.find(solara.widgets.Navigator).widget


def _replaced(rc) -> str:
    """The address the page asked the browser to put in place of the current one ("" for none)."""
    from calcium_dashboard.address import AddressReplace

    return rc.find(AddressReplace).widget.request.partition("|")[2]


def test_the_command_s_default_scenario_stays_when_the_browser_reports_the_bare_address(monkeypatch):
    rc, nav = _render(monkeypatch, "scenario=ckd_stage5", "/")
    try:
        nav.location = "/"  # the browser's location widget starts: the address as opened
        share = lambda: rc.find(v.TextField, class_="share-link").widget.v_model  # noqa: E731
        assert wait_until(lambda: _replaced(rc) == "/?scenario=ckd_stage5")
        assert share() == "?scenario=ckd_stage5"  # it went to healthy_adult
        assert nav.location == "/"  # replaced in the browser, not pushed: Back leaves the page
    finally:
        rc.close()


def test_an_address_the_page_ignored_gets_the_page_s_own_link_whenever_the_browser_reports_it(monkeypatch):
    rc, nav = _render(monkeypatch, "", "/?scenario=nonexistent")
    try:
        time.sleep(1.0)  # the browser reports later than the page's first push (it is tidied whenever it comes)
        nav.location = "/?scenario=nonexistent"
        assert wait_until(lambda: _replaced(rc) == "/?scenario=healthy_adult")
        assert nav.location == "/?scenario=nonexistent"  # no entry pushed over it
    finally:
        rc.close()


def test_back_to_an_earlier_address_brings_its_settings_back(monkeypatch):
    rc, nav = _render(monkeypatch, "", "/?scenario=healthy_adult")
    try:
        nav.location = "/?scenario=healthy_adult"
        nav.location = "/?scenario=k2_deficiency"  # Back (or Forward) to another entry of the tab's history
        share = lambda: rc.find(v.TextField, class_="share-link").widget.v_model  # noqa: E731
        assert wait_until(lambda: share() == "?scenario=k2_deficiency")
        assert nav.location == "/?scenario=k2_deficiency"  # no new entry pushed over it
    finally:
        rc.close()
