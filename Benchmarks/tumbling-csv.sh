#!/usr/bin/env bash
# tumbling-csv benchmark: 10 s tumbling count+sum over 1,000 keys, Rivulet vs a plain C program.
#
#   bash Benchmarks/tumbling-csv.sh [runs=5] [events=5000000]
#
# Input: Benchmarks/generate_events.py (seeded, deterministic), cached as
# /tmp/rivulet-bench/events-<N>.csv. Baseline: Benchmarks/baselines/tumbling_baseline.c, compiled with
# `cc -O2` into a temp dir. Rivulet: .build/release/rivulet (never built here). Every round runs both
# programs back to back (the order flips each round), times each whole process with
# /usr/bin/time -f '%e %M' and cmp's the two outputs. Prints medians and the events/s ratio.
set -euo pipefail
export LC_ALL=C

RUNS=${1:-5}
EVENTS=${2:-5000000}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "runs must be a positive integer (got '$RUNS')" >&2; exit 2; }
[[ $EVENTS =~ ^[1-9][0-9]*$ ]] || { echo "events must be a positive integer (got '$EVENTS')" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RIVULET=$ROOT/.build/release/rivulet
MANIFEST=$ROOT/examples/tumbling-csv/manifest.yaml
TIME=/usr/bin/time

if [[ ! -x $RIVULET ]]; then
    echo "error: $RIVULET not found; build it first with: (cd $ROOT && swift build -c release)" >&2
    exit 1
fi
if [[ ! -x $TIME ]]; then
    echo "error: $TIME not found (GNU time is needed for wall time and peak RSS): apt-get install time" >&2
    exit 1
fi
command -v cc >/dev/null || { echo "error: no C compiler 'cc' on PATH" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed to generate the input" >&2; exit 1; }

CACHE=/tmp/rivulet-bench
INPUT=$CACHE/events-$EVENTS.csv
mkdir -p "$CACHE"
python3 "$ROOT/Benchmarks/generate_events.py" --if-missing "$INPUT" "$EVENTS"

WORK=$(mktemp -d /tmp/rivulet-bench/run.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
BASELINE=$WORK/tumbling_baseline
cc -O2 -o "$BASELINE" "$ROOT/Benchmarks/baselines/tumbling_baseline.c"

# run_timed NAME CMD... : runs CMD under /usr/bin/time, appends "wall rss_kb" to $WORK/NAME.times
run_timed() {
    local name=$1; shift
    if ! "$TIME" -o "$WORK/$name.time" -f '%e %M' "$@" 2>"$WORK/$name.stderr" >/dev/null; then
        echo "error: $name failed:" >&2
        cat "$WORK/$name.stderr" "$WORK/$name.time" >&2
        exit 1
    fi
    tail -n 1 "$WORK/$name.time" >>"$WORK/$name.times"
}

run_c() {
    run_timed c "$BASELINE" "$INPUT" "$WORK/c.csv"
}
run_rivulet() {
    rm -f "$WORK/r.csv" "$WORK/r-late.csv" "$WORK/r-dl.jsonl"
    run_timed rivulet "$RIVULET" run "$MANIFEST" --quiet \
        --set "sources.events.path=$INPUT" \
        --set "sinks.output.path=$WORK/r.csv" \
        --set "sinks.late.path=$WORK/r-late.csv" \
        --set "dead_letters.path=$WORK/r-dl.jsonl"
}

for ((round = 1; round <= RUNS; round++)); do
    if ((round % 2)); then run_c; run_rivulet; else run_rivulet; run_c; fi
    if ! cmp -s "$WORK/c.csv" "$WORK/r.csv"; then
        echo "error: round $round: outputs differ (C: $WORK/c.csv, rivulet: $WORK/r.csv; kept)" >&2
        cmp "$WORK/c.csv" "$WORK/r.csv" >&2 || true
        trap - EXIT
        exit 1
    fi
    c_late=$(awk '$1 == "late" { print $2 }' "$WORK/c.stderr")
    r_late=$(wc -l <"$WORK/r-late.csv" 2>/dev/null || echo 0)
    r_late=${r_late// /}
    if [[ $c_late != "$r_late" ]]; then
        echo "error: round $round: late records differ (C: $c_late, rivulet: $r_late; files kept in $WORK)" >&2
        trap - EXIT
        exit 1
    fi
    printf 'round %d/%d: C %s s %s KB | rivulet %s s %s KB | outputs identical (%s windows, %s late)\n' \
        "$round" "$RUNS" $(tail -n 1 "$WORK/c.times") $(tail -n 1 "$WORK/rivulet.times") \
        "$(wc -l <"$WORK/c.csv" | tr -d ' ')" "$c_late" >&2
done

# median of column $1 of a file (mean of the two middle values for an even count)
median() {
    awk -v col="$1" '{ print $col }' "$2" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# median events/s over the runs (events / wall of each run)
median_eps() {
    awk -v n="$EVENTS" '{ w = ($1 > 0 ? $1 : 0.005); print n / w }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

c_wall=$(median 1 "$WORK/c.times");        c_rss=$(median 2 "$WORK/c.times");        c_eps=$(median_eps "$WORK/c.times")
r_wall=$(median 1 "$WORK/rivulet.times");  r_rss=$(median 2 "$WORK/rivulet.times");  r_eps=$(median_eps "$WORK/rivulet.times")

echo
echo "tumbling-csv: $EVENTS events, 1000 keys, 10 s tumbling count+sum, $RUNS runs (medians)"
printf '%-18s %7s %10s %11s\n' program "wall s" "events/s" "peak MB"
printf '%-18s %7.3f %8.1f M %11.0f\n' "C baseline" "$c_wall" "$(awk -v e="$c_eps" 'BEGIN { print e / 1e6 }')" \
    "$(awk -v k="$c_rss" 'BEGIN { print k / 1024 }')"
printf '%-18s %7.3f %8.1f M %11.0f\n' "rivulet" "$r_wall" "$(awk -v e="$r_eps" 'BEGIN { print e / 1e6 }')" \
    "$(awk -v k="$r_rss" 'BEGIN { print k / 1024 }')"
printf 'ratio rivulet / C: %.2f\n' "$(awk -v r="$r_eps" -v c="$c_eps" 'BEGIN { print r / c }')"
