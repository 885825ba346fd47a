#!/usr/bin/env python3
"""Hand-computed checks of tools/window_reference.py.

Run: python3 tools/test_window_reference.py   (plain unittest, no dependencies)

Every expected value below was worked out by hand from the spec; the comments
show the watermark W before each record (W = max event time so far - bound).
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import window_reference as ref  # noqa: E402


def run(lines, *args, columns="ts,k,v"):
    """Runs the reference on a headerless input; returns (output lines, late lines)."""
    with tempfile.TemporaryDirectory() as d:
        inp, out, late = (os.path.join(d, n) for n in ("in.csv", "out.csv", "late.csv"))
        with open(inp, "w") as f:
            f.write("".join(l + "\n" for l in lines))
        argv = ["--input", inp, "--no-header", "--columns", columns, "--time-field", "ts",
                "--time-format", "epoch_ms", "--output", out, "--late", late] + list(args)
        ref.run(argv)
        with open(out) as f:
            o = f.read().splitlines()
        with open(late) as f:
            l = f.read().splitlines()
        return o, l


class TimeAndFormat(unittest.TestCase):
    def test_rfc3339(self):
        # 2026-03-01T09:00:00Z = 1772355600000; 10:03:30.250+01:00 = 09:03:30.250Z (+210250 ms)
        self.assertEqual(ref.parse_time("2026-03-01T09:00:00Z", "rfc3339"), 1772355600000)
        self.assertEqual(ref.parse_time("2026-03-01T10:03:30.250+01:00", "rfc3339"), 1772355810250)
        self.assertEqual(ref.parse_time("1970-01-01T00:00:00.000Z", "rfc3339"), 0)
        self.assertEqual(ref.parse_time("1969-12-31T23:59:59.999Z", "rfc3339"), -1)
        self.assertEqual(ref.parse_time("1970-01-01T00:00:00.0019Z", "rfc3339"), 1)   # truncated
        self.assertEqual(ref.parse_time("1970-01-01T00:00:00-00:30", "rfc3339"), 1800000)

    def test_epoch_us_floors(self):
        self.assertEqual(ref.parse_time("1999", "epoch_us"), 1)
        self.assertEqual(ref.parse_time("-1", "epoch_us"), -1)

    def test_typed_values_and_csv(self):
        self.assertEqual(ref.typed_value("42"), 42)
        self.assertEqual(ref.typed_value("21.5"), 21.5)
        self.assertEqual(ref.typed_value("web-1"), "web-1")
        self.assertEqual(ref.csv_line([1, 3.0, 0.1 + 0.2, "a,b", 'say "hi"']),
                         '1,3.0,0.30000000000000004,"a,b","say ""hi"""\n')


class Percentile(unittest.TestCase):
    def test_exact_below_256(self):
        vals = list(range(1, 101))
        self.assertEqual(ref.hdr_percentile(vals, 50), 50)   # rank ceil(49.99..)=50
        self.assertEqual(ref.hdr_percentile(vals, 99), 99)
        self.assertEqual(ref.hdr_percentile(vals, 0), 1)     # rank at least 1

    def test_buckets(self):
        vals = [1000, 2000, 3000]
        # p50: rank ceil(1.4999..) = 2 -> 2000, bit_length 11 -> bucket 3 -> 2000 + 7
        self.assertEqual(ref.hdr_percentile(vals, 50), 2007)
        # p100: rank 3 -> 3000 -> bucket 4 -> 2992 + 15 = 3007, capped at max 3000
        self.assertEqual(ref.hdr_percentile(vals, 100), 3000)
        # p0: rank 1 -> 1000 -> bucket 2 -> 1000 + 3 = 1003 (> min, so kept)
        self.assertEqual(ref.hdr_percentile(vals, 0), 1003)
        # floats truncated: 300.9 -> 300 -> bucket 1 -> 301
        self.assertEqual(ref.hdr_percentile([300.9, 400], 50), 301)


