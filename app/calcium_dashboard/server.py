"""What the dashboard shares across browser tabs: fair stepping, a register of play loops,
and the server settings that keep a classroom server bounded.

* :class:`FairGate` lets at most ``slots`` play loops compute a frame at once and serves
  the loop that has waited longest for a turn first (a tab's first frame before all), so with
  30 tabs on 2 cores every tab gets a frame in turn (a plain lock or the GIL lets a few
  threads win most of the time).
* :data:`PLAY_LOOPS` records every running play loop (tab, frames made, why it stopped).
  ``/dashboardz`` shows it as JSON, to this machine only, for tests and ``bench/dashboard.py``.
* :func:`install` (called once from ``app/app.py`` inside the server) culls disconnected
  tabs after :data:`DEFAULT_CULL_TIMEOUT`, hands closed tabs' memory back to the system,
  names the page (:data:`PAGE_TITLE`), hides Solara's corner badge, queues widget messages instead of making each sending thread
  wait for the event loop (:func:`queue_widget_messages`), and answers the diagnostics
  endpoints (``/resourcez``, ``/dashboardz``) only from the loopback address, also when the
  server listens on ``0.0.0.0``.
"""

from __future__ import annotations

import collections
import heapq
import ipaddress
import itertools
import logging
import os
import threading
import time
from dataclasses import dataclass, field

logger = logging.getLogger("calcium_dashboard")

#: Solara keeps a disconnected tab's kernel (models, play loop) for ``kernel.cull_timeout``,
#: 24 h by default; a classroom server frees it after this (assumption: a lid closed for
#: longer than a minute can reload the page). ``SOLARA_KERNEL_CULL_TIMEOUT`` overrides it.
DEFAULT_CULL_TIMEOUT = "1m"
#: a play loop whose tab has had no connected page for this long stops (seconds); a short
#: network blip (websocket reconnect) does not stop it
DISCONNECTED_GRACE_S = 5.0
#: play loops making a frame at the same time, server-wide. One: the model and the pictures
#: are Python under one GIL, so a second slot only adds switching (the widget messages are
#: sent after the gate, so that sending them never holds up the other tabs),
#: and the thread building a newly opened tab then competes with one loop, not with 30
GATE_SLOTS = 1
#: seconds between chart redraws of one tab while playing, per tab playing on the server:
#: the charts' JSON is the largest part of a frame, so a full classroom redraws them less often
CHART_INTERVAL_PER_PLAYING_TAB_S = 0.1
#: widget messages are queued per connection and written by the event loop in batches
#: (:func:`queue_widget_messages`)
QUEUE_WIDGET_MESSAGES = True
#: a play loop makes no new frame while more than this many of its tab's widget messages wait
#: to be written (about ten frames: a frame is one message, a chart redraw one per chart): a tab
#: whose browser or network cannot keep up is slowed down instead of its queue growing without
#: bound (:meth:`TabWatch.backlog`)
MAX_QUEUED_MESSAGES = 14
#: paths answered only to the loopback address
LOCAL_ONLY_PATHS = ("/resourcez", "/dashboardz", "/memoryz", "/profilez")


#: ``FairGate.acquire(since=NEVER)``: a caller that has never had a turn (a tab's first frame,
#: a click on Step) goes before every caller that has
NEVER = float("-inf")


