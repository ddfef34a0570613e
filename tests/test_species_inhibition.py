"""The human media's circulating inhibitors block more mineral growth than the rodents'
(species.systemic_calcification_inhibition; issue 12, row V1)."""

import numpy as np
import pytest

from calcium_abm.physiology import parameter_set
from calcium_abm.physiology import calcification, species

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
    mineral grown scales with 1 - inhibition x inhibitor_relative."""
    grown = {}
    for kind in ("human", "mouse"):
        wall = _wall(kind)
        before = wall.mineral.sum()
        calcification.vessel_day(wall, np.zeros(H), 0.0, 1.0, 1.0, P, np.random.default_rng(1), 1e9,
                                 inhibitor_relative=inhibitor_relative)
        grown[kind] = wall.mineral.sum() - before
    assert 0.0 < grown["human"] < grown["mouse"]
    expected = ((1 - P.systemic_calcification_inhibition * inhibitor_relative)
                / (1 - P.rodent_systemic_calcification_inhibition * inhibitor_relative))
    assert grown["human"] / grown["mouse"] == pytest.approx(expected, rel=0.05)
