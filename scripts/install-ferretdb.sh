#!/usr/bin/env bash
# Installs the embedded default database, FerretDB v1.24 (SQLite backend), into a cache folder
# outside the work tree, so fresh clones on the same machine (CI's among them) reuse one build.
# Does nothing when MONGODB_URI is set or the binary is already there.
set -euo pipefail

if [ -n "${MONGODB_URI:-}" ]; then
  echo "install-ferretdb: MONGODB_URI is set, the embedded FerretDB is not needed."
  exit 0
fi

# FerretDB v1.24.1 is what we asked for, but the Go module proxy refuses it ("403 This module version
# is not available"); v1.24.2 is the same line with bug fixes only, so we pin that.
VERSION="${FERRETDB_VERSION:-v1.24.2}"
# The build carries one patch (below); its name is part of the folder so that a cache holding the unpatched
# build of an earlier checkout is not taken for this one. Must match defaultFerretDbBinary() in
# src/db/embedded-ferretdb.ts.
PATCH="id-index"
CACHE_DIR="$HOME/.cache/akademia-jst"
TARGET_DIR="$CACHE_DIR/ferretdb-$VERSION-$PATCH"
BINARY="$TARGET_DIR/ferretdb"

if [ -x "$BINARY" ] && "$BINARY" --version >/dev/null 2>&1; then
  echo "install-ferretdb: FerretDB $VERSION already installed at $BINARY"
  exit 0
fi

PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
install-ferretdb: cannot install the embedded database: Go is not installed.
Do one of these:
  - set MONGODB_URI to a MongoDB you run (e.g. MONGODB_URI=mongodb://localhost:27017/akademia), or
  - install Go 1.22+ (https://go.dev/doc/install) and run this again, or
  - run the whole stack with Docker: docker compose up
MSG
  exit 1
fi

export GOTOOLCHAIN=local GOFLAGS=-mod=mod
echo "install-ferretdb: building FerretDB $VERSION with $(go version) (takes about a minute, once)..."

# `go install …/cmd/ferretdb@VERSION` fails here in two ways: the proxy answers 403 to the module's
# version list (which go install reads to check deprecation), and a module build lacks
# build/version/version.txt, which FerretDB panics without. So: download the module, copy it, add the
# version file and build from that copy.
SRC=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$SRC" ] || [ ! -d "$SRC" ]; then
  echo "install-ferretdb: could not download github.com/FerretDB/FerretDB@$VERSION from the Go module proxy" >&2
  exit 1
fi
WORK=$(mktemp -d)
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cp -r "$SRC" "$WORK/ferretdb"
chmod -R u+w "$WORK/ferretdb"
echo "$VERSION" > "$WORK/ferretdb/build/version/version.txt"
# The patch: FerretDB 1.24's SQLite backend creates the unique `_id` index on the expression
# `_ferretdb_sjson->"_id"` but filters, updates and deletes by `_ferretdb_sjson->'$._id'`. Both name the same
# JSON value, but SQLite uses an expression index only for the expression it was built on, so every look-up by
# `_id` walked the whole table (EXPLAIN QUERY PLAN: SCAN; 230 ms at 15,000 documents). Writing the look-up as
# the index is written (`->'_id'` is SQLite's short form of `->'$._id'`) makes it SEARCH USING INDEX (about 3 ms
# at 45,000). Databases written by the unpatched build work unchanged: the stored indexes are the same.
# docs/database.md, "The embedded database's `_id` index".
METADATA="$WORK/ferretdb/internal/backends/sqlite/metadata/metadata.go"
sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$METADATA"
if ! grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$METADATA"; then
  echo "install-ferretdb: the _id index patch no longer applies to FerretDB $VERSION ($METADATA); see the comment above it" >&2
  exit 1
fi
mkdir -p "$TARGET_DIR"
(cd "$WORK/ferretdb" && go build -trimpath -o "$BINARY.tmp" ./cmd/ferretdb)
mv "$BINARY.tmp" "$BINARY"
echo "install-ferretdb: installed $("$BINARY" --version | head -1) at $BINARY"
