"""User-facing errors.

A :class:`UserInputError` carries one clear message that names the field, the value and
what is allowed. The CLI prints it without a traceback and exits with status 2; the
dashboard shows it in the page.
"""

from __future__ import annotations


class UserInputError(ValueError):
    """A mistake in something a user supplied (a scenario, a batch file, a CLI option)."""

    exit_code = 2


class ScenarioError(UserInputError):
    """A scenario file or override that does not validate."""


class RunEndedError(UserInputError, RuntimeError):
    """``model.step()`` (or Mesa's ``run_for`` / ``run_until``) after the model's run has ended: a model
    simulates the days of its scenario's ``simulation.years`` and none past them."""
