#!/usr/bin/env bash
# Open → first hover against oxc's own parse + semantic, side by side in one run (issue 25):
# alternates, ROUNDS times, oxc 0.146's parse + semantic (`repeat_analysis FILE oxc 3`: three
# in one process, the median kept, as the engine benchmark's baseline; and `tests/bench/oxc-peak`,
# once in a fresh process) with the protocol benchmark's open scenario (`lsp-bench.mjs`, didOpen
# → first hover) for each server binary given; prints every figure, medians and ratios to oxc.
#
# Usage: scripts/bench-open.sh [ROUNDS] [BINARY…]
#   (default 5 rounds, target/release/scopelens; FILE=tests/corpus/typescript.js to change)
# Builds tests/bench/oxc-peak and the repeat_analysis example if needed; the server binaries must
# be built (cargo build --release).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-5}"
shift || true
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=("$root/target/release/scopelens")
file="${FILE:-tests/corpus/typescript.js}"
oxc="$root/tests/bench/target/release/oxc-peak"
if [ ! -x "$oxc" ]; then
  (cd tests/bench/oxc-peak && CARGO_TARGET_DIR="$root/tests/bench/target" cargo build --release --locked --quiet)
fi
repeat="${CARGO_TARGET_DIR:-$root/target}/release/examples/repeat_analysis"
[ -x "$repeat" ] || cargo build --release --example repeat_analysis
out="$(mktemp -d)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  "$repeat" "$file" oxc 3 | sed -n 's/^run [0-9]*: \([0-9.]*\) ms.*/\1/p' | sort -n | sed -n 2p >> "$out/oxc"
  "$oxc" "$file" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).ms + "\n")' >> "$out/oxc-cold"
  for i in "${!bins[@]}"; do
    node tests/bench/lsp-bench.mjs --cmd "${bins[$i]} --stdio" --file "$file" --json "$out/run.json" \
      --hovers 0 --definitions 0 --viewports 0 --whole 0 --scope-chain 0 --typing 0 --edits 0 \
      --floor 0 --tokens 0 > "$out/log" 2>&1 || { cat "$out/log"; exit 1; }
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); process.stdout.write(r.scenarios.open.ms + "\n")' \
      "$out/run.json" >> "$out/bin$i"
  done
  echo "round $round done (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
node - "$out" "${bins[@]}" <<'EOF'
const fs = require('fs');
const [dir, ...bins] = process.argv.slice(2);
const read = (f) => fs.readFileSync(`${dir}/${f}`, 'utf8').trim().split('\n').map(Number);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const oxc = read('oxc');
const cold = read('oxc-cold');
console.log(`oxc parse+semantic, median of 3 in one process (ms): ${oxc.map((x) => x.toFixed(1)).join(', ')}; median ${median(oxc).toFixed(1)}`);
console.log(`oxc parse+semantic, once in a fresh process (oxc-peak, ms): ${cold.map((x) => x.toFixed(1)).join(', ')}; median ${median(cold).toFixed(1)}`);
bins.forEach((bin, i) => {
  const xs = read(`bin${i}`);
  const ratios = xs.map((x, k) => x / oxc[k]);
  console.log(`${bin} open → first hover (ms): ${xs.map((x) => x.toFixed(1)).join(', ')}; median ${median(xs).toFixed(1)} = ${(median(xs) / median(oxc)).toFixed(2)}× oxc's median; per-round ratios ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)}×)`);
});
EOF
rm -rf "$out"
