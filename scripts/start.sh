#!/usr/bin/env bash
# Sets everything up, then runs the service. With no cluster configured (no --kubeconfig, no KUBECONFIG, not in a
# pod, no ~/.kube/config), or with --demo, it runs the local demo instead (tooling/demo): a real control plane from
# @vmcp/envtest with example ToolHive resources, and the service against it. The service itself never starts a
# control plane: without a cluster it stops with one line saying how to configure one.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
bash scripts/setup.sh
ensure_toolchain 2>/dev/null  # the set-up ran in a child shell: put the same node and pnpm on this PATH

service=apps/vmcp-watcher/bin/vmcp-watcher.js
demo=false
args=()
for arg in "$@"; do
  if [[ "$arg" == "--demo" ]]; then demo=true; else args+=("$arg"); fi
done

# Where the cluster would come from, asked of the service itself (its order: --kubeconfig, KUBECONFIG, in a pod,
# ~/.kube/config): `none` means the demo. A command line the service refuses is left for it to report when it runs.
cluster_source=$(node "$service" --print-cluster-source "${args[@]+"${args[@]}"}" 2>/dev/null) || cluster_source=invalid

if [[ "$demo" == true || "$cluster_source" == none ]]; then
  say "starting the local demo (tooling/demo): control plane, example resources, then vmcp-watcher ${args[*]+"${args[*]}"}"
  exec node --conditions=@vmcp/source tooling/demo/src/main.ts --service "$service" "${args[@]+"${args[@]}"}"
fi
say "starting vmcp-watcher (apps/vmcp-watcher) ${args[*]+"${args[*]}"}"
exec node "$service" "${args[@]+"${args[@]}"}"
