// scopelens for VS Code: starts the scopelens language server and adds the Scope Chain view and
// commands. All analysis happens in the server; this file only wires VS Code to it.
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { contextColouringMiddleware, refreshTokens, toggleContextColouring } from './contextColouring';
import { registerHeap } from './heap';
import { registerPausedHover } from './pausedHover';
import { PausedLocation } from './pausedLocation';
import { LANGUAGES, outerBindingRequest } from './protocol';
import { renameMiddleware } from './rename';
import { ScopeChainView } from './scopeChainView';
import { findServer } from './serverPath';
import { forgetToggled, initSettings, onDidChangeSession, serverSettings, toggleCaptureHints } from './settings';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const setting = vscode.workspace.getConfiguration('scopelens').get<string>('server.path', '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const found = findServer(setting, context.extensionPath, folder);
  if ('error' in found) {
    output.appendLine(found.error);
    // Not awaited: the message stays up until the user acts, and activation must not wait for it.
    void vscode.window.showErrorMessage(found.error, 'Open Settings', 'Show Log').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'scopelens.server.path');
      } else if (choice === 'Show Log') {
        output.show(true);
      }
    });
    return;
  }
  output.appendLine(`Starting ${found.path} (from ${found.source})`);
  const serverOptions: ServerOptions = {
    command: found.path,
    args: ['--stdio'],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'scopelens=info' } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    middleware: {
      ...contextColouringMiddleware(() => client),
      ...renameMiddleware(() => client),
    },
  };
  client = new LanguageClient('scopelens', 'scopelens', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = `scopelens: the server at ${found.path} failed to start: ${err instanceof Error ? err.message : String(err)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && output.show(true));
  }
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(2000);
    } catch (err) {
      output.appendLine(`stopping the server: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function activePosition(): { editor: vscode.TextEditor; params: { textDocument: { uri: string }; position: { line: number; character: number } } } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client || !LANGUAGES.includes(editor.document.languageId)) return undefined;
  return {
    editor,
    params: {
      textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
      position: client.code2ProtocolConverter.asPosition(editor.selection.active),
    },
  };
}

async function goToOuterBinding(): Promise<void> {
  const at = activePosition();
  if (!at || !client) {
    void vscode.window.showInformationMessage('scopelens: put the cursor on an identifier in a JavaScript or TypeScript file.');
    return;
  }
  const location = await client.sendRequest(outerBindingRequest, at.params);
  if (!location) {
    const word = at.editor.document.getText(at.editor.document.getWordRangeAtPosition(at.editor.selection.active));
    void vscode.window.setStatusBarMessage(
      word ? `scopelens: \`${word}\` shadows no outer binding` : 'scopelens: no outer binding here',
      4000,
    );
    return;
  }
  const target = client.protocol2CodeConverter.asLocation(location);
  // The outer name selected, the cursor at its start (as after Go to Definition).
  const selection = new vscode.Selection(target.range.end, target.range.start);
  const editor = await vscode.window.showTextDocument(target.uri);
  editor.selection = selection; // after showing: the `selection` option drops the direction
  editor.revealRange(target.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** Sends the settings to the server, which re-reads them and asks VS Code to refresh its hints. */
async function sendSettings(view: ScopeChainView): Promise<void> {
  if (!client?.isRunning()) return;
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverSettings() });
  view.schedule(0);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  initSettings(context);
  output = vscode.window.createOutputChannel('scopelens');
  traceOutput = vscode.window.createOutputChannel('scopelens LSP trace');
  const paused = new PausedLocation();
  const view = new ScopeChainView(() => client, paused);
  context.subscriptions.push(
    output,
    traceOutput,
    paused,
    view,
    registerPausedHover(() => client, paused),
    registerHeap(() => client),
    vscode.commands.registerCommand('scopelens.showScopeChain', async () => {
      await vscode.commands.executeCommand('scopelens.scopeChain.focus');
      view.schedule(0);
    }),
    vscode.commands.registerCommand('scopelens.scopeChain.refresh', () => view.schedule(0)),
    vscode.commands.registerCommand('scopelens.goToOuterBinding', goToOuterBinding),
    vscode.commands.registerCommand('scopelens.toggleCaptureHints', toggleCaptureHints),
    vscode.commands.registerCommand('scopelens.toggleContextColouring', () => toggleContextColouring(client)),
    vscode.commands.registerCommand('scopelens.restartServer', async () => {
      output.appendLine('Restarting the server');
      await stopClient();
      await startClient(context);
      view.schedule(0);
    }),
    onDidChangeSession(() => void sendSettings(view)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      forgetToggled(e);
      if (e.affectsConfiguration('scopelens.server.path')) {
        await stopClient();
        await startClient(context);
        view.schedule(0);
      } else if (e.affectsConfiguration('scopelens.contextColouring')) {
        refreshTokens(client);
      } else if (e.affectsConfiguration('scopelens')) {
        await sendSettings(view);
      }
    }),
    { dispose: () => void stopClient() },
  );
  await startClient(context);
  view.schedule(0);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
