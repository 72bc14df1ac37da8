#!/bin/sh
# Checks the built handouts of this course against their own lesson's checklist: document language Polish,
# a title in the properties, headings as styles, and every table's first row marked as a repeating header row.
# The sources set the language with lang="pl" on <body> (LibreOffice imports a <meta> as a comment) and mark
# header rows with <thead>. Run it after scripts/handouts/build.sh.
set -eu
cd "$(dirname "$0")/../../.."
status=0
for f in courses/dostepnosc-cyfrowa-w-urzedzie/handouts/*.docx; do
  styles=$(unzip -p "$f" word/styles.xml)
  doc=$(unzip -p "$f" word/document.xml)
  tables=$(printf '%s' "$doc" | grep -o '<w:tbl>' | wc -l)
  headers=$(printf '%s' "$doc" | grep -o '<w:tblHeader' | wc -l)
  problems=""
  printf '%s' "$styles" | grep -q 'w:lang w:val="pl-PL"' || problems="$problems language-not-pl"
  printf '%s' "$styles" | grep -q 'w:lang w:val="en-US"' && problems="$problems language-en-US"
  unzip -p "$f" docProps/core.xml | grep -q '<dc:title>[^<]' || problems="$problems no-title"
  printf '%s' "$doc" | grep -q 'w:pStyle w:val="Heading1"' || problems="$problems no-heading-1"
  unzip -l "$f" | grep -q "word/comments.xml" && problems="$problems has-comments"
  [ "$tables" -eq "$headers" ] || problems="$problems tables:$tables-header-rows:$headers"
  if [ -n "$problems" ]; then echo "FAIL $f:$problems"; status=1; else echo "ok   $f"; fi
done
exit $status
