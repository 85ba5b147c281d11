#!/usr/bin/env node
// Protocol benchmark: drives any LSP server over stdio through the same scenarios and prints
// p50/p95/p99 round trips and resident memory (the server's whole process tree, from /proc).
// Dependency-free (Node >= 20). See docs/performance.md for the method.
//
//   node tests/bench/lsp-bench.mjs --server scopelens|tsls|tsgo|echo --file PATH [--json OUT]
//     (echo: tests/bench/echo-server, which answers at once without work: the machine's floor)
//   node tests/bench/lsp-bench.mjs --cmd 'some-ls --stdio' --file PATH
//   node tests/bench/lsp-bench.mjs --smoke        (scopelens on examples/ninja.js, counts of 5)
//
// Scenarios, in order, on one server process:
//   init       spawn -> `initialize` answered
//   open       `didOpen` -> first hover answered (hover at the middle identifier); the clock starts
//              when the encoded `didOpen` is handed to the pipe (its encoding time is reported)
//   floor      200 requests of a method no server knows (MethodNotFound): the round-trip floor
//   hover      N hovers at identifiers spread over the file (every k-th identifier token)
//   definition N definitions at the same positions
//   inlayView  inlay hints for a 60-line viewport at M places spread over the file
//   inlayWhole inlay hints for the whole file, W times
//   inlayResolve inlayHint/resolve of the first hint of each viewport answer (servers with a
//              resolveProvider; the client declares VS Code's resolveSupport)
//   scopeChain N `scopelens/scopeChain` at the same positions (servers that advertise it)
//   tokensFull `textDocument/semanticTokens/full`, K times (--tokens, default 10)
//   tokensDelta K one-character edits in the middle of the file (a space typed, then deleted),
//              each followed by `semanticTokens/full/delta` against the last result; timed from
//              sending the edit, so the re-analysis it waits for is included
//   typing     T one-character edits inside a function, each followed by a hover elsewhere;
//              timed from sending the edit to the fresh hover answer
//   burst      the rest of the 1,000 edits in bursts of 100 sent back to back, each burst
//              followed by one hover; timed from the first edit of the burst to that answer
//   memory     RSS after open, after the 1,000 edits, after close (each +1 s, at rest; after open
//              and after the edits also at the answer); peak = sum over the
//              tree's processes of each one's VmHWM
// Positions come from the file text alone, so every server gets the same ones. Every request
// has a timeout, every scenario a time budget (the count done is reported), and the server's
// whole process tree is killed at the end.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const o = {
    server: null, cmd: null, file: null, json: null, smoke: false, verbose: false,
    hovers: 1000, definitions: 1000, viewports: 100, whole: 5, scopeChain: 1000, tokens: 10,
    typing: 200, edits: 1000, burstSize: 100, floor: 200,
    timeout: 30, openTimeout: 300, budget: 60, deadline: 540,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--server': o.server = next(); break;
      case '--cmd': o.cmd = next(); break;
      case '--file': o.file = next(); break;
      case '--json': o.json = next(); break;
      case '--smoke': o.smoke = true; break;
      case '--verbose': o.verbose = true; break;
      case '--hovers': case '--definitions': case '--viewports': case '--whole':
      case '--scope-chain': case '--tokens': case '--typing': case '--floor': case '--edits': case '--burst-size':
      case '--timeout': case '--open-timeout': case '--budget': case '--deadline': {
        const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
        const v = Number(next());
        if (!Number.isFinite(v) || v < 0) throw new Error(`${a}: not a number`);
        o[key] = v;
        break;
      }
      case '--help': case '-h':
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
        process.exit(0);
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (o.smoke) {
    o.server ??= 'scopelens';
    o.file ??= path.join(repo, 'examples/ninja.js');
    Object.assign(o, {
      hovers: 5, definitions: 5, viewports: 5, whole: 2, scopeChain: 5, tokens: 3, typing: 5, edits: 15, floor: 5,
      burstSize: 5, timeout: 10, openTimeout: 30, budget: 20, deadline: 60,
    });
  }
  if (!o.file) throw new Error('--file is required');
  if (!o.server && !o.cmd) throw new Error('--server or --cmd is required');
  return o;
}

// ---------------------------------------------------------------------------------------------
// Servers

const nm = path.join(here, 'node_modules');
function pkgVersion(dir) {
  try { return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version; } catch { return null; }
}

// Inlay hints on for the TypeScript servers, so they have work to do (off by default).
const tsPreferences = {
  includeInlayParameterNameHints: 'all',
  includeInlayParameterNameHintsWhenArgumentMatchesName: true,
  includeInlayFunctionParameterTypeHints: true,
  includeInlayVariableTypeHints: true,
  includeInlayVariableTypeHintsWhenTypeMatchesName: true,
  includeInlayPropertyDeclarationTypeHints: true,
  includeInlayFunctionLikeReturnTypeHints: true,
  includeInlayEnumMemberValueHints: true,
};
const vscodeInlayHints = {
  parameterNames: { enabled: 'all', suppressWhenArgumentMatchesName: false },
  parameterTypes: { enabled: true },
  variableTypes: { enabled: true, suppressWhenTypeMatchesName: false },
  propertyDeclarationTypes: { enabled: true },
  functionLikeReturnTypes: { enabled: true },
  enumMemberValues: { enabled: true },
};

