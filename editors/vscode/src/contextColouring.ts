// Context colouring on/off: the server marks every name with scopelens's semantic token
// modifiers (captured, mutated, global, dynamic, depth0..depth5), which the default
// `editor.semanticTokenColorCustomizations` (package.json) colour. When the
// `scopelens.contextColouring` setting is off, this middleware clears those modifier bits from
// the tokens before VS Code sees them, so names keep only the theme's usual semantic colours.
// No analysis here: only bits named by the server's own legend are cleared.
import * as vscode from 'vscode';
import { LanguageClient, SemanticTokensMiddleware, SemanticTokensRegistrationType } from 'vscode-languageclient/node';
import { setting, toggleSession } from './settings';

const SCOPELENS_MODIFIERS = /^(captured|mutated|global|dynamic|depth\d+)$/;

export function contextColouringOn(): boolean {
  return setting<boolean>('contextColouring') ?? true;
}

/** The bits of scopelens's own modifiers in the server's legend. */
function scopelensBits(client: LanguageClient | undefined): number {
  const modifiers = client?.initializeResult?.capabilities.semanticTokensProvider?.legend.tokenModifiers ?? [];
  let mask = 0;
  modifiers.forEach((name, i) => {
    if (SCOPELENS_MODIFIERS.test(name)) mask |= 1 << i;
  });
  return mask;
}

/** Clears `mask` in the modifier field (every fifth integer) of `data`, which starts at flat index `start`. */
function clear(data: Uint32Array, start: number, mask: number): Uint32Array {
  const out = new Uint32Array(data);
  for (let i = 0; i < out.length; i++) {
    if ((start + i) % 5 === 4) out[i] &= ~mask;
  }
  return out;
}

function strip<T extends vscode.SemanticTokens | vscode.SemanticTokensEdits>(tokens: T | null | undefined, mask: number): T | null | undefined {
  if (!tokens || contextColouringOn() || mask === 0) return tokens;
  if (tokens instanceof vscode.SemanticTokens) {
    return new vscode.SemanticTokens(clear(tokens.data, 0, mask), tokens.resultId) as T;
  }
  const edits = (tokens as vscode.SemanticTokensEdits).edits.map(
    (e) => new vscode.SemanticTokensEdit(e.start, e.deleteCount, e.data ? clear(e.data, e.start, mask) : undefined),
  );
  return new vscode.SemanticTokensEdits(edits, tokens.resultId) as T;
}

/** Whether each document's tokens were last given with the colouring on. */
const servedOn = new Map<string, boolean>();

export function contextColouringMiddleware(getClient: () => LanguageClient | undefined): SemanticTokensMiddleware {
  const served = <T>(document: vscode.TextDocument, tokens: T): T => {
    servedOn.set(document.uri.toString(), contextColouringOn());
    return tokens;
  };
  return {
    provideDocumentSemanticTokens: async (document, token, next) =>
      served(document, strip(await next(document, token), scopelensBits(getClient()))),
    // A delta applies to the tokens VS Code holds: after a toggle those carry the other state,
    // so ask for whole tokens instead (the server answers an unknown result id with them).
    provideDocumentSemanticTokensEdits: async (document, previousResultId, token, next) => {
      const same = servedOn.get(document.uri.toString()) === contextColouringOn();
      const answer = await next(document, same ? previousResultId : '', token);
      return served(document, strip(answer, scopelensBits(getClient())));
    },
    provideDocumentRangeSemanticTokens: async (document, range, token, next) =>
      strip(await next(document, range, token), scopelensBits(getClient())),
  };
}

/** Asks VS Code to fetch every open document's tokens again (after the setting changed). */
export function refreshTokens(client: LanguageClient | undefined): void {
  const feature = client?.getFeature(SemanticTokensRegistrationType.method);
  for (const editor of vscode.window.visibleTextEditors) {
    feature?.getProvider(editor.document)?.onDidChangeSemanticTokensEmitter.fire();
  }
}

/** Context colouring on/off for this window (no settings file is written). */
export function toggleContextColouring(client: LanguageClient | undefined): void {
  const on = toggleSession('contextColouring');
  refreshTokens(client);
  void vscode.window.setStatusBarMessage(`scopelens: context colouring ${on ? 'on' : 'off'} in this window`, 3000);
}