class FairGate:
    """A counting semaphore that serves the caller that has waited longest for a turn, and
    steps aside for newly opened tabs.

    ``with gate:`` or ``gate.acquire(since)`` waits until fewer than ``slots`` holders are
    inside and no waiting caller has a better claim. The claim is ``since``, when the caller's
    previous turn began (``time.monotonic()``; :data:`NEVER` for a first turn): the oldest
    goes first, equal claims in arrival order. A play loop passes the start of its previous
    frame, so a tab whose frames take longer to send (charts, a slow browser) is not
    overtaken by the tabs that come back sooner, as it was when arrivals were served
    first-come first-served (12 tabs: slowest 2.38 vs median 2.64 frames/s; 30 tabs on an idle
    machine: 1.37 vs 2.00). Unlike ``threading.Semaphore`` it never lets a thread that just
    left overtake one that has been waiting. While a tab is being opened (:meth:`newcomer`),
    nobody new enters for up to ``newcomer_max_s`` seconds, so the page a student just opened
    is built before the playing tabs take their next turns.
    """

    def __init__(self, slots: int, newcomer_max_s: float = 3.0):
        if slots < 1:
            raise ValueError(f"slots = {slots} is not allowed: must be 1 or more")
        self.slots = slots
        self.newcomer_max_s = newcomer_max_s
        self._cond = threading.Condition()
        self._tickets = itertools.count()
        self._waiting: list[tuple[float, int]] = []  # heap of (since, ticket)
        self._inside = 0
        self._newcomers: dict[int, float] = {}  # token -> monotonic deadline
        self._newcomer_ids = itertools.count(1)
        #: the last tabs opened: seconds from :meth:`newcomer` to each :meth:`newcomer_mark` stage
        self._opening: dict[int, dict[str, float]] = {}
        self.openings: collections.deque[dict[str, float]] = collections.deque(maxlen=50)
        self._requested: collections.deque[int] = collections.deque()  # page requests awaiting a render

    def _newcomer_waiting(self) -> float:
        """Seconds until the last newcomer's deadline (0 if none is being opened)."""
        now = time.monotonic()
        for token, deadline in list(self._newcomers.items()):
            if deadline <= now:
                del self._newcomers[token]
                if token in self._requested:  # a page request no render took over
                    self._requested.remove(token)
                    self._opening.pop(token, None)
        return max(self._newcomers.values(), default=now) - now

    def acquire(self, since: float = NEVER) -> None:
        """Wait for a turn; ``since``: when the caller's previous turn began (see the class)."""
        with self._cond:
            me = (since, next(self._tickets))
            heapq.heappush(self._waiting, me)
            while True:
                hold = self._newcomer_waiting()
                if hold <= 0 and self._waiting[0] == me and self._inside < self.slots:
                    break
                self._cond.wait(timeout=hold if hold > 0 else None)
            heapq.heappop(self._waiting)
            self._inside += 1
            self._cond.notify_all()  # the next in line may also fit

    def release(self) -> None:
        with self._cond:
            self._inside -= 1
            self._cond.notify_all()

    def page_requested(self) -> int:
        """A browser asks for the page: hold the play loops back while it loads, until the
        page's first render (:meth:`newcomer`) takes the hold over, or ``newcomer_max_s``.

        With 12 tabs playing, a new tab's page and scripts took 1.7-5 s to load before its
        first render began: the playing tabs' frames (the server's and, with the tabs on the
        same machine, their browser's work) compete with that load.
        """
        with self._cond:
            token = self._open(time.monotonic())
            self._requested.append(token)
            return token

    def _open(self, now: float) -> int:
        token = next(self._newcomer_ids)
        self._newcomers[token] = now + self.newcomer_max_s
        self._opening[token] = {"opened": now, "opened_epoch": time.time()}
        return token

    def newcomer(self) -> int:
        """A tab starts opening (its first render): hold the play loops back until
        :meth:`newcomer_done` (or ``newcomer_max_s`` from now). It takes over the hold of the
        oldest page request still waiting for its render, so its timings start there."""
        with self._cond:
            now = time.monotonic()
            while self._requested:
                token = self._requested.popleft()
                if token in self._opening:  # not yet taken over or timed out
                    self._newcomers[token] = now + self.newcomer_max_s
                    self._opening[token]["render"] = round(now - self._opening[token]["opened"], 4)
                    return token
            return self._open(now)

    def newcomer_mark(self, token: int, stage: str) -> None:
        """Note when a tab being opened reached ``stage`` (for ``/dashboardz``)."""
        with self._cond:
            times = self._opening.get(token)
            if times is not None:
                times[stage] = round(time.monotonic() - times["opened"], 4)

    def newcomer_done(self, token: int) -> None:
        with self._cond:
            self._newcomers.pop(token, None)
            times = self._opening.pop(token, None)
            if times is not None:
                times["done"] = round(time.monotonic() - times.pop("opened"), 4)
                self.openings.append(times)
            self._cond.notify_all()

    def __enter__(self) -> FairGate:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


