// Go to Definition beside TypeScript. VS Code merges every definition provider's answers and
// opens a peek when they differ — and two answers for the same place differ when their ranges do:
// TypeScript gives the whole declaration (`export function greet(…) {…}`) as the target range and
// the name as the selection, scopelens the name. So where another provider already names the
// place scopelens found, scopelens's answer is left out and F12 jumps; where they disagree (or no
// one else answers), scopelens's answer stays.
import * as vscode from 'vscode';
import { DefinitionMiddleware } from 'vscode-languageclient/node';

type Definition = vscode.Location | vscode.LocationLink;

/** Positions whose other providers this middleware is asking right now (its own call returns nothing). */
const asking = new Set<string>();

function target(d: Definition): { uri: vscode.Uri; range: vscode.Range; whole: vscode.Range } {
  if (d instanceof vscode.Location) return { uri: d.uri, range: d.range, whole: d.range };
  return { uri: d.targetUri, range: d.targetSelectionRange ?? d.targetRange, whole: d.targetRange };
}

/** `theirs` names the place `ours` names: same file, our name inside their selection, or their whole declaration. */
function samePlace(ours: Definition, theirs: Definition): boolean {
  const a = target(ours);
  const b = target(theirs);
  if (a.uri.toString() !== b.uri.toString()) return false;
  return b.range.contains(a.range) || (b.range.isEmpty && b.whole.contains(a.range));
}

function asList(answer: Definition | Definition[] | null | undefined): Definition[] {
  if (!answer) return [];
  return Array.isArray(answer) ? answer : [answer];
}

export function definitionMiddleware(): DefinitionMiddleware {
  return {
    provideDefinition: async (document, position, token, next) => {
      const key = `${document.uri.toString()}#${position.line}:${position.character}`;
      if (asking.has(key)) return undefined;
      const ours = asList(await next(document, position, token));
      if (ours.length === 0 || token.isCancellationRequested) return ours as vscode.Location[];
      let others: Definition[] = [];
      asking.add(key);
      try {
        others = asList(await vscode.commands.executeCommand<Definition[]>('vscode.executeDefinitionProvider', document.uri, position));
      } catch {
        others = [];
      } finally {
        asking.delete(key);
      }
      // (A mix of Locations and LocationLinks is what VS Code itself merges.)
      return ours.filter((d) => !others.some((o) => samePlace(d, o))) as vscode.Location[];
    },
  };
}
