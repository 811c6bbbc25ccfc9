#!/usr/bin/env bash
# Build the one-folder app with PyInstaller and start it offscreen until the sign-in window is shown.
# Usage: scripts/smoke_build.sh        (from the repository root; uses .venv if present)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
DIST=build/dist
"$PY" -m PyInstaller build.spec --noconfirm --distpath "$DIST" --workpath build/work >build/pyinstaller.log 2>&1 \
  || { tail -40 build/pyinstaller.log; exit 1; }
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
# A demo site, so the bundle comes up at the sign-in window (an empty folder would show first-run setup).
"$PY" -c "import sys; from pathlib import Path; from app.services.site import create_demo_site; \
create_demo_site(Path(sys.argv[1]), with_staff=False)" "$DATA/site"
OUT=$(QT_QPA_PLATFORM=offscreen timeout 60 "$DIST/sayyar/sayyar" --data-dir "$DATA/site" --smoke-test 2>&1) || {
  echo "$OUT"; echo "FAIL: the bundled app did not start"; exit 1; }
echo "$OUT" | grep -q "smoke-test: first window shown" || { echo "$OUT"; echo "FAIL: no sign-in window"; exit 1; }
du -sh "$DIST/sayyar" | awk '{print "bundle size: " $1}'
echo "PASS: the bundled app reached the sign-in window"
