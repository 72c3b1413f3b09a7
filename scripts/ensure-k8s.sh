#!/bin/bash
# A real single-node Kubernetes 1.20.2 on the local Docker engine, for the Kubernetes backend's tests
# and examples: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and a kubelet using
# dockershim, all built from Debian bookworm's own "kubernetes" source package (no registry needed).
#
#   scripts/ensure-k8s.sh up       build once (cached), start the cluster, print the kubeconfig path
#   scripts/ensure-k8s.sh down     stop it and remove its pods, state and mounts
#   scripts/ensure-k8s.sh build    only build (idempotent: skipped when the binaries exist)
#   scripts/ensure-k8s.sh status   exit 0 when the API server answers and the node is Ready
#   scripts/ensure-k8s.sh leaks    print how many runner Jobs/pods/Secrets/NetworkPolicies exist
#
# The build (~5-9 min cold) is cached outside the work tree in $CONTAINER_RUNNER_K8S_DIR
# (default /var/cache/container-runner/k8s) and reused by every later run on the machine.
# Needs root, Debian 12 and a running Docker engine (scripts/ensure-docker.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${CONTAINER_RUNNER_K8S_DIR:-/var/cache/container-runner/k8s}
BIN=$DIR/bin
RUN=$DIR/run
SRC=$DIR/gopath/src/k8s.io/kubernetes
DEB_VERSION=1.20.5+really1.20.2-1.1+deb12u1
PAUSE_IMAGE=local/pause:3.4.1
API=https://127.0.0.1:6443
TOKEN=container-runner-admin-token
NAMESPACE=${CONTAINER_RUNNER_K8S_NAMESPACE:-container-runner}
COMPONENTS="kube-apiserver kube-controller-manager kube-scheduler kubelet"

log() { echo "[ensure-k8s] $*" >&2; }

api() { curl -skf -H "Authorization: Bearer $TOKEN" "$@"; }

built() {
  for c in $COMPONENTS; do [ -x "$BIN/$c" ] || return 1; done
  docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1
}

