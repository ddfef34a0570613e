"""The colour key of the tissue pictures (:mod:`calcium_abm.render`): the mineral ramp and the
markers, under the pictures on the page and, compact, in presentation mode (which had no key)."""

from __future__ import annotations

import solara

from calcium_abm.render import BONE_LEGEND, VESSEL_LEGEND, VESSEL_MINERAL_FULL_SCALE, css_gradient


def ramp_text(intima_full_scale_mg: float, compact: bool = False) -> str:
    """What the ramp's ends mean in each picture (the band's top from the run's media, in mg); a band past its
    top is striped (:func:`calcium_abm.render.intima_over_scale`), which the key says."""
    media = f"{100 * VESSEL_MINERAL_FULL_SCALE:.0f} %"  # "100 %" and "5 %" alike (it said "5%")
    if compact:
        return f"mineral 0 → bone 100 %, media {media}, plaque {intima_full_scale_mg:.3g} mg (striped: more)"
    return (f"mineral: bone 0 → 100 % of a patch; media 0 → {media}; plaque band 0 → {intima_full_scale_mg:.3g} mg "
            f"(square-root scale in the vessel; striped: more than {intima_full_scale_mg:.3g} mg)")


def _swatch(color: str, label: str, meaning: str) -> None:
    solara.HTML(tag="span", unsafe_innerHTML=f'<span class="ca-swatch" style="background:{color}"></span>{label}',
                attributes={"title": meaning}, classes=["ca-key-item"])


@solara.component
def TissueKey(intima_full_scale_mg: float, compact: bool = False):
    """The ramp with what its ends mean, a swatch for each marker, and the intima's band. ``compact``: one
    wrapping line of small type, for presentation mode."""
    bar_style = "width: 90px; display: inline-block; height: 13px" if compact else ""
    with solara.Row(classes=["ca-legend", "ca-key"] + (["ca-key-compact"] if compact else []),
                    style={"flex-wrap": "wrap", "gap": "2px 12px" if compact else "18px", "align-items": "center"}):
        with (solara.Row if compact else solara.Column)(gap="6px" if compact else "2px",
                                                         style={"min-width": "0" if compact else "260px",
                                                                "align-items": "center"}):
            solara.HTML(tag="div", unsafe_innerHTML=f'<div class="ca-colorbar" style="background:{css_gradient()}; '
                                                    f'{bar_style}"></div>')
            solara.Text(ramp_text(intima_full_scale_mg, compact), classes=["ca-key-ramp"])
        for entry in (*BONE_LEGEND, *VESSEL_LEGEND):
            label = entry.label if compact else (f"{entry.label} (dot)" if entry.label != "blood" else
                                                 "blood (strip on top)")
            _swatch(entry.color, label, entry.meaning)
        _swatch(css_gradient(), "plaque band (intima)" if compact else "band under the blood: plaque (intima), on the ramp",
                "the intima's plaque calcium: one number per person, which the chart's vessel calcium includes")
