#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds the packages the wedding board needs, and starts
# it. Quiet on purpose: one line per step; turbo's output shows only when the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
echo "› building the packages (first run takes about a minute)…"
log="$(mktemp -t presence-demo-build.XXXXXX)"
if ! pnpm exec turbo run build --filter=@wedsync/example-wedding-board^... --output-logs=errors-only >"$log" 2>&1; then
  cat "$log"
  rm -f "$log"
  echo "› the build failed (output above)" >&2
  exit 1
fi
rm -f "$log"
exec pnpm --silent --filter @wedsync/example-wedding-board start
