// The "Scope Chain" view in the Explorer: the environments around the cursor, innermost first,
// each with its bindings, like DevTools' Scope pane. All data comes from `scopelens/scopeChain`.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { PausedLocation } from './pausedLocation';
import { ChainBinding, ChainEnvironment, LANGUAGES, scopeChainRequest } from './protocol';

type EnvNode = { type: 'env'; env: ChainEnvironment; index: number; uri: vscode.Uri; key: string };
type BindingNode = { type: 'binding'; binding: ChainBinding; uri: vscode.Uri; outer: boolean };
type Node = EnvNode | BindingNode;

/** `function skulk`, `block`, `script`... as a heading. */
export function environmentLabel(env: ChainEnvironment): string {
  return env.owner && env.owner !== env.kind ? `${env.kind} ${env.owner}` : env.kind;
}

function bindingDescription(b: ChainBinding, outer: boolean, paused: boolean): string {
  const flags = [b.declaration];
  if (b.captured) flags.push('captured');
  if (b.mutated) flags.push('mutated');
  if (b.shadows) flags.push('shadows outer');
  // What a debugger paused here finds (V8 keeps only what closures capture of outer functions).
  if (b.keptByV8 === false) flags.push(`not kept by V8: ${b.notKeptReason ?? 'dropped'}`);
  else if (paused && outer && b.keptByV8) flags.push('kept by V8');
  return flags.join(' · ');
}

/** Environments of the functions around the innermost one (where V8's Closure scopes are). */
function outerFrom(envs: ChainEnvironment[]): number {
  const own = envs.findIndex((e) => e.kind === 'function');
  return own < 0 ? envs.length : own + 1;
}

export class ScopeChainView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  private roots: EnvNode[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  /** The chain shown is at the paused debugger's frame, not the cursor. */
  private pausedView = false;
  private outerStart = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly paused?: PausedLocation,
  ) {
    this.view = vscode.window.createTreeView('scopelens.scopeChain', {
      treeDataProvider: this,
      showCollapseAll: true,
    });
    this.disposables.push(
      this.view,
      this.changed,
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.schedule();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule();
      }),
      this.view.onDidChangeVisibility((e) => {
        if (e.visible) this.schedule(0);
      }),
    );
    if (paused) this.disposables.push(paused.onDidChange(() => this.schedule(0)));
  }

  get visible(): boolean {
    return this.view.visible;
  }

  /** Refreshes soon; bursts of cursor moves coalesce. */
  schedule(delay = 150): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delay);
  }

  async refresh(): Promise<void> {
    if (!this.view.visible) return;
    const generation = ++this.generation;
    const editor = vscode.window.activeTextEditor;
    const client = this.client();
    const frame = this.paused?.current;
    if (frame && client?.isRunning()) {
      // While a debugger is paused in a file scopelens serves, follow its frame.
      const document = await vscode.workspace.openTextDocument(frame.uri).then(
        (d) => d,
        () => undefined,
      );
      if (generation !== this.generation) return;
      if (document && LANGUAGES.includes(document.languageId)) {
        await this.show(client, document, frame.position, generation, `paused in ${frame.name || 'anonymous'} · line ${frame.position.line + 1}`, true);
        return;
      }
    }
    if (!editor || !LANGUAGES.includes(editor.document.languageId)) {
      this.setRoots([], 'Open a JavaScript or TypeScript file to see its scope chain.');
      return;
    }
    if (!client || !client.isRunning()) {
      this.setRoots([], 'The scopelens server is not running.');
      return;
    }
    await this.show(client, editor.document, editor.selection.active, generation, `line ${editor.selection.active.line + 1}`, false);
  }

  private async show(
    client: LanguageClient,
    document: vscode.TextDocument,
    position: vscode.Position,
    generation: number,
    description: string,
    paused: boolean,
  ): Promise<void> {
    try {
      const chain = await client.sendRequest(scopeChainRequest, {
        textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
        position: client.code2ProtocolConverter.asPosition(position),
      });
      if (generation !== this.generation) return;
      const envs = chain?.environments ?? [];
      this.pausedView = paused;
      this.outerStart = outerFrom(envs);
      this.setRoots(
        envs.map((env, index) => ({
          type: 'env',
          env,
          index,
          uri: document.uri,
          // Same environment, same id: the tree keeps its expansion state across refreshes.
          key: `${document.uri.toString()}#${env.kind}:${env.owner}@${env.range.start.line}:${env.range.start.character}`,
        })),
        envs.length ? undefined : 'No environments here.',
      );
      this.view.description = description;
    } catch (err) {
      if (generation !== this.generation) return;
      this.setRoots([], `scopelens/scopeChain failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private setRoots(roots: EnvNode[], message: string | undefined): void {
    this.roots = roots;
    this.view.message = message;
    if (!roots.length) this.view.description = undefined;
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.roots;
    if (node.type === 'env') {
      const outer = node.index >= this.outerStart && node.env.kind !== 'global' && node.env.kind !== 'script';
      return node.env.bindings.map((binding) => ({ type: 'binding', binding, uri: node.uri, outer }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.type === 'env') {
      const { env } = node;
      // Like DevTools: the nearer environments open, the global one closed.
      const open = env.kind !== 'global' && env.bindings.length > 0;
      const item = new vscode.TreeItem(
        environmentLabel(env),
        env.bindings.length
          ? open
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None,
      );
      item.id = node.key;
      const count = `${env.bindings.length} binding${env.bindings.length === 1 ? '' : 's'}`;
      item.description = env.dynamic ? `${count} · dynamic` : count;
      item.iconPath = new vscode.ThemeIcon(env.dynamic ? 'warning' : node.index === 0 ? 'target' : 'symbol-namespace');
      item.tooltip = new vscode.MarkdownString(
        `**${environmentLabel(env)}** environment, lines ${env.range.start.line + 1}–${env.range.end.line + 1}` +
          (env.dynamic ? '\n\n`with` or a sloppy direct `eval` can change lookups here at run time.' : ''),
      );
      item.contextValue = 'environment';
      const start = new vscode.Position(env.range.start.line, env.range.start.character);
      item.command = {
        command: 'vscode.open',
        title: 'Go to environment',
        arguments: [node.uri, { selection: new vscode.Range(start, start) }],
      };
      return item;
    }
    const { binding } = node;
    const item = new vscode.TreeItem(binding.name, vscode.TreeItemCollapsibleState.None);
    item.description = bindingDescription(binding, node.outer, this.pausedView);
    item.iconPath = new vscode.ThemeIcon(
      binding.declaration.startsWith('function')
        ? 'symbol-function'
        : binding.declaration.startsWith('class')
          ? 'symbol-class'
          : binding.declaration === 'const'
            ? 'symbol-constant'
            : binding.declaration === 'parameter'
              ? 'symbol-parameter'
              : 'symbol-variable',
    );
    item.tooltip =
      `${binding.declaration} ${binding.name}, declared at line ${binding.range.start.line + 1}` +
      (binding.keptByV8 === false
        ? `\nNot kept by V8 for code paused here: ${binding.notKeptReason ?? 'dropped'}; the debugger cannot show it.`
        : '');
    item.contextValue = 'binding';
    const r = binding.range;
    item.command = {
      command: 'vscode.open',
      title: 'Go to binding',
      arguments: [
        node.uri,
        { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) },
      ],
    };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
