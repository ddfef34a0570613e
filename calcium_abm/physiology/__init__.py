"""Submodels of the calcium-paradox model.

Each module holds a few pure numpy functions and, beside them, the :class:`Parameter`
declarations (value, unit, source) they use. No module here imports the model.
"""
