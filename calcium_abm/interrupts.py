"""Recognising a Ctrl-C or SIGTERM that arrived while compiled code ran.

A signal that lands inside a numba kernel does not surface as the ``KeyboardInterrupt``
(or the SIGTERM handler's ``SystemExit``) itself: Python raises ``SystemError: ...
returned a result with an exception set`` whose ``__context__``/``__cause__`` is the
interrupt. :func:`interruption` finds it so callers (the CLI, the batch runner's
per-run guard) treat the run as stopped, not failed.
"""

from __future__ import annotations

__all__ = ["interruption"]


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
