"""Menopausal hormone therapy: estrogen given back after the ovaries stop making it.

``drugs.menopausal_hormone_therapy`` is standard-dose therapy (conjugated equine estrogens
0.625 mg/day, or an equivalent estradiol dose, with or without a progestin, as in PEPI and
the WHI). It replaces a share ``T`` (``hormone_therapy_estrogen_replacement``) of the ovarian
estrogen lost at menopause, and so acts wherever the model's estrogen acts, through the same laws:

* the estrogen-loss effect on bone cells (:func:`.ageing.perimenopausal_estrogen_effect`) keeps
  ``1 - T`` of its size (:func:`estrogen_loss_share_left`);
* the estrogen level that the kidney's calcium reabsorption, the media's calcification drive and
  the intima's growth read (:func:`.ageing.ovarian_estrogen_level`) becomes
  ``1 - (1 - E)(1 - T)`` (:func:`estrogen_level_with_therapy`);
* the fall of calcium absorption at menopause (``absorption_fraction_menopause_drop``) keeps
  ``1 - T`` of its size.

The vessel wall (the intima's growth and the media's calcification drive) takes the therapy only
if it starts close to the final period, the timing hypothesis (:func:`vessel_share`): estradiol
started within 6 years of menopause slowed carotid intima-media thickening and started 10 or more
years after it did not (ELITE: Hodis et al. 2016, N Engl J Med 374:1221, strata < 6 and >= 10
years); in the WHI, coronary heart disease was lower on therapy started within 10 years of
menopause and not later (Rossouw et al. 2007, JAMA 297:1465); coronary calcium was lower after
7 years of CEE started at 50-59 (WHI-CACS: Manson et al. 2007, N Engl J Med 356:2591, the source
of ``estrogen_vessel_protection``). Bone takes it at any age (the WHI's women of 50-79).

Therapy taken on day 0 is therapy taken since her estrogen began to fall (the final period, for a
postmenopausal woman): the life course and the bone spin-up run under it, as a run starts at the
steady state of its other day-0 inputs (a user of many years, as in the Study of Osteoporotic Fractures). A trial that starts therapy sets it in a
``[[schedule]]`` entry, and it acts from that day; stopping it is another entry.

Sources of what the therapy does, and the rows that test it (``HT-PEPI``, ``HT-WHI``, ``A5``):
the PEPI trial (Writing Group for the PEPI Trial 1996, JAMA 276:1389; 875 women aged 45-64 for
3 years: lumbar-spine BMD +3.5 to +5.0 % on CEE 0.625 mg/day regimens, -1.8 % on placebo);
the PEPI Safety Follow-up Study (Greendale et al. 2002, Arch Intern Med 162:665: after stopping,
loss at the rate of women who never took it, ~1 %/year at the spine); the WHI estrogen-plus-progestin
trial (Cauley et al. 2003, JAMA 290:1729: total hip +3.7 % against 0.14 % in 3 years, women of 50-79);
the Study of Osteoporotic Fractures (Ensrud et al. 1995, J Bone Miner Res 10:1778: estrogen users lost
a third less hip bone at 65 and older).
"""

from __future__ import annotations

from calcium_abm.parameters import Parameter, declare

__all__ = ["PARAMETERS", "estrogen_level_with_therapy", "estrogen_loss_share_left", "replaced_share", "vessel_share"]

