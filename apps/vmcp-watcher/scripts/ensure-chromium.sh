#!/usr/bin/env bash
# Idempotent: installs Debian's Chromium for the status-page browser test (playwright-core drives /usr/bin/chromium).
# Needs root (or sudo) and apt; does nothing when Chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[vmcp] ensure-chromium: no apt-get here; install Chromium at /usr/bin/chromium to run the browser test" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "[vmcp] installing Debian's chromium for the browser test (apt-get)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium
