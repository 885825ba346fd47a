#!/usr/bin/env bash
# Runs the stream-table join over Kafka end to end on a mock cluster and checks its output: starts
# `rivulet kafka mock`, produces profiles.csv to `profiles` and clicks-1.csv to `clicks` (both keyed by
# user), runs click-enrichment.yaml once; then produces clicks-2.csv and runs it again as TWO processes
# at once: each rebuilds the profiles table from its topic (a global table) and the clicks resume from
# the offsets the first run committed. Reads the topic `enriched` back and compares it, sorted, with
# expected-enriched.csv. Exits 0 when they match.
#
# Builds nothing. The binary: $RIVULET if set, else `rivulet` on PATH, else ../../.build/debug/rivulet,
# else ../../.build/release/rivulet. Scratch files go to $WORK (a new temporary directory unless set),
# kept afterwards. DEADLINE (240 unless set) bounds each step, in seconds. Needs bash, coreutils and diff.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ -n ${RIVULET:-} ]]; then
    rivulet=$RIVULET
elif command -v rivulet >/dev/null; then
    rivulet=$(command -v rivulet)
elif [[ -x $here/../../.build/debug/rivulet ]]; then
    rivulet=$here/../../.build/debug/rivulet
elif [[ -x $here/../../.build/release/rivulet ]]; then
    rivulet=$here/../../.build/release/rivulet
else
    echo "run.sh: no rivulet binary: set RIVULET, put rivulet on PATH, or swift build" >&2
    exit 1
fi
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/click-enrichment-kafka.XXXXXX")}
mkdir -p "$work"
deadline=${DEADLINE:-240} # seconds any one step may take

pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 143' TERM INT # so that EXIT runs cleanup
step() { echo "== $*"; }
fail() {
    echo "run.sh: $*" >&2
    echo "run.sh: logs and outputs are in $work" >&2
    exit 1
}
# run_manifest NAME MANIFEST: runs one process in the background, its output in $work/run-NAME.*.
run_manifest() {
    timeout "$deadline" "$rivulet" run "$here/$2" --set "kafka.bootstrap_servers=$servers" \
        --set "state_directory=$work/state-$1" --set "sinks.late.path=$work/late-$1.csv" \
        --set "sinks.late_profiles.path=$work/late-profiles-$1.csv" \
        >"$work/run-$1.out" 2>"$work/run-$1.err" &
    run_pids+=($!)
    pids+=($!)
}
# reap NAME...: waits for the processes run_manifest started, in order; fails if any exited non-zero.
reap() {
    local i=0 name status=0
    for name in "$@"; do
        if wait "${run_pids[$i]}"; then
            echo "process $name: exit 0 ($(grep -c ': assigned ' "$work/run-$name.err" || true) assignment line(s))"
        else
            echo "process $name: exit $?; the end of its stderr ($work/run-$name.err):" >&2
            grep -v CONFWARN "$work/run-$name.err" | tail -n 20 >&2
            status=1
        fi
        for late in "$work/late-$name.csv" "$work/late-profiles-$name.csv"; do
            [[ ! -s $late ]] || { echo "process $name routed records to a late port: $(head -n 3 "$late")" >&2; status=1; }
        done
        i=$((i + 1))
    done
    run_pids=()
    pids=("$mock") # the runs are reaped
    ((status == 0)) || fail "a rivulet run process failed"
}

step "rivulet: $rivulet; scratch: $work"
step "starting the mock cluster"
servers_file=$work/bootstrap.servers
"$rivulet" kafka mock --brokers 1 --topic clicks:4 --topic profiles:2 --topic enriched:1 \
    --bootstrap-file "$servers_file" >"$work/mock.out" 2>"$work/mock.err" &
mock=$!
pids+=("$mock")
for ((i = 0; i < deadline * 10; i++)); do
    [[ -s $servers_file ]] && break
    kill -0 "$mock" 2>/dev/null || fail "the mock cluster exited: $(cat "$work/mock.err")"
    sleep 0.1
done
[[ -s $servers_file ]] || fail "the mock cluster wrote no $servers_file within $deadline s"
servers=$(cat "$servers_file")
echo "bootstrap servers: $servers"

produce() { # produce TOPIC FILE
    timeout "$deadline" "$rivulet" kafka produce "$1" "$here/$2" --bootstrap-servers "$servers" \
        --key-field user_id --timestamp-field ts
}
step "producing profiles.csv to profiles and clicks-1.csv to clicks (keyed by user_id)"
produce profiles profiles.csv
produce clicks clicks-1.csv

run_pids=()
step "run 1: one process of click-enrichment.yaml"
run_manifest first click-enrichment.yaml
reap first

step "producing clicks-2.csv to clicks"
produce clicks clicks-2.csv
step "run 2: two processes, each rebuilding the profiles table from its topic"
run_manifest a click-enrichment.yaml
run_manifest b click-enrichment.yaml
reap a b
for p in a b; do
    grep -q "source 'profiles': assigned profiles\[0\], profiles\[1\]" "$work/run-$p.err" ||
        fail "process $p did not read the whole profiles topic"
done

step "reading enriched"
timeout "$deadline" "$rivulet" kafka consume enriched --bootstrap-servers "$servers" --format value --output "$work/out.csv"
# A click both owners of a moved partition enriched (at least once) appears twice: compare distinct lines.
LC_ALL=C sort -u "$work/out.csv" >"$work/out-sorted.csv"
if ! diff -u <(LC_ALL=C sort "$here/expected-enriched.csv") "$work/out-sorted.csv" >"$work/diff.txt"; then
    cat "$work/diff.txt"
    fail "enriched differs from expected-enriched.csv ($(grep -c '^[-+][^-+]' "$work/diff.txt") line(s))"
fi
echo "OK: $(wc -l <"$work/out-sorted.csv") clicks match expected-enriched.csv ($(wc -l <"$work/out.csv") records in enriched)"