class Tumbling(unittest.TestCase):
    def test_late_without_window_state(self):
        # size 10, B 2. t=11: W=-inf -> [10,20). t=9: W=9 >= 9 = end-1 of [0,10): it has fired
        # even though it never held a record -> LATE.
        out, late = run(["11,a,1", "9,a,2"], "--bound-ms", "2", "--window", "tumbling",
                        "--size-ms", "10", "--grace-ms", "0", "--emit", "final",
                        "--agg", "n=count()", "--output-header")
        self.assertEqual(out, ["window_start,window_end,n", "10,20,1"])
        self.assertEqual(late, ["9,a,2"])

    def test_grace(self):
        # size 10, B 0, grace 5: [0,10) fires at W >= 14.
        # t=1 (W -inf), t=12 (W 1), t=8 (W 12: accepted), t=14 (W 12), t=9 (W 14: fires, LATE)
        out, late = run(["1,a,1", "12,a,2", "8,a,3", "14,a,4", "9,a,5"], "--bound-ms", "0",
                        "--window", "tumbling", "--size-ms", "10", "--grace-ms", "5",
                        "--emit", "final", "--key-field", "k",
                        "--agg", "n=count()", "--agg", "s=sum(v)", "--agg", "a=avg(v)")
        self.assertEqual(out, ["a,0,10,2,4,2.0", "a,10,20,2,6,3.0"])
        self.assertEqual(late, ["9,a,5"])

    def test_fire_order_and_update(self):
        # size 10, B 0. t=5 b, t=3 a (W 5), t=15 a (W 5), t=16 b (W 15: fires [0,10) a then b
        # - same end and start, key order a < b), t=17 b.
        lines = ["5,b,1", "3,a,2", "15,a,3", "16,b,4", "17,b,5"]
        common = ["--bound-ms", "0", "--window", "tumbling", "--size-ms", "10", "--grace-ms", "0",
                  "--key-field", "k", "--agg", "s=sum(v)"]
        out, _ = run(lines, *common, "--emit", "final")
        self.assertEqual(out, ["a,0,10,2", "b,0,10,1", "a,10,20,3", "b,10,20,9"])
        out, _ = run(lines, *common, "--emit", "update")
        self.assertEqual(out, ["+I,b,0,10,1", "+I,a,0,10,2", "+I,a,10,20,3", "+I,b,10,20,4",
                               "-U,b,10,20,4", "+U,b,10,20,9"])


class Hopping(unittest.TestCase):
    def test_partial_late(self):
        # size 10, advance 5, B 0. t=7 -> [0,10),[5,15). t=12 (W 7) -> [5,15),[10,20).
        # t=3 (W 12: [0,10) fires) -> [-5,5) and [0,10) fired -> LATE.
        # t=9 (W 12) -> [0,10) fired, [5,15) open -> accepted there only.
        out, late = run(["7,a,1", "12,a,1", "3,a,1", "9,a,1"], "--bound-ms", "0",
                        "--window", "hopping", "--size-ms", "10", "--advance-ms", "5",
                        "--grace-ms", "0", "--emit", "final", "--agg", "n=count()")
        self.assertEqual(out, ["0,10,1", "5,15,3", "10,20,1"])
        self.assertEqual(late, ["3,a,1"])

    def test_update_order(self):
        # t=7 touches [0,10) and [5,15): emitted in end order.
        out, _ = run(["7,a,1"], "--bound-ms", "0", "--window", "hopping", "--size-ms", "10",
                     "--advance-ms", "5", "--grace-ms", "0", "--emit", "update",
                     "--agg", "n=count()")
        self.assertEqual(out, ["+I,0,10,1", "+I,5,15,1"])


class Session(unittest.TestCase):
    LINES = ["0,u,1", "5,u,1", "40,u,1", "30,u,1", "22,u,1", "14,u,1", "3,u,1"]
    COMMON = ["--bound-ms", "1000", "--window", "session", "--gap-ms", "10", "--grace-ms", "0",
              "--agg", "n=count()", "--agg", "lo=min(ts)", "--agg", "hi=max(ts)"]

    def test_update(self):
        # gap 10, nothing fires before the end (B 1000).
        # t=0  -> [0,10) new                                  +I
        # t=5  -> own [5,15) overlaps [0,10) -> [0,15)        -D [0,10), +I [0,15)
        # t=40 -> [40,50) new                                 +I
        # t=30 -> own [30,40): [0,15) no (15 < 30); [40,50) yes (40 <= 40) -> [30,50)
        # t=22 -> own [22,32): [30,50) yes -> [22,50)
        # t=14 -> own [14,24): [0,15) yes (15 >= 14) and [22,50) yes -> [0,50) with 2 + 3 + 1 = 6
        #         records; -D both in start order, +I the merged session
        # t=3  -> inside [0,50), unchanged bounds             -U, +U (7 records)
        out, _ = run(self.LINES, *self.COMMON, "--emit", "update")
        self.assertEqual(out, [
            "+I,0,10,1,0,0",
            "-D,0,10,1,0,0", "+I,0,15,2,0,5",
            "+I,40,50,1,40,40",
            "-D,40,50,1,40,40", "+I,30,50,2,30,40",
            "-D,30,50,2,30,40", "+I,22,50,3,22,40",
            "-D,0,15,2,0,5", "-D,22,50,3,22,40", "+I,0,50,6,0,40",
            "-U,0,50,6,0,40", "+U,0,50,7,0,40",
        ])

    def test_final(self):
        out, late = run(self.LINES, *self.COMMON, "--emit", "final")
        self.assertEqual(out, ["0,50,7,0,40"])
        self.assertEqual(late, [])

    def test_late_and_fire(self):
        # gap 10, B 0. t=0 -> [0,10). t=20 (W 0) -> [20,30). t=25 (W 20: [0,10) fires, 9 <= 20)
        # -> joins [20,30) -> [20,35). t=5 (W 25): own [5,15), no live session overlaps
        # ([20,35) starts at 20 > 15), 14 <= 25 -> LATE.
        out, late = run(["0,u,1", "20,u,1", "25,u,1", "5,u,1"], "--bound-ms", "0",
                        "--window", "session", "--gap-ms", "10", "--grace-ms", "0",
                        "--emit", "final", "--agg", "n=count()")
        self.assertEqual(out, ["0,10,1", "20,35,2"])
        self.assertEqual(late, ["5,u,1"])


