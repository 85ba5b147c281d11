#!/usr/bin/env bash
# The page of `scopelens explain --format html` in a real Chromium (Debian's, driven by
# playwright-core). Installs Chromium with apt when it is missing (needs root, as in CI), the npm
# dependencies when missing, builds the release binary, then runs page.test.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "tests/html: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -z "${SCOPELENS_BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet --bin scopelens)
fi
cd "$here"
exec node --test --test-reporter=spec page.test.mjs
