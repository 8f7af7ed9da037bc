#!/usr/bin/env bash
# Starts a Docker engine (Debian's docker.io) to compare berth with, and stops exactly what it started.
#
#   bench/docker-engine.sh start   # prints key=value lines: containerd_pid, dockerd_pid, dockerd_network, log
#   bench/docker-engine.sh stop    # stops the pids recorded by `start` and undoes its host changes
#   bench/docker-engine.sh status
#
# No systemd here: containerd and dockerd run as plain background processes in their own sessions.
# If an engine already answers on /var/run/docker.sock, `start` changes nothing and `stop` has nothing to stop.
# dockerd first tries its default bridge; if it does not come up, it is retried with
# `--bridge=none --iptables=false` (the benchmark only needs `--network none`; the bridge is a bonus).
# `stop` also undoes what dockerd changes on the host when it was not so before `start`: the docker0 link,
# Docker's iptables chains and rules, net.ipv4.ip_forward and the FORWARD policy (dockerd sets it to DROP
# when it turns forwarding on itself). The log (a temp file) is removed by `stop`.
set -euo pipefail

STATE=${BERTH_BENCH_DOCKER_STATE:-/run/berth-bench-docker.state}
DOCKER_SOCK=/var/run/docker.sock
CONTAINERD_SOCK=/run/containerd/containerd.sock

say() { echo "docker-engine: $*" >&2; }