function serverSpec(o) {
  if (o.cmd) {
    const parts = o.cmd.split(/\s+/).filter(Boolean);
    return { name: o.cmd, command: parts[0], args: parts.slice(1), version: null, init: {} };
  }
  switch (o.server) {
    case 'scopelens': {
      const bin = process.env.SCOPELENS_BIN
        ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target'), 'release/scopelens');
      return { name: 'scopelens', command: bin, args: ['--stdio'], version: null, init: {} };
    }
    case 'tsls': {
      const tsls = path.join(nm, 'typescript-language-server');
      const ts = path.join(nm, 'typescript');
      return {
        name: 'typescript-language-server',
        command: process.execPath,
        args: [path.join(tsls, 'lib/cli.mjs'), '--stdio'],
        version: `typescript-language-server ${pkgVersion(tsls)}, typescript ${pkgVersion(ts)}`,
        init: {
          tsserver: { path: path.join(ts, 'lib') },
          preferences: tsPreferences,
          disableAutomaticTypingAcquisition: true,
          hostInfo: 'scopelens-bench',
        },
      };
    }
    case 'tsgo': {
      const pkg = path.join(nm, '@typescript/typescript-linux-x64');
      return {
        name: 'TypeScript 7 native (tsc --lsp)',
        command: path.join(pkg, 'lib/tsc'),
        args: ['--lsp', '--stdio'],
        version: `typescript ${pkgVersion(path.join(nm, 'typescript7'))} (@typescript/typescript-linux-x64 ${pkgVersion(pkg)})`,
        init: {},
      };
    }
    case 'echo': {
      // Calibration: answers every request at once without looking at the document.
      const bin = path.join(here, 'target/release/echo-server');
      return { name: 'echo (calibration, no work)', command: bin, args: [], version: 'tests/bench/echo-server', init: {} };
    }
    default: throw new Error(`unknown server ${o.server} (scopelens, tsls, tsgo, echo, or --cmd)`);
  }
}

// ---------------------------------------------------------------------------------------------
// /proc: the server's process tree and its memory

function readStatus(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => { const m = s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')); return m ? Number(m[1]) : 0; };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch { return null; }
}

function descendants(root) {
  const children = new Map();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(e));
    } catch { /* gone */ }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

