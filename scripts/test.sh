#!/usr/bin/env bash
# Runs every test: unit tests (*Test, surefire) and real-engine integration tests (*IT, failsafe).
# Provisions what they need first (a Docker engine, the local test images, a private registry, a
# real single-node Kubernetes for the Kubernetes backend's tests), and afterwards checks that no container, volume,
# Job, pod, Secret or NetworkPolicy labelled by the runner was left behind.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/ensure-docker.sh
scripts/ensure-images.sh
# a real private registry (TLS, htpasswd) on [::1] for the registry tests; ~0.1 s when ready
scripts/ensure-registry.sh up >/dev/null
eval "$(scripts/ensure-registry.sh env)"
# gVisor's runsc as the Docker runtime "runsc" (GvisorBehaviourIT): registered once, no engine restart
scripts/ensure-gvisor.sh
# Debian's Prometheus binary for MetricsCliIT (never started as a service)
scripts/ensure-prometheus.sh >/dev/null
# builds once per machine (cached in /var/cache/container-runner/k8s), then starts in ~20 s
CONTAINER_RUNNER_KUBECONFIG=$(scripts/ensure-k8s.sh up)
export CONTAINER_RUNNER_KUBECONFIG
# the fault tests may kill and restart the engine this script provisioned
export CONTAINER_RUNNER_FAULT_TESTS=${CONTAINER_RUNNER_FAULT_TESTS:-1}
mvn -B -Dstyle.color=never ${MVN_ARGS:-} verify "$@"
scripts/check-structure.sh
left_c=$(docker ps -aq --filter label=dev.containerrunner.managed-by=container_runner | wc -l)
left_v=$(docker volume ls -q --filter label=dev.containerrunner.managed-by=container_runner | wc -l)
if [ "$left_c" != 0 ] || [ "$left_v" != 0 ]; then
  echo "LEAK: $left_c labelled containers and $left_v labelled volumes remain after the tests" >&2
  docker ps -a --filter label=dev.containerrunner.managed-by=container_runner >&2
  exit 1
fi
left_k=$(scripts/ensure-k8s.sh leaks)
if [ "$left_k" != 0 ]; then
  echo "LEAK: $left_k runner objects remain in the test cluster's namespace" >&2
  exit 1
fi
echo "no labelled containers, volumes or Kubernetes objects left behind"
