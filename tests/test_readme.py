"""The README's numbers are generated, never typed: each generated block must equal what
``scripts/readme_blocks.py`` makes from the real command output or the saved figures."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks_module():
    spec = importlib.util.spec_from_file_location("readme_blocks", ROOT / "scripts" / "readme_blocks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BLOCKS = _blocks_module()
NAMES = [m["name"] for m in BLOCKS.BLOCK.finditer(README)]


def test_the_readme_carries_every_generated_block_once():
    assert sorted(NAMES) == sorted(BLOCKS.BLOCKS), "README.md and scripts/readme_blocks.py name different blocks"


@pytest.mark.parametrize("name", sorted(BLOCKS.BLOCKS))
def test_generated_block_is_up_to_date(name):
    body = next(m["body"] for m in BLOCKS.BLOCK.finditer(README) if m["name"] == name)
    assert body == BLOCKS.BLOCKS[name](), (
        f"README.md block '{name}' is stale: run .venv/bin/python scripts/readme_blocks.py")


def test_a_stale_block_is_detected():
    """The check can fail: a block with a changed digit is reported stale."""
    match = next(m for m in BLOCKS.BLOCK.finditer(README) if m["name"] == "validation-summary")
    tampered = README.replace(match.group(0), match.group(0).replace("passed", "passed ", 1))
    _, stale = BLOCKS.regenerate(tampered, {"validation-summary"})
    assert stale == ["validation-summary"]


def test_no_ungenerated_run_output_is_quoted():
    """Outside the generated blocks the README quotes no BMD or dp-ucMGP figures from a run."""
    outside = BLOCKS.BLOCK.sub("", README)
    assert not re.search(r"\d\.\d{4} → \d\.\d{4} g/cm", outside)
    assert not re.search(r"dp-ucMGP\s+\d+(\.\d+)? pmol/L", outside)
    assert not re.search(r"^error: ", outside, re.M), "an error message is quoted outside a generated block"
