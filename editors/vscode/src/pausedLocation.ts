// Where the debugger is paused, for the Scope Chain view and the paused hover. Debug adapters
// report stops and stack frames only to VS Code, so a DebugAdapterTracker watches the messages:
// `stopped` marks a pause, the answer to `stackTrace` gives the frames (their source files and
// positions), `continued` / `terminated` or a resume request ends the pause. The frame shown is
// the one selected in the Call Stack view (vscode.debug.activeStackItem), else the top one.
import * as vscode from 'vscode';

export interface PausedFrame {
  uri: vscode.Uri;
  position: vscode.Position;
  /** The function name the debugger shows. */
  name: string;
}

interface DapFrame {
  id: number;
  name: string;
  line: number;
  column: number;
  source?: { path?: string };
}

const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'restartFrame', 'goto']);

export class PausedLocation implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the pause starts, moves to another frame, or ends. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Per debug session id: the frames of the current pause, top first. */
  private readonly frames = new Map<string, DapFrame[]>();

  constructor() {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => {
          // stackTrace request seq → its startFrame: VS Code fetches the top frame first, then
          // the rest a page at a time.
          const pages = new Map<number, number>();
          return {
            onWillReceiveMessage: (m: { type?: string; command?: string; seq?: number; arguments?: { startFrame?: number } }) => {
              if (m.type !== 'request' || !m.command) return;
              if (RESUMING.has(m.command)) this.clear(session.id);
              if (m.command === 'stackTrace' && m.seq !== undefined) pages.set(m.seq, m.arguments?.startFrame ?? 0);
            },
            onDidSendMessage: (m: { type?: string; event?: string; command?: string; request_seq?: number; success?: boolean; body?: { stackFrames?: DapFrame[] } }) => {
              if (m.type === 'event' && (m.event === 'continued' || m.event === 'terminated' || m.event === 'exited')) {
                this.clear(session.id);
              } else if (m.type === 'response' && m.command === 'stackTrace') {
                const start = pages.get(m.request_seq ?? -1) ?? 0;
                pages.delete(m.request_seq ?? -1);
                const fresh = m.success ? m.body?.stackFrames ?? [] : [];
                if (start === 0) {
                  if (fresh.length) this.frames.set(session.id, fresh);
                  this.changed.fire();
                } else {
                  const known = this.frames.get(session.id) ?? [];
                  this.frames.set(session.id, [...known.slice(0, start), ...fresh]);
                }
              }
            },
            onExit: () => this.clear(session.id),
          };
        },
      }),
      vscode.debug.onDidTerminateDebugSession((s) => this.clear(s.id)),
      vscode.debug.onDidChangeActiveStackItem(() => this.changed.fire()),
    );
  }

  private clear(sessionId: string): void {
    if (this.frames.delete(sessionId)) this.changed.fire();
  }

  /** The frame the user looks at in the paused session, if it is in a file on disk. */
  get current(): PausedFrame | undefined {
    const item = vscode.debug.activeStackItem;
    const session = item?.session ?? vscode.debug.activeDebugSession;
    if (!session) return undefined;
    const frames = this.frames.get(session.id);
    if (!frames?.length) return undefined;
    const selected = item && 'frameId' in item ? frames.find((f) => f.id === item.frameId) : undefined;
    const frame = selected ?? frames[0];
    if (!frame.source?.path) return undefined;
    // VS Code asks adapters for 1-based lines and columns.
    return {
      uri: vscode.Uri.file(frame.source.path),
      position: new vscode.Position(Math.max(0, frame.line - 1), Math.max(0, frame.column - 1)),
      name: frame.name,
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
