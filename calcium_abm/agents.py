"""Agents: the readable face of the model.

Cell agents (osteoclasts, osteoblast teams, smooth muscle cells) and tissue agents (gut,
blood, bone, vessel wall) are Mesa agents. Their state lives in numpy arrays (property
layers and :class:`~calcium_abm.populations.CellPopulation` arrays) so that the daily
rules run over whole arrays; each agent's properties read its own entries.
"""

from __future__ import annotations

from mesa import Agent
from mesa.discrete_space import CellAgent


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
        return float(self.model.carboxylation.osteocalcin_carboxylated_fraction)


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
        return int(self.model.vessel.generation[self.x, self.y])


# ----------------------------------------------------------------------------- tissues
class CalciumPool(Agent):
    """A tissue agent that holds calcium (mg); its amounts are read from the model's
    calcium ledger (``model.calcium``), the one place calcium moves."""

    @property
    def calcium_mg(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError


class Gut(CalciumPool):
    """Gut lumen: dietary calcium arrives here; it is absorbed or passes to the faeces."""

    @property
    def lumen_calcium_mg(self) -> float:
        return self.model.calcium["gut"]

    calcium_mg = lumen_calcium_mg


class Blood(CalciumPool):
    """Well-mixed blood / extracellular fluid: calcium (in the ledger), vitamin K forms,
    warfarin and the circulating markers (dp-ucMGP)."""

    def __init__(self, model):
        super().__init__(model)
        self.vitamin_k_nmol = {"k1": 0.0, "mk4": 0.0, "mk7": 0.0}
        self.warfarin_mg = 0.0
        self.dp_ucmgp_pmol_l = 0.0
        #: relative activity of each clotting factor (II, VII, IX, X; 1 = healthy), set daily
        self.clotting_factor_activity: dict[str, float] = {}

    @property
    def ecf_calcium_mg(self) -> float:
        return self.model.calcium["blood"]

    calcium_mg = ecf_calcium_mg


class BoneTissue(CalciumPool):
    """The skeleton: the trabecular section (``model.bone``, whose arrays are the property
    layers of ``model.bone_grid``), the mean-field cortical compartment
    (``model.cortical``), and the exchangeable bone-fluid calcium pool."""

    @property
    def section(self):
        """The trabecular section (a view of ``model.bone``)."""
        return self.model.bone

    @property
    def cortical(self):
        """The cortical compartment (a view of ``model.cortical``)."""
        return self.model.cortical

    @property
    def osteocalcin_carboxylated_fraction(self) -> float:
        """Share of today's osteocalcin fully carboxylated (NaN in the knockout)."""
        return self.model.carboxylation.osteocalcin_carboxylated_fraction

    @property
    def fluid_calcium_mg(self) -> float:
        return self.model.calcium["bone_fluid"]

    @property
    def trabecular_calcium_mg(self) -> float:
        return self.model.calcium["bone_trabecular"]

    @property
    def calcium_mg(self) -> float:
        ledger = self.model.calcium
        return ledger["bone_trabecular"] + ledger["bone_cortical"] + ledger["bone_fluid"]


class VesselWallTissue(CalciumPool):
    """The arterial media section (``model.vessel``, whose arrays are the property layers
    of ``model.vessel_grid``): VSMC phenotype, MGP and mineral deposit."""

    @property
    def wall(self):
        """The media section (a view of ``model.vessel``)."""
        return self.model.vessel

    @property
    def calcium_mg(self) -> float:
        return self.model.calcium["vessel_wall"]


# ----------------------------------------------------------------------------- on demand
class AgentsOnDemand:
    """Mix-in for a model (before ``mesa.Model`` in the bases) whose cell agents are made
    the first time anyone reads them: ``model.agents``, ``model.agents_by_type``,
    ``model.agent_types`` or the bone grid's ``agents`` (Mesa's ``SpaceRenderer`` and
    SolaraViz read that). Until then the cells live only in their arrays (the model's
    numbers never depend on agents), so a run nobody looks at makes none: no 4,096 smooth
    muscle cells at construction, no births, moves and deaths mirrored every day. From the
    first read on, :func:`mirror_bone_day` keeps them in step (see :func:`materialise_agents`)."""

    #: whether the bone-cell agents follow the populations (set by :func:`materialise_agents` and
    #: :func:`stop_mirroring`); while False no bone cell has an agent
    mirrors_cell_agents = False

    @property
    def agents(self):  # noqa: D102 - Mesa's Model.agents, filled first
        materialise_agents(self)
        return self._all_agents

    @property
    def agents_by_type(self):  # noqa: D102 - Mesa's Model.agents_by_type, filled first
        materialise_agents(self)
        return self._agents_by_type

    @property
    def agent_types(self) -> list[type]:  # noqa: D102 - Mesa's Model.agent_types, filled first
        materialise_agents(self)
        return list(self._agents_by_type)

    def remove_all_agents(self) -> None:
        """Mesa's ``remove_all_agents``, and none comes back: the cell agents not yet made are not made
        on a later read, and the bone cells born later get none (:func:`stop_mirroring`). Before, 79 agents
        appeared on the first read after it, and newborn osteoblast teams got agents again."""
        stop_mirroring(self)
        self.agents_materialised = True  # nothing is left to make on a later read
        super().remove_all_agents()


def materialise_agents(model) -> None:
    """Make a model's cell agents, once: one :class:`SmoothMuscleCell` per media patch and,
    unless :func:`stop_mirroring` was called, an :class:`Osteoclast` / :class:`Osteoblast`
    for every live cell of the populations, at its current patch; from then on
    :func:`mirror_bone_day` mirrors the bone cells' births, moves and deaths. (Tissue agents
    are made with the model.) Agents made later than in a model that mirrored from day 0
    read the same arrays, so they show the same state; only their ``unique_id`` differs."""
    state = model.__dict__
    if state.get("agents_materialised", True):  # absent while the model is being built
        return
    model.agents_materialised = True
    w, h = model.vessel.mineral.shape
    for x in range(w):
        for y in range(h):
            SmoothMuscleCell(model, x, y)
    if not state.get("cell_agents_stopped", False):
        for pop, cls in ((model.osteoclasts, Osteoclast), (model.osteoblasts, Osteoblast)):
            spawn_cell_agents(model, pop, cls, pop.live_slots())
        model.mirrors_cell_agents = True


def agent_count(model) -> int:
    """``len(model.agents)`` without making the agents: the tissue agents, one smooth muscle
    cell per media patch and the live bone cells (none after :func:`stop_mirroring`)."""
    if model.__dict__.get("agents_materialised", True):
        return len(model._all_agents)
    cells = 0 if model.__dict__.get("cell_agents_stopped") else model.osteoclasts.count + model.osteoblasts.count
    return len(model._all_agents) + model.vessel.mineral.size + cells


# ----------------------------------------------------------------------------- mirroring
def spawn_cell_agents(model, pop, cls, slots) -> None:
    """Give the cells in ``slots`` of population ``pop`` their agents of class ``cls``."""
    grid, agents = model.bone_grid, pop.agents
    # only today's births (a handful a day); plain ints, read once from the arrays
    for slot, x, y in zip(slots.tolist(), pop.x[slots].tolist(), pop.y[slots].tolist()):
        agents[slot] = cls(model, grid[(x, y)], slot)


def _remove_cell_agents(pop, slots) -> None:
    agents = pop.agents
    for agent in [agents[slot] for slot in slots.tolist()]:  # only today's deaths
        if agent is not None:
            agent.remove()
    pop.kill(slots)


def mirror_bone_day(model, day) -> None:
    """Make the bone-cell agents follow a :class:`~.remodeling.BoneDayResult`: births,
    moves and deaths of osteoclasts and osteoblast teams (a handful a day). While no one has
    read the agents (:func:`materialise_agents`), or after :func:`stop_mirroring`, only the
    dead cells' slots are freed (the populations' state)."""
    ocs, obs = model.osteoclasts, model.osteoblasts
    if not model.__dict__.get("mirrors_cell_agents", False):  # set by materialise_agents (a lookup, no AttributeError)
        if day.dead_osteoclasts is not None:  # None: remodel_day freed them (without_agents)
            ocs.kill(day.dead_osteoclasts)
            obs.kill(day.dead_osteoblasts)
        return
    if day.born_osteoclasts.size:
        spawn_cell_agents(model, ocs, Osteoclast, day.born_osteoclasts)
    if day.born_osteoblasts.size:
        spawn_cell_agents(model, obs, Osteoblast, day.born_osteoblasts)
    moved = day.moved_osteoclasts
    if moved.size:  # only movers
        grid, agents = model.bone_grid, ocs.agents
        for slot, x, y in zip(moved.tolist(), ocs.x[moved].tolist(), ocs.y[moved].tolist()):
            agent = agents[slot]
            if agent is not None:
                agent.cell = grid[(x, y)]
    if day.dead_osteoclasts.size:
        _remove_cell_agents(ocs, day.dead_osteoclasts)
    if day.dead_osteoblasts.size:
        _remove_cell_agents(obs, day.dead_osteoblasts)


def stop_mirroring(model) -> None:
    """For a model whose bone-cell agents no one will read (:func:`calcium_abm.simulate` and
    the batches, which keep only the recorded rows): remove the bone-cell agents (osteoclasts
    and osteoblast teams) if they were made, and never make or mirror them again. The numbers
    do not change: the cells live in the population arrays, and agents only read them. Tissue
    agents stay, and smooth muscle cells are still made when the agents are read (they read
    the arrays and never need mirroring)."""
    model.cell_agents_stopped = True
    model.mirrors_cell_agents = False
    for pop in (model.osteoclasts, model.osteoblasts):
        for slot in pop.live_slots().tolist():
            if pop.agents[slot] is not None:
                pop.agents[slot].remove()
        pop.agents[:] = [None] * len(pop.agents)


__all__ = ["Osteoclast", "Osteoblast", "SmoothMuscleCell", "Gut", "Blood", "BoneTissue",
           "VesselWallTissue", "CalciumPool", "AgentsOnDemand", "agent_count", "materialise_agents", "spawn_cell_agents",
           "mirror_bone_day", "stop_mirroring"]
