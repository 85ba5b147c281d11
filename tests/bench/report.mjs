#!/usr/bin/env node
// Gathers one run's results into a Markdown summary: the criterion medians of the engine
// benchmark (target/criterion), oxc's peak RSS (oxc-peak.json), and the protocol benchmark's
// JSON files (one per server and input), with the issue's targets marked met or missed.
//
//   node tests/bench/report.mjs RESULTS_DIR [CRITERION_DIR]   -> prints Markdown

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const dir = process.argv[2];
if (!dir) { console.error('usage: report.mjs RESULTS_DIR [CRITERION_DIR]'); process.exit(2); }
const criterionDir = process.argv[3]
  ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target'), 'criterion');

const fmt = (ms) => (ms == null ? '–' : ms < 10 ? ms.toFixed(2) : ms < 1000 ? ms.toFixed(1) : ms.toFixed(0));
const out = [];

// Criterion: median point estimates, keyed "oxc parse+semantic/typescript.js".
const engine = new Map();
function walk(d) {
  if (!fs.existsSync(d)) return;
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory() && e.name !== 'report' && e.name !== 'base' && e.name !== 'change') walk(p);
    else if (e.name === 'estimates.json' && path.basename(d) === 'new') {
      const bench = JSON.parse(fs.readFileSync(path.join(d, 'benchmark.json'), 'utf8'));
      const est = JSON.parse(fs.readFileSync(p, 'utf8'));
      engine.set(bench.function_id ?? bench.title, est.median.point_estimate / 1e6);
    }
  }
}
walk(path.join(criterionDir, 'engine'));

const inputs = [...new Set([...engine.keys()].map((k) => k.split('/').slice(1).join('/')))];
const oxcPeak = new Map();
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (f.startsWith('oxc-peak-') && f.endsWith('.json')) {
    const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    oxcPeak.set(path.basename(j.file), j.peakMiB);
  }
}
const targets = [];
const target = (what, measured, limit, met) => targets.push({ what, measured, limit, met });

if (inputs.length) {
  out.push('### Engine (criterion medians, ms)', '', '| input | oxc parse+semantic | scopelens analyze | ratio | oxc peak RSS (MiB) |', '|---|---:|---:|---:|---:|');
  for (const i of inputs) {
    const oxc = engine.get(`oxc parse+semantic/${i}`);
    const sl = engine.get(`scopelens analyze/${i}`);
    const ratio = oxc && sl ? sl / oxc : null;
    out.push(`| ${i} | ${fmt(oxc)} | ${fmt(sl)} | ${ratio ? ratio.toFixed(2) + '×' : '–'} | ${oxcPeak.get(i)?.toFixed(1) ?? '–'} |`);
    if (ratio) target(`engine ≤ 1.25 × oxc: ${i}`, `${ratio.toFixed(2)}×`, '1.25×', ratio <= 1.25);
  }
  out.push('');
}

