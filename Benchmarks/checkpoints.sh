#!/usr/bin/env bash
# checkpoints.sh: what aligned checkpoints cost. Three measurements, each rerunnable:
#
#   bash Benchmarks/checkpoints.sh overhead [runs=5] [events=50000000]
#       examples/tumbling-csv on a big generated CSV (Benchmarks/generate_events.py, cached as
#       /tmp/rivulet-bench/events-<N>.csv, 50M events = 1.1 GB), without checkpoints and with one every
#       second, alternated run by run (the order rotates each round); every output must be byte-identical.
#       Prints each run's records/s (events / the run's elapsed time, final checkpoint included), CPU
#       seconds and involuntary context switches (GNU time's %c: other threads preempting the run's),
#       the medians, and the overhead (1 - median with / median without).
#       RIVULET_COMPARE=/other/.build/release adds the same two modes with that build, in the same rounds.
#
#   bash Benchmarks/checkpoints.sh window-state [keys=1000000] [runs=3]
#       a tumbling window holding `keys` distinct keys (one window each, none fires before the end), fed
#       by a generator of 12 × keys records paced at `keys` records/s (12 s; random keys: 99.3 % of them
#       seen after 5 s); a checkpoint every second. Prints, from `rivulet bench --json`, each run's
#       checkpoints: id, duration, size (the last ones are small: the window has fired by then), and the
#       records/s reached; then the records/s of one run without checkpoints.
#
#   bash Benchmarks/checkpoints.sh rocksdb [keys=8000000] [value_bytes=100]
#       a `table` operator in a RocksDB store loaded with `keys` upserts of random values (8M: about 1 GB of
#       SST files), checkpointed (chk-1, the run's final checkpoint); then a second run resumes from it,
#       changes 1 % of the keys and checkpoints again (chk-2). Prints both runs' summaries (the last
#       checkpoint's duration and size), and for chk-2 the SST files hard-linked (shared with chk-1: same
#       inode) against the ones it newly wrote, and the other files (copied).
#
# Needs .build/release/rivulet (swift build -c release; RIVULET_BUILD=/other/.build/release for another
# build), python3 and jq. Scratch space: /tmp/rivulet-bench.
# On a shared machine wrap timing runs so no build runs beside them (e.g. `rbuild bash Benchmarks/checkpoints.sh …`).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RIVULET_BUILD:-$ROOT/.build/release}
RIVULET=$BUILD/rivulet
[[ -x $RIVULET ]] || { echo "error: $RIVULET not found; build it first: (cd $ROOT && swift build -c release)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed" >&2; exit 1; }
command -v jq >/dev/null || { echo "error: jq is needed (apt-get install jq)" >&2; exit 1; }
CACHE=/tmp/rivulet-bench
mkdir -p "$CACHE"

# median of the numbers on stdin
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

