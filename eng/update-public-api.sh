#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to
# PublicAPI.Unshipped.txt. Growing the public surface stays a deliberate act: review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
file=src/ResilientSse/PublicAPI.Unshipped.txt
dotnet build src/ResilientSse --no-incremental 2>&1 \
  | grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" \
  | sort -u > /tmp/public-api-new.txt || true
{ grep -v '^#nullable' "$file" || true; cat /tmp/public-api-new.txt; } | sort -u > /tmp/public-api-all.txt
{ echo '#nullable enable'; cat /tmp/public-api-all.txt; } > "$file"
echo "added $(wc -l < /tmp/public-api-new.txt) symbols to $file"
