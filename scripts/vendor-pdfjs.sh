#!/bin/sh
# Refreshes the pdf.js viewer library embedded in the web UI (api/web/static/pdfjs/).
# It takes the legacy build of pdfjs-dist from the npm registry: the legacy build runs
# on the older browsers still found on office PCs and tablets.
#
#   scripts/vendor-pdfjs.sh [VERSION]
#
# Then rebuild; the files are embedded with go:embed. Commit the new files together with
# the VERSION file this script writes.
set -eu
version="${1:-5.4.296}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/api/web/static/pdfjs"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "pdfjs-dist@$version" >/dev/null && tar xzf pdfjs-dist-"$version".tgz)
mkdir -p "$dest"
cp "$tmp/package/legacy/build/pdf.min.mjs" "$tmp/package/legacy/build/pdf.worker.min.mjs" "$dest/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "pdfjs-dist $version (legacy build) from the npm registry" > "$dest/VERSION"
echo "pdf.js $version vendored into $dest"
