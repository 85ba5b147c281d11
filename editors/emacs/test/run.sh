#!/usr/bin/env bash
# editors/emacs/scopelens-eglot.el in Emacs (batch mode) with Debian's eglot: installs emacs-nox and
# elpa-eglot with apt when missing (needs root, as in CI), builds the release server, runs smoke.el.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
if ! command -v emacs >/dev/null || ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq emacs-nox elpa-eglot >/dev/null
fi
cd "$root"
[ "${SCOPELENS_SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet --bin scopelens
PATH="${CARGO_TARGET_DIR:-$root/target}/release:$PATH" timeout 120 emacs --batch -l editors/emacs/test/smoke.el 2>&1 \
  | grep -v '^Loading '
