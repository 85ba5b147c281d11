// The scopelens server's custom requests (server/src/lsp/handlers/{scope_chain,outer_binding}.rs).
import { Location, Range, RequestType, TextDocumentPositionParams } from 'vscode-languageclient';

export interface ChainBinding {
  name: string;
  /** `var`, `let`, `const`, `function`, `parameter`, `class`, `import`, ... */
  declaration: string;
  range: Range;
  captured: boolean;
  mutated: boolean;
  /** The outer binding this one shadows. */
  shadows?: Location;
  /** Whether V8 keeps it for a frame paused at the position asked about (absent: not listed). */
  keptByV8?: boolean;
  /** Why V8 did not keep it (`no closure captures it`). */
  notKeptReason?: string;
}

export interface ChainEnvironment {
  /** `global`, `script`, `module`, `function`, `function-body`, `block`, `catch`, `class`, ... */
  kind: string;
  owner: string;
  range: Range;
  /** `with` or a sloppy direct `eval` can change lookups here at run time. */
  dynamic: boolean;
  bindings: ChainBinding[];
}

export interface ScopeChain {
  /** Innermost first. */
  environments: ChainEnvironment[];
}

export const scopeChainRequest = new RequestType<TextDocumentPositionParams, ScopeChain, void>(
  'scopelens/scopeChain',
);

export const outerBindingRequest = new RequestType<TextDocumentPositionParams, Location | null, void>(
  'scopelens/outerBinding',
);

/** The languages the server analyses (.js .mjs .cjs .jsx .ts .mts .cts .tsx). */
export const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];
