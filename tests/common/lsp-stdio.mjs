// A minimal LSP client over a server's stdio, for the scripts that drive scopelens from Node
// (tests/fidelity, tests/rename/packages.mjs): Content-Length framing, requests answered by id,
// notifications. Messages the server sends unasked are read and dropped.
import { spawn } from 'node:child_process';

export class Lsp {
  constructor(command) {
    this.child = spawn(command, ['--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'scopelens=error' } });
    this.buffer = Buffer.alloc(0);
    this.waiting = new Map();
    this.nextId = 1;
    this.child.stdout.on('data', (chunk) => this.read(chunk));
  }
  read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString());
      this.buffer = this.buffer.subarray(end + 4 + length);
      const done = this.waiting.get(message.id);
      if (done && message.method === undefined) {
        this.waiting.delete(message.id);
        done(message);
      }
    }
  }
  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }
  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.send({ id, method, params });
    });
  }
  notify(method, params) {
    this.send({ method, params });
  }
}
