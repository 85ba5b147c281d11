// The extension's settings: what is sent to the server, and the toggles.
//
// One source of truth: every `scopelens.*` setting in package.json that the extension does not
// read itself is a server setting, sent under its dotted name (`inlayHints.capturedUses` →
// `{ inlayHints: { capturedUses } }`), with package.json's default, which a test keeps equal to
// the server's own (tests/lsp/client_defaults.rs). No default is repeated here.
//
// Toggles change this window's session only: an override on top of the user's and workspace's
// settings, never a write to a settings file (the project's `.vscode/settings.json` stays as the
// user left it).
import * as vscode from 'vscode';

/** Settings the extension reads itself; every other `scopelens.*` setting goes to the server. */
const EXTENSION_ONLY = new Set(['server.path', 'contextColouring', 'trace.server']);

/** Values the toggles set for this window, by setting name (without `scopelens.`). */
const session = new Map<string, unknown>();
const changed = new vscode.EventEmitter<void>();
/** Fires when a toggle changed a session value (settings files are not touched). */
export const onDidChangeSession = changed.event;

let serverKeys: string[] = [];

/** Reads the server setting names from the extension's manifest (once, at activation). */
export function initSettings(context: vscode.ExtensionContext): void {
  const properties: Record<string, unknown> = context.extension.packageJSON?.contributes?.configuration?.properties ?? {};
  serverKeys = Object.keys(properties)
    .filter((key) => key.startsWith('scopelens.'))
    .map((key) => key.slice('scopelens.'.length))
    .filter((key) => !EXTENSION_ONLY.has(key));
}

/** A `scopelens.*` setting as this window sees it: the session's toggle, else VS Code's value. */
export function setting<T>(key: string): T | undefined {
  if (session.has(key)) return session.get(key) as T;
  return vscode.workspace.getConfiguration('scopelens').get<T>(key);
}

/** The server's settings, in the shape of server/src/lsp/config.rs, under a `scopelens` key. */
export function serverSettings(): { scopelens: Record<string, unknown> } {
  const out: Record<string, unknown> = {};
  for (const key of serverKeys) {
    const value = setting<unknown>(key);
    if (value === undefined) continue;
    const path = key.split('.');
    let at = out;
    for (const part of path.slice(0, -1)) {
      at = (at[part] ??= {}) as Record<string, unknown>;
    }
    at[path[path.length - 1]] = value;
  }
  return { scopelens: out };
}

const HINTS = ['inlayHints.closureCaptures', 'inlayHints.capturedUses'];

/**
 * Capture hints off for this window if any are on; on again gives back the configured hints
 * (the closure hints when none are configured on).
 */
export function toggleCaptureHints(): void {
  const on = HINTS.some((key) => setting<boolean>(key));
  if (on) {
    for (const key of HINTS) session.set(key, false);
  } else {
    for (const key of HINTS) session.delete(key);
    if (!HINTS.some((key) => setting<boolean>(key))) session.set('inlayHints.closureCaptures', true);
  }
  changed.fire();
  void vscode.window.setStatusBarMessage(`scopelens: capture hints ${on ? 'off' : 'on'} in this window`, 3000);
}

/** A setting the user changes wins over this window's toggle of it. */
export function forgetToggled(e: vscode.ConfigurationChangeEvent): void {
  for (const key of [...session.keys()]) {
    if (e.affectsConfiguration(`scopelens.${key}`)) session.delete(key);
  }
}

/** Flips a boolean setting for this window's session. */
export function toggleSession(key: string): boolean {
  const on = !setting<boolean>(key);
  session.set(key, on);
  changed.fire();
  return on;
}
