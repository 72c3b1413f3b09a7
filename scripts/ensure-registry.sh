#!/usr/bin/env bash
# A real private registry on loopback for tests and CI: Debian's docker-registry (the CNCF
# distribution registry 2.8) with htpasswd (bcrypt) auth and TLS from a CA this script generates,
# trusted by the engine through /etc/docker/certs.d/HOST:PORT/ca.crt (read per pull: no restart).
# Test code never mocks a registry; it uses this one.
#
# It is served as registry.container-runner.test:5443 on [::1] only: the name is added to /etc/hosts
# as "::1 registry.container-runner.test" (nothing else in that file changes). Why not 127.0.0.1:
# Docker 20.10 treats every registry whose address is in 127.0.0.0/8 as insecure (built in, not
# configurable): it does not verify TLS there and, after a 401, retries over plain HTTP, so a pull
# without credentials fails with "connection reset by peer" / "Client sent an HTTP request to an
# HTTPS server" instead of saying that credentials are missing. A name that resolves to ::1 alone is
# outside 127.0.0.0/8: the engine verifies the certificate against certs.d (without it: "x509:
# certificate signed by unknown authority") and a pull without credentials says "no basic auth
# credentials" (measured). A literal "[::1]:5443/..." does not work: Docker 20.10's reference parser
# refuses IPv6 literals ("invalid reference format"). Loopback IPv6 (::1) must be enabled.
#
#   scripts/ensure-registry.sh [up]   install/generate what is missing, start the registry, push the
#                                     test images; prints HOST:PORT. Nothing to do -> well under 1 s
#   scripts/ensure-registry.sh down   stop the registry (state, images and credentials are kept)
#   scripts/ensure-registry.sh status exit 0 when it answers (401 without, 200 with credentials)
#                                     and the test images are there
#   scripts/ensure-registry.sh env    shell exports for tests: eval "$(scripts/ensure-registry.sh env)"
#
# Pushed (the local tags are removed again, so a run naming these really pulls through the registry):
#   registry.container-runner.test:PORT/test/busybox:1.35      <- container-runner-test/busybox:1.35-debian
#   registry.container-runner.test:PORT/test/python:3.11-slim  <- python:3.11-slim (the local stand-in)
#
# State in $CONTAINER_RUNNER_REGISTRY_DIR (default /var/cache/container-runner/registry): ca.crt/ca.key,
# server.crt/server.key (SANs DNS:registry.container-runner.test, IP:::1, IP:127.0.0.1, DNS:localhost),
# alice.password (0600, random), htpasswd, config.yml, data/, registry.log, registry.pid.
# Port: $CONTAINER_RUNNER_REGISTRY_PORT (default 5443).
# The only user is alice. No credentials are ever written to ~/.docker/config.json: logins use a
# throw-away DOCKER_CONFIG directory.
#
# Tests that need more images/tags in the registry push them the same way, e.g.
#   eval "$(scripts/ensure-registry.sh env)"; cfg=$(mktemp -d)
#   docker --config "$cfg" login -u "$CONTAINER_RUNNER_REGISTRY_USER" --password-stdin \
#     "$CONTAINER_RUNNER_REGISTRY" < "$CONTAINER_RUNNER_REGISTRY_PASSWORD_FILE"
#   docker tag IMAGE "$CONTAINER_RUNNER_REGISTRY/test/NAME:TAG"
#   docker --config "$cfg" push "$CONTAINER_RUNNER_REGISTRY/test/NAME:TAG"
#   docker rmi "$CONTAINER_RUNNER_REGISTRY/test/NAME:TAG"; rm -rf "$cfg"   # untag only; logout = rm
# or from Java with docker-java's push/pull commands and an AuthConfig (sent per request as
# X-Registry-Auth; nothing is stored). The registry API itself (https://HOST:PORT/v2/..., basic auth,
# --cacert "$CONTAINER_RUNNER_REGISTRY_CA") serves manifests and blobs for retagging without docker.
#
# Measured answers of the engine: no credentials -> "no basic auth credentials"; wrong password ->
# "unauthorized: authentication required"; unknown tag -> "manifest unknown"; registry stopped ->
# "connect: connection refused".
#
# The Kubernetes test cluster (scripts/ensure-k8s.sh) pulls through the kubelet's dockershim on this
# same engine, so the same name, /etc/hosts entry and certs.d trust apply; its pods need an
# imagePullSecret (kubernetes.io/dockerconfigjson) for registry.container-runner.test:PORT.
#
# Needs root (apt, /etc/docker/certs.d) and a running engine (scripts/ensure-docker.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${CONTAINER_RUNNER_REGISTRY_DIR:-/var/cache/container-runner/registry}
PORT=${CONTAINER_RUNNER_REGISTRY_PORT:-5443}
NAME=registry.container-runner.test   # resolves to ::1 only, through /etc/hosts
HOST=$NAME:$PORT
URL=https://$HOST
USER_NAME=alice
PASSWORD_FILE=$DIR/$USER_NAME.password
CA=$DIR/ca.crt
PIDFILE=$DIR/registry.pid
LOG=$DIR/registry.log
PUSHED=$DIR/pushed           # lines: SOURCE IMAGE-ID TARGET DIGEST, as last pushed
BUSYBOX=${BUSYBOX_IMAGE:-container-runner-test/busybox:1.35-debian}
PYTHON=${PYTHON_IMAGE:-python:3.11-slim}
IMAGES="$BUSYBOX=test/busybox:1.35 $PYTHON=test/python:3.11-slim"   # SOURCE=REPO:TAG
ACCEPT='application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json'

