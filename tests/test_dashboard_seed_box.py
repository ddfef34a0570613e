"""The seed box, without a browser: what it shows is the seed that runs, and a refused value is
named whole or visibly shortened (the page rendered with ``solara.render``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import ipyvuetify as v
import pytest
import solara

APP_DIR = Path(__file__).resolve().parent.parent / "app"
sys.path.insert(0, str(APP_DIR))

from calcium_dashboard import settings as ds  # noqa: E402


def _page():
    sys.modules.pop("app", None)
    import app  # noqa: PLC0415 - app/app.py, found through APP_DIR on sys.path

    return app.page


def _seed_box(rc):
    return rc.find(v.TextField, class_="seed-input").widget


def _type(rc, text: str) -> None:
    """What the browser sends when a user types ``text`` in the seed box and leaves it."""
    box = _seed_box(rc)
    box.v_model = text
    box.fire_event("focusout", None)


def _notices(rc) -> list[str]:
    return [str(a.children[0]) for a in rc.find(v.Alert).widgets if "notice" in a.class_]


def _link_seed(rc) -> str | None:
    link = rc.find(v.TextField, class_="share-link").widget.v_model
    found = re.search(r"[?&]seed=(\d+)", link)
    return found.group(1) if found else None


@pytest.fixture
def page():
    _, rc = solara.render(solara.AppLayout(children=[_page()()]), handle_error=False)
    yield rc
    rc.close()


SEED_26 = "12345678901234567890123456"


@pytest.mark.parametrize("typed", [SEED_26, "9" * 20, "-" + SEED_26])
def test_a_refused_long_seed_is_named_whole_or_visibly_shortened(page, typed):
    """A 26-digit seed was refused as 'seed = 123456789012345678901234 is not allowed': two digits cut with
    no mark, a different number. Every run of digits the message shows from the value is the whole value
    or ends in an ellipsis."""
    _type(page, typed)
    notices = _notices(page)
    assert len(notices) == 1 and "seed" in notices[0], notices
    digits = typed.lstrip("-")
    for match in re.finditer(r"\d{13,}(…)?", notices[0]):
        shown = match.group(0)
        if shown == digits or shown.rstrip("…") == str(ds.MAX_SEED):
            continue
        assert shown.endswith("…") and digits.startswith(shown[:-1]), (shown, notices[0])


@pytest.mark.parametrize("typed", [SEED_26, "abc", "-3", "4.5"])
def test_after_a_refusal_the_box_shows_the_seed_that_runs(page, typed):
    """The refused text stayed in the box while the run kept its seed: the box showed a seed that was not
    the one in use. Now the box shows the seed in use again, and the message stays."""
    _type(page, "42")
    assert _seed_box(page).v_model == "42" and _link_seed(page) == "42"
    _type(page, typed)
    assert _notices(page), "the value is refused with a message"
    assert _seed_box(page).v_model == "42"
    assert _link_seed(page) == "42"


def test_after_a_refusal_an_empty_box_says_which_seed_runs(page):
    """With no seed typed the run uses the scenario's own: the box, empty again after a refusal, says so."""
    scenario_seed = ds.resolve_scenario(ds.DEFAULT_SCENARIO).simulation.seed
    _type(page, SEED_26)
    box = _seed_box(page)
    assert _notices(page) and box.v_model in ("", None) and _link_seed(page) is None
    assert str(scenario_seed) in box.hint and box.persistent_hint


def test_an_accepted_seed_runs_and_an_empty_box_goes_back_to_the_scenarios(page):
    from calcium_dashboard.live import FrameView  # noqa: F401 - the page's views are built

    _type(page, "0042")
    assert _seed_box(page).v_model == "42" and _link_seed(page) == "42" and not _notices(page)
    assert "42" in _seed_box(page).hint
    _type(page, "")
    assert _link_seed(page) is None and not _notices(page)
