#!/usr/bin/env bash
# The npm packages as a user gets them: packs the launcher and this machine's platform package
# from the local release build (scripts/npm-pack.sh), installs both with `npm install --offline`
# into an empty temporary prefix, then runs `scopelens --version`, `scopelens explain`, and
# `npx scopelens --version` with a PATH that has node and npm but no cargo or rustc. Also checks
# the launcher's error when no platform package fits. Builds the release binary if needed
# (SCOPELENS_SKIP_BUILD=1 to use target/release as it is).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
passed=0 failed=0
check() { # NAME COMMAND...: runs COMMAND, counts it
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

[ "${SCOPELENS_SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet --bin scopelens
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/npm-pack.sh "$work/tarballs" >/dev/null
launcher="$(ls "$work"/tarballs/scopelens-[0-9]*.tgz)"
platform="$(ls "$work"/tarballs/scopelens-*-*.tgz | grep -v "^$launcher$")"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' server/Cargo.toml | head -1)"

# An empty prefix, an empty npm cache, offline: the tarballs are all there is. The other
# platforms' packages are optional dependencies that cannot be fetched and must be skipped.
prefix="$work/prefix"
mkdir -p "$prefix"
echo '{"name":"npm-install-test","private":true}' >"$prefix/package.json"
(cd "$prefix" && npm install --offline --no-audit --no-fund --update-notifier=false --loglevel=error \
  --cache "$work/npm-cache" "$launcher" "$platform")

# A PATH with node, npm, npx, sh and env only: no cargo, no rustc.
bin="$work/bin"
mkdir -p "$bin"
for tool in node npm npx sh env; do ln -s "$(command -v "$tool")" "$bin/$tool"; done
run() { (cd "$prefix" && env -i HOME="$work/home" npm_config_update_notifier=false PATH="$bin:$prefix/node_modules/.bin" \
  npm_config_cache="$work/npm-cache" npm_config_offline=true "$@"); }

check "no cargo or rustc on the test PATH" run sh -c '! command -v cargo && ! command -v rustc'
check "scopelens --version" sh -c "[ \"\$(cd '$prefix' && env -i PATH='$bin:$prefix/node_modules/.bin' scopelens --version)\" = 'scopelens $version' ]"
explain_out="$(run scopelens explain "$root/examples/ninja.js" || true)"
check "scopelens explain examples/ninja.js" grep -q "action var at 3:7 · captured by report · used at 6:24↑1" <<<"$explain_out"
html_out="$(run scopelens explain --format html "$root/examples/ninja.js" || true)"
check "scopelens explain --format html" grep -q '<title>.*ninja.js — scopelens</title>' <<<"$html_out"
check "npx scopelens --version" sh -c "[ \"\$(cd '$prefix' && env -i HOME='$work/home' npm_config_update_notifier=false PATH='$bin' npm_config_cache='$work/npm-cache' npm_config_offline=true npx --no-install scopelens --version)\" = 'scopelens $version' ]"
status=0; run scopelens explain /nonexistent.js 2>/dev/null || status=$?
check "exit codes pass through (1 for an unreadable file)" [ "$status" = 1 ]
# The language server through the launcher: an initialize request on stdin gets its answer.
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
lsp_out="$(printf 'Content-Length: %d\r\n\r\n%s' "${#init}" "$init" | run scopelens --stdio 2>/dev/null || true)"
check "scopelens --stdio answers initialize through the launcher" grep -q '"hoverProvider"' <<<"$lsp_out"
check "only this platform's package was installed" sh -c "[ \$(ls '$prefix/node_modules/@scopelens' | wc -l) = 1 ]"

# No platform package: the launcher names the platform and the supported list.
rm -rf "$prefix"/node_modules/@scopelens
err="$(run scopelens --version 2>&1 || true)"
check "without a platform package: the error names this platform" grep -q "no scopelens binary is installed for this platform, $(node -p 'process.platform + " " + process.arch')" <<<"$err"
check "without a platform package: the error lists the supported platforms" grep -q "@scopelens/win32-x64  (win32 x64)" <<<"$err"

echo "npm packaging: $passed passed, $failed failed"
[ "$failed" = 0 ]