log() { echo "[ensure-registry] $*" >&2; }
die() { log "$*"; exit 1; }

# --- checks (no side effects) ---------------------------------------------------------------

# HTTP status of GET /v2/ without credentials
code_anonymous() { curl -s -o /dev/null -m 5 --cacert "$CA" -w '%{http_code}' "$URL/v2/" 2>/dev/null || true; }

# authenticated requests; the password goes through curl's stdin config, never on a command line
curl_auth() { # curl_auth CURL-ARGS...
  printf 'user = "%s:%s"\n' "$USER_NAME" "$(cat "$PASSWORD_FILE")" | curl -s -m 5 --cacert "$CA" -K - "$@"
}
code_authenticated() { curl_auth -o /dev/null -w '%{http_code}' "$URL/v2/" 2>/dev/null || true; }

# digest of REPO:TAG in the registry, empty when absent
remote_digest() {
  local repo=${1%:*} tag=${1##*:} out
  out=$(curl_auth -I -o /dev/null -H "Accept: $ACCEPT" -w '%{http_code} %header{docker-content-digest}' \
    "$URL/v2/$repo/manifests/$tag" 2>/dev/null) || true
  [ "${out%% *}" = 200 ] && echo "${out#* }"
  return 0
}

local_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

recorded() { # recorded SOURCE TARGET -> "IMAGE-ID DIGEST" of the last push
  [ -f "$PUSHED" ] && awk -v s="$1" -v t="$2" '$1==s && $3==t {print $2, $4}' "$PUSHED"
  return 0
}

# the test image SOURCE is in the registry as TARGET, pushed from the image SOURCE names now
image_current() { # image_current SOURCE TARGET
  local rec id digest
  rec=$(recorded "$1" "$2"); [ -n "$rec" ] || return 1
  id=$(local_id "$1"); digest=$(remote_digest "$2")
  [ -n "$id" ] && [ -n "$digest" ] && [ "$rec" = "$id $digest" ]
}

certs_installed() {
  cmp -s "$CA" "/etc/docker/certs.d/$HOST/ca.crt"
}

# the name resolves to ::1 and nothing else (so the engine does not count the registry as insecure)
name_resolves() { [ "$(getent ahosts "$NAME" 2>/dev/null | awk '{print $1}' | sort -u | tr '\n' ' ')" = "::1 " ]; }

answers() { [ -r "$PASSWORD_FILE" ] && [ "$(code_anonymous)" = 401 ] && [ "$(code_authenticated)" = 200 ]; }

# The fast path: one curl (401 without credentials, 200 with, the test manifests' digests) and one
# docker call (the source images' ids), compared with what the last push recorded.
ready() {
  [ -r "$CA" ] && [ -r "$PASSWORD_FILE" ] && [ -s "$PUSHED" ] && certs_installed && name_resolves || return 1
  local pair src target rec sources=() urls=() expected_ids='' expected_answers=$'401\n200'
  for pair in $IMAGES; do
    src=${pair%%=*}; target=${pair#*=}
    rec=$(recorded "$src" "$target"); [ -n "$rec" ] || return 1
    sources+=("$src"); expected_ids+="${rec%% *}"$'\n'; expected_answers+=$'\n'"200 ${rec#* }"
    urls+=(-o /dev/null "$URL/v2/${target%:*}/manifests/${target##*:}")
  done
  [ "$(docker image inspect -f '{{.Id}}' "${sources[@]}" 2>/dev/null)"$'\n' = "$expected_ids" ] || return 1
  [ "$(printf 'user = "%s:%s"\n' "$USER_NAME" "$(cat "$PASSWORD_FILE")" | curl -s -m 5 --cacert "$CA" \
        -o /dev/null -w '%{http_code}\n' "$URL/v2/" --next \
        -s -m 5 --cacert "$CA" -K - -I -H "Accept: $ACCEPT" -w '%{http_code} %header{docker-content-digest}\n' \
        -o /dev/null "$URL/v2/" "${urls[@]}" 2>/dev/null | sed '2s/ $//')" = "$expected_answers" ]
}

# --- setup ----------------------------------------------------------------------------------

install_packages() {
  local missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "need ${missing[*]} and there is no apt-get here"
  log "installing ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  # Without a policy-rc.d the package's postinst starts its own registry (:5000, from /etc/init.d and
  # /etc/docker/registry/config.yml); this machine's registry is the one below, so stop that one.
  if [[ " ${missing[*]} " == *" docker-registry "* ]] && [ -f /var/run/docker-registry.pid ]; then
    /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  fi
}

# a CA valid for 10 years and a server certificate for the name, ::1, 127.0.0.1 and localhost signed by it (P-256 keys)
ensure_certificates() { # sets RESTART=1 when the server certificate was (re)made
  local tmp
  if [ ! -s "$DIR/ca.key" ] || [ ! -s "$CA" ] || ! openssl x509 -in "$CA" -noout -checkend 2592000 >/dev/null 2>&1; then
    log "generating a CA in $DIR"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/ca.key" 2>/dev/null
    chmod 600 "$DIR/ca.key"
    tmp=$(mktemp)
    printf '%s\n' '[req]' 'distinguished_name = dn' 'x509_extensions = ca' '[dn]' '[ca]' \
      'basicConstraints = critical, CA:TRUE, pathlen:0' 'keyUsage = critical, keyCertSign, cRLSign' \
      'subjectKeyIdentifier = hash' > "$tmp"
    openssl req -x509 -new -config "$tmp" -key "$DIR/ca.key" -sha256 -days 3650 \
      -subj "/CN=container_runner test registry CA $(hostname)" -out "$CA"
    rm -f "$tmp" "$DIR/server.crt"
  fi
  if [ ! -s "$DIR/server.key" ] || [ ! -s "$DIR/server.crt" ] \
      || ! openssl verify -CAfile "$CA" -verify_hostname "$NAME" "$DIR/server.crt" >/dev/null 2>&1 \
      || ! openssl x509 -in "$DIR/server.crt" -noout -checkend 2592000 >/dev/null 2>&1; then
    log "generating the server certificate (DNS:$NAME, IP:::1, IP:127.0.0.1, DNS:localhost)"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/server.key" 2>/dev/null
    tmp=$(mktemp)
    printf '%s\n' 'basicConstraints = critical, CA:FALSE' 'keyUsage = critical, digitalSignature' \
      'extendedKeyUsage = serverAuth' "subjectAltName = DNS:$NAME, IP:::1, IP:127.0.0.1, DNS:localhost" \
      'subjectKeyIdentifier = hash' 'authorityKeyIdentifier = keyid' > "$tmp"
    openssl req -new -key "$DIR/server.key" -subj /CN=localhost 2>/dev/null \
      | openssl x509 -req -CA "$CA" -CAkey "$DIR/ca.key" -CAcreateserial -CAserial "$DIR/ca.srl" \
          -sha256 -days 825 -extfile "$tmp" -out "$DIR/server.crt" 2>/dev/null
    rm -f "$tmp"
    RESTART=1
  fi
  chgrp "$RUN_GROUP" "$DIR/server.key"; chmod 640 "$DIR/server.key"
}

ensure_credentials() { # sets RESTART=1 when the htpasswd file was (re)written
  if [ ! -s "$PASSWORD_FILE" ]; then
    log "generating a password for $USER_NAME in $PASSWORD_FILE"
    (umask 077; openssl rand -hex 24 > "$PASSWORD_FILE.tmp") && mv "$PASSWORD_FILE.tmp" "$PASSWORD_FILE"
  fi
  chmod 600 "$PASSWORD_FILE"
  if [ -s "$DIR/htpasswd" ] && htpasswd -v -i "$DIR/htpasswd" "$USER_NAME" < "$PASSWORD_FILE" >/dev/null 2>&1; then
    chgrp "$RUN_GROUP" "$DIR/htpasswd"; chmod 640 "$DIR/htpasswd"
    return 0
  fi
  (umask 077; htpasswd -B -c -i "$DIR/htpasswd.tmp" "$USER_NAME" < "$PASSWORD_FILE" 2>/dev/null)
  chgrp "$RUN_GROUP" "$DIR/htpasswd.tmp"; chmod 640 "$DIR/htpasswd.tmp"
  mv "$DIR/htpasswd.tmp" "$DIR/htpasswd"
  RESTART=1
}

ensure_config() { # sets RESTART=1 when config.yml changed
  local new=$DIR/config.yml.tmp
  cat > "$new" <<YML
# written by scripts/ensure-registry.sh; edits are overwritten
version: 0.1
log: {level: error, formatter: text}   # plus one access-log line per request
storage:
  filesystem: {rootdirectory: $DIR/data}
  delete: {enabled: true}
  maintenance: {uploadpurging: {enabled: true, age: 24h, interval: 24h, dryrun: false}}
http:
  addr: "[::1]:$PORT"
  tls: {certificate: $DIR/server.crt, key: $DIR/server.key}
  headers: {X-Content-Type-Options: [nosniff]}
auth:
  htpasswd: {realm: container-runner-test-registry, path: $DIR/htpasswd}
YML
  if cmp -s "$new" "$DIR/config.yml"; then rm -f "$new"; return 0; fi
  mv "$new" "$DIR/config.yml"
  RESTART=1
}

install_trust() {
  mkdir -p "/etc/docker/certs.d/$HOST"
  cmp -s "$CA" "/etc/docker/certs.d/$HOST/ca.crt" || install -m 644 "$CA" "/etc/docker/certs.d/$HOST/ca.crt"
}

# "::1 NAME" in /etc/hosts (appended in place: /etc/hosts may be a bind mount); needs loopback IPv6
ensure_name() {
  grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null \
    || die "loopback IPv6 (::1) is disabled (net.ipv6.conf.lo.disable_ipv6); the registry is served on [::1]"
  name_resolves && return 0
  if getent ahosts "$NAME" >/dev/null 2>&1; then
    die "$NAME resolves to $(getent ahosts "$NAME" | awk '{print $1}' | sort -u | tr '\n' ' ')but must resolve to ::1 only; fix /etc/hosts"
  fi
  log "adding '::1 $NAME' to /etc/hosts"
  if [ -s /etc/hosts ] && [ "$(tail -c 1 /etc/hosts)" != "" ]; then echo >> /etc/hosts; fi   # the file may lack a final newline
  printf '::1 %s\n' "$NAME" >> /etc/hosts
  name_resolves || die "$NAME still does not resolve to ::1 after editing /etc/hosts"
}

# --- the process ----------------------------------------------------------------------------

# pid of our registry process, if it runs
running_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "docker-registry serve $DIR/config.yml" || return 1
  echo "$pid"
}

stop() {
  local pid
  pid=$(running_pid) || { rm -f "$PIDFILE"; return 0; }
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  if [ -d "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
}

start() {
  local t0 user=()
  t0=$(date +%s%N)
  # least privilege: run as the package's system user when it exists
  if [ "$RUN_GROUP" != root ]; then
    user=(setpriv --reuid=docker-registry --regid=docker-registry --init-groups --inh-caps=-all)
  fi
  if [ "$(stat -c %s "$LOG" 2>/dev/null || echo 0)" -gt 10485760 ]; then mv -f "$LOG" "$LOG.1"; fi
  # detached: the registry outlives the shell that started it and holds none of its descriptors
  # (exec chain keeps the pid)
  "$HERE/detach.sh" "${user[@]}" /usr/bin/docker-registry serve "$DIR/config.yml" >>"$LOG" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 100); do
    if [ "$(code_anonymous)" = 401 ]; then
      log "registry answering on $URL after $(( ($(date +%s%N) - t0) / 1000000 )) ms (log: $LOG)"
      return 0
    fi
    running_pid >/dev/null || break
    sleep 0.1
  done
  log "the registry did not answer on $URL; last lines of $LOG:"
  tail -n 20 "$LOG" >&2
  if ss -ltn "sport = :$PORT" 2>/dev/null | grep -q LISTEN; then
    log "port $PORT is taken by another process; set CONTAINER_RUNNER_REGISTRY_PORT"
  fi
  exit 1
}

# --- images ---------------------------------------------------------------------------------

push_images() {
  local pair src target id out digest docker_config stale=()
  for pair in $IMAGES; do image_current "${pair%%=*}" "${pair#*=}" || stale+=("$pair"); done
  [ ${#stale[@]} -gt 0 ] || return 0
  docker_config=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: the directory holds the login, remove it on any exit
  trap "docker --config '$docker_config' logout '$HOST' >/dev/null 2>&1 || true; rm -rf '$docker_config'" EXIT
  docker --config "$docker_config" login -u "$USER_NAME" --password-stdin "$HOST" < "$PASSWORD_FILE" >/dev/null 2>&1 \
    || die "docker login to $HOST failed"
  for pair in "${stale[@]}"; do
    src=${pair%%=*}; target=${pair#*=}
    id=$(local_id "$src")
    if [ -z "$id" ]; then
      log "$src is missing; running scripts/ensure-images.sh"
      "$HERE/ensure-images.sh" >&2
      id=$(local_id "$src"); [ -n "$id" ] || die "$src is still missing"
    fi
    log "pushing $src as $HOST/$target"
    docker tag "$id" "$HOST/$target"
    out=$(docker --config "$docker_config" push "$HOST/$target" 2>&1) || { docker rmi "$HOST/$target" >/dev/null 2>&1 || true; die "push failed: $out"; }
    digest=$(sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' <<<"$out" | tail -n 1)
    # untag, also the digest reference the push added: the engine keeps only the source's names
    docker rmi "$HOST/$target" "$HOST/${target%:*}@$digest" >/dev/null 2>&1 || true
    if [ -z "$digest" ] || [ "$(remote_digest "$target")" != "$digest" ]; then
      die "pushed $target but the registry does not serve it: $out"
    fi
    { [ -f "$PUSHED" ] && awk -v s="$src" -v t="$target" '!($1==s && $3==t)' "$PUSHED"; echo "$src $id $target $digest"; } > "$PUSHED.tmp"
    mv "$PUSHED.tmp" "$PUSHED"
  done
  docker --config "$docker_config" logout "$HOST" >/dev/null 2>&1 || true
  rm -rf "$docker_config"; trap - EXIT
}

# --- commands -------------------------------------------------------------------------------

up() {
  if ready 2>/dev/null; then log "registry $HOST ready (already running, images present)"; echo "$HOST"; return 0; fi
  [ "$(id -u)" = 0 ] || die "setting up the registry needs root (apt, /etc/docker/certs.d)"
  timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/ensure-docker.sh first"
  mkdir -p "$DIR"; chmod 755 "$DIR"
  exec 9>"$DIR/.lock"; flock 9      # one setup at a time; a concurrent caller finds it done
  if ready 2>/dev/null; then log "registry $HOST ready"; echo "$HOST"; return 0; fi
  local t0; t0=$(date +%s%N)
  RESTART=0
  install_packages
  RUN_GROUP=root; getent passwd docker-registry >/dev/null 2>&1 && RUN_GROUP=docker-registry
  mkdir -p "$DIR/data"; chown -R "$RUN_GROUP:$RUN_GROUP" "$DIR/data"
  ensure_certificates
  ensure_credentials
  ensure_config
  ensure_name
  install_trust
  if running_pid >/dev/null && [ "$RESTART" = 1 ]; then log "configuration changed: restarting the registry"; stop; fi
  if ! running_pid >/dev/null; then
    rm -f "$PIDFILE"; start
  elif ! answers; then
    log "the registry process does not answer as expected: restarting it"; stop; start
  fi
  answers || die "the registry answers, but not 401 without / 200 with credentials; see $LOG"
  push_images
  log "registry $HOST ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  echo "$HOST"
}

status() {
  local pair ok=0
  [ -r "$PASSWORD_FILE" ] || { echo "registry $URL: cannot read $PASSWORD_FILE (needs root, or not set up yet)"; return 1; }
  if [ "$(code_anonymous)" = 401 ] && [ "$(code_authenticated)" = 200 ]; then
    echo "registry $URL: answering (401 without, 200 with credentials), pid $(running_pid || echo '?')"
  else
    echo "registry $URL: not answering"; return 1
  fi
  for pair in $IMAGES; do
    if image_current "${pair%%=*}" "${pair#*=}"; then echo "  $HOST/${pair#*=}: present"
    else echo "  $HOST/${pair#*=}: missing or stale"; ok=1; fi
  done
  certs_installed || { echo "  /etc/docker/certs.d/$HOST/ca.crt: missing or different"; ok=1; }
  name_resolves || { echo "  $NAME: does not resolve to ::1 only (/etc/hosts)"; ok=1; }
  return $ok
}

env_exports() {
  printf 'export CONTAINER_RUNNER_REGISTRY=%q\n' "$HOST"
  printf 'export CONTAINER_RUNNER_REGISTRY_USER=%q\n' "$USER_NAME"
  printf 'export CONTAINER_RUNNER_REGISTRY_PASSWORD_FILE=%q\n' "$PASSWORD_FILE"
  printf 'export CONTAINER_RUNNER_REGISTRY_CA=%q\n' "$CA"
  printf 'export CONTAINER_RUNNER_REGISTRY_DIR=%q\n' "$DIR"
}

case "${1:-up}" in
  up) up ;;
  down) if running_pid >/dev/null; then stop; log "registry stopped (state kept in $DIR)"; else log "registry not running"; fi ;;
  status) status ;;
  env) env_exports ;;
  *) echo "usage: $0 [up|down|status|env]" >&2; exit 2 ;;
esac
