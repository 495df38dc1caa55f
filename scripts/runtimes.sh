#!/usr/bin/env bash
# Fetches the runtimes the tests run on besides the machine's Node: Node 22 and 24 and Deno, as the
# binaries their projects publish on the npm registry (the only place these machines reach), at
# pinned versions, into .runtimes/. Quiet and quick when they are already there.
#   .runtimes/node22/bin/node   .runtimes/node24/bin/node   .runtimes/deno/deno
set -euo pipefail
cd "$(dirname "$0")/.."
NODE22=22.23.3
NODE24=24.22.3
DENO=2.9.6

case "$(uname -m)" in
  x86_64) NODE_ARCH=x64 DENO_ARCH=x64 ;;
  aarch64 | arm64) NODE_ARCH=arm64 DENO_ARCH=arm64 ;;
  *) echo "runtimes: no npm-published binaries for $(uname -m)" >&2 && exit 1 ;;
esac

# fetch <dir under .runtimes> <package@version> <binary inside the package>
fetch() {
  local dir=".runtimes/$1" spec="$2" binary="$3"
  if [ -x "$dir/$binary" ] && grep -q "\"version\": \"${spec##*@}\"" "$dir/package.json"; then
    return
  fi
  echo "› fetching $spec from the npm registry"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "$spec" --silent >/dev/null && tar xzf ./*.tgz)
  rm -rf "$dir" && mkdir -p .runtimes && mv "$tmp/package" "$dir" && rm -rf "$tmp"
  chmod +x "$dir/$binary"
}

fetch node22 "node-linux-$NODE_ARCH@$NODE22" bin/node
fetch node24 "node-linux-$NODE_ARCH@$NODE24" bin/node
fetch deno "@deno/linux-$DENO_ARCH-glibc@$DENO" deno
