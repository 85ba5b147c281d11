#!/usr/bin/env bash
# Installs what the VS Code e2e test needs, idempotently: Debian packages (build deps of
# code-server's native modules, ripgrep, chromium) and code-server from npm into a private prefix.
# Prints the path of the code-server launcher on its last line.
set -euo pipefail
CODE_SERVER_VERSION=4.100.3
E2E_HOME="${SCOPELENS_E2E_HOME:-$HOME/.cache/scopelens-e2e}"
prefix="$E2E_HOME/code-server-$CODE_SERVER_VERSION"
bin="$prefix/node_modules/.bin/code-server"

need_apt=()
for pkg in libkrb5-dev pkg-config libxkbfile-dev libsecret-1-dev libx11-dev ripgrep chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need_apt[@]}" >&2
fi

if [ -x "$bin" ] && "$bin" --config "$E2E_HOME/version-check.yaml" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "; then
  echo "$bin"
  exit 0
fi

echo "installing code-server@$CODE_SERVER_VERSION into $prefix (takes a few minutes)" >&2
rm -rf "$prefix"
mkdir -p "$prefix" "$E2E_HOME/tmp"
# @vscode/ripgrep's postinstall downloads a prebuilt rg from GitHub, which this network cannot
# reach: pre-fill its download cache with Debian's rg, packed the way the prebuilt archive is.
rg_cache="$E2E_HOME/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache"
stage="$(mktemp -d)"
cp "$(command -v rg)" "$stage/rg"
tar -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$stage" rg
rm -rf "$stage"
echo '{"private":true}' > "$prefix/package.json"
# npm 11 blocks install scripts unless allowed; as root, scripts need unsafe-perm. For this install only.
(
  cd "$prefix"
  TMPDIR="$E2E_HOME/tmp" \
  npm_config_dangerously_allow_all_scripts=true \
  npm_config_unsafe_perm=true \
  npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
)
"$bin" --config "$E2E_HOME/version-check.yaml" --version >&2
echo "$bin"
