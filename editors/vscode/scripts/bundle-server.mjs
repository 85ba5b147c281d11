// Copies the scopelens binary into server/ so the .vsix ships it (the extension falls back to it
// when scopelens.server.path is empty). Source: $SCOPELENS_SERVER, else the workspace's release
// build. Without one, the package is built without a server and the extension uses PATH.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const exe = process.platform === 'win32' ? 'scopelens.exe' : 'scopelens';
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(root, '../..', process.env.CARGO_TARGET_DIR) : path.resolve(root, '../../target');
const source = process.env.SCOPELENS_SERVER || path.join(targetDir, 'release', exe);
// SCOPELENS_SERVER_EXE: the name inside the package when it differs from this machine's (a
// win32 package built elsewhere needs scopelens.exe).
const dest = path.join(root, 'server', process.env.SCOPELENS_SERVER_EXE || exe);

fs.mkdirSync(path.dirname(dest), { recursive: true });
for (const name of fs.readdirSync(path.dirname(dest))) {
  if (name.startsWith('scopelens')) fs.rmSync(path.join(path.dirname(dest), name));
}
if (!fs.existsSync(source)) {
  console.warn(`bundle-server: ${source} not found (run \`cargo build --release\`); packaging without a server binary`);
  process.exit(0);
}
fs.copyFileSync(source, dest);
fs.chmodSync(dest, 0o755);
try {
  execFileSync('strip', [dest]); // drop debug info: the .vsix gets much smaller
} catch {
  // strip is optional
}
console.log(`bundle-server: ${source} -> ${path.relative(root, dest)} (${fs.statSync(dest).size} bytes)`);
