#!/usr/bin/env node
'use strict';
// The `scopelens` command of the npm package: finds the binary of this platform's package
// (installed through optionalDependencies) and runs it with the same arguments and stdio, so
// `scopelens` (the language server on stdio) and `scopelens explain FILE` behave as the binary.
// SCOPELENS_BINARY=/path/to/scopelens overrides the search.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { PLATFORMS, candidates, currentLibc, describe } = require('../platforms.js');

function findBinary() {
  if (process.env.SCOPELENS_BINARY) return process.env.SCOPELENS_BINARY;
  for (const p of candidates()) {
    try {
      return path.join(path.dirname(require.resolve(`${p.pkg}/package.json`)), 'bin', p.exe);
    } catch (e) {
      if (e && e.code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  return null;
}

const binary = findBinary();
if (!binary) {
  const here = describe(process.platform, process.arch, currentLibc());
  const fitting = candidates().map(p => p.pkg);
  const supported = PLATFORMS.map(p => `  ${p.pkg}  (${describe(p.os, p.cpu, p.libc)})`).join('\n');
  process.stderr.write(
    `scopelens: no scopelens binary is installed for this platform, ${here}.\n` +
      (fitting.length
        ? `The package that fits, ${fitting.join(' or ')}, is missing: npm skips optional dependencies ` +
          'when installing with --no-optional/--omit=optional, or from a lockfile made on another platform. ' +
          'Reinstall scopelens without those.\n'
        : 'No prebuilt binary exists for it; build one from source with `cargo install scopelens`.\n') +
      `Prebuilt binaries:\n${supported}\n`,
  );
  process.exit(1);
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
if (result.error) {
  process.stderr.write(`scopelens: cannot run ${binary}: ${result.error.message}\n`);
  process.exit(1);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
} else {
  process.exit(result.status ?? 1);
}
