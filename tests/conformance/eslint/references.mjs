// Prints eslint-scope's answer for every reference of one JavaScript file, one per line:
//   <reference start> <declaration start | -1 when unresolved | -2 when implicit (arguments)>
// Offsets are UTF-16 indexes (JavaScript string indexes) into the file's text.
//
// Usage: node references.mjs <script|module|commonjs> <file>
// The source type must match scopelens's decision for the file: `commonjs` gives the top level a
// function scope (Node's module wrapper), as scopelens does.
import fs from 'node:fs';
import * as espree from 'espree';
import * as eslintScope from 'eslint-scope';

const [sourceType, file] = process.argv.slice(2);
if (!['script', 'module', 'commonjs'].includes(sourceType) || !file) {
  console.error('usage: node references.mjs <script|module|commonjs> <file>');
  process.exit(2);
}
let text = fs.readFileSync(file, 'utf8');
// scopelens reads the file as UTF-8 and skips a BOM; keep indexes aligned with the text it sees.
const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
const ast = espree.parse(text, {
  ecmaVersion: 'latest',
  sourceType,
  range: true,
});
const manager = eslintScope.analyze(ast, {
  ecmaVersion: 2026,
  sourceType,
  childVisitorKeys: espree.VisitorKeys,
});
const out = [];
for (const scope of manager.scopes) {
  for (const ref of scope.references) {
    const start = ref.identifier.range[0] - bom;
    const v = ref.resolved;
    let def = -1;
    if (v) def = v.defs.length > 0 ? v.defs[0].name.range[0] - bom : -2;
    out.push(`${start} ${def}`);
  }
}
process.stdout.write(out.join('\n') + '\n');
