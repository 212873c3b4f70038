#!/usr/bin/env bash
# kube-sim against a REAL apiserver: runs kube-sim's custom-resource conformance tests
# (tests/conformance_crd.rs and the custom-resource tests of tests/conformance.rs) first on the
# CRD-only Kubernetes API server of ../shared/tools/crd-apiserver (real k8s.io/apiextensions-
# apiserver code + etcd), then on kube-sim. The tests assert the real server's exact answers
# (status codes, reasons, causes, messages, paging), so a difference fails one of the two runs.
#
#   K8S_TOOLS=/tmp/k8s-tools scripts/sim-conformance.sh
#
# Build the server once (~7 min idle, ~30 min on a busy 2-core machine; 4 GB scratch):
#   K8S_TOOLS=/tmp/k8s-tools bash ../shared/tools/crd-apiserver/build-k8s-tools.sh
# Ports (override if taken): K8S_API_PORT=16543 ETCD_CLIENT_PORT=23890 ETCD_PEER_PORT=23900.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
: "${K8S_TOOLS:?set K8S_TOOLS to the directory build-k8s-tools.sh installed into}"
if [ ! -x "$K8S_TOOLS/bin/crdserver" ] || [ ! -x "$K8S_TOOLS/start.sh" ]; then
	echo "sim-conformance: no crdserver in $K8S_TOOLS; build it with:" >&2
	echo "  K8S_TOOLS=$K8S_TOOLS bash $ROOT/../shared/tools/crd-apiserver/build-k8s-tools.sh" >&2
	exit 2
fi
export K8S_API_PORT="${K8S_API_PORT:-16543}" ETCD_CLIENT_PORT="${ETCD_CLIENT_PORT:-23890}" ETCD_PEER_PORT="${ETCD_PEER_PORT:-23900}"
FILTER='binary(conformance_crd) | (binary(conformance) & (test(generation_status) | test(schema_validation)))'

cd "$ROOT"
cargo nextest run -p kube-sim --no-run >/dev/null
"$K8S_TOOLS/start.sh"
trap '"$K8S_TOOLS/stop.sh" >/dev/null 2>&1 || true' EXIT

status=0
echo "== real apiserver (crdserver, $K8S_TOOLS) =="
KUBECONFIG="$K8S_TOOLS/run/kubeconfig" cargo nextest run -p kube-sim --no-fail-fast -E "$FILTER" || status=1
echo "== kube-sim =="
env -u KUBECONFIG cargo nextest run -p kube-sim --no-fail-fast -E "$FILTER" || status=1
if [ "$status" = 0 ]; then
	echo "sim-conformance: the same custom-resource tests pass on the real apiserver and on kube-sim"
else
	echo "sim-conformance: a run failed; the failing assertion shows the real server's answer" >&2
fi
exit "$status"