class Memory {
  constructor(root) { this.root = root; this.pids = new Set([root]); this.hwm = new Map(); }
  discover() { for (const p of descendants(this.root)) this.pids.add(p); }
  // Current RSS of the tree and the running peak (sum of each process's own VmHWM), in MiB.
  sample() {
    this.discover();
    let rss = 0;
    let procs = 0;
    for (const p of this.pids) {
      const s = readStatus(p);
      if (!s) continue;
      procs++;
      rss += s.rss;
      this.hwm.set(p, Math.max(this.hwm.get(p) ?? 0, s.hwm));
    }
    return { rssMiB: rss / 1024, peakMiB: this.peak(), processes: procs };
  }
  peak() { let t = 0; for (const v of this.hwm.values()) t += v; return t / 1024; }
  killAll() {
    this.discover();
    for (const p of this.pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  }
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC over stdio

class TimeoutError extends Error {}

class Connection {
  constructor(child, o, onServerRequest) {
    this.child = child;
    this.o = o;
    this.nextId = 1;
    this.pending = new Map();
    this.buf = Buffer.alloc(0);
    this.chunks = []; // data received past `buf` while a long message is incomplete
    this.chunkBytes = 0;
    this.need = 0; // bytes `buf` must hold before it is worth parsing again
    this.onServerRequest = onServerRequest;
    this.closed = false;
    child.stdout.on('data', (d) => this.onData(d));
    child.on('exit', (code, sig) => {
      this.closed = true;
      for (const [, p] of this.pending) p.reject(new Error(`server exited (${code ?? sig})`));
      this.pending.clear();
    });
    child.stdin.on('error', () => { /* server gone; requests fail through 'exit' */ });
  }
  // Chunks are only joined once a whole message is there: answers of 100 MB arrive in 64 KiB
  // pieces, and joining at every piece would make reading them quadratic.
  onData(d) {
    this.chunks.push(d);
    this.chunkBytes += d.length;
    if (this.buf.length + this.chunkBytes < this.need) return;
    this.buf = Buffer.concat([this.buf, ...this.chunks]);
    this.chunks = [];
    this.chunkBytes = 0;
    this.need = 0;
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const header = this.buf.subarray(0, sep).toString('ascii');
      const m = header.match(/Content-Length:\s*(\d+)/i);
      if (!m) throw new Error(`bad header from server: ${header}`);
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) { this.need = sep + 4 + len; return; }
      const t = process.hrtime.bigint();
      const body = this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(sep + 4 + len);
      this.dispatch(JSON.parse(body), t, len);
    }
  }
  // `t`: when the whole answer had arrived (before parsing it, which is the client's cost).
  dispatch(msg, t, bytes) {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return; // answered after its timeout
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      p.resolve({ t, bytes, result: msg.result, error: msg.error });
    } else if (msg.id !== undefined) {
      let result = null;
      try { result = this.onServerRequest(msg.method, msg.params); } catch { result = null; }
      this.write({ jsonrpc: '2.0', id: msg.id, result });
    } else if (this.o.verbose && msg.method === 'window/logMessage') {
      process.stderr.write(`[server] ${msg.params?.message}\n`);
    }
  }
  encode(msg) { return Buffer.from(JSON.stringify(msg), 'utf8'); }
  write(msg) { this.writeBody(this.encode(msg)); }
  writeBody(body) {
    if (this.closed) return;
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }
  notify(method, params) { this.write({ jsonrpc: '2.0', method, params }); }
  // Resolves {ms, result, error}; rejects TimeoutError after `timeoutS` (and cancels).
  request(method, params, timeoutS = this.o.timeout, t0 = null) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.closed) { reject(new Error('server exited')); return; }
      const start = t0 ?? process.hrtime.bigint();
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.notify('$/cancelRequest', { id });
        reject(new TimeoutError(`${method} timed out after ${timeoutS} s`));
      }, timeoutS * 1000);
      this.pending.set(id, {
        timer, reject,
        resolve: ({ t, bytes, result, error }) => resolve({ ms: Number(t - start) / 1e6, bytes, result, error }),
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Positions from the text: a small JavaScript tokenizer (comments, strings, templates, regular
// expressions) whose identifier tokens, less keywords and property names after `.`, are the
// hover targets.

const KEYWORDS = new Set(('break case catch class const continue debugger default delete do else export extends ' +
  'finally for function if import in instanceof new return super switch this throw try typeof var void while with ' +
  'yield let static await async of get set null true false undefined enum implements interface package private ' +
  'protected public as from type declare namespace module readonly abstract keyof infer is any unknown never ' +
  'string number boolean symbol object bigint').split(' '));
const REGEX_AFTER_WORD = new Set('return typeof instanceof in of new delete void throw case do else yield await'.split(' '));

function tokenize(text) {
  const tokens = []; // {kind: 'id'|'kw'|'prop'|'p', start, end}: 'prop' is a name after `.`
  const n = text.length;
  let i = 0;
  let prev = null; // previous significant token
  const braceStack = []; // 'b' for a block/object brace, 't' for a template substitution
  const isIdStart = (c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36 || c === 95 || c > 127;
  const isIdPart = (c) => isIdStart(c) || (c >= 48 && c <= 57);
  const regexAllowed = () => {
    if (!prev) return true;
    if (prev.kind === 'p') return !(prev.text === ')' || prev.text === ']'); // `}` ends a block more often than an object
    if (prev.kind === 'kw') return REGEX_AFTER_WORD.has(prev.text);
    return false; // identifier, number, string, template, regex
  };
  const scanTemplate = () => { // at the character after ` or after the } closing a substitution
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 92) { i += 2; continue; }
      if (c === 96) { i++; prev = { kind: 'lit' }; return; }
      if (c === 36 && text.charCodeAt(i + 1) === 123) { i += 2; braceStack.push('t'); prev = { kind: 'p', text: '{' }; return; }
      i++;
    }
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff || c === 0xa0 || c === 11 || c === 12 || c === 0x2028 || c === 0x2029) { i++; continue; }
    if (c === 47) { // /
      const d = text.charCodeAt(i + 1);
      if (d === 47) { const e = text.indexOf('\n', i); i = e < 0 ? n : e; continue; }
      if (d === 42) { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
      if (regexAllowed()) {
        i++;
        let inClass = false;
        while (i < n) {
          const r = text.charCodeAt(i);
          if (r === 92) { i += 2; continue; }
          if (r === 10) break;
          if (inClass) { if (r === 93) inClass = false; } else if (r === 91) inClass = true; else if (r === 47) { i++; break; }
          i++;
        }
        while (i < n && isIdPart(text.charCodeAt(i))) i++;
        prev = { kind: 'lit' };
        continue;
      }
      i++; if (text.charCodeAt(i) === 61) i++;
      prev = { kind: 'p', text: '/' };
      continue;
    }
    if (c === 39 || c === 34) { // ' "
      i++;
      while (i < n) { const s = text.charCodeAt(i); if (s === 92) { i += 2; continue; } i++; if (s === c || s === 10) break; }
      prev = { kind: 'lit' };
      continue;
    }
    if (c === 96) { i++; scanTemplate(); continue; }
    if (c >= 48 && c <= 57 || (c === 46 && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57)) {
      const hex = c === 48 && /[xX]/.test(text[i + 1] ?? '');
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isIdPart(d) || d === 46) { i++; continue; }
        if ((d === 43 || d === 45) && !hex && (text[i - 1] === 'e' || text[i - 1] === 'E')) { i++; continue; }
        break;
      }
      prev = { kind: 'lit' };
      continue;
    }
    if (isIdStart(c) || c === 92) {
      const start = i;
      i++;
      while (i < n) { const d = text.charCodeAt(i); if (isIdPart(d)) i++; else if (d === 92) i += 6; else break; }
      const word = text.slice(start, i);
      const afterDot = prev && prev.kind === 'p' && (prev.text === '.' || prev.text === '?.');
      const kind = afterDot ? 'prop' : KEYWORDS.has(word) ? 'kw' : 'id';
      const tok = { kind, start, end: i, text: word };
      tokens.push(tok);
      prev = tok;
      continue;
    }
    if (c === 35) { // #private
      const start = i; i++;
      while (i < n && isIdPart(text.charCodeAt(i))) i++;
      prev = { kind: 'id', start, end: i };
      continue;
    }
    // punctuator (one character is enough for our purposes, except ?. and =>)
    let p = text[i];
    if (p === '?' && text[i + 1] === '.' && !/[0-9]/.test(text[i + 2] ?? '')) p = '?.';
    if (p === '{') braceStack.push('b');
    if (p === '}') {
      const top = braceStack.pop();
      if (top === 't') { i++; scanTemplate(); continue; }
    }
    const tok = { kind: 'p', start: i, end: i + p.length, text: p };
    tokens.push(tok);
    prev = tok;
    i += p.length;
  }
  return tokens;
}

