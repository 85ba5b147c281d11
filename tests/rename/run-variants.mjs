// Runs many variants of one program in this one Node process, each in a fresh V8 context (a new
// global object), as the kind of file scopelens models it: a classic script, an ES module or a
// CommonJS module. Prints a JSON array with each variant's output (console lines, then an
// `[uncaught] …` line if it threw). Starting Node once per variant would cost ~100 ms each.
//
//   node --experimental-vm-modules run-variants.mjs script|module|commonjs FILE.json
//
// FILE.json holds an array of program texts.
import vm from "node:vm";
import util from "node:util";
import fs from "node:fs";
import { createRequire } from "node:module";

const [kind, listFile] = process.argv.slice(2);
const texts = JSON.parse(fs.readFileSync(listFile, "utf8"));
// A broken variant must not stop the others: what escapes it is part of its output.
let out = "";
process.on("uncaughtException", (e) => (out += "[uncaught] " + describe(e) + "\n"));
process.on("unhandledRejection", (e) => (out += "[unhandled rejection] " + describe(e) + "\n"));
const results = [];
for (const text of texts) {
  out = "";
  await runOne(text);
  results.push(out);
}
process.stdout.write(JSON.stringify(results));

/// Resolves after `ms` or when `promise` settles, whichever comes first.
function within(promise, ms) {
  let timer;
  const limit = new Promise((resolve) => (timer = setTimeout(() => {
    out += "[timed out]\n";
    resolve();
  }, ms)));
  return Promise.race([promise.finally(() => clearTimeout(timer)), limit]);
}

async function runOne(text) {
  let pending = 0;
  let wake = null;
  const print = (prefix) => (...args) => {
    out += prefix + util.format(...args) + "\n";
  };
  const sandbox = {
    console: { log: print(""), info: print(""), warn: print("[warn] "), error: print("[error] ") },
    setTimeout(fn, ms, ...args) {
      pending++;
      return setTimeout(() => {
        pending--;
        try {
          fn(...args);
        } catch (e) {
          out += "[uncaught] " + describe(e) + "\n";
        }
        if (pending === 0 && wake) wake();
      }, ms);
    },
  };
  const context = vm.createContext(sandbox);
  const file = "/variant." + (kind === "module" ? "mjs" : kind === "commonjs" ? "cjs" : "js");
  try {
    if (kind === "script") {
      vm.runInContext(text, context, { filename: file, timeout: 5000 });
    } else if (kind === "commonjs") {
      const wrapper = vm.compileFunction(
        text,
        ["exports", "require", "module", "__filename", "__dirname"],
        { parsingContext: context, filename: file },
      );
      const module = { exports: {} };
      wrapper.call(module.exports, module.exports, createRequire(import.meta.url), module, file, "/");
    } else {
      const m = new vm.SourceTextModule(text, { context, identifier: file });
      await m.link(async (specifier) => {
        const ns = await import(specifier);
        const names = Object.keys(ns);
        return new vm.SyntheticModule(names, function () {
          for (const name of names) this.setExport(name, ns[name]);
        }, { context });
      });
      await within(m.evaluate({ timeout: 5000 }), 5000);
    }
  } catch (e) {
    out += "[uncaught] " + describe(e) + "\n";
  }
  // Let microtasks settle, then wait for the program's timers.
  await new Promise((resolve) => setImmediate(resolve));
  if (pending > 0) await within(new Promise((resolve) => (wake = resolve)), 5000);
}

function describe(e) {
  return e && typeof e === "object" && "message" in e ? `${e.name}: ${e.message}` : String(e);
}
