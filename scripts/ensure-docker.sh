#!/usr/bin/env bash
# Make sure a Docker engine answers. Does nothing when one already does (DOCKER_HOST or the default
# socket). Otherwise, as root with apt, installs Debian's docker.io, starts dockerd in the background
# (no systemd needed) and waits until `docker info` answers.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG=${DOCKERD_LOG:-/var/log/container-runner-dockerd.log}

answers() { timeout 10 docker info >/dev/null 2>&1; }

if ! command -v docker >/dev/null 2>&1 || ! command -v dockerd >/dev/null 2>&1; then
  if answers 2>/dev/null; then echo "docker engine: already answering"; exit 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-docker: no Docker engine answers and I cannot install one here (need root and apt-get)." >&2
    echo "Install Docker yourself or point DOCKER_HOST at an engine." >&2
    exit 1
  fi
  echo "docker engine: installing Debian's docker.io ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q docker.io >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q docker.io >/dev/null; }
fi

if answers; then echo "docker engine: already answering ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"; exit 0; fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix:///var/run/docker.sock" ]; then
  echo "ensure-docker: DOCKER_HOST=$DOCKER_HOST does not answer; refusing to start a local engine in its place." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-docker: no engine answers on /var/run/docker.sock and starting dockerd needs root." >&2
  exit 1
fi

# A dockerd that was killed leaves its pid files; if their process is gone (or a zombie nobody
# reaped), a new dockerd refuses to start: remove them.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat")" != Z ]; }
for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
  if [ -f "$pidfile" ] && ! alive "$(cat "$pidfile" 2>/dev/null || echo 0)"; then
    echo "docker engine: removing stale $pidfile" >&2
    rm -f "$pidfile"
  fi
done
if pgrep -x dockerd >/dev/null 2>&1 && alive "$(pgrep -xo dockerd)"; then
  echo "ensure-docker: a dockerd process runs but does not answer on the socket; see $LOG" >&2
fi

echo "docker engine: starting dockerd (log: $LOG) ..." >&2
t0=$(date +%s%N)
# detached: the engine outlives the shell that started it and holds none of its descriptors
"$HERE/detach.sh" /usr/sbin/dockerd >>"$LOG" 2>&1 &
for _ in $(seq 1 240); do
  if answers; then
    echo "docker engine: ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms ($(docker version -f '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 0.25
done
echo "ensure-docker: dockerd did not answer within 60 s; last lines of $LOG:" >&2
tail -n 30 "$LOG" >&2
exit 1
