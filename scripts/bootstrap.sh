#!/usr/bin/env bash
# Creates .venv with a Python >= 3.12, installs calcium-abm (editable) and the offline
# front-end assets the Solara dashboard needs. Idempotent: re-running is fast.
# Usage: source-free; called by scripts/dashboard.sh and scripts/test.sh.
#   EXTRAS=test bash scripts/bootstrap.sh
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local cand
  for cand in "${PYTHON:-}" python3.13 python3.12 python3 \
              "$HOME"/.pyenv/versions/3.13*/bin/python3 "$HOME"/.pyenv/versions/3.12*/bin/python3 \
              /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    [ -n "$cand" ] || continue
    command -v "$cand" >/dev/null 2>&1 || [ -x "$cand" ] || continue
    if "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  if ! PY=$(find_python); then
    echo "calcium-abm needs Python 3.12 or newer (Mesa 3.5 requires it), and none was found." >&2
    echo "Install one (e.g. 'pyenv install 3.12' or your OS package python3.12), or set PYTHON=/path/to/python3.12." >&2
    exit 1
  fi
  echo "Creating .venv with $("$PY" --version 2>&1) ($PY)" >&2
  rm -rf .venv
  PYENV_VERSION="$("$PY" -c 'import platform; print(platform.python_version())')" "$PY" -m venv .venv
fi

spec="."
[ -n "${EXTRAS:-}" ] && spec=".[${EXTRAS}]"
hash="$(cat pyproject.toml | sha1sum | cut -c1-12)"
stamp=".venv/.installed-$hash-${EXTRAS:-none}"
# an install with extras (the test suite's) holds the plain one too: the dashboard then starts without pip
if [ ! -f "$stamp" ] && { [ -n "${EXTRAS:-}" ] || ! compgen -G ".venv/.installed-$hash-*" >/dev/null; }; then
  # compat mode: a plain .pth path entry (the strict editable finder misses the package
  # when Python runs a script from another directory)
  .venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec" --config-settings editable_mode=compat >&2
  touch "$stamp"
fi

# Solara proxies its front-end from a CDN; offline we pre-fill its cache. solara-assets
# covers everything but KaTeX, which solara.Markdown loads: fetch it from the npm registry.
cdn="$(.venv/bin/python -c 'import sys; print(sys.prefix)')/share/solara/cdn"
if [ ! -f "$cdn/katex@0.16.9/dist/katex.min.js" ]; then
  tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent katex@0.16.9 >/dev/null 2>&1); then
    mkdir -p "$cdn/katex@0.16.9"
    tar -xzf "$tmp"/katex-0.16.9.tgz -C "$tmp"
    cp -r "$tmp"/package/. "$cdn/katex@0.16.9/"
  else
    echo "warning: could not fetch KaTeX with npm; formulas in the dashboard will not render offline" >&2
  fi
  rm -rf "$tmp"
fi

# The per-day rules are numba kernels, compiled on first use and cached next to their
# sources (calcium_abm/**/__pycache__). Compile them now (tens of seconds, once), so that the first
# run, dashboard frame or test does not pay for it.
.venv/bin/python -c 'from calcium_abm.simulation import warm_up; warm_up()' >&2
