#!/usr/bin/env bash
# Reruns every benchmark of docs/performance.md and writes the results to one folder:
#   1. fetches the pinned corpus (scripts/fetch-corpus.sh) and a small file (backbone.js, 80 KB)
#   2. installs the pinned TypeScript servers (tests/bench/package-lock.json) and builds the
#      release server and tests/bench/oxc-peak
#   3. the engine benchmark (criterion: `cargo bench --bench engine`) and oxc's peak RSS
#   4. the protocol benchmark (tests/bench/lsp-bench.mjs) for scopelens, typescript-language-server
#      and TypeScript 7's native server, on tests/corpus/typescript.js and on backbone.js, and for
#      tests/bench/echo-server (answers without work: the floor of this machine and client)
#   5. tests/bench/report.mjs: summary.md with every figure and the targets met or missed
#
# Usage: scripts/bench.sh [OUT_DIR]      (default tests/bench/results/<UTC time>)
# Environment: BENCH_SERVERS="scopelens tsls tsgo echo", BENCH_FILES="typescript.js backbone.js",
#              BENCH_SKIP_ENGINE=1 to skip the criterion run, LSP_BENCH_ARGS for extra arguments.
# Takes about 15 minutes on the 2-core machine (the criterion run about 4 of them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${1:-$root/tests/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
target="${CARGO_TARGET_DIR:-$root/target}"
servers="${BENCH_SERVERS:-scopelens tsls tsgo echo}"
files="${BENCH_FILES:-typescript.js backbone.js}"

echo "== corpus"
scripts/fetch-corpus.sh
if [ ! -s tests/corpus/backbone.js ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent backbone@1.6.1 >/dev/null && tar -xzf backbone-1.6.1.tgz package/backbone.js)
  mv "$tmp/package/backbone.js" tests/corpus/backbone.js
  rm -rf "$tmp"
  echo "fetched backbone@1.6.1 backbone.js -> tests/corpus/backbone.js"
fi

echo "== build"
(cd tests/bench && npm ci --no-audit --no-fund --silent)
cargo build --release --bin scopelens
(cd tests/bench/oxc-peak && CARGO_TARGET_DIR="$root/tests/bench/target" cargo build --release --locked --quiet)
(cd tests/bench/echo-server && CARGO_TARGET_DIR="$root/tests/bench/target" cargo build --release --locked --quiet)

{
  echo "commit: $(git rev-parse HEAD)$(git diff --quiet -- server Cargo.lock || echo ' + uncommitted changes under server/')"
  echo "rustc: $(rustc --version)"
  echo "node: $(node --version)"
  echo "cpu: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
} > "$out/versions.txt"
cat "$out/versions.txt"

if [ -z "${BENCH_SKIP_ENGINE:-}" ]; then
  echo "== engine benchmark (criterion)"
  cargo bench --bench engine 2>&1 | tee "$out/criterion.txt"
fi
echo "== oxc alone: peak RSS"
for f in tests/corpus/typescript.js tests/corpus/react-dom-client.development.js tests/corpus/three.module.js tests/corpus/lodash.js tests/corpus/lib.dom.d.ts; do
  "$root/tests/bench/target/release/oxc-peak" "$f" | tee "$out/oxc-peak-$(basename "$f").json"
done

echo "== protocol benchmark"
for file in $files; do
  for server in $servers; do
    # shellcheck disable=SC2086
    node tests/bench/lsp-bench.mjs --server "$server" --file "tests/corpus/$file" \
      --json "$out/$server-$file.json" ${LSP_BENCH_ARGS:-} | tee "$out/$server-$file.txt" || echo "($server on $file failed)"
  done
done

node tests/bench/report.mjs "$out" "$target/criterion" > "$out/summary.md"
cat "$out/summary.md"
echo "results: $out"