overhead() {
    local runs=${1:-5} events=${2:-50000000}
    [[ $runs =~ ^[1-9][0-9]*$ && $events =~ ^[1-9][0-9]*$ ]] || { echo "usage: checkpoints.sh overhead [runs] [events]" >&2; exit 2; }
    [[ -x /usr/bin/time ]] || { echo "error: GNU time is needed (apt-get install time)" >&2; exit 1; }
    local input=$CACHE/events-$events.csv
    python3 "$ROOT/Benchmarks/generate_events.py" --if-missing "$input" "$events"
    work=""
    work=$(mktemp -d "$CACHE/checkpoints.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    # Modes: without and with checkpoints, and the same two with the build in RIVULET_COMPARE if given.
    local modes=(without with)
    [[ -n ${RIVULET_COMPARE:-} ]] && modes+=(without-other with-other)
    run() { # run MODE: appends "records/s cpu_s checkpoints involuntary_context_switches" to $work/MODE.runs
        local mode=$1 extra=() binary=$RIVULET
        rm -rf "${work:?}/$mode" && mkdir -p "$work/$mode"
        case $mode in with | with-other) extra=(--set checkpoint.interval=1s --set "checkpoint.dir=$work/$mode/chk") ;; esac
        case $mode in *-other) binary=$RIVULET_COMPARE/rivulet ;; esac
        /usr/bin/time -o "$work/$mode/time" -f '%c' "$binary" run "$ROOT/examples/tumbling-csv/manifest.yaml" \
            --set "sources.events.path=$input" --set "sinks.output.path=$work/$mode/out.csv" \
            --set "sinks.late.path=$work/$mode/late.csv" --set "dead_letters.path=$work/$mode/dl.jsonl" "${extra[@]}" \
            2>"$work/$mode/stderr" >/dev/null || { cat "$work/$mode/stderr" >&2; exit 1; }
        awk -v n="$events" -v cs="$(tail -n 1 "$work/$mode/time")" \
            '/^elapsed:/ { e = $2; c = $8 } /^checkpoints:/ { k = $2 } END { printf "%.0f %s %d %d\n", n / e, c, k, cs }' \
            "$work/$mode/stderr" >>"$work/$mode.runs"
    }
    local round k n=${#modes[@]}
    for ((round = 1; round <= runs; round++)); do
        # The order rotates every round, so no mode always runs first (or after the same one).
        for ((k = 0; k < n; k++)); do run "${modes[$(((round + k) % n))]}"; done
        for mode in "${modes[@]:1}"; do
            cmp -s "$work/without/out.csv" "$work/$mode/out.csv" || { echo "error: round $round: $mode: outputs differ" >&2; exit 1; }
            cmp -s "$work/without/late.csv" "$work/$mode/late.csv" || { echo "error: round $round: $mode: late outputs differ" >&2; exit 1; }
        done
        printf 'round %d/%d:' "$round" "$runs" >&2
        for mode in "${modes[@]}"; do
            printf ' %s %s/s (cpu %s s, %s chk, %s preempted) |' "$mode" $(tail -n 1 "$work/$mode.runs") >&2
        done
        echo >&2
    done
    echo
    echo "tumbling-csv, $events events, $runs runs of each (medians); outputs identical"
    [[ -n ${RIVULET_COMPARE:-} ]] && echo "other build: $RIVULET_COMPARE"
    printf '%-40s %14s %9s %22s\n' "" "records/s" "cpu s" "involuntary ctx sw."
    declare -A rate=()
    for mode in "${modes[@]}"; do
        rate[$mode]=$(awk '{ print $1 }' "$work/$mode.runs" | median)
        local label=$mode
        case $mode in
        without) label="no checkpoints" ;;
        with) label="checkpoint every 1 s" ;;
        without-other) label="no checkpoints, other build" ;;
        with-other) label="checkpoint every 1 s, other build" ;;
        esac
        printf '%-40s %12.2f M %9.2f %22.0f\n' "$label" "$(awk -v r="${rate[$mode]}" 'BEGIN { print r / 1e6 }')" \
            "$(awk '{ print $2 }' "$work/$mode.runs" | median)" "$(awk '{ print $4 }' "$work/$mode.runs" | median)"
    done
    printf 'ratio with / without: %.3f (overhead %.1f %%)\n' "$(awk -v a="${rate[with]}" -v b="${rate[without]}" 'BEGIN { print a / b }')" \
        "$(awk -v a="${rate[with]}" -v b="${rate[without]}" 'BEGIN { print (1 - a / b) * 100 }')"
    if [[ -n ${RIVULET_COMPARE:-} ]]; then
        printf 'other build: ratio with / without: %.3f (overhead %.1f %%)\n' \
            "$(awk -v a="${rate[with-other]}" -v b="${rate[without-other]}" 'BEGIN { print a / b }')" \
            "$(awk -v a="${rate[with-other]}" -v b="${rate[without-other]}" 'BEGIN { print (1 - a / b) * 100 }')"
    fi
}

