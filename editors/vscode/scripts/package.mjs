// Builds the .vsix: type-check, bundle, copy the server binary in (scripts/bundle-server.mjs), and
// `vsce package`.
//
//   node scripts/package.mjs                      # scopelens.vsix for any platform, with this
//                                                 # machine's release server inside
//   node scripts/package.mjs --target linux-x64   # scopelens-linux-x64.vsix: a platform-specific
//                                                 # extension; SCOPELENS_SERVER names the binary
//
// A platform-specific package must carry a server built for that platform: the binary's format
// and CPU are checked against the target before packaging.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const target = args.includes('--target') ? args[args.indexOf('--target') + 1] : null;

// vsce's targets and what their server binary must be.
const TARGETS = {
  'linux-x64': { format: 'elf', cpu: 'x64' },
  'linux-arm64': { format: 'elf', cpu: 'arm64' },
  'alpine-x64': { format: 'elf', cpu: 'x64' },
  'alpine-arm64': { format: 'elf', cpu: 'arm64' },
  'darwin-x64': { format: 'macho', cpu: 'x64' },
  'darwin-arm64': { format: 'macho', cpu: 'arm64' },
  'win32-x64': { format: 'pe', cpu: 'x64' },
};
if (target && !TARGETS[target]) {
  console.error(`package: unknown target ${target} (one of ${Object.keys(TARGETS).join(', ')})`);
  process.exit(2);
}

/** {format, cpu} of an executable, from its header. */
function describeBinary(file) {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) === 0x7f454c46) {
    const machine = b.readUInt16LE(18);
    return { format: 'elf', cpu: { 0x3e: 'x64', 0xb7: 'arm64' }[machine] ?? `machine ${machine}` };
  }
  if (b.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = b.readUInt32LE(4);
    return { format: 'macho', cpu: { 0x01000007: 'x64', 0x0100000c: 'arm64' }[cpu] ?? `cputype ${cpu}` };
  }
  if (b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    const machine = b.readUInt16LE(pe + 4);
    return { format: 'pe', cpu: { 0x8664: 'x64', 0xaa64: 'arm64' }[machine] ?? `machine ${machine}` };
  }
  return { format: 'unknown', cpu: 'unknown' };
}

const run = (cmd, argv, env = process.env) => execFileSync(cmd, argv, { cwd: root, stdio: 'inherit', env });
const npx = (...argv) => run(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', ...argv]);

npx('tsc', '--noEmit', '-p', '.');
run(process.execPath, ['scripts/build.mjs', '--production']);
const exe = (target ? target.startsWith('win32') : process.platform === 'win32') ? 'scopelens.exe' : 'scopelens';
run(process.execPath, ['scripts/bundle-server.mjs'], { ...process.env, SCOPELENS_SERVER_EXE: exe });
fs.copyFileSync(path.join(root, '../../LICENSE'), path.join(root, 'LICENSE'));

if (target) {
  const server = path.join(root, 'server', exe);
  if (!fs.existsSync(server)) {
    console.error(`package: a ${target} package needs its server: set SCOPELENS_SERVER to a ${target} scopelens binary`);
    process.exit(1);
  }
  const want = TARGETS[target], got = describeBinary(server);
  if (want.format !== got.format || want.cpu !== got.cpu) {
    console.error(`package: ${process.env.SCOPELENS_SERVER || 'the release build'} is ${got.format} ${got.cpu}, not ${want.format} ${want.cpu} as ${target} needs`);
    process.exit(1);
  }
}
const out = target ? `scopelens-${target}.vsix` : 'scopelens.vsix';
npx('vsce', 'package', '--no-dependencies', ...(target ? ['--target', target] : []), '--out', out);
