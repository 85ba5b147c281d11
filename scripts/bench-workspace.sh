#!/usr/bin/env bash
# The workspace index at monorepo size (docs/performance.md, "Workspace index"): workspaces of
# 1, 10 and 30 copies of three@0.170.0's sources (`src/` and `examples/jsm/`, fetched with
# `npm pack`), and for each: index time, RSS after indexing, first and warm references of
# `class Vector3` (copy 0), rename, workspace/symbol (tests/bench/workspace-bench.mjs); side by
# side, oxc_parser alone parsing every file on the same cores (the floor), the index built as
# the server builds it without the server around it (examples/index_build.rs), and
# typescript-language-server's references on the same workspace (SCOPELENS_BENCH_TSLS=0 skips
# it; it needs `npm ci` in tests/bench). Each size's answer (every reference and rename edit) is
# compared with the first size's, exactly.
#   SCOPELENS_BENCH_COPIES="1 10 30"  the sizes
# The older generated-modules benchmark of cross-file definitions: scripts/bench-workspace.sh legacy
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = legacy ]; then
  exec cargo test --release -p scopelens-tests --test lsp -- --ignored --nocapture workspace_bench
fi
corpus="tests/corpus/three-0.170.0"
if [ ! -d "$corpus/src" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent three@0.170.0 >/dev/null && tar -xzf three-0.170.0.tgz package/src package/examples/jsm)
  mkdir -p "$corpus"
  mv "$tmp/package/src" "$tmp/package/examples" "$corpus/"
  rm -rf "$tmp"
fi
cargo build --release -q
cargo build --release -q --example parse_all --example index_build
server="$PWD/target/release/scopelens"
tsls="$PWD/tests/bench/node_modules/.bin/typescript-language-server"
base="${TMPDIR:-/tmp}/scopelens-bench-workspace"
for n in ${SCOPELENS_BENCH_COPIES:-1 10 30}; do
  ws="$base/copies-$n"
  if [ ! -d "$ws" ]; then
    mkdir -p "$ws"
    for i in $(seq 0 $((n - 1))); do
      mkdir -p "$ws/pkg-$i" && cp -r "$corpus/src" "$corpus/examples" "$ws/pkg-$i/"
      echo '{ "type": "module" }' > "$ws/pkg-$i/package.json"
    done
  fi
  echo "== $n copies"
  echo "oxc_parser alone: $(target/release/examples/parse_all "$ws")"
  echo "index alone (examples/index_build.rs): $(target/release/examples/index_build "$ws")"
  answer="$base/answer-$n.txt"
  echo "scopelens: $(node tests/bench/workspace-bench.mjs --root "$ws" --file pkg-0/src/math/Vector3.js --cmd "$server --stdio" --wait-index --answer "$answer")"
  first_answer="${first_answer:-$answer}"
  if [ "$answer" != "$first_answer" ]; then
    if cmp -s "$first_answer" "$answer"; then
      echo "answer: references and rename identical to the first size's ($(grep -c '^ref ' "$answer") references, $(grep -c '^edit ' "$answer") edits)"
    else
      echo "answer: DIFFERS from the first size's:"; diff "$first_answer" "$answer" | head -n 20
    fi
  fi
  if [ "${SCOPELENS_BENCH_TSLS:-1}" = 1 ] && [ -x "$tsls" ]; then
    echo "typescript-language-server: $(node tests/bench/workspace-bench.mjs --root "$ws" --file pkg-0/src/math/Vector3.js --cmd "$tsls --stdio" --no-rename)"
  fi
done
