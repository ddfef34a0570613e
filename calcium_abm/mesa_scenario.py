"""``model.scenario`` is None: the slot Mesa 3.5 keeps for its experimental ``Scenario`` stays empty.

Mesa 3.5 gives every model a ``model.scenario`` (a ``mesa.experimental.scenarios.Scenario`` that
holds only the seed when the model passes none), and SolaraViz's **Reset** rebuilds a model that
has one with ``scenario=type(model.scenario)(...)``, which replaces the page's own ``scenario``
setting. The model's ``scenario`` argument is a calcium-abm scenario (a built-in name, a TOML file,
a mapping or a :class:`~calcium_abm.scenario.Scenario`; the model keeps it as ``model.config``), so
every Reset of ``app/mesa_viz.py`` failed with "cannot load a scenario from Scenario". With the slot
empty, SolaraViz passes the page's settings to the model as they are.
"""

from __future__ import annotations


class WithoutMesaScenario:
    """Mix-in for a model (before ``mesa.Model`` in the bases): ``model.scenario`` (and so
    ``agent.scenario``) is None, whatever ``mesa.Model.__init__`` assigns to it. The model's own
    scenario is ``model.config``."""

    @property
    def scenario(self) -> None:  # noqa: D102 - see class docstring
        return None

    @scenario.setter
    def scenario(self, value) -> None:  # mesa.Model.__init__ assigns Scenario(rng=seed): not kept
        pass


__all__ = ["WithoutMesaScenario"]
