#!/usr/bin/env bash
# The pitfall precision run (docs/fidelity.md, "Pitfall diagnostics on real packages"): every diagnostic on the whole
# npm packages fetched by `scripts/fetch-corpus.sh --packages`, each listed with its source line
# to be judged, then the counts per package.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/fetch-corpus.sh" --packages >&2
cd "$root"
# The nine packages of the run (tests/corpus/packages also holds the rename suites' packages).
packages=(typescript lodash react-dom webpack eslint rxjs less codemirror babel-standalone)
cargo run --quiet --release --example pitfall_precision -- "${packages[@]/#/tests/corpus/packages/}"
