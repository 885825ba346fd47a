#!/usr/bin/env python3
"""Hand-computed checks of tools/join_reference.py.

Run: python3 tools/test_join_reference.py   (plain unittest, no dependencies)

Every expected value below was worked out by hand from the semantics in the
module docstring of join_reference.py; the comments show the reasoning.
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import join_reference as ref  # noqa: E402


def run(kind, jtype, left_lines, right_lines, *args, lb=0, rb=0, lk="k", rk="k"):
    """Runs the reference on two CSV texts (header first); returns (out, late_left, late_right) lines."""
    with tempfile.TemporaryDirectory() as d:
        paths = {n: os.path.join(d, n + ".csv") for n in ("l", "r", "out", "ll", "lr")}
        for name, lines in (("l", left_lines), ("r", right_lines)):
            with open(paths[name], "w") as f:
                f.write("".join(l + "\n" for l in lines))
        argv = ["--kind", kind, "--type", jtype, "--left", paths["l"], "--right", paths["r"],
                "--left-time", "ts", "--right-time", "ts",
                "--left-bound-ms", str(lb), "--right-bound-ms", str(rb),
                "--left-key", lk, "--right-key", rk,
                "--output", paths["out"], "--late-left", paths["ll"], "--late-right", paths["lr"]]
        ref.run(argv + list(args))
        result = []
        for name in ("out", "ll", "lr"):
            with open(paths[name]) as f:
                result.append(f.read().splitlines())
        return tuple(result)


class Values(unittest.TestCase):
    def test_typed_values(self):
        self.assertEqual(ref.typed_value("42"), 42)
        self.assertEqual(ref.typed_value("-7"), -7)
        self.assertEqual(ref.typed_value("2.5"), 2.5)
        self.assertEqual(ref.typed_value("u1"), "u1")
        self.assertEqual(ref.typed_value(""), "")
        self.assertEqual(ref.csv_line([1, 2.5, "", "a,b"]), '1,2.5,,"a,b"\n')


class Lateness(unittest.TestCase):
    STREAM = ["ts,k,v", "100,a,x1", "100,a,x2", "90,a,x3", "50,a,x4", "101,a,x5"]
    TABLE = ["ts,k,w", "0,a,T"]

    def test_bound_zero_equal_time_is_late(self):
        # bound 0: W before row 2 = 100 - 0 = 100, t=100 <= 100 -> late; row 3 (90) late; row 4 late.
        out, ll, lr = run("stream-table", "left", self.STREAM, self.TABLE, "--late-rule", "at-or-before")
        self.assertEqual(ll, ["ts,k,v", "100,a,x2", "90,a,x3", "50,a,x4"])
        self.assertEqual(lr, ["ts,k,w"])
        self.assertEqual(out, ["ts,k,v,w", "100,a,x1,T", "101,a,x5,T"])

    def test_bound_ten(self):
        # bound 10: W = 90 before rows 2..4 (max 100): 100 accepted, 90 <= 90 late, 50 late.
        out, ll, _ = run("stream-table", "left", self.STREAM, self.TABLE, "--late-rule", "at-or-before", lb=10)
        self.assertEqual(ll, ["ts,k,v", "90,a,x3", "50,a,x4"])
        self.assertEqual(out, ["ts,k,v,w", "100,a,x1,T", "100,a,x2,T", "101,a,x5,T"])

    def test_late_rule_before(self):
        # --late-rule before: late only when t < W. bound 0: W = 100 before rows 2..4;
        # 100 is on time, 90 and 50 late. bound 10: W = 90; 90 on time, 50 late.
        out, ll, _ = run("stream-table", "left", self.STREAM, self.TABLE, "--late-rule", "before")
        self.assertEqual(ll, ["ts,k,v", "90,a,x3", "50,a,x4"])
        out, ll, _ = run("stream-table", "left", self.STREAM, self.TABLE, "--late-rule", "before",
                         lb=10)
        self.assertEqual(ll, ["ts,k,v", "50,a,x4"])
        # processing order is by time: x3 (90) first, then x1, x2 (100, file order), x5
        self.assertEqual(out, ["ts,k,v,w", "90,a,x3,T", "100,a,x1,T", "100,a,x2,T", "101,a,x5,T"])


class StreamTable(unittest.TestCase):
    # table: a=1 at 10, a=2 at 20, b=9 at 5, b deleted at 15, c never.
    TABLE = ["ts,k,w,z", "5,b,9,q", "10,a,1,p", "15,b,,", "20,a,2,p"]
    # stream (out of order within bound 100): a@19, a@20 (same ms as update), b@14, b@15, c@1, a@9
    STREAM = ["ts,k,v", "19,a,s1", "20,a,s2", "14,b,s3", "15,b,s4", "1,c,s5", "9,a,s6"]

    def test_left(self):
        # processing order: 1 s5, 5 tb, 9 s6, 10 ta1, 14 s3, 15 tb-del, 15 s4, 19 s1, 20 ta2, 20 s2
        out, ll, lr = run("stream-table", "left", self.STREAM, self.TABLE, lb=100, rb=100)
        self.assertEqual(out, [
            "ts,k,v,w,z",
            "1,c,s5,,",     # c never in the table
            "9,a,s6,,",     # a inserted only at 10
            "14,b,s3,9,q",  # b as of 14
            "15,b,s4,,",    # deleted at 15, the table goes first on ties
            "19,a,s1,1,p",  # right before the update
            "20,a,s2,2,p",  # same ms as the update: sees it
        ])
        self.assertEqual(ll, ["ts,k,v"])
        self.assertEqual(lr, ["ts,k,w,z"])

    def test_inner(self):
        out, _, _ = run("stream-table", "inner", self.STREAM, self.TABLE, lb=100, rb=100)
        self.assertEqual(out, ["ts,k,v,w,z", "14,b,s3,9,q", "19,a,s1,1,p", "20,a,s2,2,p"])

    def test_collision_and_output_columns(self):
        # the table's non-key column v collides with the stream's v -> right_v
        out, _, _ = run("stream-table", "left", ["ts,k,v", "5,a,s"], ["ts,k,v", "1,a,t"])
        self.assertEqual(out, ["ts,k,v,right_v", "5,a,s,t"])
        out, _, _ = run("stream-table", "left", ["ts,k,v", "5,a,s"], ["ts,k,v", "1,a,t"],
                        "--output-columns", "when=@time,table_ts=right.ts,k,tv=right.v")
        self.assertEqual(out, ["when,table_ts,k,tv", "5,1,a,t"])


class TableTable(unittest.TestCase):
    # left = orders (pk id, fk c), right = customers (pk c)
    ORDERS = ["ts,id,c,amt",
              "1,o2,x,10",   # +I o2 (no customer x yet: left -> empties)
              "2,o1,x,20",   # +I o1
              "4,o2,y,10",   # o2 moves x -> y
              "5,o1,x,20",   # same values, new time: nothing
              "7,o1,,"]      # delete o1
    CUSTS = ["ts,c,name",
             "2,x,X1",       # tie with o1 at 2: left first, so o1 +I without name, then x affects o2,o1
             "3,x,X2",       # rename x: affects o1 and o2 (sorted o1, o2)
             "6,y,",         # delete y (o2 loses its name)
             "8,z,Z"]        # nobody references z: nothing

    def test_left(self):
        out, _, _ = run("table-table", "left", self.ORDERS, self.CUSTS, "--left-pk", "id",
                        lk="c", rk="c")
        self.assertEqual(out, [
            "op,id,c,amt,name",
            "+I,o2,x,10,",      # t=1
            "+I,o1,x,20,",      # t=2 left first
            "-U,o1,x,20,",      # t=2 customer x arrives; o1 before o2
            "+U,o1,x,20,X1",
            "-U,o2,x,10,",
            "+U,o2,x,10,X1",
            "-U,o1,x,20,X1",    # t=3 rename
            "+U,o1,x,20,X2",
            "-U,o2,x,10,X1",
            "+U,o2,x,10,X2",
            "-U,o2,x,10,X2",    # t=4 move to y (no y): empties
            "+U,o2,y,10,",
            # t=5 same values: nothing; t=6 delete of y: o2 already without name, nothing
            "-D,o1,x,20,X2",    # t=7
        ])

    def test_inner(self):
        out, _, _ = run("table-table", "inner", self.ORDERS, self.CUSTS, "--left-pk", "id",
                        lk="c", rk="c")
        self.assertEqual(out, [
            "op,id,c,amt,name",
            "+I,o1,x,20,X1",    # t=2
            "+I,o2,x,10,X1",
            "-U,o1,x,20,X1",    # t=3
            "+U,o1,x,20,X2",
            "-U,o2,x,10,X1",
            "+U,o2,x,10,X2",
            "-D,o2,x,10,X2",    # t=4 o2 moved to missing y
            "-D,o1,x,20,X2",    # t=7
        ])

    def test_outer_same_key(self):
        # pk == fk: k. t=1 right a; t=2 left a; t=3 left a deleted; t=4 right a deleted
        out, _, _ = run("table-table", "outer", ["ts,k,l", "2,a,L", "3,a,"],
                        ["ts,k,r", "1,a,R", "4,a,"], "--left-pk", "k")
        self.assertEqual(out, ["op,k,l,r",
                               "+I,a,,R",           # no left row: its fields empty, the key from the right
                               "-U,a,,R", "+U,a,L,R",
                               "-U,a,L,R", "+U,a,,R",
                               "-D,a,,R"])


class StreamStream(unittest.TestCase):
    # W = 10, G = 5. Left L1 a@0, L2 a@20, L3 b@21; right R1 a@10, R2 a@11, R3 c@40
    LEFT = ["ts,k,lv", "0,a,L1", "20,a,L2", "21,b,L3"]
    RIGHT = ["ts,k,rv", "10,a,R1", "11,a,R2", "40,c,R3"]
    ARGS = ("--within-ms", "10", "--grace-ms", "5")

    def test_inner(self):
        # order: L1@0, R1@10 (pairs L1: |10-0|=10 <= 10), R2@11 (|11-0|=11 > 10: none),
        # L2@20 (pairs R1 then R2), L3@21, R3@40
        out, _, _ = run("stream-stream", "inner", self.LEFT, self.RIGHT, *self.ARGS,
                        "--output-columns", "t=@time,k,lv,rts=right.ts,rv")
        self.assertEqual(out, ["t,k,lv,rts,rv", "10,a,L1,10,R1", "20,a,L2,10,R1", "20,a,L2,11,R2"])

    def test_outer(self):
        # expiry when t > s.t + 15: before R3@40: L2 (35), L3 (36) expire; L1 (15) expired
        # before L2@20 (20 > 15) but was matched. R1 (25), R2 (26) expired before R3, matched.
        # L3 never matched -> emitted before R3 is processed; R3 at end.
        out, _, _ = run("stream-stream", "outer", self.LEFT, self.RIGHT, *self.ARGS,
                        "--output-columns", "t=@time,k,lv,right_k,rv")
        self.assertEqual(out, ["t,k,lv,right_k,rv", "10,a,L1,a,R1", "20,a,L2,a,R1", "20,a,L2,a,R2",
                               "21,b,L3,,", "40,,,c,R3"])

    def test_left_and_expiry_order(self):
        # W=2, G=0. x@0 (left), y@0 (right), z@1 (left) all expire before q@10 (10 > 2, 2, 3):
        # emitted in expiry order x, y, z (y: left part empty). Default columns: all of both sides.
        left = ["ts,k,v", "0,x,1", "1,z,3", "10,q,5"]
        right = ["ts,k,w", "0,y,2"]
        out, _, _ = run("stream-stream", "outer", left, right, "--within-ms", "2")
        self.assertEqual(out, ["ts,k,v,right_ts,right_k,w", "0,x,1,,,", ",,,0,y,2", "1,z,3,,,",
                               "10,q,5,,,"])
        out, _, _ = run("stream-stream", "left", left, right, "--within-ms", "2")
        self.assertEqual(out, ["ts,k,v,right_ts,right_k,w", "0,x,1,,,", "1,z,3,,,", "10,q,5,,,"])

    def test_tie_left_first_and_same_ms(self):
        # left and right at the same ms: left processed first, the right record pairs with it.
        out, _, _ = run("stream-stream", "inner", ["ts,k,v", "5,a,L"], ["ts,k,w", "5,a,R"],
                        "--within-ms", "0")
        self.assertEqual(out, ["ts,k,v,right_ts,right_k,w", "5,a,L,5,a,R"])


if __name__ == "__main__":
    unittest.main()
