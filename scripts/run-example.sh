#!/usr/bin/env bash
# The main job: the seed's python example through the reference engine on a real Docker engine.
# Provisions the engine and the local images when missing, then runs
#   bin/workflow run examples/run_python_analysis.yaml --config examples/container-runner.yaml
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/ensure-docker.sh >&2
scripts/ensure-images.sh >&2
exec bin/workflow run examples/run_python_analysis.yaml --config examples/container-runner.yaml "$@"
