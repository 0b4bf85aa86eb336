#!/usr/bin/env bash
# Sets everything up, then runs the service. With no cluster configured (no KUBECONFIG, no ~/.kube/config, not in a
# pod) it runs the local demo: a real control plane from @vmcp/envtest with example ToolHive resources.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
bash scripts/setup.sh
ensure_toolchain 2>/dev/null  # the set-up ran in a child shell: put the same node and pnpm on this PATH
say "starting vmcp-watcher (apps/vmcp-watcher) $*"
exec node apps/vmcp-watcher/bin/vmcp-watcher.js "$@"