window_state() {
    local keys=${1:-1000000} runs=${2:-3}
    [[ $keys =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: checkpoints.sh window-state [keys] [runs]" >&2; exit 2; }
    work=""
    work=$(mktemp -d "$CACHE/window-state.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    # Generated records are 1 ms of event time apart: a 1000-hour window holds every key until the end.
    cat >"$work/manifest.yaml" <<EOF
name: window-state
sources:
  gen: { type: generator, count: $((12 * keys)), keys: $keys, rate: $keys, seed: 42 }
operators:
  w:
    window: tumbling
    size: 1000h
    key_by: key
    chain: false
    aggregates: { count: count(), sum: sum(value) }
sinks:
  out: { type: "null" }
edges: [gen -> w, w -> out]
EOF
    echo "tumbling window, $keys keys, $((12 * keys)) records at $keys/s, a checkpoint every second" >&2
    for ((r = 1; r <= runs; r++)); do
        "$RIVULET" bench "$work/manifest.yaml" --warmup 0 --json --set checkpoint.interval=1s \
            --set "checkpoint.dir=$work/chk" >"$work/report.json" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
        jq -r '.checkpoints | "run '"$r"': \(.completed) checkpoints (\(.failed) failed), mean \(.meanDurationMilliseconds | floor) ms, max \(.maxDurationMilliseconds) ms; alignment \(.alignmentMilliseconds) ms in all",
            ((.taken // [])[] | "  chk-\(.id): \(.durationMilliseconds) ms, \(.sizeBytes) bytes in \(.files) files\(if .final then " (final)" else "" end)")' \
            "$work/report.json"
        jq -r '"  records/s \(.recordsInPerSecond | floor)"' "$work/report.json"
    done
    "$RIVULET" bench "$work/manifest.yaml" --warmup 0 --json >"$work/report.json" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    jq -r '"without checkpoints: records/s \(.recordsInPerSecond | floor)"' "$work/report.json"
}

rocksdb() {
    local keys=${1:-8000000} value=${2:-100}
    [[ $keys =~ ^[1-9][0-9]*$ && $value =~ ^[1-9][0-9]*$ ]] || { echo "usage: checkpoints.sh rocksdb [keys] [value_bytes]" >&2; exit 2; }
    work=""
    work=$(mktemp -d "$CACHE/rocksdb.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    local changed=$((keys / 100))
    echo "writing $keys upserts and $changed changes (random $value-byte values: RocksDB's LZ4 cannot shrink them) ..." >&2
    python3 - "$work" "$keys" "$changed" "$value" <<'EOF'
import base64, os, random, sys
work, keys, changed, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
raw = (width * 3 + 3) // 4
def values(n):
    block = base64.b64encode(os.urandom(raw * n)).decode()
    step = len(block) // n
    return [block[k * step : k * step + width] for k in range(n)]
with open(f"{work}/load.csv", "w") as f:
    for base in range(0, keys, 100_000):
        n = min(100_000, keys - base)
        f.write("".join(f"{base + k},key-{base + k:012d},{v}\n" for k, v in enumerate(values(n))))
picked = sorted(random.Random(7).sample(range(keys), changed))
with open(f"{work}/change.csv", "w") as f:
    f.write("".join(f"{keys + n},key-{i:012d},{v}\n" for n, (i, v) in enumerate(zip(picked, values(changed)))))
EOF
    manifest() { # manifest SOURCE FILE
        cat <<EOF
name: rocksdb-table
state_directory: state
stores:
  profiles: { type: rocksdb }
sources:
  $1:
    type: file
    path: $2
    format: csv
    header: false
    schema: { ts: i64, key: string, value: string }
    time: { type: event, field: ts, format: epoch_ms }
operators:
  t: { table: key, store: profiles }
sinks:
  out: { type: "null" }
edges: [$1 -> t, t -> out]
checkpoint: { interval: 1h, dir: chk }
EOF
    }
    # Run 1 loads the table; its final checkpoint is chk-1.
    manifest upserts load.csv >"$work/manifest.yaml"
    "$RIVULET" run "$work/manifest.yaml" 2>"$work/run1.log" >/dev/null || { cat "$work/run1.log" >&2; exit 1; }
    grep -E '^(elapsed|checkpoints):' "$work/run1.log" | sed 's/^/run 1 (load): /'
    printf 'live store: %s bytes in %s SST files (state/rocksdb)\n' \
        "$(find "$work/state/rocksdb" -name '*.sst' -printf '%s\n' | awk '{ s += $1 } END { print s }')" \
        "$(find "$work/state/rocksdb" -name '*.sst' | wc -l)"
    # Run 2 resumes from chk-1 (its RocksDB installed by hard links) and reads the changes through a new
    # source (the first source's finished position is dropped); its final checkpoint is chk-2.
    manifest changes change.csv >"$work/manifest.yaml"
    "$RIVULET" run "$work/manifest.yaml" --allow-non-restored-state 2>"$work/run2.log" >/dev/null || { cat "$work/run2.log" >&2; exit 1; }
    grep -E '^(elapsed|checkpoints):' "$work/run2.log" | sed 's/^/run 2 (1 % changed): /'
    local c1=$work/chk/chk-1 c2=$work/chk/chk-2
    for c in "$c1" "$c2"; do
        printf '%s: %s bytes in %s files (%s SST files)\n' "$(basename "$c")" "$(jq '[.files[].size] | add' "$c/_metadata")" \
            "$(jq '.files | length' "$c/_metadata")" "$(find "$c" -name '*.sst' | wc -l)"
    done
    # An SST file of chk-2 that is the same file (inode) as one of chk-1 was hard-linked, not written again.
    local shared=0 shared_bytes=0 new=0 new_bytes=0 inode size
    declare -A inodes=()
    while read -r inode; do inodes[$inode]=1; done < <(find "$c1" -name '*.sst' -printf '%i\n')
    while read -r inode size; do
        if [[ -n ${inodes[$inode]:-} ]]; then
            shared=$((shared + 1)) shared_bytes=$((shared_bytes + size))
        else
            new=$((new + 1)) new_bytes=$((new_bytes + size))
        fi
    done < <(find "$c2" -name '*.sst' -printf '%i %s\n')
    printf 'chk-2 SST files: %d shared with chk-1 (%d bytes), %d new (%d bytes)\n' "$shared" "$shared_bytes" "$new" "$new_bytes"
    printf 'chk-2 SST files by link count: %s\n' "$(find "$c2" -name '*.sst' -printf '%n\n' | sort -n | uniq -c | awk '{ printf "%s with %s links; ", $1, $2 }')"
    printf 'chk-2 files other than SSTs (copied): %s bytes\n' "$(find "$c2" -type f ! -name '*.sst' -printf '%s\n' | awk '{ s += $1 } END { print s }')"
}

case ${1:-} in
overhead) shift; overhead "$@" ;;
window-state) shift; window_state "$@" ;;
rocksdb) shift; rocksdb "$@" ;;
*) echo "usage: checkpoints.sh overhead|window-state|rocksdb [args] (see the header)" >&2; exit 2 ;;
esac
