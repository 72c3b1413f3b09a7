#!/usr/bin/env bash
# Builds container_runner's secrets shim (plugin-container-runner/src/main/shim/secrets-shim.c) into
# the static x86-64 binary the Docker backend copies into containers that use secrets, and records
# its SHA-256 next to it (checked when the plugin loads it). Needs gcc and glibc's static library
# (Debian: apt-get install gcc libc6-dev). The binary is committed, so building the plugin needs no
# C compiler; run this after changing the source.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=$ROOT/plugin-container-runner/src/main/shim/secrets-shim.c
OUT=$ROOT/plugin-container-runner/src/main/resources/dev/containerrunner/plugin/docker/secrets-shim-amd64
[ "$(uname -m)" = x86_64 ] || { echo "build on x86-64 (the binary is x86-64)" >&2; exit 2; }
gcc -std=c11 -O2 -Wall -Wextra -Werror -static -s -fno-ident -Wl,--build-id=none -o "$OUT.tmp" "$SRC"
mv "$OUT.tmp" "$OUT"
sha256sum "$OUT" | cut -d' ' -f1 > "$OUT.sha256"
echo "built $OUT ($(stat -c %s "$OUT") bytes, sha256 $(cat "$OUT.sha256"))"
