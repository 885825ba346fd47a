#!/usr/bin/env bash
# callgrind.sh: instructions executed (callgrind's Ir) by whole `rivulet run`s of the benchmark jobs. Unlike wall
# time on a shared VM, the counts repeat: to the instruction for single-threaded jobs, within 0.6 % for jobs with
# several threads (waits on rings spin a varying number of times). Used to decide performance changes.
#
#   bash Benchmarks/callgrind.sh [job...]     jobs: pipeline swiftmap tumbling csv window windowp2 join ffi
#                                             (default: all); RIVULET_CG_OUT=folder (default /tmp/rivulet-cg)
#   RIVULET_BUILD=/other/checkout/.build/release bash Benchmarks/callgrind.sh    another build (e.g. an older
#                                             commit's), with this checkout's manifests
#   RIVULET_CG_ARGS="--set checkpoint.interval=1s --set checkpoint.dir=/tmp/cg-chk" bash Benchmarks/callgrind.sh tumbling
#                                             extra arguments for every run (split on spaces; a checkpoint
#                                             folder must be new or emptied: a run resumes from it)
#
# Needs `swift build -c release` and valgrind. valgrind 3.19 cannot read the DWARF 5 debug information of
# Swift 6.3 binaries ("unhandled dwarf2 abbrev form code 0x1b"), so the binary and plugins are copied and
# stripped of debug information (symbols stay: callgrind_annotate names functions, not lines). Dictionary
# hashing is made deterministic (SWIFT_DETERMINISTIC_HASHING), else probe counts vary run to run. Each job
# leaves OUT/JOB.cg: `callgrind_annotate OUT/JOB.cg | head -40` shows where the instructions go, and
# `callgrind_annotate --tree=caller OUT/JOB.cg` who calls e.g. swift_beginAccess.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${RIVULET_CG_OUT:-/tmp/rivulet-cg}
command -v valgrind >/dev/null || { echo "error: valgrind is not installed" >&2; exit 1; }
BUILD=${RIVULET_BUILD:-$ROOT/.build/release}
[[ -x $BUILD/rivulet ]] || { echo "error: no $BUILD/rivulet: build first (swift build -c release)" >&2; exit 1; }
mkdir -p "$OUT/bin"
cp "$BUILD/rivulet" "$BUILD/librv_std_c.so" "$BUILD/librv_std_swift.so" "$OUT/bin/"
strip --strip-debug "$OUT/bin/"*
EVENTS=$OUT/events-1000000.csv
[[ -s $EVENTS ]] || python3 "$ROOT/Benchmarks/generate_events.py" "$EVENTS" 1000000

jobs=("$@")
((${#jobs[@]})) || jobs=(pipeline swiftmap tumbling csv window windowp2 join ffi)
for job in "${jobs[@]}"; do
    case $job in
    pipeline) args=("$ROOT/Benchmarks/pipeline.yaml" --set sources.gen.count=2000000) ;;
    swiftmap) args=("$ROOT/Benchmarks/swift-map.yaml" --set sources.gen.count=1000000) ;;
    tumbling) args=("$ROOT/examples/tumbling-csv/manifest.yaml" --set "sources.events.path=$EVENTS"
                    --set "sinks.output.path=$OUT/tumbling.csv" --set "sinks.late.path=$OUT/late.csv"
                    --set "dead_letters.path=$OUT/dead-letters.jsonl") ;;
    csv) args=("$ROOT/Benchmarks/csv-to-jsonl.yaml" --set "sources.events.path=$EVENTS" --set "sinks.out.path=$OUT/out.jsonl") ;;
    window) args=("$ROOT/Benchmarks/window.yaml" --set sources.gen.count=2000000) ;;
    windowp2) args=("$ROOT/Benchmarks/window.yaml" --set sources.gen.count=2000000 --set operators.w.parallelism=2) ;;
    join) args=("$ROOT/Benchmarks/join.yaml" --set sources.clicks.count=1000000) ;;
    ffi) args=("$ROOT/Benchmarks/ffi.yaml" --set sources.gen.count=1000000) ;;
    *) echo "error: unknown job '$job'" >&2; exit 2 ;;
    esac
    # shellcheck disable=SC2206 # split on purpose: RIVULET_CG_ARGS holds several arguments
    extra=(${RIVULET_CG_ARGS:-})
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$OUT/$job.cg" \
        "$OUT/bin/rivulet" run "${args[@]}" "${extra[@]}" --quiet 2>"$OUT/$job.log" >/dev/null
    printf '%-9s %15d instructions\n' "$job" "$(grep -o 'Collected : [0-9]*' "$OUT/$job.log" | awk '{ print $3 }')"
done