FRAME_GATE = FairGate(GATE_SLOTS)


@dataclass
class PlayLoopRecord:
    """One play loop: which tab, how many frames, and why it stopped (``""`` while running)."""

    loop_id: int
    kernel_id: str
    started_at: float = field(default_factory=time.time)
    frames: int = 0
    stopped_at: float | None = None
    stop_reason: str = ""
    #: seconds summed over the frames: waiting for the gate, making frames inside it, sending them
    gate_wait_s: float = 0.0
    compute_s: float = 0.0
    send_s: float = 0.0
    gate_wait_max_s: float = 0.0
    send_max_s: float = 0.0

    def timed(self, gate_wait_s: float, compute_s: float, send_s: float) -> None:
        """Count one frame and where its time went (seconds)."""
        self.frames += 1
        self.gate_wait_s += gate_wait_s
        self.compute_s += compute_s
        self.send_s += send_s
        self.gate_wait_max_s = max(self.gate_wait_max_s, gate_wait_s)
        self.send_max_s = max(self.send_max_s, send_s)

    def as_dict(self) -> dict:
        return {"loop_id": self.loop_id, "kernel_id": self.kernel_id, "frames": self.frames,
                "running": self.stopped_at is None, "stop_reason": self.stop_reason,
                "seconds": round((self.stopped_at or time.time()) - self.started_at, 3),
                "gate_wait_s": round(self.gate_wait_s, 4), "compute_s": round(self.compute_s, 4),
                "send_s": round(self.send_s, 4), "gate_wait_max_s": round(self.gate_wait_max_s, 4),
                "send_max_s": round(self.send_max_s, 4)}


class PlayLoopRegister:
    """Every play loop of this server process (the last :attr:`KEEP_STOPPED` stopped ones kept)."""

    KEEP_STOPPED = 200

    def __init__(self):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._records: dict[int, PlayLoopRecord] = {}

    def start(self, kernel_id: str) -> PlayLoopRecord:
        with self._lock:
            record = PlayLoopRecord(next(self._ids), kernel_id)
            self._records[record.loop_id] = record
            stopped = [r for r in self._records.values() if r.stopped_at is not None]
            for old in stopped[:max(0, len(stopped) - self.KEEP_STOPPED)]:
                del self._records[old.loop_id]
            return record

    def stop(self, record: PlayLoopRecord, reason: str) -> None:
        with self._lock:
            if record.stopped_at is None:
                record.stopped_at, record.stop_reason = time.time(), reason
        if reason not in ("paused", "finished", "restarted"):
            logger.info("play loop %s of kernel %s stopped: %s", record.loop_id, record.kernel_id, reason)

    def running_count(self) -> int:
        with self._lock:
            return sum(1 for r in self._records.values() if r.stopped_at is None)

    def running(self) -> list[PlayLoopRecord]:
        with self._lock:
            return [r for r in self._records.values() if r.stopped_at is None]

    def snapshot(self) -> dict:
        with self._lock:
            records = [r.as_dict() for r in self._records.values()]
        return {"running": sum(r["running"] for r in records), "loops": records}


PLAY_LOOPS = PlayLoopRegister()


def current_kernel():
    """The Solara kernel context of the calling thread, or None outside a server/test kernel."""
    try:
        from solara.server import kernel_context

        return kernel_context.get_current_context() if kernel_context.has_current_context() else None
    except Exception:  # noqa: BLE001 - no kernel machinery: run without the tab checks
        return None


