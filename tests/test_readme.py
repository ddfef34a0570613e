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


def test_the_readme_says_what_each_batch_function_returns():
    """Found by a fresh user: the README said run_batch, load_results, summarize, trial_effects and
    morris_screening all return DataFrames, but summarize returns a dict of them and trial_effects needs
    outcomes and control. The sentence now follows the functions' own signatures."""
    import inspect

    import calcium_abm.batch as batch

    sentence = " ".join(README.split("In Python (`from calcium_abm.batch import ...`)", 1)[1].split(";")[0].split())
    for name, returns in (("run_batch", "pd.DataFrame"), ("load_results", "pd.DataFrame"),
                          ("run_outcomes", "pd.DataFrame"), ("summarize", "dict[str, pd.DataFrame]"),
                          ("trial_effects", "pd.DataFrame"), ("morris_screening", "pd.DataFrame")):
        signature = inspect.signature(getattr(batch, name))
        assert f"`{name}" in sentence and signature.return_annotation == returns, (name, signature)
        required = [p for p, v in signature.parameters.items() if v.default is inspect.Parameter.empty]
        written = re.search(rf"`{name}\(([^)]*)\)`", sentence)
        if written:  # the arguments the README shows are the required ones
            assert [a.strip() for a in written.group(1).split(",")] == required, (name, required)
        else:
            assert required in (["batch", "out_dir"], ["out_dir"], ["source"]), (name, required)  # a batch (dir)
    assert "`summarize` a dict of them" in sentence
