// The "Scope Chain" view in the Explorer: the environments around the cursor, innermost first,
// each with its bindings, like DevTools' Scope pane. All data comes from `scopelens/scopeChain`.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { ChainBinding, ChainEnvironment, LANGUAGES, scopeChainRequest } from './protocol';

type EnvNode = { type: 'env'; env: ChainEnvironment; index: number; uri: vscode.Uri; key: string };
type BindingNode = { type: 'binding'; binding: ChainBinding; uri: vscode.Uri };
type Node = EnvNode | BindingNode;

/** `function skulk`, `block`, `script`... as a heading. */
export function environmentLabel(env: ChainEnvironment): string {
  return env.owner && env.owner !== env.kind ? `${env.kind} ${env.owner}` : env.kind;
}

function bindingDescription(b: ChainBinding): string {
  const flags = [b.declaration];
  if (b.captured) flags.push('captured');
  if (b.mutated) flags.push('mutated');
  if (b.shadows) flags.push('shadows outer');
  return flags.join(' · ');
}

export class ScopeChainView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  private roots: EnvNode[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(private readonly client: () => LanguageClient | undefined) {
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
    if (!editor || !LANGUAGES.includes(editor.document.languageId)) {
      this.setRoots([], 'Open a JavaScript or TypeScript file to see its scope chain.');
      return;
    }
    if (!client || !client.isRunning()) {
      this.setRoots([], 'The scopelens server is not running.');
      return;
    }
    const document = editor.document;
    const position = editor.selection.active;
    try {
      const chain = await client.sendRequest(scopeChainRequest, {
        textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
        position: client.code2ProtocolConverter.asPosition(position),
      });
      if (generation !== this.generation) return;
      const envs = chain?.environments ?? [];
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
      this.view.description = `line ${position.line + 1}`;
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
      return node.env.bindings.map((binding) => ({ type: 'binding', binding, uri: node.uri }));
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
    item.description = bindingDescription(binding);
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
    item.tooltip = `${binding.declaration} ${binding.name}, declared at line ${binding.range.start.line + 1}`;
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
