#!/usr/bin/env node
// Rename-and-run on real packages (issue 21): every top-level binding of a seeded sample of a
// package's files (exported or not, import bindings included), and every export name written
// apart (`export { default as x } from`, `exports.x =`, `module.exports.x =`), is renamed over
// LSP in a workspace that is a copy of the package; each accepted WorkspaceEdit is applied to a
// second copy, the package's driver (tests/rename/drivers/) is run there under Node, and its
// output must be the pristine copy's. A rename that changes the output, or makes the program
// fail, is broken; the run fails on any.
//
//   node tests/rename/packages.mjs --server PATH --package lodash-es|semver [--files N] [--sites N] [--seed S]
//
// `--files N` renames in the package's entry and N-1 seeded files; `--sites N` keeps a seeded N
// of all their rename sites.
//
// The packages are fetched by scripts/fetch-corpus.sh into tests/corpus/packages/.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { lineStarts, shuffle } from '../common/corpus.mjs';
import { Lsp } from '../common/lsp-stdio.mjs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const server = option('server', path.join(repo, 'target/release/scopelens'));
const pkg = option('package');
const filesWanted = Number(option('files', '0')); // 0: every file
const seed = Number(option('seed', '21'));
const sitesWanted = Number(option('sites', '0')); // 0: every site of the files
const drivers = { 'lodash-es': '__driver.mjs', semver: '__driver.cjs' };
if (!drivers[pkg]) {
  console.error(`usage: packages.mjs --server PATH --package ${Object.keys(drivers).join('|')} [--files N] [--seed S]`);
  process.exit(2);
}
const source = path.join(repo, 'tests/corpus/packages', pkg);
if (!fs.existsSync(source)) {
  console.error(`${source} is missing: run scripts/fetch-corpus.sh`);
  process.exit(2);
}

// ---- Two copies: `pristine` is the workspace the server sees, `work` where edits run.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `scopelens-rename-${pkg}-`));
const pristine = path.join(tmp, 'pristine');
const work = path.join(tmp, 'work');
fs.cpSync(source, pristine, { recursive: true });
const driverName = drivers[pkg];
fs.copyFileSync(path.join(here, 'drivers', `${pkg}${path.extname(driverName)}`), path.join(pristine, driverName));
fs.cpSync(pristine, work, { recursive: true });

function run(dir) {
  try {
    return { ok: true, out: execFileSync('node', [driverName], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    return { ok: false, out: String(err.stderr).split('\n').find((l) => /Error/.test(l)) ?? String(err.stderr).slice(0, 200) };
  }
}
const baseline = run(pristine);
if (!baseline.ok) throw new Error(`the driver fails on the pristine package: ${baseline.out}`);

// ---- A minimal LSP client.

// ---- Positions: UTF-16 line/character, as LSP counts by default.
function position(starts, offset) {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line, character: offset - starts[line] };
}
function offsetOf(starts, p) {
  return starts[p.line] + p.character;
}


function sourceFiles(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...sourceFiles(dir, r));
    } else if (/\.(m|c)?js$/.test(entry.name) && entry.name !== driverName) out.push(r);
  }
  return out;
}

// What to rename in one file: the top-level bindings (at their declarations), and the export
// names written apart from a binding.
function renameSites(file, text) {
  const model = JSON.parse(execFileSync(server, ['explain', file, '--format', 'json'], { maxBuffer: 1 << 30 }));
  // The module environment, or the CommonJS module wrapper's.
  const top = new Set(model.environments.filter((e) => e.parent === 0).map((e) => e.id));
  const starts = lineStarts(text);
  const sites = [];
  for (const b of model.bindings) {
    if (!top.has(b.environment)) continue;
    if (['arguments', 'module wrapper parameter', 'implicit global'].includes(b.declaration)) continue;
    const p = { line: b.start.line - 1, character: b.start.column - 1 };
    if (text.slice(offsetOf(starts, p), offsetOf(starts, p) + b.name.length) !== b.name) continue;
    sites.push({ what: `${b.declaration} ${b.name}`, name: b.name, position: p });
  }
  const written = [
    /export\s*\{([^}]*)\}/g, // `export { a as b }` and `export { a as b } from`
  ];
  for (const re of written) {
    for (const m of text.matchAll(re)) {
      for (const alias of m[1].matchAll(/\bas\s+([A-Za-z_$][\w$]*)/g)) {
        if (alias[1] === 'default') continue;
        const at = m.index + m[0].indexOf(m[1]) + alias.index + alias[0].lastIndexOf(alias[1]);
        sites.push({ what: `export name ${alias[1]}`, name: alias[1], position: position(starts, at) });
      }
    }
  }
  for (const m of text.matchAll(/\b(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=[^=]/g)) {
    const at = m.index + m[0].indexOf(m[1], m[0].indexOf('.') + 1);
    sites.push({ what: `exports.${m[1]}`, name: m[1], position: position(starts, at) });
  }
  return sites;
}

