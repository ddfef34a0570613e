"""The model in Mesa's own SolaraViz, for Mesa users: ``solara run app/mesa_viz.py``.

The bone section is ``model.grid`` (osteoclasts and osteoblast teams are ``CellAgent``s on
it; the ``bone_mineral`` property layer is the heat map). The sliders are flat model
settings, so SolaraViz passes them straight to ``CalciumParadoxModel(**params)``.

Mesa 3.5 behaviour to know: slider changes apply when you press **Reset**; the seed box
sends text, which the model turns back into an integer (text that is no seed, such as "abc",
starts a run with a fresh seed and says so above the charts: SolaraViz would show the error
in place of the whole page); a click steps ``render_interval`` days
without looking at ``model.running``, so the page's model (:class:`ViewedModel`) stops at the
run's last day where ``model.step()`` would refuse a day past it. The classroom dashboard
(``app/app.py``) is faster and has compare mode; this view is for exploring the Mesa side.
"""

import solara
from mesa.visualization import Slider, SolaraViz, SpaceRenderer, make_plot_component
from mesa.visualization.components import AgentPortrayalStyle, PropertyLayerStyle

from calcium_abm import CalciumParadoxModel, load_scenario
from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.seeds import model_seed
from calcium_abm.stepping import step_one_day

SCENARIO = "k2_deficiency"  # the sliders start at this scenario's values
_base = load_scenario(SCENARIO)


def agent_portrayal(agent):
    """Osteoclasts red, osteoblast teams blue (the dashboard's colours)."""
    kind = type(agent).__name__
    if kind == "Osteoclast":
        return AgentPortrayalStyle(color="#ff2828", marker="s", size=30, zorder=3)
    return AgentPortrayalStyle(color="#28c8ff", marker="s", size=18, zorder=2)


def layer_portrayal(layer):
    """Bone mineral as a heat map; the other layers are not drawn."""
    if layer.name == "bone_mineral":
        return PropertyLayerStyle(colormap="magma", alpha=0.9, vmin=0.0, vmax=1.0, colorbar=True)
    return None


model_params = {
    "scenario": SCENARIO,  # fixed: a built-in scenario name
    "rng": {"type": "InputText", "value": _base.simulation.seed, "label": "Random seed"},
    "vitamin_k1_ug_per_day": Slider("Vitamin K1 (µg/day)", _base.diet.vitamin_k1_ug_per_day, 0.0, 1000.0, 10.0),
    "mk7_ug_per_day": Slider("Vitamin K2 MK-7 (µg/day)", _base.diet.mk7_ug_per_day, 0.0, 500.0, 5.0),
    "mk4_ug_per_day": Slider("Vitamin K2 MK-4 (µg/day)", _base.diet.mk4_ug_per_day, 0.0, 1500.0, 5.0),
    "calcium_mg_per_day": Slider("Calcium (mg/day)", _base.diet.calcium_mg_per_day, 0.0, 3000.0, 50.0),
    "warfarin_mg_per_day": Slider("Warfarin (mg/day)", _base.drugs.warfarin_mg_per_day, 0.0, 15.0, 0.5),
    "ckd_stage": {"type": "SliderInt", "value": _base.patient.ckd_stage, "min": 0, "max": 5, "step": 1,
                  "label": "CKD stage (0 = healthy kidneys)"},
    "mgp_knockout": {"type": "Checkbox", "value": _base.genetics.mgp_knockout, "label": "MGP knockout"},
    "osteocalcin_knockout": {"type": "Checkbox", "value": _base.genetics.osteocalcin_knockout,
                             "label": "Osteocalcin knockout"},
}


class ViewedModel(CalciumParadoxModel):
    """The model, whose ``step()`` does nothing once the run has ended (``model.running`` False): SolaraViz
    steps a week per click, and the last week of a run that is no whole number of weeks passes its end. A seed
    the model refuses (the seed box is free text) gives a fresh seed and a ``notice`` (:func:`SeedNotice`):
    SolaraViz's Reset shows an error in place of the whole page."""

    def __init__(self, scenario="healthy_adult", *, rng=None, **settings):
        refused = ""
        if isinstance(rng, str):  # the seed box's text
            try:
                model_seed(rng)
            except ScenarioError as error:
                rng, refused = None, str(error)
        super().__init__(scenario, rng=rng, **settings)
        self.notice = f"{refused}; this run has the fresh seed {self.seed}" if refused else ""

    def _wrapped_step(self) -> None:
        if self.day < self.days_total:
            step_one_day(self)


@solara.component
def SeedNotice(model):
    """The model's notice (a refused seed), if it has one."""
    if model.notice:
        solara.Warning(model.notice)


model = ViewedModel(SCENARIO, rng=_base.simulation.seed)
renderer = SpaceRenderer(model, backend="matplotlib").setup_agents(agent_portrayal).setup_propertylayer(
    layer_portrayal)
renderer.draw_propertylayer()
renderer.draw_agents()

page = SolaraViz(
    model,
    renderer,
    components=[
        SeedNotice,
        make_plot_component(["bmd_change_pct"]),
        make_plot_component(["vessel_calcification_mg"]),
        make_plot_component(["dp_ucmgp_pmol_l"]),
        make_plot_component(["serum_calcium_mmol_l"]),
    ],
    model_params=model_params,
    name="Calcium paradox (Mesa SolaraViz)",
    play_interval=50,
    render_interval=7,  # one simulated week per redraw
)
