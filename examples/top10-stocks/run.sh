#!/usr/bin/env bash
# Runs the daily top-10 stocks end to end on a mock cluster and checks its output: starts `rivulet kafka
# mock`, produces trades.csv to `trades` (6 partitions, keyed by account), runs phase 1
# (daily-change.yaml) as TWO processes at once — each stock's daily gain/loss, repartitioned by stock,
# written to the single-partition topic `stock-daily` — then phase 2 (top10.yaml), one process keeping
# each day's ten largest gains, reads the topic `top10` back and compares it with expected-top10.jsonl.
# It also saves the phase-1 repartition topic as JSON lines ($WORK/daily-repartition.jsonl) for a look
# (each record keyed by its stock; its value a binary row).
# Exits 0 when the output matches.
#
# Builds nothing. The binary: $RIVULET if set, else `rivulet` on PATH, else ../../.build/debug/rivulet,
# else ../../.build/release/rivulet. Scratch files go to $WORK (a new temporary directory unless set),
# kept afterwards. DEADLINE (240 unless set) bounds each step, in seconds. Needs bash, coreutils and diff.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../kafka-example.sh"
example_init top10-stocks
# The application's internal topics get as many partitions as its largest input topic: 6 for phase 1
# (trades), 1 for phase 2 (stock-daily). librdkafka's mock cluster cannot create topics when asked, so
# they are created here.
start_mock --topic trades:6 --topic stock-daily:1 --topic top10:1 \
    --topic top10-daily-daily-repartition:6 --topic top10-daily-daily-changelog:6 \
    --topic top10-rank-top10-repartition:1 --topic top10-rank-top10-changelog:1

step "producing trades.csv to trades (keyed by account, timestamped by ts)"
timeout "$deadline" "$rivulet" kafka produce trades "$here/trades.csv" --bootstrap-servers "$servers" \
    --key-field account --timestamp-field ts

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
