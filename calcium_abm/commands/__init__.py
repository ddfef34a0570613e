"""Subcommands of the ``calcium-abm`` command line, one module each.

:mod:`calcium_abm.cli` imports every module of this package (sorted by module name,
skipping names that start with ``_``) and makes it a subcommand. A command module
defines exactly these four names::

    NAME: str                    # the subcommand, e.g. "run" (unique)
    HELP: str                    # one line for `calcium-abm --help`
    def add_arguments(parser: argparse.ArgumentParser) -> None: ...
    def main(args: argparse.Namespace) -> int: ...   # the exit status (0 = success)

Rules:

* Import heavy or optional dependencies (the model, Solara, Dask, SALib) inside
  ``main``, not at module level, so that ``calcium-abm --help`` stays fast and one
  command's dependencies cannot break the others.
* Report a user's mistake by raising :class:`calcium_abm.errors.UserInputError` (or its
  subclass ``ScenarioError``) with a message naming the field, the value and what is
  allowed. The CLI prints ``error: <message>`` on stderr and exits with status 2, without
  a traceback. Check every input (scenario, overrides, output paths) before any long
  computation starts, and write no output when an input is bad.
* Results go to stdout, progress and diagnostics to stderr. Ctrl-C exits with 130.
* ``calcium_abm.commands.run.add_scenario_arguments`` /
  ``scenario_from_args`` give the shared ``SCENARIO [--years] [--seed] [--set k=v]``
  options and turn them into a validated :class:`~calcium_abm.scenario.Scenario`.
"""
