#!/usr/bin/env bash
# Sets everything up, then runs every check a user needs: typecheck, lint, package checks, the container image, the
# Helm chart, the release rehearsal and all tests (unit, integration against a real kube-apiserver + etcd, browser),
# and the quick benchmark. Each step prints what it did and how long it took. Ends with "N passed, N failed, N skipped"
# (tests plus steps), preceded by the names of the steps that were skipped and why.
#
# Steps that install system packages (Chromium, buildah, debootstrap) do so only as root or under CI=true, and say so
# first; otherwise they print one notice and count as skipped (never as passed).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
run_started=$(date +%s)
bash scripts/setup.sh
ensure_toolchain 2>/dev/null  # the set-up ran in a child shell: put the same node and pnpm on this PATH

failed_steps=()
skipped_steps=()
step() { # step NAME CMD...: runs a step, remembers a failure (or a skip: exit code 77), never stops the run
  local name=$1 rc=0 started
  shift
  say "$name"
  started=$(date +%s)
  "$@" || rc=$?
  local took=$(($(date +%s) - started))
  if [ $rc -eq 77 ]; then
    skipped_steps+=("$name"); say "SKIPPED: $name (${took} s)"
  elif [ $rc -ne 0 ]; then
    failed_steps+=("$name"); say "FAILED: $name (${took} s)"
  else
    say "done: $name (${took} s)"
  fi
}

step "typecheck, lint, package checks (turbo)" pnpm exec turbo run typecheck lint check:package --output-logs=errors-only
step "test control plane binaries (@vmcp/envtest)" pnpm --filter @vmcp/envtest exec node --conditions=@vmcp/source src/cli.ts ensure-binaries
# Plain node (not `pnpm exec`), so its exit code 77 ("skipped") reaches step() unchanged.
for tool in helm promtool registry actionlint; do
  step "$tool (built from the Go module proxy, cached by version)" node --conditions=@vmcp/source apps/vmcp-watcher/test/ensure-go-tool.ts "$tool"
done
step "Dockerfile lint (hadolint from PyPI)" bash apps/vmcp-watcher/scripts/lint-dockerfile.sh
step "container image (buildah: base from debootstrap + Node, then the real Dockerfile)" bash apps/vmcp-watcher/scripts/image.sh build
step "chromium for the browser test (Debian package)" bash apps/vmcp-watcher/scripts/ensure-chromium.sh
rm -rf .test-results && mkdir -p .test-results
step "tests (vitest, all packages)" pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json

say "whole run: $(($(date +%s) - run_started)) s"
node scripts/summarize-tests.mjs .test-results/vitest.json --failed "${failed_steps[@]}" --skipped "${skipped_steps[@]}"
