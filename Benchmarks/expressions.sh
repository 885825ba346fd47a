#!/usr/bin/env bash
# expressions.sh: a filter and a computed field written as expressions, against the same two steps as C plugins.
#
#   bash Benchmarks/expressions.sh [events=2000000] [runs=5]
#
# Over `events` events of Benchmarks/generate_events.py (ts_ms,key,value; value uniform in 0..999; cached as
# /tmp/rivulet-bench/events-<N>.csv), through `rivulet bench` (file source, sinks discarded, medians of
# `runs`), in one invocation:
#   C            rv_std_c's `filter` (value > 500) then `scale` (value × 2 + 1), the hand-written C plugins;
#   expressions  `filter: "value > 500"` then `map: { set: { value: "value * 2 + 1" } }`.
# Prints both rates, the ratio (issue 16's target: expressions ≥ 0.8× the C plugins) and each pipeline's
# heap allocations per record (counted by Benchmarks/malloc_count.c, LD_PRELOADed: a run of 200,000
# records minus one of 100,000, so the fixed costs cancel; what remains is per batch, not per record).
#
# Needs .build/release/rivulet (swift build -c release; RIVULET_BUILD=/other/.build/release for another
# build) and python3. On a shared machine: `rbuild bash Benchmarks/expressions.sh`.
set -euo pipefail
EVENTS=${1:-2000000}
RUNS=${2:-5}
[[ $EVENTS =~ ^[1-9][0-9]*$ && $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "usage: expressions.sh [events] [runs (1-99)]" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RIVULET=${RIVULET_BUILD:-$ROOT/.build/release}/rivulet
[[ -x $RIVULET ]] || { echo "error: $RIVULET not found; build it first: (cd $ROOT && swift build -c release)" >&2; exit 1; }
mkdir -p /tmp/rivulet-bench
INPUT=/tmp/rivulet-bench/events-$EVENTS.csv
python3 "$ROOT/Benchmarks/generate_events.py" --if-missing "$INPUT" "$EVENTS"
work=$(mktemp -d /tmp/rivulet-bench/expressions.XXXXXX)
trap 'rm -rf "$work"' EXIT

manifest() { # manifest OPERATORS > file
    cat <<YAML
plugins: { std: { library: rv_std_c } }
sources:
  events: { type: file, path: $INPUT, format: csv, header: false, schema: { ts_ms: i64, key: string, value: i64 } }
operators:
$1
sinks:
  out: { type: file, path: $work/out.csv }
edges: [events -> keep, keep -> compute, compute -> out]
YAML
}
manifest '  keep: { plugin: std, operator: filter, config: { field: value, op: gt, value: 500 } }
  compute: { plugin: std, operator: scale, config: { field: value, multiply: 2, add: 1 } }' >"$work/c.yaml"
manifest '  keep: { filter: "value > 500" }
  compute: { map: { set: { value: "value * 2 + 1" } } }' >"$work/expressions.yaml"

rate() { # rate MANIFEST: the median run's records/s in
    "$RIVULET" bench "$1" --runs "$RUNS" --warmup 0 --null-sinks --json 2>/dev/null |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["recordsInPerSecond"])'
}
allocations() { # allocations MANIFEST: heap allocations per record (Benchmarks/malloc_count.c: 200k records minus 100k, / 100k)
    for n in 100000 200000; do python3 "$ROOT/Benchmarks/generate_events.py" --if-missing /tmp/rivulet-bench/events-$n.csv $n; done
    local counts=()
    for n in 100000 200000; do
        sed "s|$INPUT|/tmp/rivulet-bench/events-$n.csv|" "$1" >"$work/alloc.yaml"
        counts+=("$(LD_PRELOAD="$work/malloc_count.so" "$RIVULET" run "$work/alloc.yaml" --set sinks.out.type=null 2>&1 >/dev/null |
            sed -n 's/^allocations: //p')")
    done
    python3 -c "import sys; print((int(sys.argv[2]) - int(sys.argv[1])) / 100000)" "${counts[0]}" "${counts[1]}"
}
cc -O2 -shared -fPIC -o "$work/malloc_count.so" "$ROOT/Benchmarks/malloc_count.c" -ldl
c=$(rate "$work/c.yaml")
e=$(rate "$work/expressions.yaml")
c_allocs=$(allocations "$work/c.yaml")
e_allocs=$(allocations "$work/expressions.yaml")
python3 - "$EVENTS" "$RUNS" "$c" "$e" "$c_allocs" "$e_allocs" <<'PY'
import sys
events, runs = int(sys.argv[1]), int(sys.argv[2])
c, e, ca, ea = (float(x) for x in sys.argv[3:7])
print(f"filter + computed field: {events} events, medians of {runs} runs")
print(f"  C plugins (filter, scale)     {c / 1e6:8.3f} M records/s   allocations/record {ca:.4f}")
print(f"  expressions (filter, map)     {e / 1e6:8.3f} M records/s   allocations/record {ea:.4f}")
print(f"  expressions / C               {e / c:8.2f}x")
PY
