#!/usr/bin/env bash
# Screenshot a rendered report with headless Chromium, to look at it as a reader would.
#
#   scripts/screenshot_report.sh [REPORT.html] [OUT.png] [HEIGHT]
#
# Defaults: reports/2018/omdomme-2018.html -> reports/2018/omdomme-2018.png, 1280 x 4000 px.
# Render first: `omdomme analyse 2018 && omdomme report 2018`.
set -euo pipefail

html="${1:-reports/2018/omdomme-2018.html}"
out="${2:-${html%.html}.png}"
height="${3:-4000}"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"

if [[ -z "$browser" ]]; then
  echo "error: no chromium on PATH (Debian: apt-get install chromium); set CHROMIUM=/path/to/browser" >&2
  exit 2
fi
if [[ ! -f "$html" ]]; then
  echo "error: $html does not exist; run \`omdomme report <round>\` first" >&2
  exit 2
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
# No network, no first-run chatter: the report is self-contained, so nothing needs fetching.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$(realpath -m "$out")" --window-size="1280,${height}" \
  "file://$(realpath "$html")" >/dev/null 2>&1
echo "$out"
