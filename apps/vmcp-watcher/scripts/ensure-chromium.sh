#!/usr/bin/env bash
# Idempotent: Debian's Chromium for the status-page browser test (playwright-core drives /usr/bin/chromium).
# Installs it only as root or under CI=true (scripts/system-packages.sh); otherwise one notice, exit 77 (skipped).
set -euo pipefail
source "$(cd "$(dirname "$0")/../../.." && pwd)/scripts/system-packages.sh"
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
ensure_debian_packages "the browser test (status page in headless Chromium)" chromium chromium
test -x /usr/bin/chromium
