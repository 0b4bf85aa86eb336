#!/usr/bin/env bash
# Idempotent set-up: toolchain, dependencies, build. Fast when nothing changed.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$(dirname "$0")/.."
ensure_toolchain
say "installing dependencies (pnpm install --frozen-lockfile)"
CI=${CI:-} pnpm install --frozen-lockfile --reporter=silent
say "building packages (turbo, cached)"
pnpm exec turbo run build --output-logs=errors-only
