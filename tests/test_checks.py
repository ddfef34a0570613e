"""calcium_abm.checks: the scalar laws' input check and the per-parameter-set cache (issue 16:
constants once per run, checks at the door)."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import NamedTuple

import pytest

from calcium_abm.checks import checked_float, per_set_or_fresh
from calcium_abm.physiology import coagulation, kidney, parameter_set, parathyroid


class Values(NamedTuple):
    value: float


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -1e-12, 2.5])
def test_checked_float_refuses_non_finite_and_out_of_range_naming_field_value_and_range(bad):
    with pytest.raises(ValueError) as err:
        checked_float("renal_share", bad, 0.0, 2.0)
    text = str(err.value)
    assert "renal_share" in text and repr(bad) in text and "between 0.0 and 2.0" in text


def test_checked_float_returns_a_float_at_and_inside_the_bounds():
    assert checked_float("x", 0) == 0.0 and type(checked_float("x", 0)) is float
    assert checked_float("x", 2.0, 0.0, 2.0) == 2.0
    assert checked_float("x", 1e300) == 1e300  # no upper bound by default, but finite
    with pytest.raises(ValueError, match=">= 0.0"):
        checked_float("x", math.inf)


def test_per_set_or_fresh_builds_once_per_parameter_set_and_afresh_for_a_namespace():
    calls = []

    @per_set_or_fresh
    def doubled(p, scale=1.0):
        calls.append(p)
        return 2.0 * p.value * scale

    p = SimpleNamespace(value=1.0)
    assert doubled(p) == 2.0 and doubled(p) == 2.0 and len(calls) == 2  # unhashable: built each time
    p.value = 3.0
    assert doubled(p) == 6.0  # so a changed namespace is seen
    q = Values(5.0)  # hashable, like a parameter set
    assert doubled(q) == 10.0 and doubled(q) == 10.0 and doubled(q, 2.0) == 20.0
    assert len(calls) == 5  # hashable: once per (set, arguments)
    assert doubled.__name__ == "doubled" and doubled.cache_info().currsize == 2


def test_cached_kidney_references_equal_a_fresh_computation_and_follow_the_parameters():
    p = parameter_set()
    fresh = kidney.default_parameters()  # a namespace: computed afresh
    assert parathyroid.reference_pth_pmol_l(p) == parathyroid.reference_pth_pmol_l(fresh)
    assert kidney.reference_fractional_excretion(p) == kidney.reference_fractional_excretion(fresh)
    shifted = p._replace(reference_ionized_calcium_mmol_l=0.95 * p.reference_ionized_calcium_mmol_l)
    assert parathyroid.reference_pth_pmol_l(shifted) > parathyroid.reference_pth_pmol_l(p)
    # the person's own gland is not the reference: the normal gland's PTH is (parathyroid.normal_gland)
    sick = p._replace(parathyroid_max_pmol_l=2.0 * p.parathyroid_max_pmol_l, parathyroid_setpoint_ionized_mmol_l=1.32)
    assert parathyroid.reference_pth_pmol_l(sick) == parathyroid.reference_pth_pmol_l(p)


def test_the_unchecked_factor_laws_are_the_checked_ones_without_the_check():
    p = parameter_set()
    a0 = {f: 0.2 + 0.1 * i for i, f in enumerate(coagulation.FACTORS)}
    target = {f: 0.9 for f in coagulation.FACTORS}
    assert coagulation.advance_factor_activity(a0, target, p, 2.0) == coagulation.relax_factor_activity(a0, target, p, 2.0)
    assert coagulation.prothrombin_complex_activity(a0, p) == coagulation.weighted_factor_activity(a0, p)
    with pytest.raises(ValueError, match="activity"):
        coagulation.advance_factor_activity({**a0, "ii": math.nan}, target, p)
