#!/usr/bin/env bash
# The soak (not part of the test run): N tasks (default 500) through the reference engine at
# concurrency 8, mixing successes, non-zero exits, timeouts, OOM kills and denied images.
# Prints counts by kind, leftovers, heap/threads/fds before and after; exits 1 on any leak or wrong result.
#   scripts/soak.sh [N]                 on the Docker engine
#   scripts/soak.sh N kubernetes        the same tasks as Jobs on the local cluster (scripts/ensure-k8s.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/ensure-docker.sh >&2
scripts/ensure-images.sh >&2
mvn -B -q -Dstyle.color=never -DskipTests -DskipITs install >&2
BACKEND=${2:-docker}
[ "$BACKEND" = kubernetes ] && scripts/ensure-k8s.sh up >/dev/null
java -Xmx256m -cp "examples/target/classes:reference-engine/target/workflow-engine.jar" \
  dev.containerrunner.examples.Soak "${1:-500}" plugin-container-runner/target/plugin "$BACKEND"
if [ "$BACKEND" = kubernetes ]; then
  left=$(scripts/ensure-k8s.sh leaks)
  echo "  leftover Kubernetes objects: $left"
  [ "$left" = 0 ] || exit 1
fi