function applyEdit(edit) {
  const changed = [];
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    const file = fileURLToPath(uri);
    const rel = path.relative(pristine, file);
    const text = fs.readFileSync(file, 'utf8');
    const starts = lineStarts(text);
    const sorted = edits
      .map((e) => ({ start: offsetOf(starts, e.range.start), end: offsetOf(starts, e.range.end), text: e.newText }))
      .sort((a, b) => b.start - a.start);
    let out = text;
    for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    fs.writeFileSync(path.join(work, rel), out);
    changed.push(rel);
  }
  return changed;
}

const lsp = new Lsp(server);
const rootUri = pathToFileURL(pristine).href;
await lsp.request('initialize', {
  processId: null,
  rootUri,
  workspaceFolders: [{ uri: rootUri, name: pkg }],
  capabilities: { general: { positionEncodings: ['utf-16'] } },
});
lsp.notify('initialized', {});

let files = sourceFiles(pristine);
const total = files.length;
if (filesWanted > 0) {
  // The package's entry (its barrel: `export { default as x } from`, `module.exports = {…}`) is
  // always in the sample; the rest is seeded.
  const main = path.normalize(JSON.parse(fs.readFileSync(path.join(pristine, 'package.json'), 'utf8')).main ?? 'index.js');
  files = [main, ...shuffle(files.filter((f) => f !== main), seed).slice(0, filesWanted - 1)].sort();
}
const figures = { sites: 0, accepted: 0, across: 0, refused: new Map(), broken: [], files: new Set() };
const started = Date.now();
let sites = files.flatMap((rel) => renameSites(path.join(pristine, rel), fs.readFileSync(path.join(pristine, rel), 'utf8')).map((site) => ({ rel, ...site })));
if (sitesWanted > 0) sites = shuffle(sites, seed).slice(0, sitesWanted);
for (const rel of files) {
  const file = path.join(pristine, rel);
  const text = fs.readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).href;
  lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text } });
  for (const site of sites.filter((s) => s.rel === rel)) {
    figures.sites++;
    const answer = await lsp.request('textDocument/rename', {
      textDocument: { uri },
      position: site.position,
      newName: `${site.name}Renamed`,
    });
    if (answer.error) {
      const why = answer.error.message.replace(/`[^`]*`/g, '`…`').replace(/line \d+/g, 'line …');
      figures.refused.set(why, (figures.refused.get(why) ?? 0) + 1);
      continue;
    }
    figures.accepted++;
    const changed = applyEdit(answer.result ?? {});
    for (const c of changed) figures.files.add(c);
    if (changed.length > 1) figures.across++;
    const after = run(work);
    if (!after.ok || after.out !== baseline.out) {
      figures.broken.push(`${rel}:${site.position.line + 1}:${site.position.character + 1} ${site.what} → ${site.name}Renamed (${changed.length} files): ${after.ok ? 'output changed' : after.out}`);
    }
    for (const c of changed) fs.copyFileSync(path.join(pristine, c), path.join(work, c));
  }
  lsp.notify('textDocument/didClose', { textDocument: { uri } });
}
lsp.notify('exit');
lsp.child.kill();
fs.rmSync(tmp, { recursive: true, force: true });

console.log(`${pkg}: ${files.length} of ${total} files (seed ${seed}), ${figures.sites} renames asked, ${figures.accepted} accepted and run (${figures.across} editing several files; editing ${figures.files.size} distinct files), ${figures.broken.length} broken, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const [why, n] of [...figures.refused].sort((a, b) => b[1] - a[1])) console.log(`  refused ${String(n).padStart(4)}  ${why}`);
for (const b of figures.broken) console.log(`  BROKEN  ${b}`);
if (figures.broken.length > 0) process.exitCode = 1;
