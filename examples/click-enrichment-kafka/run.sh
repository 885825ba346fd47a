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
source "$here/../kafka-example.sh"
example_init click-enrichment-kafka
start_mock --topic clicks:4 --topic profiles:2 --topic enriched:1

produce() { # produce TOPIC FILE
    timeout "$deadline" "$rivulet" kafka produce "$1" "$here/$2" --bootstrap-servers "$servers" \
        --key-field user_id --timestamp-field ts
}
step "producing profiles.csv to profiles and clicks-1.csv to clicks (keyed by user_id)"
produce profiles profiles.csv
produce clicks clicks-1.csv

step "run 1: one process of click-enrichment.yaml"
run_manifest first click-enrichment.yaml --set "sinks.late_profiles.path=$work/late-profiles-first.csv"
reap first

step "producing clicks-2.csv to clicks"
produce clicks clicks-2.csv
step "run 2: two processes, each rebuilding the profiles table from its topic"
for p in a b; do run_manifest "$p" click-enrichment.yaml --set "sinks.late_profiles.path=$work/late-profiles-$p.csv"; done
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
