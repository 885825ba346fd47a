#!/usr/bin/env bash
# update-percentiles.sh: `emit: update` with three percentiles against the same window with avg only.
#
#   bash Benchmarks/update-percentiles.sh [events=200000] [runs=5]
#
# One 10 s tumbling window per key (1,000 keys, 2 s out-of-orderness, grace 3 s, `emit: update`: a row per
# change) over `events` events of Benchmarks/generate_events.py (cached as /tmp/rivulet-bench/events-<N>.csv),
# through `rivulet bench` (file source, sinks discarded, medians of `runs`): aggregates
# `percentile(value, 50/95/99)`, and the baseline `avg(value)` in the same invocation. Prints both rates and
# the ratio (issue 14's target: the percentile run within 3× of the avg-only time).
#
# Needs .build/release/rivulet (swift build -c release; RIVULET_BUILD=/other/.build/release for another
# build) and python3. On a shared machine: `rbuild bash Benchmarks/update-percentiles.sh`.
set -euo pipefail
EVENTS=${1:-200000}
RUNS=${2:-5}
[[ $EVENTS =~ ^[1-9][0-9]*$ && $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "usage: update-percentiles.sh [events] [runs (1-99)]" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RIVULET=${RIVULET_BUILD:-$ROOT/.build/release}/rivulet
[[ -x $RIVULET ]] || { echo "error: $RIVULET not found; build it first: (cd $ROOT && swift build -c release)" >&2; exit 1; }
mkdir -p /tmp/rivulet-bench
INPUT=/tmp/rivulet-bench/events-$EVENTS.csv
python3 "$ROOT/Benchmarks/generate_events.py" --if-missing "$INPUT" "$EVENTS"
work=$(mktemp -d /tmp/rivulet-bench/update.XXXXXX)
trap 'rm -rf "$work"' EXIT

manifest() { # manifest AGGREGATES > file
    cat <<YAML
sources:
  events: { type: file, path: $INPUT, format: csv, header: false, schema: { ts_ms: i64, key: string, value: i64 }, time: { type: event, field: ts_ms, format: epoch_ms, max_out_of_order: 2s } }
operators:
  per_key: { window: tumbling, size: 10s, grace: 3s, emit: update, key_by: key, aggregates: $1 }
sinks:
  out: { type: file, path: $work/out.csv, ops: true }
edges: [events -> per_key, per_key.out -> out]
YAML
}
manifest '{ p50: "percentile(value, 50)", p95: "percentile(value, 95)", p99: "percentile(value, 99)" }' >"$work/percentiles.yaml"
manifest '{ mean: avg(value) }' >"$work/avg.yaml"

rate() { # rate MANIFEST: the median run's records/s in
    "$RIVULET" bench "$1" --runs "$RUNS" --warmup 0 --null-sinks --json 2>/dev/null |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["recordsInPerSecond"])'
}
avg=$(rate "$work/avg.yaml")
percentiles=$(rate "$work/percentiles.yaml")
python3 - "$EVENTS" "$RUNS" "$avg" "$percentiles" <<'PY'
import sys
events, runs, avg, pct = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"update-mode percentiles: {events} events, emit: update, grace 3s, medians of {runs} runs")
print(f"  avg(value)                      {avg / 1e6:8.3f} M records/s  ({events / avg:.3f} s)")
print(f"  percentile(value, 50, 95, 99)   {pct / 1e6:8.3f} M records/s  ({events / pct:.3f} s)")
print(f"  time ratio percentiles / avg    {avg / pct:8.2f}x")
PY
