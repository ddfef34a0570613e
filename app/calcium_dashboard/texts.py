"""Explanation panels: what each view's colours and lines mean and which mechanism
moves them. Kept short and in plain words so they read from the back of a lecture hall."""

from __future__ import annotations

EXPLANATIONS: dict[str, tuple[str, str]] = {
    "bone": (
        "Bone section (trabecular bone)",
        "Bright = mineralised bone, dark = marrow. Red dots are osteoclasts digging "
        "cavities; blue dots are osteoblast teams refilling them with osteoid (grey), "
        "which then mineralises. Vitamin K keeps osteoblasts alive and speeds osteoclast "
        "death: with too little, cavities are dug faster than they are refilled and the "
        "bright area shrinks.",
    ),
    "vessel": (
        "Vessel wall (intima and media)",
        "The red strip on top is the blood. The band under it is the intima's plaque: its "
        "colour is the person's plaque calcium, which the chart's vessel calcium includes. The grid "
        "under the thin line is the media: colour is mineral in each patch (dark = none, "
        "bright = calcified, the same ramp as bone and band). Green dots are smooth muscle "
        "cells switched to a bone-like (osteochondrogenic) phenotype. Vitamin K activates "
        "MGP, the wall's calcification inhibitor. The model assumes that less vitamin K "
        "reaches the media the deeper it lies, so its deep layers calcify first; that is an "
        "assumption: in patients, medial calcification is often seen along the internal "
        "elastic lamina, next to the intima.",
    ),
    "paradox": (
        "The paradox",
        "Blue: bone density change since day 0, as the mean of the past year, or since day 0 in the first year (the faint "
        "line is the noisy daily value). Red: calcium deposited in the vessel wall, which in most people also "
        "grows with age from their 50s or 60s (intimal plaque). Low vitamin K parts the lines further: calcium "
        "leaves the skeleton and ends up in the artery. Compare mode draws scenario B dashed on the same axes.",
    ),
    "markers": (
        "Blood markers",
        "dp-ucMGP is inactive MGP in plasma: it rises when the vessel wall lacks vitamin "
        "K. The INR, on the same chart's right axis, is the clotting test: about 1 in health, 2-3 on a "
        "therapeutic warfarin dose; warfarin raises both. %ucOC is the share of osteocalcin left "
        "uncarboxylated: it rises when bone cells lack vitamin K (its level is not calibrated: read its "
        "changes). In health serum calcium barely moves on its physiological "
        "axis: parathyroid hormone holds it steady by taking calcium from bone, which is why a "
        "normal blood calcium hides the paradox.",
    ),
}
