# shellcheck shell=bash
# Sourced by the other scripts: makes Node >= 22.19 and the pinned pnpm available on PATH.
# Node and pnpm come from the npm registry (node-<os>-<arch> ships the binary), cached outside the repo by version.
# It sets no shell options, so sourcing it in an interactive shell is safe; the scripts set their own.

VMCP_NODE_VERSION="24.21.0"
VMCP_PNPM_VERSION="10.34.8"
VMCP_NODE_MIN="22.19.0"
VMCP_TOOLS_DIR="${VMCP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vmcp-watcher/tools}"

say() { printf '\033[1m[vmcp]\033[0m %s\n' "$*" >&2; }

version_ge() { # version_ge A B: A >= B
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

fetch_npm_tarball() { # fetch_npm_tarball SPEC DEST_DIR: unpacks the package into DEST_DIR
  local spec=$1 dest=$2 tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent --loglevel=error "$spec" >/dev/null)
  mkdir -p "$dest.partial"
  tar -xzf "$tmp"/*.tgz -C "$dest.partial" --strip-components=1
  rm -rf "$tmp" "$dest"
  mv "$dest.partial" "$dest"
}

ensure_node() {
  local current=""
  if command -v node >/dev/null 2>&1; then current=$(node -p 'process.versions.node' 2>/dev/null || true); fi
  if [ -n "$current" ] && version_ge "$current" "$VMCP_NODE_MIN"; then
    return 0
  fi
  local os arch dir
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) say "unsupported OS $(uname -s)"; exit 1 ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) say "unsupported CPU $(uname -m)"; exit 1 ;; esac
  dir="$VMCP_TOOLS_DIR/node-v$VMCP_NODE_VERSION-$os-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { say "need npm (any version) to fetch Node $VMCP_NODE_VERSION"; exit 1; }
    say "Node ${current:-none} is older than $VMCP_NODE_MIN: fetching Node $VMCP_NODE_VERSION from the npm registry (node-$os-$arch, ~50 MB) into $dir"
    fetch_npm_tarball "node-$os-$arch@$VMCP_NODE_VERSION" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
}

ensure_pnpm() {
  local dir="$VMCP_TOOLS_DIR/pnpm-v$VMCP_PNPM_VERSION"
  if [ ! -f "$dir/bin/pnpm.cjs" ]; then
    say "fetching pnpm $VMCP_PNPM_VERSION from the npm registry into $dir"
    fetch_npm_tarball "pnpm@$VMCP_PNPM_VERSION" "$dir"
  fi
  mkdir -p "$VMCP_TOOLS_DIR/bin"
  printf '#!/bin/sh\nexec node "%s/bin/pnpm.cjs" "$@"\n' "$dir" > "$VMCP_TOOLS_DIR/bin/pnpm"
  chmod +x "$VMCP_TOOLS_DIR/bin/pnpm"
  export PATH="$VMCP_TOOLS_DIR/bin:$PATH"
}

ensure_toolchain() {
  ensure_node
  ensure_pnpm
  say "node $(node --version), pnpm $(pnpm --version)"
}
