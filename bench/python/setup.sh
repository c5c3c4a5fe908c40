#!/usr/bin/env bash
# Makes bench/python/.venv with the Python stack the `ragtune bench ... --anchor` comparisons run against:
# the versions a user would `pip install` today, pinned. pip is used as configured on this machine (`pip config list`);
# when the public index is unreachable and pip has extra indexes configured, the first of those becomes the index so
# that pip does not spend minutes retrying. Usage: bench/python/setup.sh [VENV_DIR]   (PYTHON=python3.11 to choose)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:-$here/.venv}"
python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "setup: no $python found; install Python 3.10+ or set PYTHON=/path/to/python" >&2; exit 1; }

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv with $("$python" --version 2>&1)" >&2
  "$python" -m venv "$venv"
fi

args=()
if [ -z "${PIP_INDEX_URL:-}" ] && [ -z "$("$venv/bin/python" -m pip config get global.index-url 2>/dev/null || true)" ]; then
  if ! "$venv/bin/python" - <<'PY' 2>/dev/null; then
import urllib.request
urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=5)
PY
    extra="$("$venv/bin/python" -m pip config get global.extra-index-url 2>/dev/null || true)"
    read -r -a urls <<<"$extra"
    if [ "${#urls[@]}" -gt 0 ]; then
      echo "setup: pypi.org unreachable; using the configured index ${urls[0]}" >&2
      args+=(--index-url "${urls[0]}")
      for u in "${urls[@]:1}"; do args+=(--extra-index-url "$u"); done
    fi
  fi
fi

"$venv/bin/python" -m pip install "${args[@]}" -r "$here/requirements.txt"
"$venv/bin/python" "$here/versions.py"
echo "setup: done; run e.g. ./ragtune bench retrieval ... --anchor $venv/bin/python" >&2
