"""Who gets the next frame when many tabs play: the tab that has waited longest for a turn,
a tab's first frame before the others' next ones, each tab at most its share of the server's
frames, and widget messages queued rather than each waiting for the event loop.
Behaviour only: no timing assertions."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

APP_DIR = Path(__file__).resolve().parent.parent / "app"
sys.path.insert(0, str(APP_DIR))

from calcium_dashboard import page  # noqa: E402
from calcium_dashboard import settings as ds  # noqa: E402
from calcium_dashboard.charts import AxisLock  # noqa: E402
from calcium_dashboard.server import NEVER, FairGate, TabWatch, queue_widget_messages  # noqa: E402
from calcium_dashboard.session import build_runs  # noqa: E402


def _serve_in_turn(gate: FairGate, claims: list[tuple[str, float]]) -> list[str]:
    """Hold ``gate`` while callers arrive one by one with their ``since`` claims; the order served."""
    order: list[str] = []
    gate.acquire()
    threads = []
    for name, since in claims:
        t = threading.Thread(target=lambda n=name, s=since: (gate.acquire(s), order.append(n), gate.release()))
        t.start()
        threads.append(t)
        deadline = time.monotonic() + 5
        while len(gate._waiting) < len(threads) and time.monotonic() < deadline:
            time.sleep(0.005)  # wait until it is queued, so the arrival order is the list's
    gate.release()
    for t in threads:
        t.join(5)
    return order


def test_the_tab_that_has_waited_longest_for_a_turn_is_served_first():
    now = time.monotonic()
    claims = [("just served", now), ("served 3 s ago", now - 3), ("served 1 s ago", now - 1)]
    assert _serve_in_turn(FairGate(1), claims) == ["served 3 s ago", "served 1 s ago", "just served"]


def test_a_new_tabs_first_frame_goes_before_the_playing_tabs_next_frames():
    now = time.monotonic()
    claims = [("playing A", now - 5), ("playing B", now - 4), ("new tab", NEVER), ("step click", NEVER)]
    order = _serve_in_turn(FairGate(1), claims)
    assert order == ["new tab", "step click", "playing A", "playing B"]  # equal claims: arrival order


def test_a_play_loop_claims_its_turn_with_the_start_of_its_previous_frame(monkeypatch):
    class RecordingGate:
        def __init__(self):
            self.claims: list[float] = []
            self.entered: list[float] = []

        def acquire(self, since=NEVER):
            self.claims.append(since)
            self.entered.append(time.monotonic())

        def release(self):
            pass

    gate = RecordingGate()
    monkeypatch.setattr(page, "FRAME_GATE", gate)
    monkeypatch.setattr(page, "SERVER_FRAMES_PER_S", 1e6)  # no pause between frames in this test
    runs = build_runs(ds.DashboardSettings(a=ds.SideSettings("healthy_adult"), seed=3))
    sink = page.FrameSink(page._frames(runs), AxisLock())

    answers = iter(["", "", ""])  # the tab is there for three frames, then gone
    watch = SimpleNamespace(kernel_id="claims-test", gone=lambda: next(answers, "tab closed"), backlog=lambda: 0)
    page.play_frames(runs, sink, 7, lambda: True, watch, lambda: None, lambda reason: None)
    assert len(gate.claims) == 3 and runs[0].day == 21
    assert gate.claims[0] == NEVER  # its first frame goes before the other tabs' next ones
    for i in (1, 2):  # then: when its previous turn began (taken as it was let in)
        assert gate.entered[i - 1] <= gate.claims[i] <= gate.entered[i]
    assert gate.claims[1] < gate.claims[2]


def test_each_tab_plays_at_most_its_share_of_the_servers_frames():
    for tabs in (1, 2, 3, 10, 30, 60):
        per_tab = 1.0 / page.frame_interval_s(tabs)
        assert per_tab <= page.MAX_FRAMES_PER_S
        assert tabs * per_tab <= max(page.SERVER_FRAMES_PER_S, page.MAX_FRAMES_PER_S) + 1e-9
    assert 1.0 / page.frame_interval_s(1) == page.MAX_FRAMES_PER_S  # one tab: full speed
    assert 1.0 / page.frame_interval_s(30) >= 2.0  # the classroom target is not capped away
    assert page.frame_interval_s(30) > page.frame_interval_s(10)
    assert page.frame_interval_s(0) == page.frame_interval_s(1)


def _fake_solara(attempts: int, on: bool = False):
    settings = SimpleNamespace(main=SimpleNamespace(experimental_performance=on))
    info = SimpleNamespace(attempts=attempts, open=0, closed=attempts)
    return settings, SimpleNamespace(WebsocketDebugInfo=info)


@pytest.mark.parametrize("env", [None, "false"])
def test_widget_messages_are_queued_if_set_before_the_first_connection(monkeypatch, env):
    if env is None:
        monkeypatch.delenv("SOLARA_EXPERIMENTAL_PERFORMANCE", raising=False)
    else:
        monkeypatch.setenv("SOLARA_EXPERIMENTAL_PERFORMANCE", env)
    settings, starlette = _fake_solara(attempts=0)
    assert queue_widget_messages(settings, starlette) is (env is None)
    # a connection opened before would have no writer for its queue: then nothing changes
    late, starlette = _fake_solara(attempts=1)
    assert queue_widget_messages(late, starlette) is False
    assert late.main.experimental_performance is False


def test_a_page_request_holds_the_play_loops_until_its_render_is_done():
    gate = FairGate(1, newcomer_max_s=600.0)  # a hold that cannot run out during the test, however loaded the machine
    request = gate.page_requested()  # a browser asks for the page
    entered = threading.Event()
    t = threading.Thread(target=lambda: (gate.acquire(time.monotonic()), entered.set(), gate.release()))
    t.start()
    assert not entered.wait(0.3)  # held back while the page loads
    render = gate.newcomer()  # the page's first render takes the hold over
    assert render == request
    assert not entered.wait(0.2)
    gate.newcomer_done(render)
    assert entered.wait(60)
    t.join(60)
    timings = gate.openings[-1]
    assert set(timings) >= {"render", "done", "opened_epoch"} and timings["render"] <= timings["done"]
    assert gate.newcomer() != request  # a render with no page request waiting opens its own hold


def test_a_page_request_no_render_takes_over_runs_out_and_is_forgotten():
    gate = FairGate(1, newcomer_max_s=0.2)
    gate.page_requested()  # e.g. a page that was closed before it connected
    with gate:  # waits for the hold to run out by itself
        pass
    assert not gate._requested and not gate._opening
    token = gate.newcomer()
    gate.newcomer_done(token)
    assert "render" not in gate.openings[-1]  # not the stale request's hold


def test_a_tab_whose_browser_is_behind_gets_no_new_frame_until_it_catches_up():
    queued = SimpleNamespace(to_send=["m"] * 40)
    context = SimpleNamespace(kernel=SimpleNamespace(session=SimpleNamespace(websockets=[queued])))
    assert TabWatch(context).backlog() == 40 and TabWatch(None).backlog() == 0
    runs = build_runs(ds.DashboardSettings(a=ds.SideSettings("healthy_adult"), seed=4))
    sink = page.FrameSink(page._frames(runs), AxisLock())
    answers = iter(["", "", "", ""])  # four looks at the tab, then it is gone
    backlogs = iter([page.MAX_QUEUED_MESSAGES + 1] * 2)  # behind at the first two looks, then not
    watch = SimpleNamespace(kernel_id="backlog-test", gone=lambda: next(answers, "tab closed"),
                            backlog=lambda: next(backlogs, 0))
    page.play_frames(runs, sink, 7, lambda: True, watch, lambda: None, lambda reason: None)
    assert runs[0].day == 2 * 7  # frames only at the two looks when it had caught up