docker_up() { curl -sf --max-time 2 --unix-socket "$DOCKER_SOCK" http://docker/_ping >/dev/null 2>&1; }
containerd_up() { [ -S "$CONTAINERD_SOCK" ] && timeout 5 ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1; }
alive_as() { [ -n "${1:-}" ] && [ -r "/proc/$1/comm" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

install_engine() {
  command -v dockerd >/dev/null && command -v containerd >/dev/null && return 0
  say "dockerd/containerd missing: installing Debian's docker.io"
  if ! apt-cache policy docker.io 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get update -qq
  fi
  # Keep the package's init scripts from starting a daemon we would not track.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2 || rc=$?
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || { say "apt-get install docker.io failed ($rc)"; exit 1; }
}

iptables_has_docker() { iptables -t filter -S 2>/dev/null | grep -q '^-N DOCKER'; }

# Removes what dockerd leaves on the host: docker0 and its iptables chains and rules.
remove_docker_net() {
  set +e +o pipefail # best effort: a grep that finds nothing is not a failure here
  ip link del docker0 2>/dev/null
  local t rule c
  for t in filter nat; do
    # Rules in the built-in chains that jump to Docker's chains or name docker0 (Docker's chains are flushed below).
    iptables -t "$t" -S 2>/dev/null | grep '^-A ' | grep -v '^-A DOCKER' | grep -E -- '-j DOCKER|docker0' | while IFS= read -r rule; do
      eval "iptables -t $t -D ${rule#-A }" 2>/dev/null || true
    done
    for c in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
      iptables -t "$t" -F "$c" 2>/dev/null || true
    done
    for c in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
      iptables -t "$t" -X "$c" 2>/dev/null || true
    done
  done
  set -e -o pipefail
}

wait_for() { # wait_for SECONDS PID COMM CHECK...: until CHECK passes, while PID lives
  local secs=$1 pid=$2 comm=$3; shift 3
  local i
  # Right after `&` the child may not have exec'd yet (its comm is still bash or setsid).
  for ((i = 0; i < 50; i++)); do
    alive_as "$pid" "$comm" && break
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  for ((i = 0; i < secs * 10; i++)); do
    "$@" && return 0
    alive_as "$pid" "$comm" || return 1
    sleep 0.1
  done
  return 1
}

stop_pid() { # stop_pid PID COMM
  local pid=$1 comm=$2 i
  alive_as "$pid" "$comm" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 200; i++)); do
    alive_as "$pid" "$comm" || { say "stopped $comm (pid $pid)"; return 0; }
    sleep 0.1
  done
  say "$comm (pid $pid) did not stop in 20 s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_start() {
  if docker_up; then
    say "a Docker engine already answers on $DOCKER_SOCK: nothing started"
    echo "already_running=1"
    return 0
  fi
  if [ -e "$STATE" ]; then
    say "$STATE exists from an earlier start: run '$0 stop' first"
    exit 1
  fi
  install_engine
  local log
  log=$(mktemp /tmp/berth-bench-docker.XXXXXX.log)
  # What dockerd may change on the host, so that `stop` can put it back.
  {
    echo "LOG=$log"
    echo "IP_FORWARD_BEFORE=$(cat /proc/sys/net/ipv4/ip_forward)"
    echo "FORWARD_POLICY_BEFORE=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }')"
    echo "DOCKER0_BEFORE=$(ip link show docker0 >/dev/null 2>&1 && echo 1 || echo 0)"
    echo "DOCKER_CHAINS_BEFORE=$(iptables_has_docker && echo 1 || echo 0)"
  } >"$STATE"

  local containerd_pid=""
  if containerd_up; then
    say "containerd already answers on $CONTAINERD_SOCK: using it"
  else
    # No job control in this script, so setsid does not fork and $! is containerd's own pid.
    setsid containerd </dev/null >>"$log" 2>&1 &
    containerd_pid=$!
    echo "CONTAINERD_PID=$containerd_pid" >>"$STATE"
    if ! wait_for 30 "$containerd_pid" containerd containerd_up; then
      say "containerd did not come up; log: $log"; tail -n 20 "$log" >&2
      cmd_stop; exit 1
    fi
  fi

  local network="default bridge" dockerd_pid="" extra=()
  for attempt in 1 2; do
    if [ "$attempt" = 2 ]; then
      say "dockerd did not come up with its default bridge; retrying with --bridge=none --iptables=false"
      network="--bridge=none --iptables=false"
      extra=(--bridge=none --iptables=false)
    fi
    echo "--- dockerd attempt $attempt: ${extra[*]:-(defaults)}" >>"$log"
    setsid dockerd --containerd="$CONTAINERD_SOCK" "${extra[@]}" </dev/null >>"$log" 2>&1 &
    dockerd_pid=$!
    echo "DOCKERD_PID=$dockerd_pid" >>"$STATE"
    wait_for 60 "$dockerd_pid" dockerd docker_up && break
    tail -n 15 "$log" >&2
    stop_pid "$dockerd_pid" dockerd
    dockerd_pid=""
  done
  if [ -z "$dockerd_pid" ]; then
    say "dockerd did not come up; log: $log"
    cmd_stop; exit 1
  fi
  echo "DOCKERD_NETWORK=\"$network\"" >>"$STATE"
  say "Docker engine up on $DOCKER_SOCK (dockerd pid $dockerd_pid, network: $network, log: $log)"
  echo "containerd_pid=$containerd_pid"
  echo "dockerd_pid=$dockerd_pid"
  echo "dockerd_network=$network"
  echo "log=$log"
}

cmd_stop() {
  if [ ! -e "$STATE" ]; then say "nothing to stop (no $STATE)"; return 0; fi
  local LOG="" IP_FORWARD_BEFORE="" FORWARD_POLICY_BEFORE="" DOCKER0_BEFORE=1 DOCKER_CHAINS_BEFORE=1 CONTAINERD_PID="" DOCKERD_PID="" DOCKERD_NETWORK=""
  local pids_dockerd
  pids_dockerd=$(awk -F= '$1 == "DOCKERD_PID" { print $2 }' "$STATE")
  # shellcheck disable=SC1090
  . "$STATE"
  for pid in $pids_dockerd; do stop_pid "$pid" dockerd; done
  [ -n "$CONTAINERD_PID" ] && stop_pid "$CONTAINERD_PID" containerd
  # Put back what dockerd changed on the host.
  if [ "$DOCKER0_BEFORE" = 0 ] && [ "$DOCKER_CHAINS_BEFORE" = 0 ]; then remove_docker_net; fi
  if [ -n "$FORWARD_POLICY_BEFORE" ] && [ "$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }')" != "$FORWARD_POLICY_BEFORE" ]; then
    iptables -P FORWARD "$FORWARD_POLICY_BEFORE" && say "FORWARD policy put back to $FORWARD_POLICY_BEFORE"
  fi
  if [ -n "$IP_FORWARD_BEFORE" ] && [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$IP_FORWARD_BEFORE" ]; then
    echo "$IP_FORWARD_BEFORE" >/proc/sys/net/ipv4/ip_forward && say "net.ipv4.ip_forward put back to $IP_FORWARD_BEFORE"
  fi
  rm -f "$STATE"
  [ -n "$LOG" ] && rm -f "$LOG"
  return 0
}

cmd_status() {
  if docker_up; then echo "docker: up on $DOCKER_SOCK"; else echo "docker: down"; fi
  if [ -e "$STATE" ]; then echo "started by this script:"; cat "$STATE"; fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
