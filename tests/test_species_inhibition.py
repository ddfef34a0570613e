"""The human media's circulating inhibitors block more mineral growth than the rodents'
(species.systemic_calcification_inhibition; issue 12, row V1)."""

import numpy as np
import pytest

from calcium_abm.physiology import parameter_set
from calcium_abm.physiology import calcification, dialysis, species
from calcium_abm.physiology.wall_laws import systemic_free_fraction

P = parameter_set()
W, H = 16, 16


def _wall(kind: str) -> calcification.VesselWall:
    rng = np.random.default_rng(5)
    return calcification.VesselWall(
        osteochondrogenic=rng.random((W, H)) < 0.5, cmgp=np.zeros((W, H)), ucmgp=np.zeros((W, H)),
        mineral=np.full((W, H), 0.02), vitamin_k_delivery=np.ones((1, H)),
        generation=np.zeros((W, H), dtype=np.int32), mineral_mg_per_unit=0.1, species=kind)


def test_each_species_reads_its_own_parameter():
    assert species.systemic_calcification_inhibition("human", P) == P.systemic_calcification_inhibition
    for rodent in ("mouse", "rat"):
        assert species.systemic_calcification_inhibition(rodent, P) == P.rodent_systemic_calcification_inhibition


def test_human_inhibition_exceeds_the_rodents():
    """Humans rely more on circulating inhibitors (ENPP1 loss lethal in infancy, MGP loss mild)."""
    assert P.systemic_calcification_inhibition > P.rodent_systemic_calcification_inhibition


@pytest.mark.parametrize("inhibitor_relative", [1.0, 0.71])
def test_without_mgp_a_human_media_grows_less_mineral_than_a_rodent_one_at_the_same_chemistry(inhibitor_relative):
    """Same wall, same Ca x P, no MGP: only the species' systemic inhibition differs, and the
    mineral grown scales with the free share of the systemic inhibition law
    (wall_laws.systemic_free_fraction)."""
    grown = {}
    for kind in ("human", "mouse"):
        wall = _wall(kind)
        before = wall.mineral.sum()
        calcification.vessel_day(wall, np.zeros(H), 0.0, 1.0, 1.0, P, np.random.default_rng(1), 1e9,
                                 inhibitor_relative=inhibitor_relative)
        grown[kind] = wall.mineral.sum() - before
    assert 0.0 < grown["human"] < grown["mouse"]
    expected = (systemic_free_fraction(inhibitor_relative, P.systemic_calcification_inhibition)
                / systemic_free_fraction(inhibitor_relative, P.rodent_systemic_calcification_inhibition))
    assert grown["human"] / grown["mouse"] == pytest.approx(expected, rel=0.05)


@pytest.mark.parametrize("healthy_inhibition", [0.5, 0.9, 0.97])
def test_the_free_share_is_the_healthy_one_in_health_and_rises_as_the_inhibitors_fall(healthy_inhibition):
    """The saturating (Langmuir-type) law: 1 - s in health, 1 with no inhibitor, strictly
    falling in between."""
    assert systemic_free_fraction(1.0, healthy_inhibition) == pytest.approx(1.0 - healthy_inhibition, rel=1e-12)
    assert systemic_free_fraction(0.0, healthy_inhibition) == pytest.approx(1.0, rel=1e-12)
    values = [systemic_free_fraction(f, healthy_inhibition) for f in np.linspace(0.0, 1.5, 16)]
    assert all(a > b for a, b in zip(values, values[1:]))


def test_kidney_failure_speeds_human_mineral_growth_by_the_serum_ic50_ratio():
    """Ketteler 2003 (Lancet 361:827): dialysis serum needs 9.0 uL against the controls' 6.4 uL to
    halve calcium phosphate precipitation, an inhibitory capacity of 0.71. Where most growth is
    blocked (humans, s = 0.97), growth is nearly inversely proportional to that capacity: x 1.39, where
    the former linear law 1 - s f gave x 10.4 (issue 12: warfarin plus CKD 4 mineralised 87 %
    of the media in 2 years)."""
    f = dialysis.systemic_inhibitor_fraction(10.0, True, P)
    assert f == P.esrd_calcification_inhibition_fraction
    s = P.systemic_calcification_inhibition
    ratio = systemic_free_fraction(f, s) / systemic_free_fraction(1.0, s)
    assert 1.2 < ratio < 9.0 / 6.4 + 0.05
    assert (1.0 - s * f) / (1.0 - s) > 5.0  # the old law would fail the band above
