// Rename beside TypeScript. VS Code asks every rename provider in turn (an extension's before a
// built-in one's, so scopelens's before TypeScript's) and treats a provider's error as "try the
// next one": a scopelens refusal ("`util.js` already exports `assign`") would
// fall through to TypeScript's rename, which does not check what scopelens checks. The server
// says in each refusal's `data.kind` whose rename it is (server/src/lsp/handlers/rename.rs):
// - `notRenameable` — nothing scopelens renames here (a property, a type, an undeclared name):
//   answered as "no rename here", so TypeScript's rename may take it;
// - any other kind — the rename is unsafe: it stops here, with scopelens's reason shown, and no
//   other provider runs.
import * as vscode from 'vscode';
import { LanguageClient, PrepareRenameRequest, RenameMiddleware, ResponseError } from 'vscode-languageclient/node';

/** What the server's refusal says: `undefined` if `error` is not a scopelens refusal. */
function refusal(error: unknown): { message: string; unsafe: boolean } | undefined {
  if (!(error instanceof ResponseError) || typeof error.message !== 'string') return undefined;
  const kind = (error.data as { kind?: unknown } | undefined)?.kind;
  return { message: error.message, unsafe: typeof kind === 'string' && kind !== 'notRenameable' };
}

/**
 * A rejection VS Code shows next to the cursor and does not pass on to the next provider: an
 * `Error` or a string would become a "reject reason" that tries the next provider; a Markdown
 * string-like object is shown as it is, as VS Code shows its own rejections.
 */
function stop(message: string): { value: string } {
  return { value: `scopelens: ${message}` };
}

export function renameMiddleware(getClient: () => LanguageClient | undefined): RenameMiddleware {
  return {
    // Sent here rather than through `next`, which keeps only the error's message, not its kind.
    prepareRename: async (document, position, token, next) => {
      const client = getClient();
      if (!client) return next(document, position, token);
      let result;
      try {
        result = await client.sendRequest(
          PrepareRenameRequest.type,
          client.code2ProtocolConverter.asTextDocumentPositionParams(document, position),
          token,
        );
      } catch (error) {
        const refused = refusal(error);
        if (!refused) throw error;
        if (refused.unsafe) throw stop(refused.message);
        return null;
      }
      if (!result || token.isCancellationRequested) return null;
      if ('range' in result) {
        return { range: client.protocol2CodeConverter.asRange(result.range), placeholder: result.placeholder };
      }
      if ('start' in result) return client.protocol2CodeConverter.asRange(result);
      return null;
    },
    provideRenameEdits: async (document, position, newName, token, next) => {
      try {
        return await next(document, position, newName, token);
      } catch (error) {
        const refused = refusal(error);
        if (!refused) throw error;
        if (!refused.unsafe) return null;
        // An empty edit ends the rename (no other provider is asked); the reason is shown as
        // VS Code shows a provider's rejection of the new name.
        void vscode.window.showWarningMessage(`scopelens: ${refused.message}`);
        return new vscode.WorkspaceEdit();
      }
    },
  };
}
