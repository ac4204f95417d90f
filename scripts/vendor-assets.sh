#!/usr/bin/env bash
# Vendors the console's third-party browser scripts at pinned versions from the npm registry
# configured on this machine (npm pack, no install, no build), into adapters/web/assets/vendor/,
# and records each file's version and sha256 in adapters/web/assets/vendor/VERSIONS, which
# adapters/web's tests check the embedded files against. Rerun it after changing a version.
# Usage: bash scripts/vendor-assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# package@version  file-in-package  vendored-name
assets=(
  "htmx.org@2.0.11 package/dist/htmx.min.js htmx.min.js"
  "echarts@6.1.0 package/dist/echarts.min.js echarts.min.js"
)

out=adapters/web/assets/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
{
  echo "# Vendored by scripts/vendor-assets.sh; checked by adapters/web's tests. file package@version sha256"
  for a in "${assets[@]}"; do
    read -r spec path name <<<"$a"
    dir="$tmp/${name}"
    mkdir -p "$dir"
    tarball=$(cd "$dir" && npm pack --silent "$spec")
    tar -xzf "$dir/$tarball" -C "$dir" "$path"
    cp "$dir/$path" "$out/$name"
    sum=$(sha256sum "$out/$name" | cut -d' ' -f1)
    echo "$name $spec $sum"
  done
} >"$out/VERSIONS"
cat "$out/VERSIONS"
