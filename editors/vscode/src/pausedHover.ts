// While the debugger is paused in a file scopelens serves: hovering a name in that file says
// whether V8 kept what the name means at the paused frame, or dropped it (and why), from the
// scope chain at the frame (`keptByV8`). The debugger itself cannot tell: it never parses the code.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { PausedLocation } from './pausedLocation';
import { ChainBinding, LANGUAGES, ScopeChain, scopeChainRequest } from './protocol';

export function registerPausedHover(client: () => LanguageClient | undefined, paused: PausedLocation): vscode.Disposable {
  // One chain per pause: hovers ask again only when the frame changes.
  let cached: { key: string; chain: Promise<ScopeChain | null> } | undefined;
  const changed = paused.onDidChange(() => (cached = undefined));
  const provider = vscode.languages.registerHoverProvider(
    LANGUAGES.map((language) => ({ scheme: 'file', language })),
    {
      async provideHover(document, position) {
        const frame = paused.current;
        const c = client();
        if (!frame || !c?.isRunning() || frame.uri.toString() !== document.uri.toString()) return undefined;
        const word = document.getWordRangeAtPosition(position, /[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*/u);
        if (!word) return undefined;
        const name = document.getText(word);
        const key = `${frame.uri}:${frame.position.line}:${frame.position.character}`;
        if (cached?.key !== key) {
          cached = {
            key,
            chain: c.sendRequest(scopeChainRequest, {
              textDocument: { uri: c.code2ProtocolConverter.asUri(document.uri) },
              position: c.code2ProtocolConverter.asPosition(frame.position),
            }),
          };
        }
        const chain = await cached.chain.catch(() => null);
        // The innermost binding of that name: the one the debugger's lookup meets.
        let found: ChainBinding | undefined;
        for (const env of chain?.environments ?? []) {
          found = env.bindings.find((b) => b.name === name);
          if (found) break;
        }
        if (!found || found.keptByV8 === undefined) return undefined;
        const where = `paused in \`${frame.name || 'anonymous'}\` (line ${frame.position.line + 1})`;
        const text =
          found.keptByV8 === false
            ? `**\`${name}\` is not kept by V8** here, ${where}: ${found.notKeptReason ?? 'dropped'}, so the debugger cannot show it.`
            : `\`${name}\` is kept by V8 for the frame ${where}.`;
        return new vscode.Hover(new vscode.MarkdownString(`scopelens: ${text}`), word);
      },
    },
  );
  return vscode.Disposable.from(changed, provider);
}
