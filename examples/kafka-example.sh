# kafka-example.sh: what the Kafka examples' run.sh scripts share (sourced, not run): finding the
# binary, a scratch folder, a mock cluster, running `rivulet run` processes and checking how they ended.
#
# The binary: $RIVULET if set, else `rivulet` on PATH, else .build/debug/rivulet, else
# .build/release/rivulet of this repository. Scratch files go to $WORK (a new temporary directory unless
# set), kept afterwards. DEADLINE (240 unless set) bounds each step, in seconds. Needs bash and coreutils.

# example_init NAME: sets rivulet, work and deadline; every process started is stopped at exit.
example_init() {
    local repo
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    if [[ -n ${RIVULET:-} ]]; then
        rivulet=$RIVULET
    elif command -v rivulet >/dev/null; then
        rivulet=$(command -v rivulet)
    elif [[ -x $repo/.build/debug/rivulet ]]; then
        rivulet=$repo/.build/debug/rivulet
    elif [[ -x $repo/.build/release/rivulet ]]; then
        rivulet=$repo/.build/release/rivulet
    else
        echo "run.sh: no rivulet binary: set RIVULET, put rivulet on PATH, or swift build" >&2
        exit 1
    fi
    work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")}
    mkdir -p "$work"
    deadline=${DEADLINE:-240}
    pids=()
    run_pids=()
    trap example_cleanup EXIT
    trap 'exit 143' TERM INT # so that EXIT runs the cleanup
    step "rivulet: $rivulet; scratch: $work"
}

example_cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

step() { echo "== $*"; }

fail() {
    echo "run.sh: $*" >&2
    echo "run.sh: logs and outputs are in $work" >&2
    exit 1
}

# start_mock --topic NAME:PARTITIONS...: starts `rivulet kafka mock` with those topics; sets servers.
start_mock() {
    step "starting the mock cluster"
    local servers_file=$work/bootstrap.servers i
    "$rivulet" kafka mock --brokers 1 "$@" --bootstrap-file "$servers_file" >"$work/mock.out" 2>"$work/mock.err" &
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
}

# run_manifest NAME MANIFEST [ARGUMENT...]: runs one process in the background (its own state folder,
# its late records to $work/late-NAME.csv, the arguments added), its output in $work/run-NAME.*.
run_manifest() {
    local name=$1 manifest=$2
    shift 2
    timeout "$deadline" "$rivulet" run "$here/$manifest" --set "kafka.bootstrap_servers=$servers" \
        --set "state_directory=$work/state-$name" --set "sinks.late.path=$work/late-$name.csv" "$@" \
        >"$work/run-$name.out" 2>"$work/run-$name.err" &
    run_pids+=($!)
    pids+=($!)
}

# reap NAME...: waits for the processes run_manifest started, in order; fails if any exited non-zero
# or wrote anything to a late file of its own ($work/late*-NAME.csv).
reap() {
    local i=0 name status=0 late
    for name in "$@"; do
        if wait "${run_pids[$i]}"; then
            echo "process $name: exit 0 ($(grep -c ': assigned ' "$work/run-$name.err" || true) assignment line(s))"
        else
            echo "process $name: exit $?; the end of its stderr ($work/run-$name.err):" >&2
            grep -v CONFWARN "$work/run-$name.err" | tail -n 20 >&2
            status=1
        fi
        for late in "$work"/late*-"$name".csv; do
            [[ ! -s $late ]] || { echo "process $name routed records to a late port: $(head -n 3 "$late")" >&2; status=1; }
        done
        i=$((i + 1))
    done
    run_pids=()
    pids=("$mock") # the runs are reaped
    ((status == 0)) || fail "a rivulet run process failed"
}
