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
