"""Two drives of the media together (vitamin K antagonist and CKD 4) give more calcification
than either alone, but not a runaway: issue 12 measured 3,422 AU and 87 % of the media
calcified within 2 years of warfarin in a woman of 68 with CKD 4 and a score of 200, where
each alone gave ~300 AU. The cause was the linear systemic-inhibitor law ``1 - s f``; the
saturating law (wall_laws.systemic_free_fraction) replaces it.

Bound: coronary calcium in people who have it progresses by ~15-25 %/year (issue 12; MESA,
Kronmal 2007) and faster in CKD; haemodialysis patients on a VKA have ~2.6-fold odds of aortic
calcification (Fusaro 2012). Even doubling a CKD progression of 30 %/year gives < 600 AU from
200 AU at 2 years, with the media far from whole-media mineralisation.
"""

import pytest

from calcium_abm import simulate

WOMAN_68 = {"patient.age_years": 68.0, "patient.sex": "female", "patient.postmenopausal": True,
            "patient.years_since_menopause": 17.0, "patient.baseline_calcification_score": 200.0}


@pytest.fixture(scope="module")
def two_years():
    runs = {"warfarin": ("long_term_warfarin", {}), "ckd4": ("healthy_adult", {"patient.ckd_stage": 4}),
            "both": ("long_term_warfarin", {"patient.ckd_stage": 4})}
    return {name: simulate(scenario, years=2, seed=1, overrides={**WOMAN_68, **extra}).iloc[-1]
            for name, (scenario, extra) in runs.items()}


def test_warfarin_and_ckd4_together_calcify_more_than_either_alone(two_years):
    both = two_years["both"].calcification_score
    assert both > max(two_years["warfarin"].calcification_score, two_years["ckd4"].calcification_score)


def test_warfarin_and_ckd4_together_do_not_run_away_in_two_years(two_years):
    both = two_years["both"]
    assert both.calcification_score < 600.0
    assert both.calcified_area_fraction < 0.10
