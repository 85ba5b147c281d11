#!/usr/bin/env bash
# Rename-and-run on real packages (docs/fidelity.md, "Renames across files, run"): fetches the
# pinned packages (scripts/fetch-corpus.sh), builds the release server, and renames every
# top-level binding and export name of semver (CommonJS: `module.exports =`, `exports.x =`) and
# of lodash-es's barrel plus a seeded sample of its files (ESM: `export { default as x } from`),
# running each accepted rename under Node. Fails on any rename that changes the output.
#   LODASH_FILES=0 LODASH_SITES=0 tests/rename/packages.sh   # every lodash-es file and site (hours)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scripts/fetch-corpus.sh >/dev/null
cargo build --release --quiet --bin scopelens
server="${CARGO_TARGET_DIR:-$root/target}/release/scopelens"
node tests/rename/packages.mjs --server "$server" --package semver
node tests/rename/packages.mjs --server "$server" --package lodash-es --files "${LODASH_FILES:-4}" \
  --sites "${LODASH_SITES:-120}" --seed "${SEED:-21}"
