#!/usr/bin/env bash
# The VS Code extension packaged for one platform (`vsce package --target`): builds
# scopelens-linux-x64.vsix (or this machine's target) from the local release build and checks
# the package: its manifest names the target platform, it carries the server binary (executable,
# answering --version) and the license, and packaging refuses a binary of another platform.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ext="$root/editors/vscode"
passed=0 failed=0
check() { local name="$1"; shift; if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=linux-x64 wrong=darwin-arm64 ;;
  Linux-aarch64) target=linux-arm64 wrong=darwin-x64 ;;
  *) echo "vsix: run this on Linux"; exit 1 ;;
esac
[ "${SCOPELENS_SKIP_BUILD:-}" = 1 ] || (cd "$root" && cargo build --release --quiet --bin scopelens)
cd "$ext"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm run --silent package:target -- "$target" >"$work/package.log" 2>&1 || { cat "$work/package.log"; exit 1; }
vsix="$ext/scopelens-$target.vsix"
check "vsce made scopelens-$target.vsix" [ -f "$vsix" ]
python3 -m zipfile -e "$vsix" "$work"
check "the manifest names the target platform" grep -q "TargetPlatform=\"$target\"" "$work/extension.vsixmanifest"
# Python's zip extraction drops file modes: check the mode stored in the archive (what VS Code
# restores when it installs the extension), then run the binary.
check "the server is stored executable" python3 -c "import sys, zipfile; i = zipfile.ZipFile(sys.argv[1]).getinfo('extension/server/scopelens'); sys.exit(0 if (i.external_attr >> 16) & 0o111 else 1)" "$vsix"
chmod +x "$work/extension/server/scopelens"
check "the server is inside and runs" sh -c "[ \"\$('$work/extension/server/scopelens' --version)\" = \"scopelens \$(sed -n 's/^version = \"\\(.*\\)\"/\\1/p' '$root/server/Cargo.toml' | head -1)\" ]"
check "the license is inside" grep -q "MIT License" "$work/extension/LICENSE.txt"
check "the manifest has a repository (Open VSX needs one)" grep -q '"repository"' "$work/extension/package.json"
status=0; npm run --silent package:target -- "$wrong" >"$work/wrong.log" 2>&1 || status=$?
check "packaging $wrong with this machine's binary is refused" sh -c "[ $status != 0 ] && grep -q 'not macho' '$work/wrong.log'"
rm -f "$ext/scopelens-$target.vsix" "$ext/scopelens-$wrong.vsix"
echo "vsix packaging: $passed passed, $failed failed"
[ "$failed" = 0 ]
