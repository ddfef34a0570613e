"""Calendar units shared by the input layer and the physiology (a leaf: imports nothing).

A run lasts ``simulation.years x DAYS_PER_YEAR`` whole days (rounded); the person's age
advances by one day in ``DAYS_PER_YEAR_OF_AGE`` each simulated day (x the species' time
scale in physiology), so a check of the age a run ends at counts the run's whole days.
"""

#: days in a year of run length (``simulation.years`` x 365, rounded to whole days)
DAYS_PER_YEAR = 365
#: days in a year of age (the calendar year, leap years included)
DAYS_PER_YEAR_OF_AGE = 365.25
