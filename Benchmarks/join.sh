#!/usr/bin/env bash
# The join benchmark: a 5M-click stream joined with a 100k-row profiles table (stream–table, left),
# with the table in a memory store and in a RocksDB store; then the same enrichment as Redis lookups,
# with and without the local cache. Medians of N runs of the whole `rivulet run`.
#
#   bash Benchmarks/join.sh [runs=3] [clicks=5000000] [lookup_clicks=1000000]
#
# Needs .build/release/rivulet (swift build -c release), python3, redis-server and redis-cli.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"; clicks="${2:-5000000}"; lookup_clicks="${3:-1000000}"
rivulet="$root/.build/release/rivulet"
[ -x "$rivulet" ] || { echo "build first: swift build -c release" >&2; exit 1; }
data="/tmp/rivulet-bench/join-$clicks"
[ -f "$data/clicks.csv" ] || python3 "$root/Benchmarks/generate_join_inputs.py" "$data" "$clicks" 100000
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# One timed run: prints wall seconds.
timed() {
    local start end
    start=$(date +%s.%N)
    "$rivulet" run --quiet "$@" >/dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

join_manifest() {  # store type
    cat <<YAML
stores:
  profiles: { type: $1 }
state_directory: $work/state-$1
sources:
  clicks: { type: file, path: $data/clicks.csv, schema: { ts: i64, user_id: string, page: string }, time: { type: event, field: ts } }
  profiles: { type: file, path: $data/profiles.csv, schema: { ts: i64, user_id: string, age: i64, gender: string }, time: { type: event, field: ts } }
operators:
  enrich: { join: stream_table, type: left, left_key: user_id, right_key: user_id, store: profiles }
sinks:
  out: { type: null }
edges: [clicks -> enrich.left, profiles -> enrich.right, enrich.out -> out]
YAML
}

lookup_manifest() {  # cache entries, input file
    cat <<YAML
sources:
  clicks: { type: file, path: $2, schema: { ts: i64, user_id: string, page: string } }
operators:
  profile:
    lookup: redis
    address: 127.0.0.1:$port
    key: user_id
    key_prefix: "profile:"
    fields: { age: i64, gender: string }
    cache: { entries: $1, bytes: 256MB, ttl: 10m }
    batch: 512
    timeout: 2s
sinks:
  out: { type: null }
edges: [clicks -> profile, profile -> out]
YAML
}

printf 'join benchmark: %d clicks, 100000 profiles, %d runs (medians of whole runs)\n' "$clicks" "$runs"
# The baseline of the same run: only reading and decoding the clicks (source → null sink).
cat >"$work/read.yaml" <<YAML
sources:
  clicks: { type: file, path: $data/clicks.csv, schema: { ts: i64, user_id: string, page: string }, time: { type: event, field: ts } }
sinks:
  out: { type: null }
edges: [clicks -> out]
YAML
for i in $(seq "$runs"); do timed "$work/read.yaml"; done | median >"$work/t"
read_rate=$(echo "$clicks / $(cat "$work/t") / 1000000" | bc -l)
printf '  baseline: read and decode only          %6.2f s  %6.2f M clicks/s\n' "$(cat "$work/t")" "$read_rate"
for store in memory rocksdb; do
    join_manifest "$store" >"$work/join-$store.yaml"
    for i in $(seq "$runs"); do rm -rf "$work/state-$store"; timed "$work/join-$store.yaml"; done | median >"$work/t"
    rate=$(echo "$clicks / $(cat "$work/t") / 1000000" | bc -l)
    printf '  stream-table join, %-8s store:     %6.2f s  %6.2f M clicks/s  (%.2fx the baseline)\n' "$store" "$(cat "$work/t")" "$rate" "$(echo "$rate / $read_rate" | bc -l)"
done

redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" --pipe <"$data/redis.resp" >/dev/null
head -n $((lookup_clicks + 1)) "$data/clicks.csv" >"$work/lookup-clicks.csv"
for entries in 200000 0; do
    lookup_manifest "$entries" "$work/lookup-clicks.csv" >"$work/lookup-$entries.yaml"
    for i in $(seq "$runs"); do timed "$work/lookup-$entries.yaml"; done | median >"$work/t"
    label=$([ "$entries" = 0 ] && echo "without cache" || echo "with cache (200k entries)")
    printf '  redis lookup %-26s %6.2f s  %6.2f M lookups/s  (%d clicks)\n' "$label:" "$(cat "$work/t")" "$(echo "$lookup_clicks / $(cat "$work/t") / 1000000" | bc -l)" "$lookup_clicks"
done
