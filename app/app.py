"""The calcium-abm dashboard: ``solara run app/app.py`` (or ``calcium-abm dashboard``).

One model per browser tab; see ``docs/dashboard.md`` for the user guide and
``app/calcium_dashboard/`` for the components.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # `solara run` adds it; tests and notebooks may not
    sys.path.insert(0, _HERE)

from calcium_dashboard.page import Page  # noqa: E402
from calcium_dashboard.server import install  # noqa: E402

install()  # cull dropped tabs, hide the corner badge, diagnostics for this machine only

page = Page
