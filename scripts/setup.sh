#!/bin/sh
# One-time (and idempotent) set-up on a fresh machine with only Node 20 and npm:
# installs the pnpm version pinned in package.json's `packageManager` with npm
# (corepack cannot fetch it here), installs the workspace, and builds every package.
set -eu
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
have=$(pnpm --version 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing pnpm@$want with npm"
  npm install --global --no-fund --no-audit "pnpm@$want" >/dev/null
fi

# better-sqlite3 must compile here (its prebuilt download is unreachable): skip the download
# attempt and build against the installed Node headers.
export npm_config_build_from_source=true
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

# A stamp keyed on the lockfile and package manifests keeps repeat runs fast.
stamp=node_modules/.switchboard-setup
sum=$(cat pnpm-lock.yaml package.json packages/*/package.json examples/*/package.json 2>/dev/null | cksum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  if [ -f pnpm-lock.yaml ]; then
    pnpm install --frozen-lockfile --reporter=append-only
  else
    pnpm install --reporter=append-only
  fi
  echo "$sum" > "$stamp"
fi

# turbo caches builds, so this is quick when nothing changed.
pnpm exec turbo run build --output-logs=errors-only
