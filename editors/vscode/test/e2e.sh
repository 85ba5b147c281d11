#!/usr/bin/env bash
# VS Code end-to-end test in a real workbench: installs code-server (once), builds the server and
# the .vsix, installs the extension into a private extensions dir, starts code-server on
# 127.0.0.1 and drives it with playwright-core + Debian's chromium (test/e2e.mjs).
# Screenshots go to docs/screenshots/ (override: SCOPELENS_SCREENSHOTS_DIR); failure screenshots
# and logs to editors/vscode/test/results/. Exits non-zero on failure.
# E2E_ONLY=debugger, heap or workspace runs only those checks (after the workbench loads).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ext="$(cd "$here/.." && pwd)"
root="$(cd "$ext/../.." && pwd)"
results="$here/results"
shots="${SCOPELENS_SCREENSHOTS_DIR:-$root/docs/screenshots}"
rm -rf "$results"
mkdir -p "$results"

step() { echo "== vscode e2e: $*"; }

step "code-server"
code_server="$(bash "$here/install-code-server.sh" | tail -n 1)"

step "server (cargo build --release)"
(cd "$root" && cargo build --release --quiet)

step "extension (npm ci, npm run package)"
cd "$ext"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent package >"$results/package.log" 2>&1 || { cat "$results/package.log"; exit 1; }
[ -f scopelens.vsix ] || { echo "npm run package made no scopelens.vsix"; exit 1; }

# A private code-server: its own config, user data, extensions and a scratch copy of the examples
# (the tests check that toggles and refused renames leave its files alone; one test writes a
# wrong scopelens.server.path into its .vscode/settings.json). VS Code's built-in TypeScript
# extension stays on, as every user has it.
work="$(mktemp -d "${TMPDIR:-/tmp}/scopelens-e2e.XXXXXX")"
cs_pid=""
cleanup() {
  if [ -n "$cs_pid" ] && kill -0 "$cs_pid" 2>/dev/null; then
    kill -- "-$cs_pid" 2>/dev/null || kill "$cs_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$cs_pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 -- "-$cs_pid" 2>/dev/null || kill -9 "$cs_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/user-data/User" "$work/extensions" "$work/workspace"
cp -r "$root/examples/." "$work/workspace/"
cp "$here/fixtures/shadow.js" "$work/workspace/"
cp "$here/fixtures/paused.js" "$work/workspace/"
# The debugger checks launch paused.js with VS Code's built-in JavaScript debugger (js-debug).
mkdir -p "$work/workspace/.vscode"
cat >"$work/workspace/.vscode/launch.json" <<'JSON'
{
  "version": "0.2.0",
  "configurations": [
    {
      "type": "node",
      "request": "launch",
      "name": "paused.js",
      "program": "${workspaceFolder}/paused.js",
      "console": "internalConsole",
      "skipFiles": ["<node_internals>/**"]
    }
  ]
}
JSON
# A heap snapshot of examples/leak.js run from the workspace copy, so its paths are the workspace's.
(cd "$work/workspace" && node leak.js "$work/leak.heapsnapshot" >/dev/null)
# Cross-module checks open a second folder: a small project of its own (a copy, like the examples).
cp -r "$root/tests/fixtures/editors/cross-module" "$work/cross-module"
# The workspace-index checks open a third: a small monorepo.
cp -r "$root/tests/fixtures/editors/multi-package" "$work/multi-package"
cat >"$work/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.commandCenter.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.enabled": false,
  "editor.minimap.enabled": false,
  "editor.inlayHints.enabled": "on",
  "editor.hover.delay": 200,
  "editor.hover.above": false,
  "editor.fontSize": 14,
  "debug.inlineValues": "on",
  "debug.internalConsoleOptions": "neverOpen",
  "typescript.tsserver.experimental.enableProjectDiagnostics": false
}
JSON
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$work/config.yaml" <<YAML
bind-addr: 127.0.0.1:$port
auth: none
cert: false
YAML
cs=("$code_server" --config "$work/config.yaml" --user-data-dir "$work/user-data" --extensions-dir "$work/extensions")

step "install the .vsix into $work/extensions"
timeout 120 "${cs[@]}" --install-extension "$ext/scopelens.vsix" >"$results/install-extension.log" 2>&1 \
  || { cat "$results/install-extension.log"; exit 1; }
grep -q "scopelens" <(timeout 60 "${cs[@]}" --list-extensions 2>/dev/null) \
  || { echo "the extension is not listed after install"; exit 1; }

step "start code-server on 127.0.0.1:$port"
# The extension must find the server it ships, not one on PATH.
PATH="$(echo "$PATH" | tr ':' '\n' | grep -v "$root/target" | paste -sd:)" \
  setsid "${cs[@]}" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override "$work/workspace" >"$results/code-server.log" 2>&1 &
cs_pid=$!
ready=""
for _ in $(seq 1 120); do
  if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz"; then ready=1; break; fi
  kill -0 "$cs_pid" 2>/dev/null || break
  sleep 0.5
done
[ -n "$ready" ] || { echo "code-server did not come up"; cat "$results/code-server.log"; exit 1; }

step "drive the workbench (playwright-core + /usr/bin/chromium)"
rc=0
E2E_URL="http://127.0.0.1:$port/?folder=$work/workspace" E2E_CROSS_MODULE_URL="http://127.0.0.1:$port/?folder=$work/cross-module" E2E_MULTI_PACKAGE_URL="http://127.0.0.1:$port/?folder=$work/multi-package" E2E_SCREENSHOTS="$shots" E2E_RESULTS="$results" E2E_WORKSPACE="$work/workspace" E2E_HEAP_SNAPSHOT="$work/leak.heapsnapshot" E2E_ONLY="${E2E_ONLY:-}" \
  timeout 480 node "$here/e2e.mjs" || rc=$?
# The extension host's log holds the scopelens output channel and any activation error.
find "$work/user-data/logs" -name '*scopelens*' -exec cp {} "$results/" \; 2>/dev/null || true
if [ "$rc" -ne 0 ]; then
  echo "vscode e2e FAILED (exit $rc); logs and screenshots in $results"
  tail -n 40 "$results/code-server.log" || true
  exit 1
fi
echo "vscode e2e passed; screenshots in $shots"
