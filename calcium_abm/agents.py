"""Agents: the readable face of the model.

Cell agents (osteoclasts, osteoblast teams, smooth muscle cells) and tissue agents (gut,
blood, bone, vessel wall) are Mesa agents. Their state lives in numpy arrays (property
layers and :class:`~calcium_abm.populations.CellPopulation` arrays) so that the daily
rules run over whole arrays; each agent's properties read its own entries.
"""

from __future__ import annotations

from mesa import Agent
from mesa.discrete_space import CellAgent

from calcium_abm.physiology import calcification, remodeling


# ----------------------------------------------------------------------------- cells
class Osteoclast(CellAgent):
    """A multinucleated osteoclast (the cutting cone of one remodeling unit) on bone.

    It resorbs matrix from its patch, moves to the neighbouring patch with most matrix
    when that is gone, and dies by apoptosis (see :mod:`calcium_abm.physiology.remodeling`).
    """

    def __init__(self, model, cell, slot: int):
        super().__init__(model)
        self.cell = cell
        self.slot = int(slot)

    @property
    def age_days(self) -> float:
        return float(self.model.osteoclasts.age_days[self.slot])

    @property
    def position(self) -> tuple[int, int]:
        pop = self.model.osteoclasts
        return int(pop.x[self.slot]), int(pop.y[self.slot])


class Osteoblast(CellAgent):
    """A team of osteoblasts refilling one resorption cavity with osteoid.

    Team size (cells) is set by the TGF-beta released when the cavity was resorbed and
    shrinks by apoptosis; the team ends when its cavity is full or too few cells remain.
    """

    def __init__(self, model, cell, slot: int):
        super().__init__(model)
        self.cell = cell
        self.slot = int(slot)

    @property
    def team_cells(self) -> float:
        return float(self.model.osteoblasts.team_cells[self.slot])

    @property
    def age_days(self) -> float:
        return float(self.model.osteoblasts.age_days[self.slot])

    @property
    def osteocalcin_carboxylated_fraction(self) -> float:
        """Fraction of the osteocalcin this team makes today that is fully carboxylated."""
        return float(self.model.bone_tissue.osteocalcin_carboxylated_fraction)


class SmoothMuscleCell(Agent):
    """The vascular smooth muscle cell at one patch of the media.

    Its phenotype (contractile or osteochondrogenic), MGP and local mineral are read
    from the vessel wall's property layers. When it dies by apoptosis a contractile
    daughter of a neighbour takes its place; the agent stands for whichever cell
    occupies the position (``generation`` counts replacements).
    """

    def __init__(self, model, x: int, y: int):
        super().__init__(model)
        self.x, self.y = int(x), int(y)

    @property
    def cell(self):
        """The Mesa grid cell of this position (made on demand)."""
        return self.model.vessel_grid[(self.x, self.y)]

    @property
    def osteochondrogenic(self) -> bool:
        return bool(self.model.vessel.osteochondrogenic[self.x, self.y])

    @property
    def phenotype(self) -> str:
        return "osteochondrogenic" if self.osteochondrogenic else "contractile"

    @property
    def carboxylated_mgp(self) -> float:
        return float(self.model.vessel.cmgp[self.x, self.y])

    @property
    def uncarboxylated_mgp(self) -> float:
        return float(self.model.vessel.ucmgp[self.x, self.y])

    @property
    def generation(self) -> int:
        return int(self.model.vessel_generation[self.x, self.y])


# ----------------------------------------------------------------------------- tissues
class CalciumPool(Agent):
    """A tissue agent that holds calcium (mg) and exchanges it only through the ledger."""

    @property
    def calcium_mg(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError


class Gut(CalciumPool):
    """Gut lumen: dietary calcium arrives here; it is absorbed or passes to the faeces."""

    def __init__(self, model):
        super().__init__(model)
        self.lumen_calcium_mg = 0.0

    @property
    def calcium_mg(self) -> float:
        return self.lumen_calcium_mg


class Blood(CalciumPool):
    """Well-mixed blood / extracellular fluid: calcium, phosphate, vitamin K forms,
    warfarin and the circulating markers (dp-ucMGP)."""

    def __init__(self, model, calcium_mg: float):
        super().__init__(model)
        self.ecf_calcium_mg = float(calcium_mg)
        self.vitamin_k_nmol = {"k1": 0.0, "mk4": 0.0, "mk7": 0.0}
        self.warfarin_mg = 0.0
        self.dp_ucmgp_pmol_l = 0.0

    @property
    def calcium_mg(self) -> float:
        return self.ecf_calcium_mg


class BoneTissue(CalciumPool):
    """The skeleton: the trabecular section (mineral, osteoid and cavities in property
    layers of ``model.bone_grid``), the mean-field cortical compartment, and the
    exchangeable bone-fluid calcium pool."""

    def __init__(self, model, section, cortical, fluid_calcium_mg: float):
        super().__init__(model)
        self.section = section
        self.cortical = cortical
        self.fluid_calcium_mg = float(fluid_calcium_mg)
        self.osteocalcin_carboxylated_fraction = float("nan")

    @property
    def trabecular_calcium_mg(self) -> float:
        s = self.section  # summed as the daily readouts sum it, so the two agree to the bit
        return remodeling.bone_tallies(s.mineral, s.osteoid, s.cavity)[0] * s.mineral_mg_per_unit

    @property
    def calcium_mg(self) -> float:
        return self.trabecular_calcium_mg + self.cortical.mineral_mg + self.fluid_calcium_mg


class VesselWallTissue(CalciumPool):
    """The arterial media section: VSMC phenotype, MGP and mineral deposit in property
    layers of ``model.vessel_grid``."""

    def __init__(self, model, wall):
        super().__init__(model)
        self.wall = wall

    @property
    def calcium_mg(self) -> float:
        w = self.wall  # summed as the daily readouts sum it, so the two agree to the bit
        return calcification.wall_mineral_sum(w.mineral) * w.mineral_mg_per_unit


__all__ = ["Osteoclast", "Osteoblast", "SmoothMuscleCell", "Gut", "Blood", "BoneTissue",
           "VesselWallTissue", "CalciumPool"]
