#!/usr/bin/env bash
# Packs the npm packages into OUTDIR: the `scopelens` launcher and platform packages.
#
#   scripts/npm-pack.sh OUTDIR                 # the launcher + this machine's platform package,
#                                              # from the local release build (target/release)
#   scripts/npm-pack.sh OUTDIR NAME=BINARY...  # the launcher + the named platform packages
#                                              # (e.g. linux-arm64-musl=dist/scopelens), as the
#                                              # release workflow does
#
# Versions come from server/Cargo.toml; the packages in npm/ must carry the same. Binaries are
# copied (stripped when `strip` knows the format) into a staging copy, never into npm/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: scripts/npm-pack.sh OUTDIR [NAME=BINARY ...]" >&2; exit 2; }
mkdir -p "$1"
out="$(cd "$1" && pwd)"
shift
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/server/Cargo.toml" | head -1)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

check_version() { # DIR
  local v
  v="$(node -p "require('$1/package.json').version")"
  [ "$v" = "$version" ] || { echo "npm-pack: $1/package.json is $v, server/Cargo.toml is $version" >&2; exit 1; }
}

pack() { # DIR
  (cd "$1" && npm pack --silent --pack-destination "$out" >/dev/null)
}

# The launcher: its optionalDependencies must name every platform package at this version.
check_version "$root/npm/scopelens"
node -e '
  const pkg = require(process.argv[1] + "/npm/scopelens/package.json");
  const { PLATFORMS } = require(process.argv[1] + "/npm/scopelens/platforms.js");
  const want = Object.fromEntries(PLATFORMS.map(p => [p.pkg, pkg.version]));
  if (JSON.stringify(pkg.optionalDependencies) !== JSON.stringify(want)) {
    console.error("npm-pack: optionalDependencies differ from platforms.js", pkg.optionalDependencies, want);
    process.exit(1);
  }' "$root"
cp -R "$root/npm/scopelens" "$stage/scopelens"
cp "$root/LICENSE" "$stage/scopelens/"
pack "$stage/scopelens"
echo "npm-pack: scopelens@$version"

if [ $# -eq 0 ]; then
  name="$(node -e '
    const { candidates } = require(process.argv[1] + "/npm/scopelens/platforms.js");
    const c = candidates()[0];
    if (!c) { console.error("npm-pack: no platform package for " + process.platform + " " + process.arch); process.exit(1); }
    console.log(c.pkg.replace("@scopelens/", ""));' "$root")"
  exe=scopelens; [ "${name#win32}" != "$name" ] && exe=scopelens.exe
  binary="${CARGO_TARGET_DIR:-$root/target}/release/$exe"
  [ -x "$binary" ] || { echo "npm-pack: $binary not found: run \`cargo build --release\`" >&2; exit 1; }
  set -- "$name=$binary"
fi

for spec in "$@"; do
  name="${spec%%=*}" binary="${spec#*=}"
  src="$root/npm/platforms/$name"
  [ -d "$src" ] || { echo "npm-pack: no platform package npm/platforms/$name" >&2; exit 1; }
  [ -f "$binary" ] || { echo "npm-pack: $binary not found" >&2; exit 1; }
  check_version "$src"
  dir="$stage/$name"
  cp -R "$src" "$dir"
  cp "$root/LICENSE" "$dir/"
  exe="$(node -p "require('$dir/package.json').scopelens.binary")"
  mkdir -p "$dir/bin"
  cp "$binary" "$dir/$exe"
  chmod 755 "$dir/$exe"
  strip "$dir/$exe" 2>/dev/null || true
  pack "$dir"
  echo "npm-pack: @scopelens/$name@$version ($(wc -c <"$dir/$exe") bytes)"
done
ls -1 "$out"/*.tgz
