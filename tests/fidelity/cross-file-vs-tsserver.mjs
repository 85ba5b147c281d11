#!/usr/bin/env node
// Differential across files (issue 21): scopelens's `textDocument/references` against
// TypeScript's language service (`findReferences` over the whole package) on real packages. For
// every top-level binding of a seeded sample of the package's files, both are asked for its
// references from its declaration, in every file; each difference is put in a class, and the
// classes are what docs/fidelity.md explains. Differences of no known class fail the run.
//
//   node tests/fidelity/cross-file-vs-tsserver.mjs [--server PATH] --package DIR [--files N] [--seed S]
//
// Needs the pinned TypeScript here (`npm ci` in tests/fidelity) and a built server.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { lineStarts, shuffle } from '../common/corpus.mjs';
import { Lsp } from '../common/lsp-stdio.mjs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(path.join(here, 'package.json'));
const ts = require('typescript');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const server = option('server', path.join(repo, 'target/release/scopelens'));
const dir = path.resolve(option('package', ''));
const filesWanted = Number(option('files', '10'));
const seed = Number(option('seed', '21'));
if (!fs.existsSync(path.join(dir, 'package.json'))) {
  console.error('usage: cross-file-vs-tsserver.mjs [--server PATH] --package DIR [--files N] [--seed S]');
  process.exit(2);
}

function sourceFiles(root, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...sourceFiles(root, r));
    } else if (/\.(m|c)?js$/.test(entry.name)) out.push(path.join(root, r));
  }
  return out;
}
const all = sourceFiles(dir);
const texts = new Map(all.map((f) => [f, fs.readFileSync(f, 'utf8')]));


// ---- TypeScript's answer over the whole package.
const service = ts.createLanguageService({
  getScriptFileNames: () => all,
  getScriptVersion: () => '1',
  getScriptSnapshot: (f) => (texts.has(f) ? ts.ScriptSnapshot.fromString(texts.get(f)) : undefined),
  getCurrentDirectory: () => dir,
  getCompilationSettings: () => ({
    allowJs: true,
    checkJs: false,
    noLib: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  }),
  getDefaultLibFileName: () => 'lib.d.ts',
  fileExists: (f) => texts.has(f) || fs.existsSync(f),
  readFile: (f) => texts.get(f) ?? (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined),
  directoryExists: (d) => fs.existsSync(d),
  getDirectories: (d) => fs.readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name),
});
function typescript(file, offset) {
  const places = new Set();
  for (const symbol of service.findReferences(file, offset) ?? []) {
    for (const ref of symbol.references) places.add(`${ref.fileName}#${ref.textSpan.start}`);
  }
  return places;
}

// ---- scopelens over LSP, with the package as its workspace folder.

const startsOf = new Map();
const offsetIn = (file, p) => {
  if (!startsOf.has(file)) startsOf.set(file, lineStarts(texts.get(file) ?? fs.readFileSync(file, 'utf8')));
  return startsOf.get(file)[p.line] + p.character;
};

