#!/usr/bin/env bash
# `scopelens heap` beside memlab's getFullHeapFromFile on the same generated snapshot of at least
# SCOPELENS_HEAP_MB (default 500) MB, in the same run: time and peak RSS (farm-bench pairs the
# runs, A B A B, and reports medians and the ratio). Figures go to docs/performance.md ("Heap
# snapshots"). Needs Node 20 and the npm dependencies of tests/heap.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mb="${SCOPELENS_HEAP_MB:-500}"
runs="${SCOPELENS_HEAP_RUNS:-3}"
work="${TMPDIR:-/tmp}/scopelens-bench-heap"
mkdir -p "$work"
snapshot="$work/big-$mb.heapsnapshot"
if [ ! -d "$root/tests/heap/node_modules/@memlab/heap-analysis" ]; then
  (cd "$root/tests/heap" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
(cd "$root" && cargo build --release --quiet --bin scopelens)
if [ ! -f "$snapshot" ]; then
  # Closures that keep Contexts with arrays and objects alive, until the snapshot is big enough
  # (about 0.2 KB of snapshot per object).
  cat > "$work/grow.js" <<'JS'
const v8 = require('v8');
const mb = Number(process.argv[2]);
const kept = [];
function session(id) {
  const buffer = new Array(16).fill(id);
  const meta = { id, name: 'user' + id, tags: ['a' + id, 'b' + id] };
  const onData = () => buffer.length + meta.id;
  const onClose = () => meta.name;
  return { onData, onClose };
}
const perMb = 2200;
for (let i = 0; i < mb * perMb; i++) kept.push(session(i));
globalThis.kept = kept;
v8.writeHeapSnapshot(process.argv[3]);
JS
  node --max-old-space-size=16000 "$work/grow.js" "$mb" "$snapshot"
fi
ls -l "$snapshot"
cat > "$work/memlab.mjs" <<JS
import { getFullHeapFromFile } from '$root/tests/heap/node_modules/@memlab/heap-analysis/dist/index.js';
const heap = await getFullHeapFromFile(process.argv[2]);
console.log('memlab nodes', heap.nodes.length);
JS
mkdir -p "$work/root"
farm-bench -n "$runs" --warmup 0 --timeout 3600 \
  --vs "node --max-old-space-size=16000 $work/memlab.mjs $snapshot" \
  -- "$root/target/release/scopelens" heap "$snapshot" --root "$work/root" --format json
