#!/usr/bin/env bash
# Makes a fresh clone ready to run: pnpm 10 and the locked dependencies. Quiet and quick when
# everything is already in place, so every root script can start with it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1 || ! pnpm -v 2>/dev/null | grep -q '^10\.'; then
  echo "› installing pnpm 10"
  npm i -g pnpm@10 >/dev/null
fi
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  echo "› installing dependencies (frozen lockfile)…"
  # Warnings and errors only: the progress and the list of what was added say nothing new here.
  pnpm install --frozen-lockfile --loglevel=warn
fi
