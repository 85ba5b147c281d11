// Builds the bundles into the directory given as argument; prints their file names as JSON:
// { "file.js": "script" | "module" | "commonjs" } — how a browser or Node runs each one.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { rollup } from 'rollup';
import webpack from 'webpack';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2]);
const src = (f) => path.join(here, 'src', f);
const built = {};

// esbuild: an IIFE for a <script>, an ES module, and CommonJS for Node.
for (const [format, kind] of [['iife', 'script'], ['esm', 'module'], ['cjs', 'commonjs']]) {
  const file = `esbuild-${format}.js`;
  await esbuild.build({
    entryPoints: [src('entry.js')],
    bundle: true,
    format,
    globalName: format === 'iife' ? 'Bundle' : undefined,
    outfile: path.join(out, file),
    logLevel: 'silent',
  });
  built[file] = kind;
}

// rollup (no CommonJS plugin: ES modules only): IIFE with named exports, ES module, CommonJS.
const bundle = await rollup({ input: src('entry-esm-only.js'), logLevel: 'silent' });
for (const [format, kind] of [['iife', 'script'], ['es', 'module'], ['cjs', 'commonjs']]) {
  const file = `rollup-${format}.js`;
  await bundle.write({ file: path.join(out, file), format, name: 'Bundle' });
  built[file] = kind;
}
await bundle.close();

// webpack: its runtime prelude (`__webpack_require__`, a `module` of its own) around an ES
// module and a CommonJS module; unminified, and minified by its default production build.
for (const [mode, file] of [['development', 'webpack-dev.js'], ['production', 'webpack-prod.js']]) {
  await new Promise((resolve, reject) => {
    webpack(
      {
        mode,
        devtool: false,
        entry: src('entry.js'),
        output: { path: out, filename: file },
      },
      (err, stats) => {
        if (err) return reject(err);
        if (stats.hasErrors()) return reject(new Error(stats.toString('errors-only')));
        resolve();
      },
    );
  });
  built[file] = 'script';
}

process.stdout.write(JSON.stringify(built) + '\n');
