#!/usr/bin/env bash
# Starts or stops the one-member etcd that the *.integration.test.ts files use, on loopback, in a
# temporary data directory. Idempotent: `start` on a running member only prints its endpoint, `stop`
# without one does nothing.
#   bash .ci/etcd.sh start   # prints FLOTILLA_ETCD_ENDPOINTS=127.0.0.1:23790 (eval-able)
#   bash .ci/etcd.sh stop
# Port and state directory can be changed with FLOTILLA_ETCD_PORT / FLOTILLA_ETCD_STATE.
set -euo pipefail
PORT="${FLOTILLA_ETCD_PORT:-23790}"
PEER_PORT="$((PORT + 10))"
STATE="${FLOTILLA_ETCD_STATE:-${TMPDIR:-/tmp}/flotilla-etcd-$PORT}"
ENDPOINT="127.0.0.1:$PORT"

install_etcd() {
  command -v etcd >/dev/null && command -v etcdctl >/dev/null && return 0
  echo "installing etcd-server and etcd-client" >&2
  if ! apt-get install -y etcd-server etcd-client >&2; then
    apt-get update >&2
    apt-get install -y etcd-server etcd-client >&2
  fi
}

healthy() { ETCDCTL_API=3 etcdctl --endpoints="$ENDPOINT" --command-timeout=1s endpoint health >/dev/null 2>&1; }

running() { [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; }

start() {
  install_etcd
  if running && healthy; then
    echo "FLOTILLA_ETCD_ENDPOINTS=$ENDPOINT"
    return 0
  fi
  stop >/dev/null
  mkdir -p "$STATE"
  local data
  data="$(mktemp -d "${TMPDIR:-/tmp}/flotilla-etcd-data.XXXXXX")"
  echo "$data" >"$STATE/data-dir"
  nohup etcd --name s1 --data-dir "$data" \
    --listen-client-urls "http://$ENDPOINT" --advertise-client-urls "http://$ENDPOINT" \
    --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
    --initial-cluster "s1=http://127.0.0.1:$PEER_PORT" --log-level warn >"$STATE/etcd.log" 2>&1 &
  echo $! >"$STATE/pid"
  for _ in $(seq 1 100); do
    if healthy; then
      echo "FLOTILLA_ETCD_ENDPOINTS=$ENDPOINT"
      return 0
    fi
    running || break
    sleep 0.1
  done
  echo "etcd did not become healthy; log:" >&2
  cat "$STATE/etcd.log" >&2
  stop >/dev/null
  return 1
}

stop() {
  if [ -f "$STATE/pid" ]; then
    local pid
    pid="$(cat "$STATE/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$STATE/pid"
  fi
  if [ -f "$STATE/data-dir" ]; then
    rm -rf "$(cat "$STATE/data-dir")"
    rm -f "$STATE/data-dir"
  fi
  echo "etcd on $ENDPOINT stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
