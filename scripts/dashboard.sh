#!/usr/bin/env bash
# Installs calcium-abm and starts the dashboard on the default scenario at http://127.0.0.1:8765
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/calcium-abm dashboard "$@"