class TabWatch:
    """Tells a play loop when its browser tab is gone.

    Gone means the kernel was closed (tab closed, kernel culled) or the tab had a page and
    none has been connected for :data:`DISCONNECTED_GRACE_S`. Outside a server (tests with
    ``solara.render``) there are no pages and the tab is never gone.
    """

    def __init__(self, context=None, grace_s: float = DISCONNECTED_GRACE_S):
        self.context = context
        self.grace_s = grace_s
        self._lost_since: float | None = None

    @property
    def kernel_id(self) -> str:
        return str(getattr(self.context, "id", "local"))

    def gone(self) -> str:
        """``""`` while the tab is there, else why it is gone."""
        ctx = self.context
        if ctx is None:
            return ""
        closed = getattr(ctx, "closed_event", None)
        if closed is not None and closed.is_set():
            return "tab closed"
        statuses = [getattr(s, "value", s) for s in tuple(getattr(ctx, "page_status", {}).values())]
        if not statuses or "connected" in statuses:
            self._lost_since = None
            return ""
        now = time.monotonic()
        if self._lost_since is None:
            self._lost_since = now
        return "tab disconnected" if now - self._lost_since >= self.grace_s else ""

    def backlog(self) -> int:
        """Widget messages queued for this tab's connections and not yet written
        (:func:`queue_widget_messages`); 0 outside a server."""
        kernel = getattr(self.context, "kernel", None)
        sockets = getattr(getattr(kernel, "session", None), "websockets", ())
        return sum(len(getattr(ws, "to_send", ())) for ws in tuple(sockets))


# ------------------------------------------------------------------------ server set-up
def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _holds_for_a_newcomer(app, gate: FairGate):
    """An ASGI app that tells ``gate`` a page is being loaded (:meth:`FairGate.page_requested`)
    when a browser asks for it, then answers as ``app``."""

    async def page(scope, receive, send):
        if scope.get("type") == "http" and scope.get("method") == "GET":
            gate.page_requested()
        await app(scope, receive, send)

    page.__calcium_page__ = True
    return page


def _local_only(app, path: str):
    """An ASGI app answering 404 to anyone but this machine, else ``app``."""

    async def guarded(scope, receive, send):
        client = scope.get("client") or (None, None)
        if scope.get("type") == "http" and not is_loopback(client[0]):
            from starlette.responses import PlainTextResponse

            await PlainTextResponse(f"{path} is answered to this machine only", status_code=404)(
                scope, receive, send)
            return
        await app(scope, receive, send)

    guarded.__calcium_guarded__ = True
    return guarded


def _dashboardz(request):
    from starlette.responses import JSONResponse

    return JSONResponse({"play_loops": PLAY_LOOPS.snapshot(), "gate_slots": FRAME_GATE.slots,
                         "openings": list(FRAME_GATE.openings), "queued_messages": _queued_messages()})


def _queued_messages() -> bool:
    try:
        import solara.server.settings as settings
    except Exception:  # noqa: BLE001
        return False
    return bool(settings.main.experimental_performance)


#: classes whose live instances ``/memoryz`` counts: one set per tab, so a count above the open
#: tabs' share after their kernels closed is a leak
TRACKED_CLASSES = ("CalciumParadoxModel", "SimulationRun", "FrameSink", "VirtualKernelContext", "Kernel",
                   "RenderContext", "FrameView", "ChartView", "ndarray", "DataFrame")


def _mallinfo() -> dict:
    """glibc's heap figures (bytes): in use, free inside the heap, mmapped; ``{}`` elsewhere."""
    import ctypes
    import ctypes.util

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                     "fordblks", "keepcost")]

    name = ctypes.util.find_library("c")
    try:
        fn = ctypes.CDLL(name).mallinfo2
    except (OSError, AttributeError, TypeError):
        return {}
    fn.restype = MallInfo2
    info = fn()
    return {"heap_bytes": info.arena, "in_use_bytes": info.uordblks, "free_in_heap_bytes": info.fordblks,
            "mmapped_bytes": info.hblkhd, "trimmable_bytes": info.keepcost}


