#!/usr/bin/env bash
# kafka.sh: records/s from a Kafka topic into a Kafka topic (a local mock cluster) against the same topologies on files.
#
#   bash Benchmarks/kafka.sh [runs=3] [events=1000000]
#
# Two topologies, each run on files (the baseline, measured in the same invocation) and on topics, under
# both processing guarantees (at_least_once, exactly_once_v2):
#   stateless  csv → rv_std_c `filter` (value < 900, keeps ~90 %) → jsonl
#   windowed   examples/tumbling-csv's job: 10 s tumbling count + sum per key (2 s out-of-orderness) → csv
# On topics each runs as ONE `rivulet run` process and as TWO processes of the same application_id (one
# consumer group) sharing the 6-partition input topic; `until: end` ends each process once the partitions
# it holds are read to their end, and its sink waits for the broker's acknowledgements before it exits.
#
# Input: Benchmarks/generate_events.py (`ts_ms,key,value`, 1,000 keys; cached as
# /tmp/rivulet-bench/events-<N>.csv), produced ONCE per invocation, before anything is timed, into the
# topic `events` (6 partitions, keyed by `key`, timestamped by `ts_ms`) of a `rivulet kafka mock` cluster
# (one broker, loopback, in its own process). Every Kafka run gets a fresh application_id (a new consumer
# group: it reads from the beginning) and a fresh output topic. Configurations are alternated: the order
# rotates every round, as in checkpoints.sh.
#
# Timing (EPOCHREALTIME, each stderr line stamped as it arrives): "wall" is from launching the first
# process until the last process has exited (its output acknowledged by the broker): records/s = events /
# wall, the consumer group's join (~3 s: the mock's delay before a new group's first assignment) included.
# "after join" is from the moment the last process got its partitions ("assigned" on its stderr; for the
# windowed job, whose repartition reader joins a second group with the same delay, the later of its two
# sources' first assignments) to the same end: events / that. Ratios are to the file topology's wall records/s of the same invocation.
#
# Checked after every run (outside the timed part): no dead letters; stateless: the output topic holds
# as many records as the filter keeps; windowed: sum(count) of its output + the late records = events;
# two processes: which partitions each got (their "assigned" lines) and their records in, summed.
#
# Mock cluster limits that shape the set-up (Debian's librdkafka 2.0.2): a partition keeps at most 5 MB
# (or 100,000 record batches) and silently drops its oldest batches beyond that, so every topic is
# zstd-compressed (~13 bytes a record: ~2.2M of these events fit in 6 partitions; the script stops if the
# input topic lost any). A window's repartition topic holds each event again with its time and origin
# headers: 2M events overflow it (its reader then fails the run: "records were deleted before they were
# read"), so the default is 1M events; one message set per partition per fetch, so the input is produced in full batches
# (linger.ms=100: 10,000 records); and a consumer whose queue holds more than queued.min.messages
# (100,000 unless told) stops fetching for 1 s, so the sources set it to KAFKA_QUEUED_MIN_MESSAGES
# (1000000 unless told; KAFKA_QUEUED_MIN_MESSAGES=100000 measures with librdkafka's default).
#
# Two processes: each must exit 0 (the one ending second may find the group rebalancing at its final
# commit; it then leaves the commit to librdkafka on closing, with a message). Any failure stops the script.
#
# Guarantees: at least once ("kafka" configurations; stateless: offsets committed when a run completes;
# windowed: a Kafka application, whose window reads through its repartition topic and commits at
# checkpoints every second) and exactly_once_v2 ("eos" configurations: one transaction per process per
# checkpoint, every second, holding the outputs, the changelog writes and the offsets; producer
# properties then go in the kafka: section, so compression is set there). The mock cluster does not store
# offsets committed by transactions, so under exactly_once_v2 with two processes the one that takes over
# partitions at the start reads them from the beginning: the notes then show records read or written twice.
#
# Needs .build/release/rivulet (swift build -c release; RIVULET_BUILD=/other/.build/release for another
# build), python3 and GNU time. On a shared machine wrap it so no build runs beside it:
# `rbuild bash Benchmarks/kafka.sh` (about 2 minutes with the defaults). Results: Benchmarks/README.md, "Kafka".
set -euo pipefail
shopt -s nullglob
export LC_ALL=C # EPOCHREALTIME's decimal point

