#!/usr/bin/env bash
# The plugin's structure rules, checked on the built classes (run after `mvn compile` or `verify`):
#   - no main class of the plugin over 300 lines;
#   - the backend packages are peers: `docker` and `kubernetes` never import each other, and the
#     backend-neutral `execution` package imports neither;
#   - no package cycle inside the plugin.
# Package dependencies come from jdeps (the JDK's class dependency analyser) on target/classes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=$ROOT/plugin-container-runner/src/main/java
CLASSES=$ROOT/plugin-container-runner/target/classes
MAX_LINES=${MAX_LINES:-300}
P=dev.containerrunner.plugin
fail=0

[ -d "$CLASSES/dev" ] || { echo "no compiled classes in $CLASSES: run mvn compile first" >&2; exit 2; }

while read -r lines file; do
  [ "$file" = total ] && continue
  if [ "$lines" -gt "$MAX_LINES" ]; then
    echo "TOO LONG: $file has $lines lines (max $MAX_LINES)"; fail=1
  fi
done < <(find "$SRC" -name '*.java' -print0 | xargs -0 wc -l)

edges=$(jdeps -verbose:package -filter:none -e "${P//./\\.}.*" "$CLASSES" | awk -v p="$P" '$1 ~ "^"p && $2 == "->" {print $1, $3}' | sort -u | awk '$1 != $2')
for rule in "$P.docker $P.kubernetes" "$P.kubernetes $P.docker" "$P.execution $P.docker" "$P.execution $P.kubernetes"; do
  if grep -qx "$rule" <<<"$edges"; then
    echo "FORBIDDEN DEPENDENCY: ${rule/ / -> }"; fail=1
  fi
done
# a cycle exists when tsort cannot order the package graph
if ! cycles=$(tsort <<<"$edges" 2>&1 >/dev/null) || [ -n "$cycles" ]; then
  echo "PACKAGE CYCLE: $cycles"; fail=1
fi

if [ "${1:-}" = "--print" ]; then
  echo "package dependencies inside the plugin (jdeps), relative to $P:"
  awk -v p="$P." '{a = $1; b = $2; sub(p, "", a); sub(p, "", b); if (a == substr(p, 1, length(p) - 1)) a = "(root)"; print "  " a " -> " b}' <<<"$edges"
fi
if [ "$fail" = 0 ]; then
  echo "structure ok: no plugin class over $MAX_LINES lines, backends are peers, no package cycle"
fi
exit $fail
