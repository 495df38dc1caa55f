#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing. Playwright's own browser
# download cannot reach its CDN from these machines, so the tests drive /usr/bin/chromium through
# playwright-core instead.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "› installing Debian's chromium for the browser tests"
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
