# Sourced by scripts that test against the manager in --demo mode (web e2e, schemathesis).
# start_demo_server BIN [EXTRA_ARGS...] starts BIN --demo on a free loopback port with an
# in-memory database, removes it on exit, and waits until /api/health answers. It sets
# `port`, `base`, `log`, `server` and `demo_kubeconfig` (the simulated Kubernetes' kubeconfig,
# written when the demo runs it) for the caller.

start_demo_server() {
  local bin="$1"
  shift
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  base="http://127.0.0.1:$port"
  demo_workdir="$(mktemp -d)"
  log="$demo_workdir/server.log"
  demo_kubeconfig="$demo_workdir/kube-sim.kubeconfig"
  "$bin" --demo "$@" --listen "127.0.0.1:$port" --db :memory: \
    --key-file "$demo_workdir/acm.key" --demo-k8s-kubeconfig "$demo_kubeconfig" >"$log" 2>&1 &
  server=$!
  trap stop_demo_server EXIT

  # Readiness: poll /api/health until it answers, the server exits, or ~60 s of attempts pass.
  local _
  for _ in $(seq 1 300); do
    if ! kill -0 "$server" 2>/dev/null; then
      echo "aerospike-cluster-manager exited before becoming ready:" >&2
      cat "$log" >&2
      exit 1
    fi
    if curl -fsS --max-time 1 "$base/api/health" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "aerospike-cluster-manager did not answer /api/health on $base:" >&2
  cat "$log" >&2
  exit 1
}

stop_demo_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$demo_workdir"
}
