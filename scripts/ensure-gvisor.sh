#!/usr/bin/env bash
# Register gVisor (Debian's runsc) as a Docker runtime named "runsc", WITHOUT restarting dockerd:
# installs runsc when missing, merges runtimes.runsc into /etc/docker/daemon.json (everything else
# in the file is kept; the file is created when missing), sends dockerd SIGHUP (it reloads its
# runtimes) only when the file changed or the engine does not list runsc yet, and waits until
# `docker info` lists it. Does nothing, quickly, when runsc is already registered.
#
#   scripts/ensure-gvisor.sh [up]     register (idempotent)
#   scripts/ensure-gvisor.sh status   exit 0 when the engine lists the runsc runtime
#   scripts/ensure-gvisor.sh check    up, then run a container under runsc and print its output
#
# gVisor works here only WITHOUT network: the runtime is registered with --network=none and
# containers must be started with `--network none` (with a network, runsc fails: "cannot run with
# network enabled in root network namespace"). crun fails on this host's hybrid cgroups: not registered.
# Needs root and a local engine started by scripts/ensure-docker.sh (pid in /var/run/docker.pid).
set -euo pipefail
DAEMON_JSON=${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}
PIDFILE=/var/run/docker.pid
RUNSC=/usr/bin/runsc
IMAGE=${BUSYBOX_IMAGE:-container-runner-test/busybox:1.35-debian}

log() { echo "[ensure-gvisor] $*" >&2; }
die() { log "$*"; exit 1; }

registered() { docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc":'; }

# the file already holds exactly our runsc entry
file_current() {
  [ -f "$DAEMON_JSON" ] && python3 - "$DAEMON_JSON" "$RUNSC" <<'PY' 2>/dev/null
import json, sys
with open(sys.argv[1]) as f:
    entry = json.load(f).get("runtimes", {}).get("runsc")
sys.exit(0 if entry == {"path": sys.argv[2], "runtimeArgs": ["--network=none"]} else 1)
PY
}

install_runsc() {
  [ -x "$RUNSC" ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "runsc is missing and there is no apt-get here"
  log "installing Debian's runsc ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends runsc >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends runsc >/dev/null; }
  [ -x "$RUNSC" ] || die "the runsc package did not install $RUNSC"
}

# merge runtimes.runsc into daemon.json; prints "changed" when the file was written
merge_daemon_json() {
  mkdir -p "$(dirname "$DAEMON_JSON")"
  python3 - "$DAEMON_JSON" "$RUNSC" <<'PY'
import json, os, sys, tempfile
path, runsc = sys.argv[1], sys.argv[2]
config = {}
if os.path.exists(path):
    with open(path) as f:
        text = f.read()
    if text.strip():
        try:
            config = json.loads(text)
        except ValueError as e:
            sys.exit(f"[ensure-gvisor] {path} is not valid JSON ({e}); fix it first, nothing changed")
    if not isinstance(config, dict):
        sys.exit(f"[ensure-gvisor] {path} does not hold a JSON object; nothing changed")
entry = {"path": runsc, "runtimeArgs": ["--network=none"]}
runtimes = config.setdefault("runtimes", {})
if not isinstance(runtimes, dict):
    sys.exit(f"[ensure-gvisor] {path}: \"runtimes\" is not an object; nothing changed")
if runtimes.get("runsc") == entry:
    sys.exit(0)
runtimes["runsc"] = entry
mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".daemon.json.")
with os.fdopen(fd, "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
os.chmod(tmp, mode)
os.replace(tmp, path)   # atomic: dockerd never reads a half-written file
print("changed")
PY
}

up() {
  if [ -x "$RUNSC" ] && file_current && registered; then log "runsc already registered"; return 0; fi
  [ "$(id -u)" = 0 ] || die "registering a runtime needs root"
  timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/ensure-docker.sh first"
  local pid changed t0
  pid=$(cat "$PIDFILE" 2>/dev/null) || die "no $PIDFILE: this script reloads only an engine started here (scripts/ensure-docker.sh)"
  if ! { [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q dockerd; }; then
    die "$PIDFILE names pid $pid, which is not dockerd"
  fi
  install_runsc
  changed=$(merge_daemon_json)
  if [ -n "$changed" ] || ! registered; then
    t0=$(date +%s%N)
    log "${changed:+$DAEMON_JSON updated; }reloading dockerd (SIGHUP to pid $pid, no restart)"
    kill -HUP "$pid"
    for _ in $(seq 1 50); do
      if registered; then
        log "runsc registered after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
        return 0
      fi
      sleep 0.2
    done
    die "dockerd did not list runsc within 10 s after SIGHUP; a reload error is in its log (/var/log/container-runner-dockerd.log)"
  fi
  log "runsc registered"
}

check() {
  up
  docker image inspect "$IMAGE" >/dev/null 2>&1 || die "$IMAGE is missing; run scripts/ensure-images.sh"
  local t0 out; t0=$(date +%s%N)
  out=$(docker run --rm --runtime runsc --network none "$IMAGE" echo ok) || die "a container under runsc failed"
  log "docker run --runtime runsc --network none: '$out' in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  echo "$out"
}

case "${1:-up}" in
  up) up ;;
  status) if registered; then echo "runsc: registered"; else echo "runsc: not registered"; exit 1; fi ;;
  check) check ;;
  *) echo "usage: $0 [up|status|check]" >&2; exit 2 ;;
esac