RUNS=${1:-3}
EVENTS=${2:-1000000}
QUEUED_MIN=${KAFKA_QUEUED_MIN_MESSAGES:-1000000}
[[ $RUNS =~ ^[1-9][0-9]*$ && $EVENTS =~ ^[1-9][0-9]*$ ]] || { echo "usage: kafka.sh [runs] [events]" >&2; exit 2; }
[[ $QUEUED_MIN =~ ^[1-9][0-9]*$ ]] || { echo "KAFKA_QUEUED_MIN_MESSAGES must be a positive integer" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RIVULET_BUILD:-$ROOT/.build/release}
RIVULET=$BUILD/rivulet
[[ -x $RIVULET ]] || { echo "error: $RIVULET not found; build it first: (cd $ROOT && swift build -c release)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "error: GNU time is needed (apt-get install time)" >&2; exit 1; }
CACHE=/tmp/rivulet-bench
INPUT=$CACHE/events-$EVENTS.csv
mkdir -p "$CACHE"
python3 "$ROOT/Benchmarks/generate_events.py" --if-missing "$INPUT" "$EVENTS"

work=$(mktemp -d "$CACHE/kafka.XXXXXX")
mock="" keep=0
cleanup() {
    if [[ -n $mock ]]; then kill "$mock" 2>/dev/null && wait "$mock" 2>/dev/null || true; fi
    if ((keep)); then echo "files kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
# fail MESSAGE: stops, keeping the files for a look.
fail() {
    echo "error: $*" >&2
    keep=1
    exit 1
}

# median of the numbers on stdin
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Prefixes each line of stdin with the time it arrived.
stamp() {
    local line
    while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}
# waits until a command succeeds (at most $1 seconds), checking every 0.1 s
wait_for() {
    local limit=$1 start=$SECONDS
    shift
    until "$@"; do
        ((SECONDS - start < limit)) || return 1
        sleep 0.1
    done
}

# TOPOLOGY-TRANSPORT-PROCESSES; transport: file, kafka (at least once) or eos (exactly_once_v2).
KAFKA_CONFIGS=(stateless-kafka-1 stateless-kafka-2 stateless-eos-1 stateless-eos-2 windowed-kafka-1 windowed-kafka-2 windowed-eos-1 windowed-eos-2)
CONFIGS=(stateless-file "${KAFKA_CONFIGS[@]:0:4}" windowed-file "${KAFKA_CONFIGS[@]:4}")

# The mock cluster: the input topic and one output topic per Kafka run, 6 partitions each.
topics=(--topic events:6)
for ((round = 1; round <= RUNS; round++)); do
    for config in "${KAFKA_CONFIGS[@]}"; do
        topics+=(--topic "out-$config-$round:6")
        # A Kafka application's window reads through its repartition topic and keeps a changelog.
        [[ $config == windowed-* ]] && topics+=(--topic "bench-$config-$round-per_key-repartition:6" --topic "bench-$config-$round-per_key-changelog:6")
    done
done
"$RIVULET" kafka mock --brokers 1 "${topics[@]}" --bootstrap-file "$work/servers" >"$work/mock.out" 2>"$work/mock.err" &
mock=$!
wait_for 30 test -s "$work/servers" || fail "the mock cluster did not start: $(cat "$work/mock.err")"
SERVERS=$(cat "$work/servers")

# The input, produced once (not timed): a header line names the columns for --key-field/--timestamp-field.
{ echo "ts_ms,key,value"; cat "$INPUT"; } >"$work/events.csv"
start=$EPOCHREALTIME
"$RIVULET" kafka produce events "$work/events.csv" --bootstrap-servers "$SERVERS" --key-field key --timestamp-field ts_ms \
    --property compression.type=zstd --property linger.ms=100 2>"$work/produce.err" || fail "producing the input: $(cat "$work/produce.err")"
produce_s=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
rm "$work/events.csv"
# consume: every record of a topic as values, one a line, into a file.
consume() {
    "$RIVULET" kafka consume "$1" --bootstrap-servers "$SERVERS" --format value --output "$2" --timeout 300 \
        --property "queued.min.messages=$QUEUED_MIN" 2>"$work/consume.err" || fail "reading topic $1: $(cat "$work/consume.err")"
}
consume events "$work/check.txt"
kept=$(wc -l <"$work/check.txt")
if ((kept != EVENTS)); then
    fail "the topic holds $kept of $EVENTS records: the mock keeps at most 5 MB a partition; use fewer events"
fi
rm "$work/check.txt"
printf 'produced %d events into 6 partitions in %.1f s (not timed); every one kept\n' "$EVENTS" "$produce_s" >&2
# Records the filter keeps, for the stateless checks.
FILTERED=$(awk -F, '$3 < 900' "$INPUT" | wc -l)

# source_yaml file|kafka: the input as a source named `events`.
source_yaml() {
    if [[ $1 == file ]]; then
        cat <<EOF
  events:
    type: file
    path: $INPUT
    format: csv
    header: false
    schema: { ts_ms: i64, key: string, value: i64 }
EOF
    else
        cat <<EOF
  events:
    type: kafka
    topics: events
    format: csv
    schema: { ts_ms: i64, key: string, value: i64 }
    until: end
    properties: { session.timeout.ms: 6000, heartbeat.interval.ms: 500, queued.min.messages: $QUEUED_MIN }
EOF
    fi
}
# sink_yaml file|kafka|eos NAME FORMAT OUTPUT [FIELDS]: the sink `output` (OUTPUT: a path or a topic).
sink_yaml() {
    local fields=${5:+, fields: $5}
    if [[ $1 == file ]]; then
        echo "  $2: { type: file, path: $4, format: $3, header: false$fields }"
    else
        echo "  $2: { type: kafka, topic: $4, format: $3, key: key$fields }"
    fi
}
# manifest TOPOLOGY file|kafka|eos OUTPUT APPLICATION_ID
manifest() {
    local topology=$1 kind=$2 output=$3
    [[ $kind == kafka ]] && printf 'application_id: %s\nkafka: { bootstrap_servers: "%s", properties: { compression.type: zstd } }\n' "$4" "$SERVERS"
    [[ $kind == eos ]] && printf 'application_id: %s\nkafka: { bootstrap_servers: "%s", processing_guarantee: exactly_once_v2, properties: { compression.type: zstd } }\n' "$4" "$SERVERS"
    if [[ $topology == stateless ]]; then
        cat <<EOF
name: kafka-bench-stateless
plugins:
  c: { library: rv_std_c }
sources:
$(source_yaml "$kind")
operators:
  keep: { plugin: c, operator: filter, config: { field: value, op: lt, value: 900 } }
sinks:
$(sink_yaml "$kind" output jsonl "$output")
edges: [events -> keep, keep -> output]
dead_letters: { type: file, path: dead.jsonl }
EOF
    else
        cat <<EOF
name: kafka-bench-windowed
sources:
$(source_yaml "$kind")
    time: { type: event, field: ts_ms, format: epoch_ms, max_out_of_order: 2s }
operators:
  per_key:
    window: tumbling
    size: 10s
    grace: 0s
    emit: final
    key_by: key
    chain: false
    aggregates: { count: count(), sum: sum(value) }
sinks:
$(sink_yaml "$kind" output csv "$output" "[window_start, key, count, sum]")
  late: { type: file, path: late.csv, header: false }
edges: [events -> per_key, per_key.out -> output, per_key.late -> late]
dead_letters: { type: file, path: dead.jsonl }
EOF
    fi
}

# The mock's CPU seconds so far (utime + stime of its process).
mock_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$mock/stat"
}

# run CONFIG ROUND: one timed run; appends "wall_s after_join_s cpu_s mock_cpu_s peak_mb" to $work/CONFIG.runs.
run() {
    local config=$1 round=$2 topology=${1%%-*} kind processes
    kind=${config#*-} && kind=${kind%-*}
    processes=${config##*-}
    [[ $kind == file ]] && processes=1
    local dir=$work/$config-$round output
    mkdir -p "$dir"
    if [[ $kind == file ]]; then output=$dir/output.out; else output=out-$config-$round; fi
    manifest "$topology" "$kind" "$output" "bench-$config-$round" >"$dir/m.yaml"
    [[ $kind == eos ]] && kind=kafka
    local pids=() p extra
    local cpu0 t0
    cpu0=$(mock_cpu)
    t0=$EPOCHREALTIME
    for ((p = 1; p <= processes; p++)); do
        extra=(--set "dead_letters.path=$dir/dead-$p.jsonl")
        [[ $topology == windowed ]] && extra+=(--set "sinks.late.path=$dir/late-$p.csv")
        { /usr/bin/time -o "$dir/time-$p" -f '%U %S %M' "$RIVULET" run "$dir/m.yaml" "${extra[@]}" 2>&1 >/dev/null |
            stamp >"$dir/stderr-$p"; } &
        pids+=($!)
    done
    local failed=()
    for p in "${!pids[@]}"; do wait "${pids[$p]}" || failed+=($((p + 1))); done
    local t1=$EPOCHREALTIME
    # After the clock: failures, the partition split, records in, CPU, checks.
    local joined=$t0 notes="" records_in=0 cpu=0 peak=0 f at
    for p in "${failed[@]}"; do
        fail "$config round $round: process $p failed: $(cut -d' ' -f2- "$dir/stderr-$p")"
    done
    for ((p = 1; p <= processes; p++)); do
        f=$dir/stderr-$p
        if [[ $kind == kafka ]]; then
            # The latest of its sources' first assignments (a window's repartition reader joins a group of its own).
            at=$(awk '/: assigned / { s = $3; if (!(s in first)) first[s] = $1 } END { m = ""; for (s in first) if (m == "" || first[s] > m) m = first[s]; print m }' "$f")
            [[ -n $at ]] || fail "$config round $round: process $p was never assigned a partition"
            joined=$(awk -v a="$joined" -v b="$at" 'BEGIN { print (b > a ? b : a) }')
            notes+="${notes:+; }process $p: partitions $(grep ': assigned ' "$f" | grep -o 'events\[[0-9]*\]' | tr -dc '0-9\n' | sort -n | paste -sd, -)"
            (($(grep -c "source 'events': assigned " "$f") == 1)) || notes+=" (in $(grep -c "source 'events': assigned " "$f") assignments: rebalanced)"
            notes+=", $(awk '$2 == "records" && $3 == "in:" { n = $4 } END { print (n == "" ? "no summary" : n " records in") }' "$f")"
        fi
        records_in=$((records_in + $(awk '$2 == "records" && $3 == "in:" { n = $4 } END { print n + 0 }' "$f")))
        # (GNU time writes a line "Command exited with non-zero status" first when it did.)
        read -r cpu peak < <(tail -n 1 "$dir/time-$p" | awk -v c="$cpu" -v m="$peak" '{ print c + $1 + $2, ($3 / 1024 > m ? $3 / 1024 : m) }')
        [[ ! -s $dir/dead-$p.jsonl ]] || fail "$config round $round: dead letters in $dir/dead-$p.jsonl"
    done
    # A Kafka application's window reads every event twice: from the input and from its repartition topic.
    local reads=$EVENTS
    [[ $topology == windowed && $kind == kafka ]] && reads=$((2 * EVENTS))
    ((${#failed[@]} > 0 || records_in == reads)) || notes+="; records in: $records_in, not $reads"
    local line
    line=$(awk -v a="$t0" -v j="$joined" -v b="$t1" -v c="$cpu" -v m0="$cpu0" -v m1="$(mock_cpu)" -v pk="$peak" \
        'BEGIN { printf "%.3f %.3f %.2f %.2f %.1f", b - a, b - j, c, m1 - m0, pk }')
    if [[ $kind == kafka ]]; then consume "$output" "$dir/output.out"; fi
    if [[ $topology == stateless ]]; then
        local got
        got=$(wc -l <"$dir/output.out")
        ((got >= FILTERED)) || fail "$config round $round: $got records out, the filter keeps $FILTERED"
        ((got == FILTERED)) || notes+="; $((got - FILTERED)) records written twice"
    else
        local late windowed
        late=$(cat /dev/null "$dir"/late-*.csv | wc -l)
        windowed=$(awk -F, '{ s += $3 } END { print s + 0 }' "$dir/output.out")
        ((late + windowed == EVENTS)) || fail "$config round $round: windows count $windowed events, $late late, not $EVENTS"
        notes+="${notes:+; }$late late"
    fi
    echo "$line" >>"$work/$config.runs"
    if [[ -n $notes ]]; then echo "$round: $notes" >>"$work/$config.notes"; fi
    rm -rf "$dir"
}

printf 'kafka benchmark: %d events, %d runs of each configuration; queued.min.messages=%s\n' "$EVENTS" "$RUNS" "$QUEUED_MIN" >&2
n=${#CONFIGS[@]}
for ((round = 1; round <= RUNS; round++)); do
    for ((k = 0; k < n; k++)); do run "${CONFIGS[$(((round + k) % n))]}" "$round"; done
    printf 'round %d/%d:' "$round" "$RUNS" >&2
    for config in "${CONFIGS[@]}"; do printf ' %s %s s |' "$config" "$(tail -n 1 "$work/$config.runs" | cut -d' ' -f1)" >&2; done
    echo >&2
done

label() {
    case $1 in
    *-file) echo "file -> file" ;;
    *-kafka-1) echo "topic -> topic, 1 process" ;;
    *-kafka-2) echo "topic -> topic, 2 processes" ;;
    *-eos-1) echo "topic -> topic, 1 process, EOS" ;;
    *-eos-2) echo "topic -> topic, 2 procs, EOS" ;;
    esac
}
# column N's median over CONFIG's runs
col() { cut -d' ' -f"$2" "$work/$1.runs" | median; }
mega() { awk -v n="$EVENTS" -v w="$1" 'BEGIN { printf "%.2f M", n / w / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }

echo
echo "kafka: $EVENTS events, $RUNS runs of each (medians); mock cluster: 1 broker on loopback (its own process), input topic of 6 partitions"
echo "wall: first process started -> last process ended (output acknowledged); after join: from the last process's 'assigned' (windowed: of its later group)"
echo "cpu: user + system of the rivulet processes; mock cpu: the mock cluster's during the run; peak: the largest process's RSS"
echo "guarantees: at_least_once (kafka), exactly_once_v2 (EOS); ratios to file -> file of the same topology"
printf '  %-10s %-30s %7s %11s %8s %8s %11s %8s %6s %9s %8s\n' topology configuration "wall s" records/s "vs file" \
    "after s" records/s "vs file" "cpu s" "mock cpu" "peak MB"
for config in "${CONFIGS[@]}"; do
    wall=$(col "$config" 1)
    [[ $config == *-file ]] && base=$wall
    after="" after_rate="" after_ratio=""
    if [[ $config != *-file ]]; then
        after=$(col "$config" 2)
        after_rate=$(mega "$after")
        after_ratio=$(ratio "$after" "$base")
    fi
    printf '  %-10s %-30s %7.2f %11s %8s %8s %11s %8s %6.2f %9.2f %8.1f\n' "${config%%-*}" "$(label "$config")" "$wall" \
        "$(mega "$wall")" "$(ratio "$wall" "$base")" "$after" "$after_rate" "$after_ratio" "$(col "$config" 3)" \
        "$(col "$config" 4)" "$(col "$config" 5)"
done
echo "per round: input partitions per process (their 'assigned' lines), records in (their summaries), late records, anything odd:"
for config in "${CONFIGS[@]}"; do
    if [[ -s $work/$config.notes ]]; then sed "s/^/  $config, round /" "$work/$config.notes"; fi
done
