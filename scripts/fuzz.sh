#!/usr/bin/env bash
# Fuzzes the engine for a bounded time: arbitrary text → engine::analyze → every ide query at every
# offset, plus the model invariants (fuzz/fuzz_targets/analyze.rs).
#
#   scripts/fuzz.sh [SECONDS]   (default 60)
#
# Needs cargo-fuzz (installed if missing) and nightly rustc features, enabled on a stable
# toolchain with RUSTC_BOOTSTRAP=1. The fuzz crate has its own workspace, so the main build never
# needs them. Findings land in fuzz/artifacts/analyze/; reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run analyze fuzz/artifacts/analyze/<file>
# and turn it into a regression test (tests/reliability/hostile.rs, fuzz_regressions).
set -euo pipefail

seconds="${1:-60}"
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz…" >&2
  cargo install cargo-fuzz
fi
export RUSTC_BOOTSTRAP=1

# The working corpus starts from the committed seeds (small hand-made inputs), then the
# examples and test fixtures, each with the selector byte its extension calls for.
mkdir -p corpus/analyze
cp -n seeds/* corpus/analyze/ 2>/dev/null || true
for f in "$root"/examples/* "$root"/tests/fixtures/lsp/* "$root"/tests/conformance/fixtures/*; do
  [ -f "$f" ] || continue
  # Byte 0 selects the file name (see FILE_NAMES in the target), automatic source kind.
  case "$f" in
    *.mjs) sel='\001' ;; *.cjs) sel='\002' ;; *.ts) sel='\003' ;; *.jsx) sel='\004' ;;
    *.tsx) sel='\005' ;; *.mts) sel='\006' ;; *) sel='\000' ;;
  esac
  name="ex-$(basename "$f")"
  [ -e "corpus/analyze/$name" ] || { printf "$sel"; cat "$f"; } > "corpus/analyze/$name"
done

jobs="${FUZZ_JOBS:-1}"
cargo fuzz run analyze --release --debug-assertions -j "$jobs" corpus/analyze -- \
  -max_total_time="$seconds" -max_len=8192 -timeout=20 -rss_limit_mb=4096 \
  -print_final_stats=1 2>&1 | tee "$root/fuzz/last-run.log"