class Sliding(unittest.TestCase):
    def test_update_and_final(self):
        # size 10, B 100 (nothing fires early).
        # t=5  -> creates w5 = [-4,6) {5}                              +I w5
        # t=12 -> no window contains 12; creates w12 = [3,13) {5,12}    +I w12
        # t=8  -> w12 contains 8 -> {5,12,8}; creates w8 = [-1,9) {5,8}
        #         changed in (end,start) order: +I w8, then -U/+U w12
        # t=12 -> w12 -> {5,12,8,12}; w12 already exists              -U/+U w12
        lines = ["5,a,1", "12,a,1", "8,a,1", "12,a,1"]
        common = ["--bound-ms", "100", "--window", "sliding", "--size-ms", "10",
                  "--grace-ms", "0", "--agg", "n=count()"]
        out, _ = run(lines, *common, "--emit", "update")
        self.assertEqual(out, ["+I,-4,6,1", "+I,3,13,2", "+I,-1,9,2", "-U,3,13,2", "+U,3,13,3",
                               "-U,3,13,3", "+U,3,13,4"])
        out, _ = run(lines, *common, "--emit", "final")
        self.assertEqual(out, ["-4,6,1", "-1,9,2", "3,13,4"])

    def test_late_and_kept_records(self):
        # size 10, B 0.
        # t=5  -> w5 [-4,6) {5}
        # t=12 (W 5: w5 fires, 5 >= 5) -> w12 [3,13) gets the kept record 5 -> {5,12}
        # t=8  (W 12: w12 fires) -> no live window; own w8 fired (12 >= 8) -> LATE (not kept)
        # t=20 (W 12) -> w20 [11,21) {12,20}
        out, late = run(["5,a,1", "12,a,1", "8,a,1", "20,a,1"], "--bound-ms", "0",
                        "--window", "sliding", "--size-ms", "10", "--grace-ms", "0",
                        "--emit", "final", "--agg", "n=count()")
        self.assertEqual(out, ["-4,6,1", "3,13,2", "11,21,2"])
        self.assertEqual(late, ["8,a,1"])


class Top(unittest.TestCase):
    def test_top_ties(self):
        # a: 5+5 = 10, b: 10, c: 3 -> sum desc, label asc -> a=10;b=10
        out, _ = run(["1,a,5", "2,b,10", "3,c,3", "4,a,5"], "--bound-ms", "0",
                     "--window", "tumbling", "--size-ms", "100", "--grace-ms", "0",
                     "--emit", "final", "--agg", "t=top(k, v, 2)")
        self.assertEqual(out, ["0,100,a=10;b=10"])

    def test_float_sum(self):
        # 0.1 + 0.2 = 0.30000000000000004 (repr); max over int and float compares numerically
        out, _ = run(["1,a,0.1", "2,a,0.2", "3,b,0"], "--bound-ms", "0",
                     "--window", "tumbling", "--size-ms", "100", "--grace-ms", "0",
                     "--emit", "final", "--agg", "s=sum(v)", "--agg", "m=max(v)",
                     "--agg", "t=top(k, v, 1)")
        self.assertEqual(out, ["0,100,0.30000000000000004,0.2,a=0.30000000000000004"])


if __name__ == "__main__":
    unittest.main()