// Protocol runs.
const runs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('oxc-peak-'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) : [];
const order = ['scopelens', 'typescript-language-server', 'TypeScript 7 native (tsc --lsp)', 'echo (calibration, no work)'];
runs.sort((a, b) => a.file.localeCompare(b.file) || order.indexOf(a.server) - order.indexOf(b.server));
const files = [...new Set(runs.map((r) => r.file))];
const cell = (s, key = 'p50') => {
  if (s === undefined) return '–';
  if (s === 'n/a') return 'n/a';
  if (s.skipped) return 'skipped';
  if (s.error) return 'failed';
  if (s.ms !== undefined) return fmt(s.ms);
  if (!s.n) return s.timeouts ? 'timed out' : '–';
  return fmt(s[key]) + (s.n < s.requested && key === 'p50' ? ` (n=${s.n})` : '');
};
const mib = (m) => (m ? m.rssMiB.toFixed(0) : '–');
for (const file of files) {
  const rs = runs.filter((r) => r.file === file);
  const f = rs[0];
  out.push(`### Protocol: ${path.basename(file)} (${(f.bytes / 2 ** 20).toFixed(2)} MiB, ${f.lines} lines) — ms unless noted`, '');
  out.push(`| figure | ${rs.map((r) => r.server).join(' | ')} |`, `|---|${rs.map(() => '---:').join('|')}|`);
  const row = (label, get) => out.push(`| ${label} | ${rs.map(get).join(' | ')} |`);
  row('initialize', (r) => cell(r.scenarios.init));
  row('open → first hover', (r) => cell(r.scenarios.open) + (r.scenarios.open?.answered && r.scenarios.open.answered !== 'hover' ? ` (${r.scenarios.open.answered})` : ''));
  row("the client's encoding of didOpen, before the clock (ms)", (r) => (r.scenarios.open?.encodeMs != null ? fmt(r.scenarios.open.encodeMs) : '–'));
  for (const [k, label] of [['floor', 'round-trip floor (unknown method)'], ['hover', 'hover'], ['definition', 'definition'], ['inlayView', 'inlay hints, 60-line viewport'], ['inlayResolve', 'inlayHint/resolve'], ['inlayWhole', 'inlay hints, whole file'], ['scopeChain', 'scopelens/scopeChain'], ['typing', 'typing: edit → fresh hover'], ['burst', 'burst of 100 edits → fresh hover']]) {
    for (const q of ['p50', 'p95', 'p99']) {
      if (k === 'burst' && q !== 'p50') continue;
      row(`${label} ${q}${k === 'burst' ? ' (median)' : ''}`, (r) => cell(r.scenarios[k], q));
    }
  }
  row('requests answered with an error', (r) => Object.entries(r.scenarios).filter(([, s]) => s && s.errors).map(([k, s]) => `${k} ${s.errors}`).join(', ') || '0');
  row('answers: hover empty / n', (r) => (typeof r.scenarios.hover === 'object' && r.scenarios.hover.n ? `${r.scenarios.hover.empty}/${r.scenarios.hover.n}` : '–'));
  row('inlay hints in whole file', (r) => (typeof r.scenarios.inlayWhole === 'object' && r.scenarios.inlayWhole.n ? `${Math.round(r.scenarios.inlayWhole.items / r.scenarios.inlayWhole.n)}` : '–'));
  row('whole-file inlay answer (KiB)', (r) => (typeof r.scenarios.inlayWhole === 'object' && r.scenarios.inlayWhole.n ? `${(r.scenarios.inlayWhole.meanAnswerBytes / 1024).toFixed(0)}` : '–'));
  const atAnswer = (m) => (m ? ` (${m.rssMiB.toFixed(0)} at the answer)` : '');
  row('RSS after open, 1 s later (MiB)', (r) => mib(r.memory.afterOpen) + atAnswer(r.memory.afterOpenAtAnswer));
  row(`RSS after the edits, 1 s later (MiB)`, (r) => mib(r.memory.afterEdits) + atAnswer(r.memory.afterEditsAtAnswer) + (r.editsTotal != null && r.editsTotal !== 1000 ? ` (${r.editsTotal} edits)` : ''));
  row('RSS after close (MiB)', (r) => mib(r.memory.afterClose));
  row('peak RSS up to the first hover, Σ VmHWM (MiB)', (r) => r.memory.afterOpen?.peakMiB?.toFixed(0) ?? '–');
  row('peak RSS over the whole run, Σ VmHWM (MiB)', (r) => r.memory.peakMiB?.toFixed(0) ?? '–');
  row('processes', (r) => r.memory.afterOpen?.processes ?? '–');
  row('exits on `exit`', (r) => (r.exitedOnExit ? 'yes' : 'no (killed)'));
  out.push('');
  const reduced = rs.flatMap((r) => Object.entries(r.scenarios).filter(([, s]) => s && typeof s === 'object' && (s.stopped || s.skipped)).map(([k, s]) => `${r.server} ${k}: ${s.stopped ?? s.skipped}`));
  if (reduced.length) out.push(`Bounded: ${reduced.join('; ')}.`, '');
  const errs = rs.flatMap((r) => Object.entries(r.scenarios).filter(([, s]) => s && s.firstError).map(([k, s]) => `${r.server} ${k}: ${s.firstError.split('\n').slice(0, 2).join(' ').slice(0, 140)}`));
  if (errs.length) out.push(`First errors: ${errs.join('; ')}.`, '');

  // Targets for scopelens.
  const sl = rs.find((r) => r.server === 'scopelens');
  const name = path.basename(file);
  const engineMs = engine.get(`scopelens analyze/${name}`);
  if (sl) {
    const sc = sl.scenarios;
    if (name === 'typescript.js') {
      for (const k of ['hover', 'definition']) {
        if (sc[k]?.n) {
          target(`${k} p50 ≤ 1 ms (typescript.js)`, `${fmt(sc[k].p50)} ms`, '1 ms', sc[k].p50 <= 1);
          target(`${k} p99 ≤ 5 ms (typescript.js)`, `${fmt(sc[k].p99)} ms`, '5 ms', sc[k].p99 <= 5);
        }
      }
      if (engineMs && sc.open?.ms) target('open → first hover ≤ 1.5 × engine (typescript.js)', `${fmt(sc.open.ms)} ms = ${(sc.open.ms / engineMs).toFixed(2)}× engine ${fmt(engineMs)} ms` + (sc.open.encodeMs != null ? ` (${fmt(sc.open.ms + sc.open.encodeMs)} ms = ${((sc.open.ms + sc.open.encodeMs) / engineMs).toFixed(2)}× counting the client's encoding of didOpen)` : ''), '1.5×', sc.open.ms <= 1.5 * engineMs);
      if (engineMs && sc.typing?.n) target('typing: fresh answer ≤ 1.5 × engine (typescript.js, p50)', `${fmt(sc.typing.p50)} ms = ${(sc.typing.p50 / engineMs).toFixed(2)}× engine`, '1.5×', sc.typing.p50 <= 1.5 * engineMs);
      if (engineMs && sc.burst?.n) target('burst of 100 edits coalesces: fresh answer ≤ 1.5 × engine (typescript.js, median)', `${fmt(sc.burst.p50)} ms = ${(sc.burst.p50 / engineMs).toFixed(2)}× engine`, '1.5×', sc.burst.p50 <= 1.5 * engineMs);
      if (sc.inlayView?.n) target('inlay hints viewport p99 ≤ 2 ms (typescript.js)', `${fmt(sc.inlayView.p99)} ms`, '2 ms', sc.inlayView.p99 <= 2);
      if (sc.inlayWhole?.n) target('inlay hints whole typescript.js ≤ 50 ms (p50)', `${fmt(sc.inlayWhole.p50)} ms`, '50 ms', sc.inlayWhole.p50 <= 50);
      const floor = oxcPeak.get(name);
      if (floor && sl.memory.afterOpen) target(`peak RSS ≤ 2.5 × oxc's peak (${floor.toFixed(0)} MiB), open → first hover`, `${sl.memory.afterOpen.peakMiB.toFixed(0)} MiB = ${(sl.memory.afterOpen.peakMiB / floor).toFixed(2)}×`, '2.5×', sl.memory.afterOpen.peakMiB <= 2.5 * floor);
      if (floor && sl.memory.peakMiB) target(`peak RSS ≤ 2.5 × oxc's peak (${floor.toFixed(0)} MiB), whole run (every scenario)`, `${sl.memory.peakMiB.toFixed(0)} MiB = ${(sl.memory.peakMiB / floor).toFixed(2)}×`, '2.5×', sl.memory.peakMiB <= 2.5 * floor);
      const [a, e, c] = [sl.memory.afterOpen, sl.memory.afterEdits, sl.memory.afterClose];
      if (a && e) target('RSS flat across 1,000 edits (within 10 % of after-open)', `${a.rssMiB.toFixed(0)} → ${e.rssMiB.toFixed(0)} MiB`, '≤ 1.1×', e.rssMiB <= 1.1 * a.rssMiB);
      if (c && sl.memory.beforeOpen) target('RSS returned after close (within 20 MiB of before open)', `${sl.memory.beforeOpen.rssMiB.toFixed(0)} → ${c.rssMiB.toFixed(0)} MiB`, '+20 MiB', c.rssMiB <= sl.memory.beforeOpen.rssMiB + 20);
      const tsls = rs.find((r) => r.server === 'typescript-language-server');
      if (tsls?.scenarios.hover?.n && sc.hover?.n) {
        const x = tsls.scenarios.hover.p50 / sc.hover.p50;
        target('≥ 20 × faster than typescript-language-server, hover p50 (typescript.js)', `${x.toFixed(0)}×`, '20×', x >= 20);
      }
    } else if (sl.bytes < 100 * 1024 && sc.typing?.n) {
      target(`typing: fresh answer ≤ 10 ms on a file under 100 KB (${name}, p50 / p99)`, `${fmt(sc.typing.p50)} / ${fmt(sc.typing.p99)} ms`, '10 ms', sc.typing.p50 <= 10);
    }
  }
}

if (targets.length) {
  out.push('### Targets (issue 5)', '', '| target | measured | limit | |', '|---|---|---|---|');
  for (const t of targets) out.push(`| ${t.what} | ${t.measured} | ${t.limit} | ${t.met ? 'met' : '**missed**'} |`);
  out.push('');
}
if (runs[0]) {
  const r = runs[0];
  out.push(`Machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.memGiB} GiB; load average at the start of the first run ${r.machine.load.join(' / ')}. Date ${r.date.slice(0, 10)}.`);
  out.push(`Versions: ${[...new Set(runs.map((x) => `${x.server}: ${x.serverVersion ?? '?'}`))].join('; ')}.`);
}
console.log(out.join('\n'));