def resident_by_mapping(path: str = "/proc/self/smaps") -> dict:
    """Resident MB by kind of mapping (Linux): the C heap, thread stacks, file-backed
    (libraries), and anonymous mappings by size: 1 MiB (Python's object arenas), 8 MiB
    (thread stacks), 64 MiB (glibc's per-thread malloc arenas) and the rest. ``{}`` elsewhere."""
    totals: collections.Counter = collections.Counter()
    kind = ""
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            for line in fh:
                head = line.split()
                if not head:
                    continue
                if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                    lo, hi = (int(x, 16) for x in head[0].split("-"))
                    size = hi - lo
                    name = head[5] if len(head) > 5 else ""
                    if name == "[heap]":
                        kind = "heap"
                    elif name.startswith("[stack"):
                        kind = "main stack"
                    elif name.startswith("/"):
                        kind = "files"
                    elif name:
                        kind = "other"
                    elif size in (2**20, 2**20 + 4096):
                        kind = "anon 1 MiB (Python arenas)"
                    elif 8 * 2**20 <= size <= 8 * 2**20 + 8192:
                        kind = "anon 8 MiB (thread stacks)"
                    elif size >= 32 * 2**20:
                        kind = "anon >= 32 MiB (malloc arenas, numpy)"
                    else:
                        kind = "anon other"
                elif head[0] == "Rss:":
                    totals[kind] += int(head[1])
    except OSError:
        return {}
    return {k: round(v / 1024, 1) for k, v in totals.most_common()}