class Text {
  constructor(text) {
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }
  // JavaScript string indices are UTF-16 code units: LSP's default position encoding.
  position(offset) {
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo, character: offset - this.lineStarts[lo] };
  }
  get lineCount() { return this.lineStarts.length; }
  lineLength(line) {
    const start = this.lineStarts[line];
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let e = end;
    while (e > start && (this.text.charCodeAt(e - 1) === 10 || this.text.charCodeAt(e - 1) === 13)) e--;
    return e - start;
  }
}

// `count` identifier tokens spread evenly over the file (every k-th); the position is the
// middle of the identifier.
function spread(ids, count) {
  const out = [];
  if (!ids.length) return out;
  for (let i = 0; i < count; i++) {
    const t = ids[Math.floor(((i + 0.5) * ids.length) / count)];
    out.push(t);
  }
  return out;
}

// The edit site: the body of the `function` nearest the middle of the file that has a
// parameter list and a braced body; edits go right after its `{`.
function findFunctionBody(tokens, textLength) {
  const fns = [];
  for (let k = 0; k < tokens.length; k++) if (tokens[k].kind === 'kw' && tokens[k].text === 'function') fns.push(k);
  fns.sort((a, b) => Math.abs(tokens[a].start - textLength / 2) - Math.abs(tokens[b].start - textLength / 2));
  for (const k of fns.slice(0, 50)) {
    let j = k + 1;
    if (tokens[j]?.text === '*') j++;
    if (tokens[j]?.kind === 'id') j++;
    if (tokens[j]?.text !== '(') continue;
    let depth = 0;
    for (; j < tokens.length; j++) {
      if (tokens[j].text === '(') depth++;
      else if (tokens[j].text === ')' && --depth === 0) break;
    }
    if (tokens[j + 1]?.text === '{') return tokens[j + 1].end;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Statistics

function stats(samples) {
  if (!samples.length) return null;
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const fmt = (ms) => (ms == null ? '' : ms < 10 ? ms.toFixed(3) : ms < 1000 ? ms.toFixed(1) : ms.toFixed(0));

// ---------------------------------------------------------------------------------------------
// The run

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const spec = serverSpec(o);
  const srcPath = path.resolve(o.file);
  const content = fs.readFileSync(srcPath, 'utf8');
  // The file is opened from a fresh folder of its own: no tsconfig, package.json or
  // node_modules around it for any server to discover.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-bench-'));
  const file = path.join(work, path.basename(srcPath));
  fs.copyFileSync(srcPath, file);
  const uri = pathToFileURL(file).href;
  const ext = path.extname(file);
  const languageId = { '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescriptreact', '.jsx': 'javascriptreact' }[ext] ?? 'javascript';

  const doc = new Text(content);
  const tokens = tokenize(content);
  const ids = tokens.filter((t) => t.kind === 'id');
  const pos = (t) => doc.position(t.start + (t.end - t.start >> 1));
  // Always 1,000 positions (or more), whatever the counts: smaller runs use every k-th of them.
  const targets = spread(ids, Math.max(1000, o.hovers, o.definitions, o.scopeChain)).map(pos);
  const openTarget = pos(ids[ids.length >> 1]);

  const report = {
    server: spec.name, serverVersion: spec.version, command: [spec.command, ...spec.args].join(' '),
    file: path.relative(repo, srcPath), bytes: Buffer.byteLength(content), lines: doc.lineCount,
    identifiers: ids.length, date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), load: os.loadavg().map((x) => +x.toFixed(2)) },
    settings: { hovers: o.hovers, definitions: o.definitions, viewports: o.viewports, whole: o.whole, typing: o.typing, edits: o.edits, burstSize: o.burstSize, timeout: o.timeout, budget: o.budget },
    scenarios: {}, memory: {}, notes: [],
  };
  const note = (s) => { report.notes.push(s); if (o.verbose) process.stderr.write(`note: ${s}\n`); };
  const log = (s) => process.stderr.write(`[${spec.name.split(' ')[0]}] ${s}\n`);
  const started = Date.now();
  const pastDeadline = () => (Date.now() - started) / 1000 > o.deadline;

  const child = spawn(spec.command, spec.args, { cwd: work, stdio: ['pipe', 'pipe', o.verbose ? 'inherit' : 'ignore'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } });
  const spawnError = new Promise((_, reject) => child.on('error', reject));
  spawnError.catch(() => {});
  const mem = new Memory(child.pid);
  const cleanup = () => mem.killAll();
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

  const sections = new Set();
  const conn = new Connection(child, o, (method, params) => {
    if (method === 'workspace/configuration') {
      return (params?.items ?? []).map((it) => {
        sections.add(it.section ?? '(none)');
        const s = it.section ?? '';
        if (s === 'typescript' || s === 'javascript' || s === 'js/ts') return { inlayHints: vscodeInlayHints, preferences: {} };
        if (s.endsWith('inlayHints')) return vscodeInlayHints;
        return null;
      });
    }
    return null; // client/registerCapability, window/workDoneProgress/create, refresh requests
  });

  let caps = {};
  try {
    // init
    const init = await Promise.race([spawnError, conn.request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'scopelens-lsp-bench', version: '1' },
      rootUri: pathToFileURL(work).href,
      workspaceFolders: [{ uri: pathToFileURL(work).href, name: 'bench' }],
      initializationOptions: spec.init,
      capabilities: {
        general: { positionEncodings: ['utf-16'] },
        textDocument: {
          synchronization: { didSave: false, dynamicRegistration: false },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          definition: { linkSupport: false },
          // As VS Code declares it: servers may leave these out and fill them in on resolve.
          inlayHint: { dynamicRegistration: false, resolveSupport: { properties: ['tooltip', 'textEdits', 'label.tooltip', 'label.location', 'label.command'] } },
          publishDiagnostics: {},
        },
        workspace: { configuration: true, workspaceFolders: true, inlayHint: { refreshSupport: false } },
        window: { workDoneProgress: false },
      },
    }, o.openTimeout)]);
    if (init.error) throw new Error(`initialize failed: ${JSON.stringify(init.error)}`);
    caps = init.result?.capabilities ?? {};
    report.serverInfo = init.result?.serverInfo ?? null;
    report.serverVersion ??= report.serverInfo ? `${report.serverInfo.name} ${report.serverInfo.version ?? ''}`.trim() : null;
    report.scenarios.init = { ms: init.ms };
    conn.notify('initialized', {});
    // Let the server settle (TS servers load their libraries, ask for configuration).
    await new Promise((r) => setTimeout(r, 500));
    report.memory.beforeOpen = mem.sample();
    log(`initialized in ${fmt(init.ms)} ms`);

    const supports = {
      hover: !!caps.hoverProvider,
      definition: !!caps.definitionProvider,
      inlayHint: !!caps.inlayHintProvider,
      inlayResolve: !!caps.inlayHintProvider?.resolveProvider,
      scopeChain: !!caps.experimental?.scopeChainProvider,
      tokensFull: !!caps.semanticTokensProvider?.full,
      tokensDelta: !!caps.semanticTokensProvider?.full?.delta,
    };
    report.supports = supports;
    const td = { uri };

    // open -> first hover
    let version = 1;
    // Encoded before the clock starts: turning a 9 MB text into JSON takes this client ~55 ms,
    // which is no server's work (runs before 2026-12-01 counted it; it is reported beside).
    const e0 = process.hrtime.bigint();
    const openBody = conn.encode({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId, version, text: content } } });
    const encodeMs = Number(process.hrtime.bigint() - e0) / 1e6;
    const t0 = process.hrtime.bigint();
    conn.writeBody(openBody);
    if (supports.hover) {
      try {
        const r = await conn.request('textDocument/hover', { textDocument: td, position: openTarget }, o.openTimeout, t0);
        report.scenarios.open = { ms: r.ms, encodeMs, answered: r.error ? `error ${r.error.code}` : r.result ? 'hover' : 'null' };
        log(`open -> first hover ${fmt(r.ms)} ms (${report.scenarios.open.answered}; the client encoded didOpen in ${fmt(encodeMs)} ms before)`);
      } catch (e) {
        report.scenarios.open = { error: String(e.message) };
        log(`open: ${e.message}`);
      }
    } else report.scenarios.open = 'n/a';
    // Resident memory is compared at rest, 1 s after the answer, as after close: at the answer
    // itself it still holds what the work just done is freeing (both are reported).
    report.memory.afterOpenAtAnswer = mem.sample();
    await new Promise((r) => setTimeout(r, 1000));
    report.memory.afterOpen = mem.sample();

    // A bounded loop of timed requests.
    const loop = async (name, supported, count, make, onResult) => {
      if (!supported) { report.scenarios[name] = 'n/a'; return; }
      if (pastDeadline()) { report.scenarios[name] = { skipped: 'run deadline reached' }; return; }
      const ms = []; let nulls = 0, errors = 0, timeouts = 0, items = 0, bytes = 0, firstError = null;
      const begin = Date.now();
      let stopped = null;
      for (let k = 0; k < count; k++) {
        if ((Date.now() - begin) / 1000 > o.budget) { stopped = `budget of ${o.budget} s reached after ${k} of ${count}`; break; }
        try {
          const [method, params, timeout] = make(k);
          const r = await conn.request(method, params, timeout ?? o.timeout);
          if (r.error) {
            if (r.error.code === -32601) { report.scenarios[name] = 'n/a'; return; }
            errors++;
            firstError ??= `${r.error.code}: ${String(r.error.message).slice(0, 200)}`;
          } else {
            if (r.result == null || (Array.isArray(r.result) && !r.result.length)) nulls++;
            if (Array.isArray(r.result)) items += r.result.length;
            onResult?.(r.result);
            ms.push(r.ms);
            bytes += r.bytes;
          }
        } catch (e) {
          if (e instanceof TimeoutError) { timeouts++; if (timeouts >= 3) { stopped = `3 timeouts after ${k + 1} of ${count}`; break; } } else throw e;
        }
      }
      const st = stats(ms);
      report.scenarios[name] = { ...(st ?? { n: 0 }), requested: count, empty: nulls, errors, timeouts, ...(items ? { items } : {}), meanAnswerBytes: ms.length ? Math.round(bytes / ms.length) : 0, ...(firstError ? { firstError } : {}), ...(stopped ? { stopped } : {}) };
      log(`${name}: ${st ? `n=${st.n} p50 ${fmt(st.p50)} p95 ${fmt(st.p95)} p99 ${fmt(st.p99)} ms` : 'no answers'}${nulls ? `, ${nulls} empty` : ''}${errors ? `, ${errors} errors` : ''}${timeouts ? `, ${timeouts} timeouts` : ''}${stopped ? ` (${stopped})` : ''}`);
    };

    // The floor: a request no server knows, answered with MethodNotFound without touching the
    // document. What a round trip costs in pipes, JSON-RPC and this client, for calibration.
    {
      const ms = []; let timeouts = 0;
      for (let k = 0; k < o.floor && timeouts < 2; k++) {
        try { ms.push((await conn.request('scopelensBench/noop', {}, 2)).ms); } catch (e) { if (e instanceof TimeoutError) timeouts++; else throw e; }
      }
      report.scenarios.floor = ms.length ? { ...stats(ms), requested: o.floor, timeouts } : (o.floor ? { n: 0, requested: o.floor, timeouts, skipped: 'unknown requests are not answered' } : 'n/a');
      if (ms.length) log(`floor (unknown method): p50 ${fmt(stats(ms).p50)} p99 ${fmt(stats(ms).p99)} ms`);
    }
    await loop('hover', supports.hover, o.hovers, (k) => ['textDocument/hover', { textDocument: td, position: targets[Math.floor(k * targets.length / o.hovers)] }]);
    await loop('definition', supports.definition, o.definitions, (k) => ['textDocument/definition', { textDocument: td, position: targets[Math.floor(k * targets.length / o.definitions)] }]);
    const viewLines = 60;
    const shownHints = []; // the first hint of each viewport, resolved as if the user pointed at it
    await loop('inlayView', supports.inlayHint, o.viewports, (k) => {
      const line = Math.floor((k * Math.max(0, doc.lineCount - viewLines)) / Math.max(1, o.viewports));
      return ['textDocument/inlayHint', { textDocument: td, range: { start: { line, character: 0 }, end: { line: Math.min(line + viewLines, doc.lineCount - 1), character: 0 } } }];
    }, (hints) => { if (Array.isArray(hints) && hints.length) shownHints.push(hints[0]); });
    await loop('inlayResolve', supports.inlayResolve && shownHints.length > 0, shownHints.length, (k) => ['inlayHint/resolve', shownHints[k]]);
    const last = doc.lineCount - 1;
    await loop('inlayWhole', supports.inlayHint, o.whole, () => ['textDocument/inlayHint', { textDocument: td, range: { start: { line: 0, character: 0 }, end: { line: last, character: doc.lineLength(last) } } }, Math.max(o.timeout, 120)]);
    await loop('scopeChain', supports.scopeChain, o.scopeChain, (k) => [caps.experimental.scopeChainProvider, { textDocument: td, position: targets[Math.floor(k * targets.length / o.scopeChain)] }]);

    // Semantic tokens: the whole file, then deltas. Each delta follows a one-character edit (a
    // space typed before an identifier in the middle of the file, then deleted again) and is
    // timed from the edit, so it includes the re-analysis it waits for.
    let tokensResultId = null;
    await loop('tokensFull', supports.tokensFull, o.tokens, () => ['textDocument/semanticTokens/full', { textDocument: td }, Math.max(o.timeout, 120)],
      (r) => { tokensResultId = r?.resultId ?? null; });
    if (!supports.tokensDelta || tokensResultId == null) report.scenarios.tokensDelta = 'n/a';
    else {
      const at = targets[Math.floor(targets.length / 2)];
      const ms = []; let errors = 0, timeouts = 0, firstError = null, edits = 0, bytes = 0;
      for (let k = 0; k < o.tokens; k++) {
        const t = process.hrtime.bigint();
        version++;
        const range = k % 2 === 0
          ? { start: at, end: at }
          : { start: at, end: { line: at.line, character: at.character + 1 } };
        conn.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: k % 2 === 0 ? ' ' : '' }] });
        try {
          const r = await conn.request('textDocument/semanticTokens/full/delta', { textDocument: td, previousResultId: tokensResultId }, Math.max(o.timeout, 120), t);
          if (r.error) { errors++; firstError ??= `${r.error.code}: ${String(r.error.message).slice(0, 200)}`; continue; }
          tokensResultId = r.result?.resultId ?? null;
          if (!r.result?.edits) { errors++; firstError ??= 'answered with whole tokens, not a delta'; continue; }
          edits += r.result.edits.length;
          bytes += r.bytes;
          ms.push(r.ms);
        } catch (e) { if (e instanceof TimeoutError) { timeouts++; if (timeouts >= 3) break; } else throw e; }
      }
      const st = stats(ms);
      report.scenarios.tokensDelta = { ...(st ?? { n: 0 }), requested: o.tokens, errors, timeouts, items: edits, meanAnswerBytes: ms.length ? Math.round(bytes / ms.length) : 0, ...(firstError ? { firstError } : {}) };
      log(`tokensDelta (from the edit): ${st ? `n=${st.n} p50 ${fmt(st.p50)} p95 ${fmt(st.p95)} ms, ${edits} edits, ${ms.length ? Math.round(bytes / ms.length) : 0} bytes per answer` : 'no answers'}`);
    }

    // Typing. Setup (untimed): declare a binding at the start of a function body; then each edit
    // appends one character to its name, so every version is valid and changes the scopes.
    const bodyAt = findFunctionBody(tokens, content.length);
    if (bodyAt == null) { note('no function with a body found: typing skipped'); report.scenarios.typing = 'n/a'; report.scenarios.burst = 'n/a'; }
    else if (!supports.hover) { report.scenarios.typing = 'n/a'; report.scenarios.burst = 'n/a'; }
    else if (pastDeadline()) { report.scenarios.typing = { skipped: 'run deadline reached' }; }
    else {
      const at = doc.position(bodyAt);
      report.editSite = { line: at.line + 1, character: at.character };
      const elsewhere = targets.filter((p) => p.line !== at.line);
      const prefix = ' let zzBench = 0;';
      let nameEnd = at.character + ' let zzBench'.length;
      const edit = (character, text, del = 0) => {
        version++;
        conn.notify('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line: at.line, character }, end: { line: at.line, character: character + del } }, text }],
        });
      };
      edit(at.character, prefix);
      try { await conn.request('textDocument/hover', { textDocument: td, position: elsewhere[0] }, o.openTimeout); } catch (e) { note(`typing setup: ${e.message}`); }
      let editsDone = 0;
      const ms = []; let errors = 0, timeouts = 0, stopped = null, firstError = null;
      const begin = Date.now();
      for (let k = 0; k < o.typing; k++) {
        if ((Date.now() - begin) / 1000 > o.budget) { stopped = `budget of ${o.budget} s reached after ${k} of ${o.typing}`; break; }
        const t = process.hrtime.bigint();
        edit(nameEnd, String.fromCharCode(97 + (k % 26)));
        nameEnd++; editsDone++;
        try {
          const r = await conn.request('textDocument/hover', { textDocument: td, position: elsewhere[(k * 97) % elsewhere.length] }, o.timeout, t);
          if (r.error) { errors++; firstError ??= `${r.error.code}: ${String(r.error.message).slice(0, 200)}`; } else ms.push(r.ms);
        } catch (e) {
          if (e instanceof TimeoutError) { timeouts++; if (timeouts >= 3) { stopped = '3 timeouts'; break; } } else throw e;
        }
      }
      report.scenarios.typing = { ...(stats(ms) ?? { n: 0 }), requested: o.typing, errors, timeouts, ...(firstError ? { firstError } : {}), ...(stopped ? { stopped } : {}) };
      const st = stats(ms);
      log(`typing: ${st ? `n=${st.n} p50 ${fmt(st.p50)} p95 ${fmt(st.p95)} p99 ${fmt(st.p99)} ms` : 'no answers'}${stopped ? ` (${stopped})` : ''}`);

      // Bursts: the rest of the edits, back to back, then one hover per burst.
      const bms = []; let bstop = null, berrors = 0, bfirstError = null;
      const bbegin = Date.now();
      let b = 0;
      while (editsDone < o.edits) {
        if ((Date.now() - bbegin) / 1000 > o.budget || pastDeadline()) { bstop = `budget reached after ${editsDone} edits`; break; }
        const t = process.hrtime.bigint();
        const size = Math.min(o.burstSize, o.edits - editsDone);
        for (let k = 0; k < size; k++) {
          // Alternate typing and deleting one character, so the text stays the same size.
          if (k % 2 === 0) { edit(nameEnd, 'x'); nameEnd++; } else { nameEnd--; edit(nameEnd, '', 1); }
          editsDone++;
        }
        try {
          const r = await conn.request('textDocument/hover', { textDocument: td, position: elsewhere[(b * 31) % elsewhere.length] }, o.openTimeout, t);
          if (r.error) { berrors++; bfirstError ??= `${r.error.code}: ${String(r.error.message).slice(0, 200)}`; } else bms.push(r.ms);
        } catch (e) { if (!(e instanceof TimeoutError)) throw e; }
        b++;
      }
      const bst = stats(bms);
      report.scenarios.burst = { ...(bst ?? { n: 0 }), burstSize: o.burstSize, edits: editsDone - o.typing, errors: berrors, ...(bfirstError ? { firstError: bfirstError } : {}), ...(bstop ? { stopped: bstop } : {}) };
      report.editsTotal = editsDone;
      log(`burst: ${bst ? `n=${bst.n} p50 ${fmt(bst.p50)} max ${fmt(bst.max)} ms` : 'no answers'} (${editsDone} edits in all)`);
      report.memory.afterEditsAtAnswer = mem.sample();
      await new Promise((r) => setTimeout(r, 1000));
      report.memory.afterEdits = mem.sample();
    }

    // close
    conn.notify('textDocument/didClose', { textDocument: td });
    await new Promise((r) => setTimeout(r, 1000));
    report.memory.afterClose = mem.sample();
    if (o.verbose) note(`configuration sections asked for: ${[...sections].join(', ') || 'none'}`);
  } catch (e) {
    report.error = String(e?.stack ?? e);
    log(`error: ${e?.message ?? e}`);
  } finally {
    report.memory.peakMiB = mem.peak();
    // shutdown / exit, then kill the whole tree whatever happened (TS 7 does not exit on exit).
    try {
      if (!conn.closed) {
        await conn.request('shutdown', null, 5).catch(() => {});
        conn.notify('exit', null);
        await new Promise((r) => { const t = setTimeout(r, 2000); child.once('exit', () => { clearTimeout(t); r(); }); });
      }
    } finally {
      report.exitedOnExit = conn.closed;
      mem.killAll();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  report.seconds = (Date.now() - started) / 1000;

  printReport(report);
  if (o.json) {
    fs.mkdirSync(path.dirname(path.resolve(o.json)), { recursive: true });
    fs.writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
  }
  if (o.smoke) {
    const bad = [];
    for (const k of ['hover', 'definition', 'inlayView', 'inlayResolve', 'inlayWhole', 'tokensFull', 'tokensDelta', 'typing', 'burst']) {
      const s = report.scenarios[k];
      if (!s || typeof s !== 'object' || !(s.n > 0) || s.errors || s.timeouts) bad.push(k);
    }
    if (report.scenarios.hover?.empty === report.scenarios.hover?.n) bad.push('hover (all empty)');
    if (!report.scenarios.open?.ms || report.scenarios.open.answered !== 'hover') bad.push('open');
    if (!(report.memory.afterOpen?.rssMiB > 0)) bad.push('memory');
    if (report.error) bad.push('error');
    if (bad.length) { console.error(`smoke: FAILED: ${bad.join(', ')}`); process.exit(1); }
    console.log('smoke: 1 passed, 0 failed');
  }
  process.exit(report.error ? 1 : 0);
}

function printReport(r) {
  const lines = [];
  lines.push(`${r.server}${r.serverVersion ? ` (${r.serverVersion})` : ''} on ${r.file}: ${(r.bytes / 2 ** 20).toFixed(2)} MiB, ${r.lines} lines, ${r.identifiers} identifiers`);
  lines.push('scenario       n      p50 ms    p95 ms    p99 ms    max ms   notes');
  for (const [k, s] of Object.entries(r.scenarios)) {
    if (s === 'n/a') { lines.push(`${k.padEnd(12)} n/a`); continue; }
    if (s.ms !== undefined) { lines.push(`${k.padEnd(12)}    1 ${fmt(s.ms).padStart(10)}${''.padStart(30)}   ${s.answered ?? ''}`); continue; }
    const notes = [s.empty ? `${s.empty} empty` : '', s.errors ? `${s.errors} errors` : '', s.timeouts ? `${s.timeouts} timeouts` : '', s.items ? `${s.items} items` : '', s.meanAnswerBytes > 4096 ? `answers ${(s.meanAnswerBytes / 1024).toFixed(0)} KiB` : '', s.firstError ? `first error ${s.firstError}` : '', s.stopped ?? '', s.skipped ?? '', s.error ?? ''].filter(Boolean).join('; ');
    lines.push(`${k.padEnd(12)} ${String(s.n ?? 0).padStart(4)} ${fmt(s.p50).padStart(10)}${fmt(s.p95).padStart(10)}${fmt(s.p99).padStart(10)}${fmt(s.max).padStart(10)}   ${notes}`);
  }
  const m = (x) => (x ? `${x.rssMiB.toFixed(1)} MiB (${x.processes} proc)` : 'n/a');
  lines.push(`RSS: before open ${m(r.memory.beforeOpen)}, after open ${m(r.memory.afterOpen)} (${m(r.memory.afterOpenAtAnswer)} at the answer), after ${r.editsTotal ?? 0} edits ${m(r.memory.afterEdits)} (${m(r.memory.afterEditsAtAnswer)} at the answer), after close ${m(r.memory.afterClose)}; peak ${r.memory.peakMiB?.toFixed(1)} MiB`);
  if (r.notes.length) lines.push(`notes: ${r.notes.join('; ')}`);
  if (r.error) lines.push(`ERROR: ${r.error}`);
  lines.push(`(${r.seconds.toFixed(1)} s)`);
  console.log(lines.join('\n'));
}

main().catch((e) => { console.error(e?.stack ?? e); process.exit(2); });
