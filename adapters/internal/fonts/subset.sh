#!/usr/bin/env bash
# Rebuilds DroidSansFallbackGB.ttf, the Chinese font the PDFs embed, from Debian's
# fonts-droid-fallback: the full font (4 MB) cut to the characters of GB 2312 (the 6,763 common
# hanzi and its symbols, what customs names and goods are written in) and the CJK punctuation
# and fullwidth forms. Needs fonts-droid-fallback and python3-fonttools (apt-get install -y ...).
# Usage: bash adapters/internal/fonts/subset.sh
set -euo pipefail
cd "$(dirname "$0")"
src=${DROID_FALLBACK:-/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf}
python3 - > gb2312.txt <<'PY'
chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
print("".join(sorted(chars)))
PY
/usr/bin/python3 -m fontTools.subset "$src" --text-file=gb2312.txt --unicodes="U+3000-303F,U+FF00-FFEF" \
  --layout-features='' --no-hinting --output-file=DroidSansFallbackGB.ttf
rm gb2312.txt
ls -l DroidSansFallbackGB.ttf
