"""Shared pytest configuration. Keep this minimal: fixtures belong in the test modules.

Property tests (hypothesis) draw the same examples on every run, so a run's verdict never depends on the
draw (CI included): a kidney test's fresh draws once found a parameter set, each field inside its range,
that CI's earlier draws had missed (tests/test_kidney.py now refuses such sets and keeps the drawn one as a
fixed case). ``HYPOTHESIS_PROFILE=explore pytest ...`` draws new examples on each run (as many as each test
asks for; 1000 where it names no number) to search for more.
"""

import os

from hypothesis import settings

settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000, derandomize=False)
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fixed")
if _PROFILE not in ("fixed", "explore"):
    raise SystemExit(f"HYPOTHESIS_PROFILE={_PROFILE!r} is not allowed: use 'fixed' (the default) or 'explore'")
settings.load_profile(_PROFILE)