build() {
  if built; then log "binaries present in $BIN"; return 0; fi
  local started; started=$(date +%s)
  log "building Kubernetes 1.20.2 from Debian's source package into $DIR (one-time, several minutes)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q golang-go etcd-server golang-github-modern-go-reflect2-dev rsync gcc libc6-dev dpkg-dev curl openssl >/dev/null
  if ! apt-cache showsrc kubernetes 2>/dev/null | grep -q really1.20.2; then
    # source entries mirroring the machine's binary entries
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/container-runner-src.sources
    apt-get update -q >/dev/null
  fi
  export GO111MODULE=off GOPATH=$DIR/gopath CGO_ENABLED=0 GOCACHE=$DIR/gocache
  mkdir -p "$DIR/dl" "$BIN" "$(dirname "$SRC")" "$GOCACHE"
  if [ ! -d "$SRC/cmd" ]; then
    (cd "$DIR/dl" && apt-get source -q --download-only "kubernetes=$DEB_VERSION" >/dev/null)
    tar -C "$DIR" -xzf "$DIR"/dl/kubernetes_*.orig.tar.gz
    ln -sfn "$DIR/kubernetes-1.20.2" "$SRC"
  fi
  cd "$SRC"
  # Go >= 1.18 crashes the vendored reflect2 1.0.1: use Debian's 1.0.2.
  local reflect=vendor/github.com/modern-go/reflect2
  rm -f $reflect/*.go $reflect/*.s
  cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go /usr/share/gocode/src/github.com/modern-go/reflect2/*.s $reflect/
  # The tarball reports v0.0.0-master; clients and the node need a real version.
  for f in staging/src/k8s.io/component-base/version/base.go staging/src/k8s.io/client-go/pkg/version/base.go; do
    sed -i -E 's/gitMajor string( = "[0-9]*")?/gitMajor string = "1"/; s/gitMinor string( = "[0-9]*")?/gitMinor string = "20"/; s/"v0\.0\.0-master\+[0-9a-f]+"/"v1.20.2"/' "$f"
  done
  # This machine refuses negative oom_score_adj values; the kubelet must not ask for them.
  sed -i 's/guaranteedOOMScoreAdj int = -997/guaranteedOOMScoreAdj int = 0/' pkg/kubelet/qos/policy.go
  sed -i 's/defaultSandboxOOMAdj int = -998/defaultSandboxOOMAdj int = 0/' pkg/kubelet/dockershim/docker_sandbox.go
  if [ ! -f pkg/generated/openapi/zz_generated.openapi.go ]; then
    mkdir -p _output/local/go && ln -sfn "$GOCACHE" _output/local/go/cache
    make gen_openapi >/dev/null
  fi
  for c in $COMPONENTS; do
    if [ ! -x "$BIN/$c" ]; then
      go build -ldflags '-s -w' -o "$BIN/$c.tmp" "./cmd/$c"
      mv "$BIN/$c.tmp" "$BIN/$c"
    fi
  done
  # The pod sandbox ("pause") image, built from the same sources and imported (no registry).
  if ! docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then
    mkdir -p "$DIR/pause"
    gcc -Os -static -o "$DIR/pause/pause" build/pause/linux/pause.c -DVERSION=3.4.1
    tar -C "$DIR/pause" -cf "$DIR/pause.tar" pause
    docker import -c 'ENTRYPOINT ["/pause"]' "$DIR/pause.tar" "$PAUSE_IMAGE" >/dev/null
  fi
  log "built in $(( $(date +%s) - started )) s"
}

node_ready() {
  api "$API/api/v1/nodes/localhost" 2>/dev/null | tr -d ' \n' | grep -q '"type":"Ready","status":"True"'
}

status() { api "$API/readyz" >/dev/null 2>&1 && node_ready; }

wait_for() { # wait_for SECONDS description command...
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "timed out after ${limit}s waiting for $what; logs in $RUN/log"; return 1
}

start() { # start NAME command... : background process with its pid file and log
  local name=$1; shift
  "$HERE/detach.sh" "$@" > "$RUN/log/$name.log" 2>&1 &
  echo $! > "$RUN/$name.pid"
}

kubeconfig() {
  cat > "$RUN/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$API", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: $TOKEN}
contexts:
- name: local
  context: {cluster: local, user: admin, namespace: $NAMESPACE}
current-context: local
EOF
}

ensure_namespace() {
  api "$API/api/v1/namespaces/$NAMESPACE" >/dev/null 2>&1 && return 0
  api -X POST -H 'Content-Type: application/json' "$API/api/v1/namespaces" \
    -d "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$NAMESPACE\"}}" >/dev/null
}

default_account_ready() { api "$API/api/v1/namespaces/$NAMESPACE/serviceaccounts/default" >/dev/null; }

up() {
  build
  mkdir -p "$RUN"/{pki,log,kubelet}
  if status; then log "already running"; kubeconfig; echo "$RUN/admin.kubeconfig"; return 0; fi
  down >/dev/null 2>&1 || true # a cluster that died (machine restart, killed session): start from clean state
  mkdir -p "$RUN"/{pki,log,kubelet}
  local started; started=$(date +%s)
  cd "$RUN"
  if [ ! -f pki/sa.key ]; then
    openssl genrsa -out pki/sa.key 2048 2>/dev/null
    openssl rsa -in pki/sa.key -pubout -out pki/sa.pub 2>/dev/null
  fi
  echo "$TOKEN,admin,admin,system:masters" > pki/tokens.csv
  kubeconfig
  cat > kubelet.yaml <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
  local k=$RUN/admin.kubeconfig
  start etcd etcd --name local --data-dir "$RUN/etcd" \
    --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
    --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
    --initial-cluster local=http://127.0.0.1:23800
  start apiserver "$BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:23790 --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 --secure-port=6443 --cert-dir="$RUN/pki/serving" \
    --token-auth-file="$RUN/pki/tokens.csv" --anonymous-auth=false --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$RUN/pki/sa.pub" \
    --service-account-signing-key-file="$RUN/pki/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
    --kubelet-preferred-address-types=Hostname,InternalIP
  wait_for 120 "the API server" api "$API/readyz"
  start controller-manager "$BIN/kube-controller-manager" --kubeconfig="$k" --authentication-kubeconfig="$k" \
    --authorization-kubeconfig="$k" --bind-address=127.0.0.1 --port=0 --service-account-private-key-file="$RUN/pki/sa.key" \
    --root-ca-file="$RUN/pki/serving/apiserver.crt" --leader-elect=false --controllers='*,-nodeipam'
  start scheduler "$BIN/kube-scheduler" --kubeconfig="$k" --authentication-kubeconfig="$k" \
    --authorization-kubeconfig="$k" --bind-address=127.0.0.1 --port=0 --leader-elect=false
  start kubelet "$BIN/kubelet" --kubeconfig="$k" --config="$RUN/kubelet.yaml" --root-dir="$RUN/kubelet" \
    --hostname-override=localhost --container-runtime=docker --pod-infra-container-image="$PAUSE_IMAGE" --oom-score-adj=0
  wait_for 120 "the node to be Ready" node_ready
  ensure_namespace
  wait_for 60 "the default service account" default_account_ready
  log "cluster up in $(( $(date +%s) - started )) s; namespace $NAMESPACE"
  echo "$RUN/admin.kubeconfig"
}

down_processes() {
  for p in kubelet scheduler controller-manager apiserver etcd; do
    if [ -f "$RUN/$p.pid" ]; then kill "$(cat "$RUN/$p.pid")" 2>/dev/null || true; rm -f "$RUN/$p.pid"; fi
  done
  for p in kubelet scheduler controller-manager apiserver etcd; do
    pkill -f "^$BIN/kube-$p |^$BIN/$p |^etcd --name local --data-dir $RUN/" 2>/dev/null || true
  done
  sleep 1
}

down() {
  [ -d "$RUN" ] || return 0
  down_processes
  docker ps -aq --filter label=io.kubernetes.pod.name | xargs -r docker rm -f >/dev/null 2>&1 || true
  mount | awk -v d="$RUN/kubelet" 'index($3,d)==1{print $3}' | sort -r | xargs -r -n1 umount 2>/dev/null || true
  rm -rf "$RUN/etcd" "$RUN/kubelet"
  log "cluster stopped"
}

# leaks: how many runner objects (Jobs, pods, Secrets, NetworkPolicies) are in the namespace
leaks() { # the runner's objects still in the namespace once deletions in progress have settled
  # Kubernetes deletes asynchronously: a deleted pod stays Terminating for its grace period and the
  # garbage collector removes what a deleted Job owned (its per-run Secrets) moments later. So only
  # what is still there after 60 s counts as left behind; each is named on stderr.
  local total names path
  for _ in $(seq 1 60); do
    total=0; names=""
    for path in "apis/batch/v1/namespaces/$NAMESPACE/jobs?labelSelector=dev.containerrunner.managed-by%3Dcontainer_runner" \
                "api/v1/namespaces/$NAMESPACE/pods?labelSelector=dev.containerrunner.attempt" \
                "api/v1/namespaces/$NAMESPACE/secrets?labelSelector=dev.containerrunner.managed-by%3Dcontainer_runner" \
                "apis/networking.k8s.io/v1/namespaces/$NAMESPACE/networkpolicies?labelSelector=dev.containerrunner.managed-by%3Dcontainer_runner"; do
      names+=$(api "$API/$path" | python3 -c 'import json,sys
for i in json.load(sys.stdin)["items"]:
    m = i["metadata"]
    print(sys.argv[1], m["name"], "deleting" if m.get("deletionTimestamp") else "not deleted")' "${path%%\?*}")
      names+=$'\n'
    done
    total=$(printf '%s' "$names" | grep -c . || true)
    [ "$total" = 0 ] && break
    sleep 1
  done
  if [ "$total" != 0 ]; then printf '%s' "$names" | grep . >&2; fi
  echo "$total"
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  down) down ;;
  status) status ;;
  leaks) leaks ;;
  *) echo "usage: $0 up|down|build|status|leaks" >&2; exit 2 ;;
esac
