#!/usr/bin/env bash
# Runs the same windows in Apache Flink and in Rivulet and compares the results record for record.
#
#   bash tools/flink-check/check.sh [events=200000]
#
# Needs python3 + pip (to fetch Flink's jars from PyPI: apache-flink-libraries, ~330 MB, cached in
# ~/.cache/rivulet-flink), a JDK 17 (javac, java), and a built rivulet (.build/release or .build/debug).
# Flink runs in-process (a local mini cluster). Flink's window timers fire ties in heap order, so both
# outputs are compared sorted; the late records (Flink's side output, Rivulet's `late` port) likewise.
# With grace, Flink's allowedLateness re-fires windows; its last firing per window is compared.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
events="${1:-200000}"
version=2.3.0
cache="${HOME}/.cache/rivulet-flink/$version"
rivulet="$root/.build/release/rivulet"
[ -x "$rivulet" ] || rivulet="$root/.build/debug/rivulet"
[ -x "$rivulet" ] || { echo "build rivulet first: swift build -c release" >&2; exit 1; }

if [ ! -d "$cache/lib" ]; then
    mkdir -p "$cache"
    python3 -m pip download --no-deps "apache-flink-libraries==$version" -d "$cache" >&2
    python3 - "$cache" <<'PY'
import sys, zipfile, glob, os
cache = sys.argv[1]
wheel = glob.glob(os.path.join(cache, "apache_flink_libraries-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("pyflink/lib/") and name.endswith(".jar"):
            target = os.path.join(cache, "lib", os.path.basename(name))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(z.read(name))
PY
fi
cp=$(ls "$cache"/lib/*.jar | tr '\n' ':')
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
javac -cp "$cp" -d "$work/classes" "$here/WindowCheck.java"

flink() {  # input kind size second bound out late
    java --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
        -cp "$work/classes:$cp" WindowCheck "$@" >"$work/flink.log" 2>&1 || { cat "$work/flink.log" >&2; exit 1; }
}

rivulet_run() {  # input kind size second bound out late [grace]
    local window grace="${8:-0}"
    case "$2" in
        tumbling) window="window: tumbling, size: $3" ;;
        hopping) window="window: hopping, size: $3, advance: $4" ;;
        session) window="window: session, gap: $4" ;;
    esac
    cat >"$work/m.yaml" <<YAML
sources:
  s:
    type: file
    path: $1
    format: csv
    header: false
    schema: { ts: i64, key: string, value: i64 }
    time: { type: event, field: ts, max_out_of_order: $5 }
operators:
  w: { $window, grace: $grace, key_by: key, aggregates: { count: count(), sum: sum(value) } }
sinks:
  out: { type: file, path: $6, format: csv, header: false }
  late: { type: file, path: $7, format: csv, header: false }
edges: [s -> w, w.out -> out, w.late -> late]
YAML
    "$rivulet" run --quiet "$work/m.yaml"
}

compare() {  # label input kind size second bound [grace]
    local grace="${7:-0}"
    flink "$2" "$3" "$4" "$5" "$6" "$work/f.csv" "$work/f-late.csv" "$grace"
    rivulet_run "$2" "$3" "$4" "$5" "$6" "$work/r.csv" "$work/r-late.csv" "$grace"
    # With allowed lateness Flink fires a window again per late record it accepts; its last firing is
    # the window's final result, which is what Rivulet's `emit: final` writes once.
    # A session fired early can later be merged into a bigger one (Flink emits both, no retraction): keep
    # only windows not inside another window of the same key.
    python3 - "$work/f.csv" <<'PY' | sort >"$work/f.sorted"
import sys
last = {}
for line in open(sys.argv[1]):
    key, start, end, *_ = line.rstrip("\n").split(",")
    last[(key, int(start), int(end))] = line.rstrip("\n")
by_key = {}
for (key, start, end) in last:
    by_key.setdefault(key, []).append((start, end))
for (key, start, end), line in last.items():
    if not any(s <= start and end <= e and (s, e) != (start, end) for s, e in by_key[key]):
        print(line)
PY
    sort "$work/r.csv" >"$work/r.sorted"
    sort "$work/f-late.csv" >"$work/fl.sorted"; sort "$work/r-late.csv" >"$work/rl.sorted"
    if cmp -s "$work/f.sorted" "$work/r.sorted" && cmp -s "$work/fl.sorted" "$work/rl.sorted"; then
        printf '%-52s same: %7d windows, %6d late records\n' "$1" "$(wc -l <"$work/r.csv")" "$(wc -l <"$work/r-late.csv")"
    else
        printf '%-52s DIFFERENT\n' "$1"
        diff "$work/f.sorted" "$work/r.sorted" | head -5
        diff "$work/fl.sorted" "$work/rl.sorted" | head -5
        exit 1
    fi
}

python3 "$root/Benchmarks/generate_events.py" "$work/events.csv" "$events" >/dev/null
small="$root/examples/tumbling-csv/events.csv"
echo "Apache Flink $version vs rivulet ($rivulet), watermark max − B after every event:"
compare "tumbling-csv example: tumbling 10 s, B 2 s" "$small" tumbling 10000 0 2000
compare "tumbling-csv example: hopping 10 s / 5 s, B 2 s" "$small" hopping 10000 5000 2000
compare "tumbling-csv example: session gap 3 s, B 1 s" "$small" session 0 3000 1000
compare "$events events: tumbling 10 s, B 2 s" "$work/events.csv" tumbling 10000 0 2000
compare "$events events: tumbling 1 s, B 0" "$work/events.csv" tumbling 1000 0 0
compare "$events events: hopping 10 s / 2 s, B 2 s" "$work/events.csv" hopping 10000 2000 2000
compare "$events events: session gap 800 ms, B 1 s" "$work/events.csv" session 0 800 1000
compare "$events events: session gap 100 ms, B 0" "$work/events.csv" session 0 100 0
compare "$events events: tumbling 10 s, B 2 s, grace 3 s" "$work/events.csv" tumbling 10000 0 2000 3000
compare "$events events: hopping 4 s / 1 s, B 0, grace 500 ms" "$work/events.csv" hopping 4000 1000 0 500
compare "$events events: session gap 800 ms, B 500 ms, grace 1 s" "$work/events.csv" session 0 800 500 1000
