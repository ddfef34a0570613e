"""Progress of long work (batches, sensitivity designs, validation) and a clean stop on SIGTERM.

On a terminal a tqdm bar; otherwise a plain line every :data:`PROGRESS_LINE_INTERVAL_S`
seconds, so a ``nohup`` or CI log shows how far the work is. :func:`stop_on_sigterm` turns
SIGTERM into an exception so that ``finally`` blocks shut worker pools down.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from typing import Callable, TextIO

__all__ = ["PROGRESS_LINE_INTERVAL_S", "ProgressReport", "Terminated", "raise_if_terminated", "stop_on_sigterm"]

#: how often progress lines are printed when stderr is not a terminal (seconds; assumption:
#: often enough to see a batch move in a ``nohup`` log, rare enough to keep it short)
PROGRESS_LINE_INTERVAL_S = 10.0


class ProgressReport:
    """Progress of a batch on stderr: a tqdm bar on a terminal, else a plain line every
    ``interval_s`` seconds (runs done / total, rate, elapsed, ETA), e.g.::

        mk7_dose_sweep: 12/30 runs done (40 %), 5.3 runs/min, elapsed 02:15, ETA 03:24

    so that a ``nohup`` log or a CI log shows how far a long batch is. A line is also
    printed when the work starts and when it ends.

    Args:
        total: runs in the batch (may be 0 and set later with :meth:`set`).
        desc: the label in front of each line (the batch's name).
        initial: runs already done before this process started (``--resume``).
        enabled: False prints nothing (``--quiet``).
        stream: where to write (default ``sys.stderr``); a terminal gets the bar.
        interval_s: least seconds between two lines off a terminal.
        clock: a monotonic clock in seconds (tests pass a fake one).
    """

    def __init__(self, total: int, desc: str, *, initial: int = 0, enabled: bool = True,
                 stream: TextIO | None = None, interval_s: float = PROGRESS_LINE_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.total, self.desc, self.initial, self.done = int(total), desc, int(initial), int(initial)
        self.interval_s, self.clock = float(interval_s), clock
        self.started = clock()
        self.last_line: float | None = None
        self.last_line_done = self.done  # runs done when the last line was printed
        isatty = getattr(self.stream, "isatty", None)
        on_terminal = bool(isatty()) if callable(isatty) else False
        self.bar = None
        self.lines = enabled and not on_terminal
        if enabled and on_terminal:
            from tqdm import tqdm  # lazy: only the process that writes the batch shows a bar

            self.bar = tqdm(total=self.total, initial=self.initial, unit="run", desc=desc, file=self.stream,
                            smoothing=0.05, dynamic_ncols=True, mininterval=0.5)
        if self.lines and self.total:
            self._line()

    def line(self) -> str:
        """The progress line for the current state."""
        from tqdm import tqdm  # lazy, as above (its time formatting)

        elapsed = max(self.clock() - self.started, 0.0)
        ran = self.done - self.initial
        share = f" ({100 * self.done / self.total:.0f} %)" if self.total else ""
        text = f"{self.desc}: {self.done}/{self.total} runs done{share}"
        if ran > 0 and elapsed > 0:
            per_s = ran / elapsed
            eta = max(self.total - self.done, 0) / per_s
            text += f", {per_s * 60:.3g} runs/min, elapsed {tqdm.format_interval(elapsed)}, " \
                    f"ETA {tqdm.format_interval(eta)}"
        else:
            text += f", elapsed {tqdm.format_interval(elapsed)}"
        return text

    def _line(self) -> None:
        self.last_line, self.last_line_done = self.clock(), self.done
        print(self.line(), file=self.stream, flush=True)

    def set(self, done: int, total: int | None = None) -> None:
        """Record that ``done`` runs (of ``total``, if it changed) are finished."""
        if total is not None and total != self.total:
            self.total = int(total)
            if self.bar is not None:
                self.bar.total = self.total
            if self.lines and self.last_line is None:
                self._line()
        step, self.done = int(done) - self.done, int(done)
        if self.bar is not None:
            self.bar.update(step)
        elif self.lines and (self.last_line is None or self.clock() - self.last_line >= self.interval_s):
            self._line()

    def update(self, n: int = 1) -> None:
        """Record ``n`` more finished runs."""
        self.set(self.done + n)

    def close(self) -> None:
        """End the bar, or print the last line (if runs finished since the previous one: a tick that printed
        the last run's line is the end line; a fresh user saw it twice)."""
        if self.bar is not None:
            self.bar.close()
        elif self.lines and (self.last_line is None or self.done != self.last_line_done):
            self._line()

    def __enter__(self) -> "ProgressReport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Terminated(SystemExit):
    """Raised in the main thread when the process gets SIGTERM inside :func:`stop_on_sigterm`
    (exit status 143 = 128 + 15, as a shell reports a process killed by SIGTERM)."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


#: set when SIGTERM arrives inside :func:`stop_on_sigterm` (cleared as the block starts)
_SIGTERM_RECEIVED: list[bool] = [False]


def raise_if_terminated() -> None:
    """Raise :class:`Terminated` if SIGTERM arrived inside :func:`stop_on_sigterm` but its exception was lost:
    a signal landing in a callback whose exceptions Python prints and ignores (numba's type disposal, a
    weakref finaliser) let a fresh user's batch run to its end and exit 0. Batches call it between runs."""
    if _SIGTERM_RECEIVED[0]:
        raise Terminated()


@contextlib.contextmanager
def stop_on_sigterm():
    """Turn SIGTERM into a :class:`Terminated` exception while the block runs, so that
    ``finally`` blocks run: the worker pool is shut down (no "leaked semaphore objects"
    warning) and every finished run stays saved. The signal is also recorded, so that an
    exception lost where Python ignores exceptions is raised at the batch's next run
    (:func:`raise_if_terminated`); a block that ends has done its work (a run's file is written),
    and ends as if the signal had come after it. Outside the main thread it does nothing."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum, frame):
        _SIGTERM_RECEIVED[0] = True
        raise Terminated()

    _SIGTERM_RECEIVED[0] = False
    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _SIGTERM_RECEIVED[0] = False
