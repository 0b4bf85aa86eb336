# shellcheck shell=bash
# Sourced by steps that need a system tool (Chromium, buildah, debootstrap…). Installing Debian packages changes the
# machine, so it happens only as root or under CI=true, and says so first; anyone else gets one clear notice and the
# step reports itself skipped (exit code 77, which scripts/test.sh counts as "skipped", never as passed).

VMCP_SKIPPED=77

# ensure_debian_packages "WHAT FOR" "cmd1 cmd2" pkg1 pkg2…: returns 0 when every command is there (installing the
# packages if allowed), 77 after a skip notice, 1 when CI=true cannot get them.
ensure_debian_packages() {
  local why=$1 commands=$2; shift 2
  local missing=() c
  for c in $commands; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && [ "${CI:-}" != "true" ]; then
    echo "[vmcp] NOTICE: SKIPPED $why: needs ${missing[*]} (Debian packages: $*). Installing system packages happens only as root or with CI=true; install them yourself to run this step." >&2
    return $VMCP_SKIPPED
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "[vmcp] $why needs ${missing[*]}, and there is no apt-get here to install Debian packages $*" >&2
    [ "${CI:-}" = "true" ] && return 1
    echo "[vmcp] NOTICE: SKIPPED $why" >&2
    return $VMCP_SKIPPED
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "[vmcp] installing Debian packages for $why: $* (apt-get, as $(id -un))" >&2
  # One `apt-get update` per day is enough: the package lists of a fresh machine are empty or old.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -720 2>/dev/null | head -n1)" ]; then
    $sudo apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  for c in "${missing[@]}"; do
    command -v "$c" >/dev/null 2>&1 || { echo "[vmcp] $c is still missing after installing $*" >&2; return 1; }
  done
}