PARAMETERS = declare([
    Parameter("hormone_therapy_estrogen_replacement", 1.0, "-",
              "assumption: standard-dose therapy (CEE 0.625 mg/day) brings postmenopausal bone turnover back to "
              "premenopausal levels, so it replaces all of the estrogen action the model's laws lose at "
              "menopause; tested, not set, by rows HT-PEPI (PEPI 1996 JAMA 276:1389: spine BMD +3.5 to +5.0 % "
              "against -1.8 % on placebo over 3 years), A5 (SOF, Ensrud 1995: users lost a third less) and HT-Elderly "
              "(McKane 1997: PTH and bone resorption of women of 74 on long-term estrogen as premenopausal women's)",
              "Share of the ovarian estrogen lost at menopause that standard-dose menopausal hormone therapy "
              "replaces", 0.0, 1.0, ("HT-PEPI", "HT-WHI", "HT-Elderly", "A5")),
    Parameter("hormone_therapy_vessel_window_full_years", 6.0, "years",
              "[V] Hodis et al. 2016 N Engl J Med 374:1221 (ELITE, 643 women, estradiol 1 mg/day or placebo for a "
              "median 5 years): carotid intima-media thickness rose 0.0044 against 0.0078 mm/year on estradiol "
              "started < 6 years after menopause (median 3.5) [V abstract, IMS summary]; the early stratum's edge",
              "Years after the final period up to which therapy started then acts fully on the vessel wall",
              0.0, 60.0),
    Parameter("hormone_therapy_vessel_window_end_years", 10.0, "years",
              "[V] Hodis et al. 2016 N Engl J Med 374:1221 (ELITE): started >= 10 years after menopause (median "
              "14.3), 0.0100 against 0.0088 mm/year on placebo, and coronary calcium no different; [V] Rossouw et al. "
              "2007 JAMA 297:1465 (WHI: coronary heart disease lower on therapy started < 10 years after menopause, "
              "not at 10-19 or >= 20) and Hodis & Mack 2013 J Steroid Biochem Mol Biol (review of the timing "
              "hypothesis: < 10 years or < 60 years of age) [V abstract]. Between the two edges the share falls "
              "linearly (an assumption: no trial started therapy 6-10 years after menopause)",
              "Years after the final period from which therapy started then no longer acts on the vessel wall",
              0.0, 60.0),
])


def replaced_share(hormone_therapy: bool, p) -> float:
    """``T`` (``hormone_therapy_estrogen_replacement``) while the therapy is taken, else 0."""
    return float(p.hormone_therapy_estrogen_replacement) if hormone_therapy else 0.0


def estrogen_loss_share_left(hormone_therapy: bool, p) -> float:
    """Share (0-1) of an estrogen-loss effect that acts under the therapy: ``1 - T`` (1 without it)."""
    return 1.0 - replaced_share(hormone_therapy, p)


def estrogen_level_with_therapy(ovarian_level: float, hormone_therapy: bool | float, p) -> float:
    """Estrogen level (0-1, 1 premenopausal) that the estrogen-dependent laws read: the ovaries'
    ``E`` plus the therapy's share ``T`` of what they lost, ``1 - (1 - E)(1 - T x h)``; ``E`` without
    therapy. ``hormone_therapy`` ``h``: True (1) or False (0), or the vessel's share 0-1 (:func:`vessel_share`)."""
    if not hormone_therapy:
        return ovarian_level
    return 1.0 - (1.0 - ovarian_level) * (1.0 - float(p.hormone_therapy_estrogen_replacement) * float(hormone_therapy))


def vessel_share(years_after_fmp_at_start: float | None, p) -> float:
    """Share (0-1) of the therapy's estrogen that the vessel wall takes, from the years between the
    final period and the therapy's start (None, or before the final period: 1): 1 up to
    ``hormone_therapy_vessel_window_full_years``, 0 from ``hormone_therapy_vessel_window_end_years``,
    linear between (the timing hypothesis: ELITE, Hodis 2016; WHI, Rossouw 2007). Therapy taken on
    day 0 is taken since the final period (share 1)."""
    full, end = float(p.hormone_therapy_vessel_window_full_years), float(p.hormone_therapy_vessel_window_end_years)
    if years_after_fmp_at_start is None or years_after_fmp_at_start <= full:
        return 1.0
    if years_after_fmp_at_start >= end:
        return 0.0
    return (end - years_after_fmp_at_start) / (end - full)
