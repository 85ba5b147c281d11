// Runs ONE fixture under node:inspector in this process and prints, as JSON on stdout, every
// pause at a `debugger;` statement of the fixture: its location and V8's scope chain (type,
// name, start/end location, own property names of the scope object).
//
// Usage: node --no-opt [--experimental-vm-modules] v8-scopes.mjs <script|module|commonjs> <file>
//
// - script:   the file runs as a classic script (vm.Script.runInThisContext), so its top level is
//             V8's real `script` (let/const/class) and `global` (var/function) scopes.
// - module:   the file is import()ed: its top level is V8's `module` scope.
// - commonjs: the file is require()d: its top level is the body of Node's module wrapper.
//
// No dependencies. While paused, `session.post` callbacks run synchronously, so the whole chain
// is read inside the `Debugger.paused` handler.
import inspector from 'node:inspector';
import fs from 'node:fs';
import vm from 'node:vm';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [mode, file] = process.argv.slice(2);
if (!mode || !file) {
  console.error('usage: v8-scopes.mjs <script|module|commonjs> <file>');
  process.exit(2);
}
const abs = path.resolve(file);
const url = pathToFileURL(abs).href;

const session = new inspector.Session();
session.connect();

function post(method, params) {
  let result;
  let error;
  let done = false;
  session.post(method, params, (err, res) => {
    error = err;
    result = res;
    done = true;
  });
  if (!done) throw new Error(`${method}: callback did not run synchronously`);
  if (error) throw error;
  return result;
}

// scriptId → url, from Debugger.scriptParsed (callFrame.url is empty in Node 20).
const scriptUrls = new Map();
session.on('Debugger.scriptParsed', ({ params }) => scriptUrls.set(params.scriptId, params.url));

const pauses = [];
const errors = [];
session.on('Debugger.paused', ({ params }) => {
  try {
    const frame = params.callFrames[0];
    // Only pauses in the fixture itself (scripts run by vm carry the filename we gave them).
    const frameUrl = frame.url || scriptUrls.get(frame.location.scriptId) || '';
    if (frameUrl === url || frameUrl === abs) {
      pauses.push({
        line: frame.location.lineNumber,
        column: frame.location.columnNumber,
        function: frame.functionName,
        functionLocation: frame.functionLocation
          ? { line: frame.functionLocation.lineNumber, column: frame.functionLocation.columnNumber }
          : null,
        scopes: frame.scopeChain.map((scope) => {
          const props = post('Runtime.getProperties', {
            objectId: scope.object.objectId,
            ownProperties: true,
          });
          return {
            type: scope.type,
            name: scope.name ?? null,
            start: scope.startLocation
              ? { line: scope.startLocation.lineNumber, column: scope.startLocation.columnNumber }
              : null,
            end: scope.endLocation
              ? { line: scope.endLocation.lineNumber, column: scope.endLocation.columnNumber }
              : null,
            names: props.result.map((p) => p.name),
          };
        }),
      });
    }
  } catch (e) {
    errors.push(String(e && e.stack || e));
  } finally {
    post('Debugger.resume', {});
  }
});
post('Debugger.enable', {});

let failure = null;
try {
  if (mode === 'script') {
    const code = fs.readFileSync(abs, 'utf8');
    new vm.Script(code, { filename: url }).runInThisContext();
  } else if (mode === 'module') {
    await import(url);
  } else if (mode === 'commonjs') {
    createRequire(import.meta.url)(abs);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (e) {
  failure = String(e && e.stack || e);
}
// Let pending microtasks/timers (async fixtures) run before reporting.
await new Promise((resolve) => setTimeout(resolve, 20));
session.disconnect();
process.stdout.write(JSON.stringify({ mode, file: abs, failure, errors, pauses }) + '\n');
