#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing. Playwright's own browser
# download cannot reach its CDN from these machines, so the tests drive /usr/bin/chromium through
# playwright-core instead. The emoji font lets custom-status emoji render in screenshots as people
# see them, instead of as empty boxes.
set -euo pipefail
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if [ -x /usr/bin/chromium ] && [ -f "$EMOJI_FONT" ]; then exit 0; fi
echo "› installing Debian's chromium and an emoji font for the browser tests"
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
