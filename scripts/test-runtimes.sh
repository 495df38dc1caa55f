#!/usr/bin/env bash
# Runs every package's test suite again on Node 22 and Node 24 (the machine's Node 20 runs the
# full test command), without coverage: the same tests, the other runtimes users ship on. Needs
# the runtimes from scripts/runtimes.sh and the packages built (the test command builds first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/runtimes.sh
root="$PWD"
rm -rf .runtimes/reports
for runtime in node22 node24; do
  bin="$root/.runtimes/$runtime/bin"
  for dir in packages/*/; do
    name="$(basename "$dir")"
    echo "› $("$bin/node" -v) · $name"
    # PATH first: vitest, its workers and any `node` a test spawns all run on this runtime.
    log="$root/.runtimes/reports/$runtime-$name.log"
    mkdir -p "$root/.runtimes/reports"
    (cd "$dir" && PATH="$bin:$PATH" pnpm exec vitest run --coverage.enabled=false \
      --reporter=dot --reporter=json --outputFile.json="$root/.runtimes/reports/$runtime-$name.json" \
      >"$log" 2>&1) || {
      tail -40 "$log" >&2
      echo "✗ $name failed on $runtime (log: $log)" >&2
      exit 1
    }
  done
done
node scripts/test-summary.mjs .runtimes/reports
