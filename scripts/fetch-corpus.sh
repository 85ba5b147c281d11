#!/usr/bin/env bash
# Fetches the pinned real-world inputs used by benchmarks and conformance runs into tests/corpus/
# (git-ignored); with `--packages`, also whole npm packages (scripts/pitfall-precision.sh).
# Uses `npm pack`, so it needs only Node's npm and the npm registry.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/tests/corpus"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetch() { # package@version  path-inside-package  output-name
  local spec="$1" inner="$2" name="$3"
  [ -s "$out/$name" ] && return 0
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  local tgz
  tgz="$(ls "$tmp"/*.tgz | head -n 1)"
  tar -xzf "$tgz" -C "$tmp" "package/$inner"
  mv "$tmp/package/$inner" "$out/$name"
  rm -rf "$tmp"/*
  echo "fetched $spec $inner -> tests/corpus/$name"
}

# A whole package, unpacked into tests/corpus/packages/NAME (the pitfall precision run reads them).
fetch_package() { # package@version  name
  local spec="$1" name="$2"
  [ -d "$out/packages/$name" ] && return 0
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  mkdir -p "$out/packages/$name"
  tar -xzf "$(ls "$tmp"/*.tgz | head -n 1)" -C "$out/packages/$name" --strip-components=1
  rm -rf "$tmp"/*
  echo "fetched $spec -> tests/corpus/packages/$name"
}

fetch typescript@5.9.3 lib/typescript.js typescript.js
fetch lodash@4.17.21 lodash.js lodash.js
fetch react-dom@19.2.0 cjs/react-dom-client.development.js react-dom-client.development.js
fetch three@0.180.0 build/three.module.js three.module.js
fetch typescript@5.9.3 lib/lib.dom.d.ts lib.dom.d.ts
fetch express@4.21.2 lib/router/index.js express-router.js
fetch express@4.21.2 lib/response.js express-response.js

# ESM with `export { default as x } from` re-exports; CommonJS built on `module.exports =` and
# `exports.x =` (no dependencies, so it runs as it is): the rename-and-run and cross-file suites.
fetch_package lodash-es@4.17.21 lodash-es
fetch_package semver@7.7.2 semver

if [ "${1:-}" = "--packages" ]; then
  fetch_package typescript@5.9.3 typescript
  fetch_package lodash@4.17.21 lodash
  fetch_package react-dom@19.2.0 react-dom
  fetch_package webpack@5.113.0 webpack
  fetch_package eslint@10.16.0 eslint
  fetch_package rxjs@7.8.2 rxjs
  fetch_package less@4.4.1 less
  fetch_package codemirror@5.65.20 codemirror
  fetch_package @babel/standalone@7.28.4 babel-standalone
fi
