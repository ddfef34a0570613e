"""Waiting for a condition that another thread makes true (a dashboard's settled slider, a pushed address)."""

from __future__ import annotations

import time
from typing import Callable


def wait_until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Whether ``condition()`` became true within ``seconds`` (polled every 50 ms). The bound only stops a broken
    page hanging the test: a slow machine waits longer, and nothing is asserted about how long it took."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
