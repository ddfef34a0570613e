"""Recognising a Ctrl-C or SIGTERM that arrived while compiled code ran.

A signal that lands inside a numba kernel does not surface as the ``KeyboardInterrupt``
(or the SIGTERM handler's ``SystemExit``) itself: Python raises ``SystemError: ...
returned a result with an exception set`` whose ``__context__``/``__cause__`` is the
interrupt. :func:`interruption` finds it so callers (the CLI, the batch runner's
per-run guard) treat the run as stopped, not failed.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["children_ignore_ctrl_c", "interruption"]


def interruption(exc: BaseException) -> BaseException | None:
    """The ``KeyboardInterrupt`` or ``SystemExit`` that is ``exc`` or stands in its
    ``__cause__``/``__context__`` chain; None if the chain holds neither."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (KeyboardInterrupt, SystemExit)):
            return current
        pending += [current.__cause__, current.__context__]
    return None


@contextlib.contextmanager
def children_ignore_ctrl_c() -> Iterator[None]:
    """Within the block, processes started (a spawned pool's workers) inherit an ignored SIGINT, so Python
    does not make Ctrl-C a KeyboardInterrupt in them: a terminal's Ctrl-C reaches the whole process group,
    and workers interrupted while importing printed a screen of tracebacks under the batch's one line. The
    parent's own handler is back when the block ends; the parent stops the workers itself. Only in the main
    thread (elsewhere signal handlers cannot be set, and the block does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
