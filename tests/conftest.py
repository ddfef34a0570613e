"""Shared pytest configuration. Keep this minimal: fixtures belong in the test modules.

Property tests (hypothesis) draw the same examples on every run, so a run's verdict never depends on the
draw (CI included): a kidney test's fresh draws once found a parameter set at its range's edge that CI's
earlier draws had missed. ``HYPOTHESIS_PROFILE=explore pytest ...`` draws new examples, ten times as many,
to search for such sets (then make the failure a fixed case or mend the range).
"""

import os

from hypothesis import settings

settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))
