#!/bin/sh
# Builds the courses' editable handouts (DOCX) from the HTML sources in scripts/handouts/<course-id>/,
# and the figures (PNG) from the SVG sources, into courses/<course-id>/handouts/ and images/.
# Needs LibreOffice Writer (soffice) and, for figures, Chromium. Not part of CI: run it by hand after
# editing a source, look at the result, raise the course's version and commit sources and built files.
set -eu
cd "$(dirname "$0")/../.."
for src in scripts/handouts/*/*.html; do
  course=$(basename "$(dirname "$src")")
  out="courses/$course/handouts"
  mkdir -p "$out"
  # The StarWriter HTML filter opens the page as a text document (not Writer/Web), so DOCX export works.
  soffice --headless --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" --outdir "$out" "$src" >/dev/null
  echo "built $out/$(basename "$src" .html).docx"
done
for src in scripts/handouts/*/*.svg; do
  [ -e "$src" ] || continue
  course=$(basename "$(dirname "$src")")
  out="courses/$course/images/$(basename "$src" .svg).png"
  mkdir -p "courses/$course/images"
  # The window size is the SVG's own width and height, so the PNG is the figure at 1:1.
  size=$(sed -n 's/.*<svg[^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1,\2/p' "$src" | head -n 1)
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$size" \
    --screenshot="$PWD/$out" "file://$PWD/$src" >/dev/null 2>&1
  echo "built $out"
done
