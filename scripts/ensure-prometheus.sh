#!/usr/bin/env bash
# Provide Debian's Prometheus server binary (package `prometheus`, 2.42 on Debian 12) for the
# end-to-end metrics test (MetricsCliIT), WITHOUT starting its system service: the test runs the
# binary itself on a free loopback port with a temporary configuration and data directory.
# Idempotent: does nothing, quickly, when the binary is there. Prints the binary's path.
#
#   scripts/ensure-prometheus.sh          install when missing (root + apt), print the path
#   scripts/ensure-prometheus.sh status   exit 0 when the binary is there
#
# The package's postinst would start (and enable) prometheus.service on :9090: while installing,
# a policy-rc.d that forbids service starts is put in place when the machine has none.
set -euo pipefail
BIN=${PROMETHEUS_BIN:-/usr/bin/prometheus}
POLICY=/usr/sbin/policy-rc.d

log() { echo "[ensure-prometheus] $*" >&2; }
die() { log "$*"; exit 1; }

present() { [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; }

case "${1:-up}" in
  status) present; exit ;;
  up) ;;
  *) die "usage: $0 [up|status]" ;;
esac

if present; then
  echo "$BIN"
  exit 0
fi
[ "$BIN" = /usr/bin/prometheus ] || die "PROMETHEUS_BIN=$BIN is not there; apt installs /usr/bin/prometheus only"
command -v apt-get >/dev/null 2>&1 || die "need Debian's prometheus package and there is no apt-get here"
[ "$(id -u)" = 0 ] || die "installing prometheus needs root"
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# ensure-prometheus.sh: no service starts while the package is installed\nexit 101\n' > "$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi
log "installing Debian's prometheus (its service is not started) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 \
  || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends prometheus >/dev/null; }
present || die "prometheus was installed but $BIN --version fails"
# the package enables its unit: on a systemd host it would start at the next boot; the tests run the binary themselves
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable prometheus.service >/dev/null 2>&1 || log "could not disable prometheus.service (it is enabled at boot)"
fi
log "$("$BIN" --version 2>&1 | head -1)"
echo "$BIN"
