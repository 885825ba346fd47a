#!/usr/bin/env python3
"""Deterministic event generator for the window benchmarks.

Usage: python3 Benchmarks/generate_events.py [--if-missing] OUT.csv [N]     (N defaults to 5,000,000)

With --if-missing, a non-empty OUT.csv is kept as it is (the benchmark scripts cache their inputs);
otherwise the file is written beside it first and renamed into place, so a cached file is always whole.

Writes N lines `ts_ms,key,value` without a header:
  * seeded with random.Random(42), so the same N always gives the same file;
  * key   = k0 .. k999 (uniform), value = int 0 .. 999 (uniform);
  * ts    = 1704067200000 + i // 5 (0.2 ms of event time per event, 1000 s for 5M events),
            then moved backwards for some events:
              - 0.1 % of events: 3000 .. 20000 ms back (late for a 2 s bound with small grace),
              - 10 %  of events: 0 .. 1500 ms back (out of order, within a 2 s bound).
Runs in well under 30 s for 5M lines (lines are written in chunks).
"""

import os
import random
import sys

START_MS = 1704067200000
CHUNK = 200_000


def generate(path, n):
    rng = random.Random(42)
    rand = rng.random
    with open(path, "w", encoding="ascii", newline="\n") as f:
        for base in range(0, n, CHUNK):
            lines = []
            append = lines.append
            for i in range(base, min(n, base + CHUNK)):
                ts = START_MS + i // 5
                r = rand()
                if r < 0.001:
                    ts -= 3000 + int(rand() * 17001)    # 3 .. 20 s back
                elif r < 0.101:
                    ts -= int(rand() * 1501)            # 0 .. 1.5 s back
                append("%d,k%d,%d\n" % (ts, int(rand() * 1000), int(rand() * 1000)))
            f.write("".join(lines))


def main(argv):
    args = argv[1:]
    if_missing = bool(args) and args[0] == "--if-missing"
    if if_missing:
        args = args[1:]
    if len(args) not in (1, 2):
        sys.stderr.write("usage: generate_events.py [--if-missing] OUT.csv [N]\n")
        return 2
    path = args[0]
    n = int(args[1]) if len(args) == 2 else 5_000_000
    if n < 0:
        sys.stderr.write("N must be >= 0\n")
        return 2
    if if_missing:
        if os.path.isfile(path) and os.path.getsize(path) > 0:
            return 0
        sys.stderr.write("generating %s ...\n" % path)
        partial = "%s.tmp.%d" % (path, os.getpid())
        generate(partial, n)
        os.replace(partial, path)
    else:
        generate(path, n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
