#!/usr/bin/env bash
# Installs Debian's chromium (for the headless browser tests) when /usr/bin/chromium is missing.
# Idempotent: does nothing when it is there. Uses sudo when not run as root.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# Pages are in Simplified Chinese too: without a CJK font, screenshots show empty boxes.
CJK_FONT_PACKAGE="${CJK_FONT_PACKAGE:-fonts-noto-cjk}"

has_cjk_font() { command -v fc-list >/dev/null && fc-list :lang=zh-cn 2>/dev/null | grep -q .; }

if [[ -x "$CHROMIUM" ]] && has_cjk_font; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present) at $CHROMIUM"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "chromium.sh: need root or sudo to install chromium" >&2; exit 1; }
  SUDO="sudo"
fi

PACKAGES=()
[[ -x "$CHROMIUM" ]] || PACKAGES+=(chromium)
has_cjk_font || PACKAGES+=("$CJK_FONT_PACKAGE")
echo "chromium: installing Debian's ${PACKAGES[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
"$CHROMIUM" --version