// ---- Classes of difference, decided from the text around the place.
function classify(file, offset, name, side, declaring) {
  const text = texts.get(file);
  const before = text.slice(Math.max(0, offset - 200), offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const linePrefix = before.slice(lineStart);
  const word = /^[\w$]+/.exec(text.slice(offset))?.[0] ?? '';
  const after = text.slice(offset + word.length, offset + word.length + 60);
  const cross = file !== declaring;
  if (/\/\/.*$/.test(linePrefix) || /\/\*(?:(?!\*\/)[\s\S])*$/.test(text.slice(Math.max(0, offset - 2000), offset))) {
    return `${side}: in a comment (JSDoc)`;
  }
  if (word === 'default' && /\bexport\s+$/.test(linePrefix)) return `${side}: the \`default\` keyword of \`export default x\``;
  if (cross && /(?:\bfunction\s*\*?|\bclass|\b(?:const|let|var))\s+$/.test(linePrefix)) {
    return `${side}: the declaration in the exporting module`;
  }
  if (/\bexport\s+default\s+$/.test(linePrefix)) return `${side}: \`export default x\` in the exporting module`;
  if (/^\s+as\s+default\b/.test(after) || /\bdefault\s+as\s+$/.test(linePrefix)) return `${side}: \`default\` re-exported under a name`;
  if (/^\s*\([^)]*\)\s*\{/.test(after) && /^\s*(?:static\s+)?(?:async\s+)?(?:get\s+|set\s+)?$/.test(linePrefix)) {
    return `${side}: a method or accessor of the same name`;
  }
  if (/^\s*[,}]/.test(after) && /\{[^}]*$/.test(linePrefix) && /\}\s*=\s*(?!require)[\w$.]+/.test(text.slice(offset, offset + 200))) {
    return `${side}: a property destructured from an object (\`const { x } = obj\`)`;
  }
  if (/\.\s*$/.test(before)) return `${side}: a property access \`.x\`${cross ? ' in another file' : ''}`;
  if (/^\s*:/.test(after) && /[{,]\s*$/.test(before)) return `${side}: an object literal key \`${word}:\``;
  if (/\brequire\s*\(\s*$/.test(linePrefix) || /^['"]/.test(text.slice(offset - 1, offset))) return `${side}: a module specifier`;
  if (/^\s*=\s*require\s*\(/.test(after)) return `${side}: a binding holding a required module${cross ? ' (another file)' : ''}`;
  if (word !== name && cross) return `${side}: a local name of the import in another file`;
  if (cross) return `${side}: a use in another file`;
  return `${side}: other`;
}

const lsp = new Lsp(server);
const rootUri = pathToFileURL(dir).href;
await lsp.request('initialize', {
  processId: null,
  rootUri,
  workspaceFolders: [{ uri: rootUri, name: path.basename(dir) }],
  capabilities: { general: { positionEncodings: ['utf-16'] } },
});
lsp.notify('initialized', {});

const sample = shuffle([...all], seed).slice(0, filesWanted).sort();
const classes = new Map();
let compared = 0;
let equal = 0;
let crossFile = 0;
for (const file of sample) {
  const text = texts.get(file);
  const uri = pathToFileURL(file).href;
  lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text } });
  const model = JSON.parse(execFileSync(server, ['explain', file, '--format', 'json'], { maxBuffer: 1 << 30 }));
  const top = new Set(model.environments.filter((e) => e.parent === 0).map((e) => e.id));
  for (const b of model.bindings) {
    if (!top.has(b.environment)) continue;
    if (['arguments', 'module wrapper parameter', 'implicit global'].includes(b.declaration)) continue;
    const position = { line: b.start.line - 1, character: b.start.column - 1 };
    const offset = offsetIn(file, position);
    if (text.slice(offset, offset + b.name.length) !== b.name) continue;
    const answer = await lsp.request('textDocument/references', {
      textDocument: { uri }, position, context: { includeDeclaration: true },
    });
    if (answer.error) continue;
    const ours = new Set((answer.result ?? []).map((l) => {
      const f = fileURLToPath(l.uri);
      return `${f}#${offsetIn(f, l.range.start)}`;
    }));
    const theirs = typescript(file, offset);
    compared++;
    if ([...ours, ...theirs].some((p) => !p.startsWith(`${file}#`))) crossFile++;
    let same = true;
    const note = (place, side) => {
      same = false;
      const [f, o] = place.split('#');
      if (!texts.has(f)) return; // outside the package (TypeScript's lib files)
      const key = classify(f, Number(o), b.name, side, file);
      const entry = classes.get(key) ?? { count: 0, samples: [] };
      entry.count++;
      if (entry.samples.length < 3) {
        const t = texts.get(f);
        const line = t.slice(0, Number(o)).split('\n').length;
        entry.samples.push(`${path.relative(dir, f)}:${line}: ${t.split('\n')[line - 1].trim().slice(0, 90)}`);
      }
      classes.set(key, entry);
    };
    for (const p of theirs) if (!ours.has(p)) note(p, 'only TypeScript');
    for (const p of ours) if (!theirs.has(p)) note(p, 'only scopelens');
    if (same) equal++;
  }
  lsp.notify('textDocument/didClose', { textDocument: { uri } });
}
lsp.notify('exit');
lsp.child.kill();

console.log(`\n${path.basename(dir)}: ${sample.length} of ${all.length} files (seed ${seed}), ${compared} top-level bindings (${crossFile} with places in other files), ${equal} with the same references (${(100 * equal / Math.max(1, compared)).toFixed(1)}%)`);
let unexplained = 0;
for (const [key, { count, samples }] of [...classes].sort((a, b) => b[1].count - a[1].count)) {
  console.log(`  ${String(count).padStart(6)}  ${key}`);
  for (const s of samples) console.log(`          e.g. ${s}`);
  if (key.endsWith('other')) unexplained += count;
}
if (unexplained > 0) {
  console.log(`\n${unexplained} differences of no known class: explain them in docs/fidelity.md and here`);
  process.exitCode = 1;
}