def pymalloc_arenas() -> dict:
    """Python's small-object allocator: arenas in use and their bytes, from
    ``sys._debugmallocstats`` (CPython only; ``{}`` elsewhere). An arena goes back to the
    system only when every object in it is freed, so a few survivors pin a whole arena."""
    import re
    import sys
    import tempfile

    if not hasattr(sys, "_debugmallocstats"):
        return {}
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(tmp.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode("ascii", "replace")
    out = {}
    for key, pattern in (("arenas_now", r"# arenas allocated current\s*=\s*([\d,]+)"),
                         ("in_use_bytes", r"# bytes in allocated blocks\s*=\s*([\d,]+)"),
                         ("free_in_arenas_bytes", r"# bytes in available blocks\s*=\s*([\d,]+)")):
        found = re.search(pattern, text)
        if found:
            out[key] = int(found.group(1).replace(",", ""))
    return out


def memory_report(top: int = 20) -> dict:
    """What the server holds: resident size, the C heap, live instances of :data:`TRACKED_CLASSES`,
    the widgets each kernel holds, and (when ``tracemalloc`` is tracing) the largest allocation sites."""
    import gc
    import sys
    import tracemalloc

    gc.collect()
    counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
    report: dict = {"objects_tracked_by_gc": sum(counts.values()),
                    "instances": {name: counts.get(name, 0) for name in TRACKED_CLASSES},
                    "most_common_types": dict(counts.most_common(top)), "malloc": _mallinfo()}
    try:
        import psutil

        report["rss_bytes"] = psutil.Process().memory_info().rss
    except Exception:  # noqa: BLE001 - psutil is optional
        pass
    try:
        from ipywidgets.widgets import widget as ipywidget
        from solara.server import kernel_context

        report["kernels"] = {str(k): len(ctx.widgets) for k, ctx in list(kernel_context.contexts.items())}
        report["widgets_outside_kernels"] = len(getattr(ipywidget, "_instances", {}))
    except Exception:  # noqa: BLE001
        pass
    report["pymalloc_blocks"] = sys.getallocatedblocks()
    report["resident_mb_by_mapping"] = resident_by_mapping()
    report["pymalloc"] = pymalloc_arenas()
    if tracemalloc.is_tracing():
        snapshot = tracemalloc.take_snapshot()
        stats = snapshot.statistics("lineno")
        report["tracemalloc"] = {"traced_bytes": tracemalloc.get_traced_memory()[0],
                                 "top": [f"{s.size / 2**20:.2f} MB {s.count} blocks {s.traceback[0]}"
                                         for s in stats[:top]]}
    return report


def _memoryz(request):
    from starlette.responses import JSONResponse

    top = int(request.query_params.get("top", "20"))
    if request.query_params.get("trim"):  # hand freed heap pages back first (release_memory)
        release_memory()
    return JSONResponse(memory_report(max(1, min(top, 200))))


#: stack frames whose function means "this thread is waiting", left out of /profilez's own-time table
_WAITING = {"wait", "select", "_worker", "sleep", "acquire", "poll", "_run_once", "get", "run_forever"}


def sample_threads(seconds: float, interval_s: float = 0.005, top: int = 40) -> dict:
    """A sampling profile of every thread but this one: for ``seconds``, every ``interval_s``,
    the function at the top of each stack ("own") and every function on it ("inclusive").

    Stacks whose top is a wait (lock, select, sleep) count as idle. Returns sample counts:
    ``{"samples", "busy", "own": {function: n}, "inclusive": {function: n}}``.
    """
    import sys

    me = threading.get_ident()
    own: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    samples = busy = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            samples += 1
            code = frame.f_code
            if code.co_name in _WAITING:
                continue
            busy += 1
            own[f"{code.co_name} {'/'.join(code.co_filename.rsplit('/', 2)[-2:])}:{frame.f_lineno}"] += 1
            seen = set()
            while frame is not None:
                code = frame.f_code
                key = f"{code.co_name} {'/'.join(code.co_filename.rsplit('/', 2)[-2:])}"
                if key not in seen:
                    seen.add(key)
                    inclusive[key] += 1
                frame = frame.f_back
        time.sleep(interval_s)
    return {"samples": samples, "busy": busy, "own": dict(own.most_common(top)),
            "inclusive": dict(inclusive.most_common(top))}


def _profilez(request):
    from starlette.responses import JSONResponse

    seconds = max(0.1, min(float(request.query_params.get("seconds", "5")), 60.0))
    return JSONResponse(sample_threads(seconds, top=int(request.query_params.get("top", "40"))))


#: seconds between checks for closed tabs whose memory can go back to the system
TRIM_EVERY_S = 15.0


def release_memory() -> bool:
    """Collect garbage and hand freed heap pages back to the system (glibc ``malloc_trim``).

    Closed tabs leave their models' memory in the allocator's free lists, so the server's
    resident size stays at its classroom peak without this. Returns whether trimming ran.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        return False
    return True


#: glibc malloc arenas the server may use (``mallopt(M_ARENA_MAX)``). glibc's default is 8 per
#: core, and each play-loop thread then keeps freed pages in an arena of its own that
#: ``malloc_trim`` cannot shrink while a block near its top is in use; two arenas keep
#: the tabs' memory in heaps that are handed back when the tabs close (assumption: the
#: common setting for Python servers; ``MALLOC_ARENA_MAX`` in the environment wins)
MALLOC_ARENA_MAX = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def limit_malloc_arenas(arenas: int = MALLOC_ARENA_MAX) -> bool:
    """Cap glibc's malloc arenas for the threads created from now on; False if not glibc
    or ``MALLOC_ARENA_MAX`` is set (glibc read it at start)."""
    import ctypes
    import ctypes.util

    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    name = ctypes.util.find_library("c")
    try:
        return bool(name) and ctypes.CDLL(name).mallopt(_M_ARENA_MAX, arenas) == 1
    except (OSError, AttributeError):
        return False


def _trim_when_tabs_close(stop: threading.Event) -> None:
    from solara.server import kernel_context

    known = len(kernel_context.contexts)
    while not stop.wait(TRIM_EVERY_S):
        now = len(kernel_context.contexts)
        if now < known:
            release_memory()
        known = now


_installed = False
_trimmer_stop = threading.Event()


def queue_widget_messages(settings, solara_starlette) -> bool:
    """Let threads queue their widget messages instead of each waiting for the event loop.

    By default every widget message a thread sends (a play loop's frame: the date and two
    pictures; a newly opened page: hundreds) is a blocking call onto the server's one event
    loop. With 12 tabs playing a frame's three messages waited 142 ms there (6.5x the 22 ms
    of making the frame), and a newly opened tab's messages queued behind all of them (date
    shown 7.7 s after navigation, though its page was rendered in 0.66 s). Solara's
    ``experimental_performance`` setting appends each message to its connection's list,
    which the event loop writes every 50 ms. Set only before the first websocket connects
    (each connection starts its writer when it opens) and unless
    ``SOLARA_EXPERIMENTAL_PERFORMANCE`` says otherwise; returns whether it is on.
    """
    if os.environ.get("SOLARA_EXPERIMENTAL_PERFORMANCE"):
        return bool(settings.main.experimental_performance)
    info = solara_starlette.WebsocketDebugInfo
    if info.attempts == 0 and info.open == 0 and info.closed == 0:
        settings.main.experimental_performance = QUEUE_WIDGET_MESSAGES
    return bool(settings.main.experimental_performance)


#: The page's title: in the browser tab from the first byte (Solara's page template), and
#: kept by ``solara.Title`` in the page itself.
PAGE_TITLE = "Calcium paradox dashboard"


def name_the_page(settings) -> None:
    """Give Solara's page template the app's title (it said "Solara ☀️" until the page
    had loaded, and for good in a tab that never ran the scripts); SOLARA_THEME_TITLE wins."""
    if not os.environ.get("SOLARA_THEME_TITLE"):
        settings.theme.title = PAGE_TITLE


def install() -> None:
    """Bound a classroom server (idempotent; does nothing outside ``solara run``)."""
    global _installed
    if _installed:
        return
    try:
        import solara.server.settings as settings
    except Exception:  # noqa: BLE001
        return
    limit_malloc_arenas()
    name_the_page(settings)
    if not os.environ.get("SOLARA_KERNEL_CULL_TIMEOUT"):
        settings.kernel.cull_timeout = DEFAULT_CULL_TIMEOUT
    if not os.environ.get("SOLARA_THEME_SHOW_BANNER"):
        settings.theme.show_banner = False  # the corner badge covered the explanations
    try:
        from solara.server import starlette as solara_starlette
        from starlette.routing import Route
    except Exception:  # noqa: BLE001 - not running under Solara's starlette server
        return
    queue_widget_messages(settings, solara_starlette)
    router = solara_starlette.app.router
    if not any(getattr(r, "path", None) == "/dashboardz" for r in router.routes):
        router.routes.insert(0, Route("/dashboardz", endpoint=_dashboardz))
    if not any(getattr(r, "path", None) == "/memoryz" for r in router.routes):
        router.routes.insert(0, Route("/memoryz", endpoint=_memoryz))
    if not any(getattr(r, "path", None) == "/profilez" for r in router.routes):
        router.routes.insert(0, Route("/profilez", endpoint=_profilez))
    for route in router.routes:
        path = getattr(route, "path", None)
        if path in LOCAL_ONLY_PATHS and not getattr(route.app, "__calcium_guarded__", False):
            route.app = _local_only(route.app, path)
        if path == "/" and not getattr(route.app, "__calcium_page__", False):  # the dashboard's page
            route.app = _holds_for_a_newcomer(route.app, FRAME_GATE)
    threading.Thread(target=_trim_when_tabs_close, args=(_trimmer_stop,), name="calcium-abm-trim",
                     daemon=True).start()
    _installed = True
