"""``python -m calcium_abm ...``: the same command line as ``calcium-abm ...`` (:func:`calcium_abm.cli.main`)."""

from calcium_abm.cli import main

raise SystemExit(main())
