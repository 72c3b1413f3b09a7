#!/usr/bin/env bash
# Benchmarks (not part of the test run): the runner against raw docker-java, the docker CLI and
# Testcontainers, measured in the same run on the same local image; prints a markdown table with
# ratios and writes it to benchmarks/last-run.md.
#   benchmarks/run.sh [RUNS=30] [THROUGHPUT_TASKS=200] [SECTIONS=overhead,throughput,flood,files]
# SECTIONS may also name "kubernetes": the Kubernetes backend against a bare fabric8 Job on the
# local cluster (scripts/ensure-k8s.sh), with the Docker backend for context; and "podjob": per-task
# latency of a bare Pod, a bare Job, the runner's paused-Job path and a Pod-first path against
# run_container on Kubernetes, interleaved (RUNS repetitions each):  benchmarks/run.sh 15 0 podjob
# (the cluster should be otherwise idle: it counts what is left in the namespace afterwards);
# "telemetry": one-task workflows with OpenTelemetry off (the API's no-op) and on (an SDK exporting spans and metrics), alternating.
# SECTIONS may also name "inputs": 100 MiB and 1 GiB through inputs + collect_output (upload_to_s3) against
# an SDK GET + docker cp in/out + SDK PUT of the same bytes, both on an S3Proxy started in the JVM.
# SECTIONS=validation alone needs no Docker: the engine's validation and scheduling cost for 10k and
# 100k-task workflows (a chain and a fan-out) with a no-op app; RUNS is then the number of repeats and
# THROUGHPUT_TASKS the largest workflow that is also run:  benchmarks/run.sh 3 100000 validation
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [ "${3:-}" = validation ]; then
  mvn -B -q -Dstyle.color=never -DskipTests -DskipITs package -pl reference-engine,benchmarks -am >&2
  exec java -Xmx2g -cp "benchmarks/target/classes:reference-engine/target/workflow-engine.jar" \
    dev.containerrunner.benchmarks.ValidationBench "${1:-3}" "${2:-100000}"
fi
scripts/ensure-docker.sh >&2
scripts/ensure-images.sh >&2
case "${3:-}" in *kubernetes*|*podjob*) scripts/ensure-k8s.sh up >/dev/null ;; esac
mvn -B -q -Dstyle.color=never -DskipTests -DskipITs install >&2
(cd benchmarks && mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2)
# Testcontainers without a registry: no Ryuk sidecar (it would be pulled), talk to the local engine
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
# this tree's own modules first: the local repository may meanwhile hold another checkout's install
exec java -Xmx2g -cp "benchmarks/target/classes:reference-engine/target/reference-engine-0.1.0-SNAPSHOT.jar:spi/target/spi-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/classpath.txt)" \
  dev.containerrunner.benchmarks.Bench "${1:-30}" "${2:-200}" plugin-container-runner/target/plugin \
  "${3:-overhead,throughput,flood,files}"
