#!/usr/bin/env bash
# Runs the four workloads (bench/README.md) against workerhost and the
# Go-native server in one run, on 127.0.0.1 only, and prints a table:
# workload, rps, ratio to Go native, p50, p99, server peak RSS.
#
#   bench/run.sh                 # 3 s warm-up + 10 s per workload
#   DURATION=5s WARMUP=1s bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
OUT=${OUT:-bench/results}
mkdir -p "$OUT" bin

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk..." >&2
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1 || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
fi

go build -o bin/origin ./bench/origin
go build -o bin/gonative ./bench/gonative
go build -o bin/gojapool ./bench/gojapool
go build -o bin/serve ./examples/serve

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

LAST=
start() { # name cmd...   (sets LAST to the server's pid)
  local name=$1; shift
  "$@" >"$OUT/$name.log" 2>&1 &
  LAST=$!
  pids+=("$LAST")
}
wait_up() { # url
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "server at $1 did not come up" >&2; exit 1
}

for port in 9100 9200 9300 9400; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is already in use: stop the server on it first" >&2; exit 1
  fi
done
start origin bin/origin
wait_up http://127.0.0.1:9300/blob64k
start gonative bin/gonative 127.0.0.1:9100; NATIVE=$LAST
start gojapool bin/gojapool 127.0.0.1:9400 bench/handler.js; POOL=$LAST
start workerhost bin/serve -script bench/worker.js -addr 127.0.0.1:9200 -log-level error -allow-private; WH=$LAST
wait_up http://127.0.0.1:9100/hello
wait_up http://127.0.0.1:9200/hello
wait_up http://127.0.0.1:9400/cpu

run() { # label url [lua]
  local args=(-t"$THREADS" -c"$CONNS" --latency)
  [ -n "${3:-}" ] && args+=(-s "$3")
  POST_FILE=bench/post.json wrk "${args[@]}" -d"$WARMUP" "$2" >/dev/null 2>&1 || true
  POST_FILE=bench/post.json wrk "${args[@]}" -d"$DURATION" "$2" >"$OUT/$1.wrk" 2>&1
}
rps() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.wrk"; }
lat() { awk -v p="$2" '$1 == p {print $2}' "$OUT/$1.wrk"; }
errs() { awk '/Non-2xx|Socket errors/ {print}' "$OUT/$1.wrk" | tr '\n' ' '; }
hwm() { awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$1/status"; }

declare -A path=([W1]=/hello [W2]=/api/items [W3]=/cpu [W4]=/proxy)
for w in W1 W2 W3 W4; do
  lua=""; [ "$w" = W2 ] && lua=bench/post.lua
  run "$w-native" "http://127.0.0.1:9100${path[$w]}" "$lua"
  [ "$w" = W3 ] || run "$w-workerhost" "http://127.0.0.1:9200${path[$w]}" "$lua"
done
# W3's target is a ratio to the bare goja pool; on a shared machine a ratio
# of two runs taken a minute apart mostly measures the neighbours, so the
# pool and workerhost alternate for W3_ROUNDS rounds and the median of the
# per-round ratios is reported (the table shows the last round).
W3_ROUNDS=${W3_ROUNDS:-3}
w3ratios=()
for r in $(seq 1 "$W3_ROUNDS"); do
  run W3-gojapool http://127.0.0.1:9400/cpu
  run W3-workerhost http://127.0.0.1:9200/cpu
  w3ratios+=("$(awk -v a="$(rps W3-workerhost)" -v b="$(rps W3-gojapool)" 'BEGIN{printf "%.2f", a/b}')")
done

printf '\n%-10s %-11s %10s %8s %9s %9s  %s\n' workload server rps ratio p50 p99 notes
for w in W1 W2 W3 W4; do
  n=$(rps "$w-native"); h=$(rps "$w-workerhost")
  printf '%-10s %-11s %10s %8s %9s %9s  %s\n' "$w" go-native "$n" "1.00" "$(lat "$w-native" 50%)" "$(lat "$w-native" 99%)" "$(errs "$w-native")"
  printf '%-10s %-11s %10s %8s %9s %9s  %s\n' "$w" workerhost "$h" "$(awk -v a="$h" -v b="$n" 'BEGIN{printf "%.2f", a/b}')" "$(lat "$w-workerhost" 50%)" "$(lat "$w-workerhost" 99%)" "$(errs "$w-workerhost")"
done
p=$(rps W3-gojapool); h=$(rps W3-workerhost)
printf '%-10s %-11s %10s %8s %9s %9s  %s\n' W3 goja-pool "$p" "$(awk -v a="$h" -v b="$p" 'BEGIN{printf "(wh %.2f)", a/b}')" "$(lat W3-gojapool 50%)" "$(lat W3-gojapool 99%)" ""
echo "W3 workerhost / goja-pool per round (alternating): ${w3ratios[*]}; median $(printf '%s\n' "${w3ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo
echo "peak RSS (VmHWM): workerhost $(hwm "$WH"), go-native $(hwm "$NATIVE"), goja-pool $(hwm "$POOL")"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | awk '{print $3}'), $(date -u +%Y-%m-%d)"
