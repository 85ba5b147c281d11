// Where the scopelens binary is: the setting, else the one shipped in the extension, else PATH.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Found = { path: string; source: 'setting' | 'bundled' | 'PATH' };
export type NotFound = { error: string };

const EXE = process.platform === 'win32' ? 'scopelens.exe' : 'scopelens';

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

export function findOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, EXE);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function findServer(setting: string, extensionPath: string, workspaceFolder?: string): Found | NotFound {
  const configured = setting.trim();
  if (configured) {
    let p = expandHome(configured);
    if (!path.isAbsolute(p) && workspaceFolder) p = path.resolve(workspaceFolder, p);
    if (isExecutable(p)) return { path: p, source: 'setting' };
    return {
      error:
        `scopelens: the setting scopelens.server.path points at "${configured}", which is not an executable file. ` +
        'Fix the path (build the server with `cargo build --release`; it is target/release/scopelens), or clear the setting to use the bundled server or `scopelens` on PATH.',
    };
  }
  const bundled = path.join(extensionPath, 'server', EXE);
  if (process.platform !== 'win32' && fs.existsSync(bundled) && !isExecutable(bundled)) {
    // Some .vsix installers drop the executable bit.
    try {
      fs.chmodSync(bundled, 0o755);
    } catch {
      // read-only install: fall through to PATH
    }
  }
  if (isExecutable(bundled)) return { path: bundled, source: 'bundled' };
  const onPath = findOnPath();
  if (onPath) return { path: onPath, source: 'PATH' };
  return {
    error:
      'scopelens: cannot find the language server. This build of the extension ships no server binary and `scopelens` is not on PATH. ' +
      'Build it with `cargo build --release` and set scopelens.server.path to target/release/scopelens, or install it on PATH (`cargo install --path server`).',
  };
}
