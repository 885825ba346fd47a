#!/usr/bin/env bash
# Runs the trades-per-minute Kafka application end to end on a mock cluster and checks its output:
# starts `rivulet kafka mock`, produces trades.csv to `trades`, runs TWO `rivulet run` processes of
# trades-per-minute.yaml at once (they share the work through the consumer group), reads
# `stock-minutes` back and compares it with expected-stock-minutes.jsonl. Exits 0 when they match.
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
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/trades-per-minute-kafka.XXXXXX")}
mkdir -p "$work"
app=trades-per-minute   # the manifest's application_id: it prefixes the window's internal topics
deadline=${DEADLINE:-240}  # seconds any one step may take

pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so that EXIT runs cleanup
step() { echo "== $*"; }
fail() {
    echo "run.sh: $*" >&2
    echo "run.sh: logs and outputs are in $work" >&2
    exit 1
}

step "rivulet: $rivulet; scratch: $work"
step "starting the mock cluster"
servers_file=$work/bootstrap.servers
"$rivulet" kafka mock --brokers 1 --topic trades:6 --topic stock-minutes:1 \
    --topic "$app-per_stock-repartition:6" --topic "$app-per_stock-changelog:6" \
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

step "running two processes of trades-per-minute.yaml"
run_pids=()
for p in a b; do
    timeout "$deadline" "$rivulet" run "$here/trades-per-minute.yaml" \
        --set "kafka.bootstrap_servers=$servers" \
        --set "checkpoint.dir=$work/checkpoints-$p" \
        --set "sinks.late.path=$work/late-$p.csv" \
        >"$work/run-$p.out" 2>"$work/run-$p.err" &
    run_pids+=($!)
    pids+=($!)
done
status=0
for i in 0 1; do
    p=$([[ $i == 0 ]] && echo a || echo b)
    if wait "${run_pids[$i]}"; then
        echo "process $p: exit 0 ($(grep -c ': assigned ' "$work/run-$p.err" || true) assignment line(s))"
    else
        code=$?
        echo "process $p: exit $code; the end of its stderr ($work/run-$p.err):" >&2
        grep -v CONFWARN "$work/run-$p.err" | tail -n 20 >&2
        status=1
    fi
done
pids=("$mock")   # the runs are reaped
((status == 0)) || fail "a rivulet run process failed"

step "checking that no trade was late"
for p in a b; do
    if [[ -s $work/late-$p.csv ]]; then fail "process $p routed trades to the late port: $(head -n 5 "$work/late-$p.csv")"; fi
done

step "reading stock-minutes"
timeout "$deadline" "$rivulet" kafka consume stock-minutes --bootstrap-servers "$servers" \
    --format value --output "$work/out.jsonl"
# A window a partition's two owners both emitted (the partition moved between the processes) appears
# twice: compare distinct lines.
LC_ALL=C sort -u "$work/out.jsonl" >"$work/out-sorted.jsonl"
if ! diff -u "$here/expected-stock-minutes.jsonl" "$work/out-sorted.jsonl" >"$work/diff.txt"; then
    cat "$work/diff.txt"
    fail "stock-minutes differs from expected-stock-minutes.jsonl ($(grep -c '^[-+][^-+]' "$work/diff.txt") line(s))"
fi
echo "OK: $(wc -l <"$work/out-sorted.jsonl") windows match expected-stock-minutes.jsonl ($(wc -l <"$work/out.jsonl") records in stock-minutes)"
