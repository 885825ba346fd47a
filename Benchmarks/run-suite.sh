#!/usr/bin/env bash
# run-suite.sh — builds everything in release (the benchmarks load the release plugins from .build/release),
# then runs the ordo-one/benchmark suite Benchmarks/RivuletBenchmarks and checks it against Thresholds/.
#
#   bash Benchmarks/run-suite.sh          check: run every benchmark once (stored as the baseline 'suite' in
#                                         .benchmarkBaselines/), print the tables, compare with Thresholds/
#                                         (exit 0 when within tolerance or only better; non-zero otherwise)
#   bash Benchmarks/run-suite.sh update   run and rewrite Thresholds/ from this run, keeping only the checked
#                                         metrics: mallocCountTotal and the `slowdown … (x100)` comparisons
#   bash Benchmarks/run-suite.sh run      run and print the tables only
#
# Extra arguments go to the benchmark plugin (e.g. `--filter Pipeline`). Every table row is one metric's
# percentiles over the iterations; the ratios to the baselines are the `ratio … (x1000)` rows (80 = 0.08×),
# and a `Malloc (total) *` row is per batch of 1,024 records (scaled; per iteration for the RocksDB store
# benchmarks, whose iteration is one batch). See Benchmarks/README.md. The suite runs for about 45 s
# after the build (each benchmark is capped by maxIterations/maxDuration). Builds and runs take
# /tmp/rivulet-build.lock (flock) when flock is installed, so they never overlap another build here.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-check}"
[ $# -gt 0 ] && shift

locked() {
    if command -v flock >/dev/null; then flock /tmp/rivulet-build.lock "$@"; else "$@"; fi
}

locked swift build -c release

case "$mode" in
run)
    locked swift package --allow-writing-to-package-directory benchmark --no-progress "$@"
    ;;
update)
    locked swift package --allow-writing-to-package-directory benchmark thresholds update --no-progress "$@"
    # Keep only what is checked: rates and wall-clock time move ±40 % on a shared VM.
    python3 - <<'PY'
import glob, json
for path in sorted(glob.glob("Thresholds/*.p90.json")):
    with open(path) as f:
        values = json.load(f)
    kept = {k: v for k, v in values.items() if k == "mallocCountTotal" or k.startswith("slowdown ")}
    with open(path, "w") as f:
        json.dump(kept, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{path}: {kept}")
PY
    ;;
check)
    # One run, stored as the baseline 'suite' (.benchmarkBaselines/, not checked in), printed, then checked.
    locked swift package --allow-writing-to-package-directory benchmark baseline update suite --no-progress "$@"
    locked swift package benchmark baseline read suite --no-progress "$@"
    set +e
    locked swift package benchmark thresholds check suite --no-progress "$@"
    status=$?
    set -e
    case $status in
    0) echo "run-suite: every checked metric is within its tolerance of Thresholds/" ;;
    4) echo "run-suite: only improvements beyond tolerance — consider 'bash Benchmarks/run-suite.sh update'"; status=0 ;;
    *) echo "run-suite: thresholds check failed (exit $status)" ;;
    esac
    exit $status
    ;;
*)
    echo "usage: bash Benchmarks/run-suite.sh [check|update|run] [benchmark plugin options]" >&2
    exit 64
    ;;
esac
