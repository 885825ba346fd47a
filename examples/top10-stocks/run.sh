#!/usr/bin/env bash
# Runs the daily top-10 stocks end to end on a mock cluster and checks its output: starts `rivulet kafka
# mock`, produces trades.csv to `trades` (6 partitions, keyed by account), runs phase 1
# (daily-change.yaml) as TWO processes at once — each stock's daily gain/loss, repartitioned by stock,
# written to the single-partition topic `stock-daily` — then phase 2 (top10.yaml), one process keeping
# each day's ten largest gains, reads the topic `top10` back and compares it with expected-top10.jsonl.
# It also saves the phase-1 repartition topic as JSON lines ($WORK/daily-repartition.jsonl) for a look.
# Exits 0 when the output matches.
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
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/top10-stocks.XXXXXX")}
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
        [[ ! -s $work/late-$name.csv ]] || { echo "process $name routed records to the late port: $(head -n 3 "$work/late-$name.csv")" >&2; status=1; }
        i=$((i + 1))
    done
    run_pids=()
    pids=("$mock") # the runs are reaped
    ((status == 0)) || fail "a rivulet run process failed"
}

step "rivulet: $rivulet; scratch: $work"
step "starting the mock cluster"
# The application's internal topics get as many partitions as its largest input topic: 6 for phase 1
# (trades), 1 for phase 2 (stock-daily). librdkafka's mock cluster cannot create topics when asked, so
# they are created here.
servers_file=$work/bootstrap.servers
"$rivulet" kafka mock --brokers 1 --topic trades:6 --topic stock-daily:1 --topic top10:1 \
    --topic top10-daily-daily-repartition:6 --topic top10-daily-daily-changelog:6 \
    --topic top10-rank-top10-repartition:1 --topic top10-rank-top10-changelog:1 \
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

step "producing trades.csv to trades (keyed by account, timestamped by ts)"
timeout "$deadline" "$rivulet" kafka produce trades "$here/trades.csv" --bootstrap-servers "$servers" \
    --key-field account --timestamp-field ts

run_pids=()
step "phase 1: two processes of daily-change.yaml (each stock's daily gain/loss into stock-daily)"
run_manifest a daily-change.yaml
run_manifest b daily-change.yaml
reap a b

step "phase 2: one process of top10.yaml (each day's ten largest gains into top10)"
run_manifest rank top10.yaml
reap rank

step "reading the phase-1 repartition topic and top10"
timeout "$deadline" "$rivulet" kafka consume top10-daily-daily-repartition --bootstrap-servers "$servers" \
    --format json --output "$work/daily-repartition.jsonl"
timeout "$deadline" "$rivulet" kafka consume top10 --bootstrap-servers "$servers" --format value --output "$work/out.jsonl"
if ! diff -u "$here/expected-top10.jsonl" "$work/out.jsonl" >"$work/diff.txt"; then
    cat "$work/diff.txt"
    fail "top10 differs from expected-top10.jsonl ($(grep -c '^[-+][^-+]' "$work/diff.txt") line(s))"
fi
echo "OK: $(wc -l <"$work/out.jsonl") days match expected-top10.jsonl"
