#!/usr/bin/env bash
# References against TypeScript's language service on real files (docs/fidelity.md): fetches
# the pinned corpus, installs the pinned TypeScript, builds the release server, and fails on any
# difference of no known class.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
"$root/scripts/fetch-corpus.sh" >/dev/null
[ -d "$here/node_modules/typescript" ] || (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root" && cargo build --release --quiet --bin scopelens)
cd "$root"
RUST_LOG=scopelens=warn node "$here/references-vs-tsserver.mjs" \
  --server "${CARGO_TARGET_DIR:-$root/target}/release/scopelens" \
  tests/corpus/lodash.js tests/corpus/express-router.js tests/corpus/express-response.js \
  tests/corpus/react-dom-client.development.js
# Across files, on whole packages (a seeded sample of files; every top-level binding of each).
for pkg in semver lodash-es; do
  RUST_LOG=scopelens=warn node "$here/cross-file-vs-tsserver.mjs" \
    --server "${CARGO_TARGET_DIR:-$root/target}/release/scopelens" \
    --package "tests/corpus/packages/$pkg" --files "${CROSS_FILES:-8}" --seed 21
done
