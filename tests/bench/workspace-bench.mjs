#!/usr/bin/env node
// Workspace benchmark (scripts/bench-workspace.sh runs it): one LSP server on one workspace,
// `class Vector3` of copy 0 of three's sources. Prints one JSON line:
//   index_ms     initialize -> the server's `$/progress` end (scopelens: the workspace index)
//   rss_mib      the server's process tree RSS after indexing (from /proc)
//   refs_first_ms, refs_warm_ms (median of 5), refs (locations found)
//   rename_ms, rename_files, rename_edits; symbol_ms, symbol_found (Vector3 among the answers)
// With --answer FILE, also writes the answers themselves, sorted, paths relative to the root (one
// `ref path:line:col` per reference, one `edit path:line:col-line:col newText` per rename edit),
// so that two workspace sizes can be compared exactly (scripts/bench-workspace.sh diffs them).
// Dependency-free (Node >= 20).
//
//   node tests/bench/workspace-bench.mjs --root DIR --file REL --cmd 'scopelens --stdio' [--no-rename] [--answer FILE]

import { spawn, execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
    return acc;
  }, []),
);
const root = path.resolve(args.root);
const file = path.join(root, args.file);
const [cmd, ...cmdArgs] = args.cmd.split(' ');
const child = spawn(cmd, cmdArgs, { stdio: ['pipe', 'pipe', 'ignore'], detached: true });

let buffer = Buffer.alloc(0);
let nextId = 1;
const pending = new Map();
const listeners = [];
child.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const header = buffer.indexOf('\r\n\r\n');
    if (header < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, header).toString())[1]);
    if (buffer.length < header + 4 + length) return;
    const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString());
    buffer = buffer.subarray(header + 4 + length);
    if (message.id !== undefined && message.method) {
      send({ jsonrpc: '2.0', id: message.id, result: null });
    } else if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
    for (const l of listeners) l(message);
  }
});
function send(message) {
  const body = Buffer.from(JSON.stringify(message));
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    send({ jsonrpc: '2.0', id, method, params });
  });
}
const notify = (method, params) => send({ jsonrpc: '2.0', method, params });

function rssMib() {
  // The server's process tree (tsls runs tsserver children).
  let total = 0;
  const pids = [child.pid];
  try {
    pids.push(...execSync(`pgrep -g ${child.pid}`).toString().trim().split('\n').map(Number));
  } catch {}
  for (const pid of new Set(pids)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {}
  }
  return Math.round(total / 1024);
}

const ms = (t) => Math.round(Number(process.hrtime.bigint() - t) / 1e5) / 10;
const now = () => process.hrtime.bigint();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const out = {};
const t0 = now();
const indexed = new Promise((resolve) => {
  listeners.push((m) => {
    if (m.method === '$/progress' && m.params?.value?.kind === 'end') resolve();
  });
});
const rootUri = pathToFileURL(root).href;
await request('initialize', {
  processId: process.pid,
  rootUri,
  workspaceFolders: [{ uri: rootUri, name: 'bench' }],
  capabilities: { window: { workDoneProgress: true }, general: { positionEncodings: ['utf-16'] } },
});
notify('initialized', {});
if (args['wait-index']) {
  await indexed;
  out.index_ms = ms(t0);
}
out.rss_mib = rssMib();
const text = fs.readFileSync(file, 'utf8');
const uri = pathToFileURL(file).href;
notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text } });
const at = text.indexOf('class Vector3') + 'class '.length;
const before = text.slice(0, at).split('\n');
const position = { line: before.length - 1, character: before.at(-1).length };
const answer = [];
const place = (u, range) => {
  const rel = path.relative(root, new URL(u).pathname);
  const { start, end } = range;
  return `${rel}:${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
};
const refs = async () => {
  const t = now();
  const r = await request('textDocument/references', {
    textDocument: { uri }, position, context: { includeDeclaration: true },
  });
  return [ms(t), r.result?.length ?? 0, r.error, r.result];
};
const [first, count, error, locations] = await refs();
for (const l of locations ?? []) answer.push(`ref ${place(l.uri, l.range)}`);
out.refs_first_ms = first;
out.refs = count;
if (error) out.refs_error = error.message;
const warm = [];
for (let i = 0; i < 5; i++) warm.push((await refs())[0]);
out.refs_warm_ms = median(warm);
if (!args['no-rename']) {
  const t = now();
  const r = await request('textDocument/rename', { textDocument: { uri }, position, newName: 'Vec3' });
  out.rename_ms = ms(t);
  const changes = r.result?.changes ?? {};
  out.rename_files = Object.keys(changes).length;
  out.rename_edits = Object.values(changes).reduce((n, e) => n + e.length, 0);
  for (const [u, edits] of Object.entries(changes)) {
    for (const e of edits) answer.push(`edit ${place(u, e.range)} ${e.newText}`);
  }
  if (r.error) out.rename_error = r.error.message;
}
{
  const t = now();
  const r = await request('workspace/symbol', { query: 'Vector3' });
  out.symbol_ms = ms(t);
  out.symbol_found = (r.result ?? []).filter((s) => s.name === 'Vector3').length;
}
out.rss_end_mib = rssMib();
if (typeof args.answer === 'string') fs.writeFileSync(args.answer, answer.sort().join('\n') + '\n');
console.log(JSON.stringify(out));
try { process.kill(-child.pid, 'SIGKILL'); } catch {}
process.exit(0);
