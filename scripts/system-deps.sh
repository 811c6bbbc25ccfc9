#!/bin/sh
# Installs the Debian packages Sayyar's app and tests need, if any is missing. Needs root (or sudo) on Debian/Ubuntu;
# elsewhere it only says what to install.
PKGS="poppler-utils libzbar0 chromium libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0 xvfb"
command -v dpkg-query >/dev/null 2>&1 || { echo "Not Debian: make sure poppler (pdftoppm) and zbar are installed."; exit 0; }
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing system packages:$missing"
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
