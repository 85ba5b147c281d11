'use strict';
// The platform packages of `scopelens`, one per prebuilt binary. npm installs only the one whose
// `os`/`cpu`/`libc` fields match (they are `optionalDependencies` of this package); the launcher
// picks it with `require.resolve`. Shared by bin/scopelens.js and scripts/npm-pack.sh.

/** @type {{pkg: string, os: string, cpu: string, libc?: 'glibc' | 'musl', exe: string}[]} */
const PLATFORMS = [
  { pkg: '@scopelens/linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc', exe: 'scopelens' },
  { pkg: '@scopelens/linux-arm64-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc', exe: 'scopelens' },
  { pkg: '@scopelens/linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl', exe: 'scopelens' },
  { pkg: '@scopelens/linux-arm64-musl', os: 'linux', cpu: 'arm64', libc: 'musl', exe: 'scopelens' },
  { pkg: '@scopelens/darwin-x64', os: 'darwin', cpu: 'x64', exe: 'scopelens' },
  { pkg: '@scopelens/darwin-arm64', os: 'darwin', cpu: 'arm64', exe: 'scopelens' },
  { pkg: '@scopelens/win32-x64', os: 'win32', cpu: 'x64', exe: 'scopelens.exe' },
];

/** 'glibc', 'musl', or undefined off Linux. Node's report names the glibc it runs on. */
function currentLibc() {
  if (process.platform !== 'linux') return undefined;
  try {
    const report = process.report && process.report.getReport();
    const header = report && (typeof report === 'string' ? JSON.parse(report) : report).header;
    if (header && header.glibcVersionRuntime) return 'glibc';
  } catch {
    // fall through: no report, assume musl as Node itself does not say glibc
  }
  return 'musl';
}

/** The platforms that can run here, best first (a static musl binary also runs on glibc). */
function candidates(platform = process.platform, arch = process.arch, libc = currentLibc()) {
  const fits = PLATFORMS.filter(p => p.os === platform && p.cpu === arch);
  return fits.sort((a, b) => (b.libc === libc) - (a.libc === libc));
}

/** "linux x64 (glibc)", as the error messages name a platform. */
function describe(platform, arch, libc) {
  return `${platform} ${arch}${libc ? ` (${libc})` : ''}`;
}

module.exports = { PLATFORMS, candidates, currentLibc, describe };
