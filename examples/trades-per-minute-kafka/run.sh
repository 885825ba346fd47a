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
source "$here/../kafka-example.sh"
example_init trades-per-minute-kafka
app=trades-per-minute # the manifest's application_id: it prefixes the window's internal topics
start_mock --topic trades:6 --topic stock-minutes:1 \
    --topic "$app-per_stock-repartition:6" --topic "$app-per_stock-changelog:6"

step "producing trades.csv to trades (keyed by account, timestamped by ts)"
timeout "$deadline" "$rivulet" kafka produce trades "$here/trades.csv" --bootstrap-servers "$servers" \
    --key-field account --timestamp-field ts

step "running two processes of trades-per-minute.yaml (no trade may be late)"
for p in a b; do run_manifest "$p" trades-per-minute.yaml --set "checkpoint.dir=$work/checkpoints-$p"; done
reap a b

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
