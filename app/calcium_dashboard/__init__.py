"""Components of the calcium-abm Solara dashboard (``app/app.py`` is the entry point)."""
