#!/usr/bin/env node
// Differential test: scopelens's `textDocument/references` against TypeScript's language service
// (`findReferences`, what tsserver answers) on real JavaScript files. For every binding that
// scopelens reports in a file, both are asked for its references from its declaration, within
// that file; every difference is put in a class, and the classes are what docs/fidelity.md
// explains. Differences of no known class fail the run.
//
//   node tests/fidelity/references-vs-tsserver.mjs [--server PATH] FILE...
//
// Needs the pinned TypeScript here (`npm ci` in tests/fidelity; run.sh does it) and a built server
// (default target/release/scopelens).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { lineStarts } from '../common/corpus.mjs';
import { Lsp } from '../common/lsp-stdio.mjs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(path.join(here, 'package.json'));
const ts = require('typescript');

const args = process.argv.slice(2);
let server = path.join(repo, 'target/release/scopelens');
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--server') server = args[++i];
  else files.push(path.resolve(args[i]));
}
if (files.length === 0) {
  console.error('usage: references-vs-tsserver.mjs [--server PATH] FILE...');
  process.exit(2);
}

// ---- TypeScript's answer: the references of the symbol at an offset, in this file.
function typescriptService(file, text) {
  const host = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (f === file ? ts.ScriptSnapshot.fromString(text) : undefined),
    getCurrentDirectory: () => path.dirname(file),
    getCompilationSettings: () => ({ allowJs: true, checkJs: false, noLib: true, noResolve: true }),
    getDefaultLibFileName: () => 'lib.d.ts',
    fileExists: (f) => f === file,
    readFile: (f) => (f === file ? text : undefined),
  };
  const service = ts.createLanguageService(host);
  return (offset) => {
    const found = service.findReferences(file, offset) ?? [];
    const spans = new Set();
    for (const symbol of found) {
      for (const ref of symbol.references) {
        if (ref.fileName === file) spans.add(ref.textSpan.start);
      }
    }
    return spans;
  };
}

// ---- scopelens's answer, over LSP (UTF-16 positions, as TypeScript's offsets are).


// ---- Classes of difference, decided from the text around the position.
function classify(text, offset, name, side) {
  const before = text.slice(Math.max(0, offset - 200), offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const linePrefix = before.slice(lineStart);
  if (/\/\/.*$/.test(linePrefix) || isInBlockComment(text, offset)) {
    return `${side}: in a comment (JSDoc \`@param\`, \`@see\`, …)`;
  }
  if (/\.\s*$/.test(before)) return `${side}: a property access \`.${name}\``;
  const after = text.slice(offset + name.length, offset + name.length + 40);
  if (/^\s*:/.test(after) && /[{,]\s*$/.test(before)) return `${side}: an object literal key \`${name}:\``;
  if (/^\s*\(/.test(after) && /[{,;}]\s*$/.test(before)) return `${side}: a method or property name`;
  return `${side}: other`;
}

function isInBlockComment(text, offset) {
  const open = text.lastIndexOf('/*', offset);
  if (open < 0) return false;
  const close = text.lastIndexOf('*/', offset);
  return close < open;
}

async function compare(file) {
  const text = fs.readFileSync(file, 'utf8');
  const starts = lineStarts(text);
  const offsetOf = ({ line, character }) => starts[line] + character;
  const model = JSON.parse(execFileSync(server, ['explain', file, '--format', 'json'], { maxBuffer: 1 << 30 }));
  const typescript = typescriptService(file, text);
  const lsp = new Lsp(server);
  await lsp.request('initialize', { processId: null, rootUri: null, capabilities: { general: { positionEncodings: ['utf-16'] } } });
  lsp.notify('initialized', {});
  const uri = pathToFileURL(file).href;
  lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text } });
  const classes = new Map();
  let compared = 0;
  let equal = 0;
  const explicit = model.bindings.filter((b) => !['arguments', 'module wrapper parameter', 'implicit global'].includes(b.declaration));
  for (const binding of explicit) {
    const position = { line: binding.start.line - 1, character: binding.start.column - 1 };
    const offset = offsetOf(position);
    if (text.slice(offset, offset + binding.name.length) !== binding.name) continue; // not at its name
    const answer = await lsp.request('textDocument/references', {
      textDocument: { uri }, position, context: { includeDeclaration: true },
    });
    if (answer.error) continue; // scopelens refuses (e.g. nothing to reference)
    const ours = new Set((answer.result ?? []).filter((l) => l.uri === uri).map((l) => offsetOf(l.range.start)));
    const theirs = typescript(offset);
    compared++;
    let same = true;
    for (const o of theirs) if (!ours.has(o)) { same = false; note(classes, classify(text, o, binding.name, 'only TypeScript'), file, text, o); }
    for (const o of ours) if (!theirs.has(o)) { same = false; note(classes, classify(text, o, binding.name, 'only scopelens'), file, text, o); }
    if (same) equal++;
  }
  lsp.notify('shutdown');
  lsp.child.kill();
  return { file, bindings: compared, equal, classes };
}

function note(classes, key, file, text, offset) {
  const entry = classes.get(key) ?? { count: 0, samples: [] };
  entry.count++;
  if (entry.samples.length < 3) {
    const line = text.slice(0, offset).split(/\r\n|\r|\n/).length;
    const lineText = text.split(/\r\n|\r|\n/)[line - 1].trim().slice(0, 100);
    entry.samples.push(`${path.basename(file)}:${line}: ${lineText}`);
  }
  classes.set(key, entry);
}

let unexplained = 0;
for (const file of files) {
  const { bindings, equal, classes } = await compare(file);
  console.log(`\n${path.relative(repo, file)}: ${bindings} bindings, ${equal} with the same references (${(100 * equal / Math.max(1, bindings)).toFixed(1)}%)`);
  for (const [key, { count, samples }] of [...classes].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`  ${String(count).padStart(6)}  ${key}`);
    for (const s of samples) console.log(`          e.g. ${s}`);
    if (key.endsWith('other')) unexplained += count;
  }
}
if (unexplained > 0) {
  console.log(`\n${unexplained} differences of no known class: explain them in docs/fidelity.md and here`);
  process.exitCode = 1;
}
