#!/usr/bin/env bash
# Inlay hints per 100 lines with the default settings, and pitfall diagnostics found, on
# express's router (express@4 via `npm pack`), lodash and react-dom (scripts/fetch-corpus.sh).
# Figures go to docs/performance.md (hints) and docs/fidelity.md (diagnostics).
# Usage: scripts/hint-density.sh [--list] [--captured-uses]   (--list prints every diagnostic to
# stderr; --captured-uses counts with the `↑owner` use hints on too)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/fetch-corpus.sh" >/dev/null
express="$root/tests/corpus/express"
if [ ! -d "$express/lib" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent express@4 >/dev/null && tar -xzf express-*.tgz)
  mkdir -p "$express" && mv "$tmp/package/lib" "$express/lib" && rm -rf "$tmp"
fi
cd "$root"
cargo run --quiet --release --example corpus_figures -- "$@" \
  "$express"/lib/router/*.js "$express"/lib/*.js \
  tests/corpus/lodash.js tests/corpus/react-dom-client.development.js
