// "scopelens: Load Heap Snapshot…": picks a .heapsnapshot and asks the server to load it for the
// workspace (scopelens/heapSnapshot, server/src/lsp/handlers/heap_snapshot.rs). While one is
// loaded, the server's hovers and code lenses say what closures retain, and a status-bar item
// names the snapshot (click: clear). The server reads and joins it; this file only asks.
import * as vscode from 'vscode';
import { LanguageClient, RequestType, RequestType0 } from 'vscode-languageclient/node';

export interface HeapSnapshotAnswer {
  loaded: boolean;
  /** One sentence: what was loaded, or why nothing matched the workspace. */
  message: string;
  snapshot?: string;
  name?: string;
  functions: number;
  files: number;
  retainedBytes: number;
  totalBytes: number;
  notes: string[];
}

const loadRequest = new RequestType<{ path: string | null }, HeapSnapshotAnswer, void>('scopelens/heapSnapshot');
const clearRequest = new RequestType0<HeapSnapshotAnswer, void>('scopelens/clearHeapSnapshot');

/** Bytes as the server words them (`1.2 MB`). */
function human(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function registerHeap(getClient: () => LanguageClient | undefined): vscode.Disposable {
  const status = vscode.window.createStatusBarItem('scopelens.heapSnapshot', vscode.StatusBarAlignment.Left, 50);
  status.name = 'scopelens heap snapshot';
  status.command = 'scopelens.clearHeapSnapshot';

  const show = (answer: HeapSnapshotAnswer | undefined) => {
    if (!answer?.loaded) {
      status.hide();
      return;
    }
    status.text = `$(database) ${answer.name} · ${human(answer.retainedBytes)}`;
    status.tooltip = `${answer.message}\nClick to clear the heap snapshot.`;
    status.show();
  };

  /** `path`: given by a caller (tests, keybindings with args); else the file picker. */
  const load = async (path?: unknown) => {
    const client = getClient();
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('scopelens: the language server is not running; open a JavaScript or TypeScript file first.');
      return;
    }
    let file = typeof path === 'string' && path !== '' ? path : undefined;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        canSelectFolders: false,
        openLabel: 'Load Heap Snapshot',
        title: 'scopelens: Load Heap Snapshot',
        filters: { 'Heap snapshots': ['heapsnapshot'], 'All files': ['*'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      if (!picked?.[0]) return;
      file = picked[0].fsPath;
    }
    try {
      // The server reports progress itself (window/workDoneProgress).
      const answer = await client.sendRequest(loadRequest, { path: file });
      show(answer);
      if (answer.loaded) {
        void vscode.window.setStatusBarMessage(`scopelens: ${answer.message}`, 6000);
      } else {
        void vscode.window.showWarningMessage(`scopelens: ${answer.message}`);
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`scopelens: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const clear = async () => {
    const client = getClient();
    show(undefined);
    if (client?.isRunning()) {
      await client.sendRequest(clearRequest);
      void vscode.window.setStatusBarMessage('scopelens: heap snapshot cleared', 3000);
    }
  };

  return vscode.Disposable.from(
    status,
    vscode.commands.registerCommand('scopelens.loadHeapSnapshot', load),
    vscode.commands.registerCommand('scopelens.clearHeapSnapshot', clear),
  );
}
