"""``calcium-abm scenarios``: list the built-in scenarios."""

from __future__ import annotations

import argparse

NAME = "scenarios"
HELP = "List the built-in scenarios with a one-line description each."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def main(args: argparse.Namespace) -> int:
    from calcium_abm.scenario import builtin_scenarios

    scenarios = builtin_scenarios()
    width = max((len(name) for name in scenarios), default=0)
    for name, description in scenarios.items():
        print(f"{name:<{width}}  {description}".rstrip())
    return 0
