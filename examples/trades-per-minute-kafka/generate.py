#!/usr/bin/env python3
"""Writes trades.csv and expected-stock-minutes.jsonl for this example (python3 generate.py).

The trades are pseudo-random but deterministic (a fixed linear congruential generator, no library
randomness): 2,000 rows `ts,account,stock,qty,price` starting at 2026-01-02T14:30:00Z, each 0 to 1.75 s
(a multiple of 250 ms) after the one before, so some land exactly on a minute boundary and some share a
millisecond. Rows are in time order, so every partition of `trades` is too.

The expected output is computed here, independently of Rivulet: a trade at ts belongs to the tumbling
window [start, start + 60000) with start = ts - ts % 60000; per (window, stock) one line with the number
of trades and the sum of their qty. With in-order data and max_out_of_order 0 nothing is late, so every
trade counts. Never edit the generated files by hand.
"""

import json
import os

ROWS = 2000
START = 1767364200000  # 2026-01-02T14:30:00Z
MINUTE = 60_000
STOCKS = ["AAPL", "AMZN", "GOOG", "MSFT", "NVDA", "TSLA"]
ACCOUNTS = [f"acct-{i:02d}" for i in range(1, 41)]

state = 20260102


def rand(n):
    """0 <= rand(n) < n, from a 64-bit LCG (Knuth's MMIX constants)."""
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return (state >> 33) % n


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    ts = START
    trades = []
    for _ in range(ROWS):
        account = ACCOUNTS[rand(len(ACCOUNTS))]
        stock = STOCKS[rand(len(STOCKS))]
        qty = 1 + rand(500)
        price = f"{100 + rand(40000) / 100:.2f}"
        trades.append((ts, account, stock, qty, price))
        ts += 250 * rand(8)
    with open("trades.csv", "w") as f:
        f.write("ts,account,stock,qty,price\n")
        for t in trades:
            f.write(",".join(str(c) for c in t) + "\n")

    windows = {}
    for ts, _, stock, qty, _ in trades:
        start = ts - ts % MINUTE
        count, total = windows.get((start, stock), (0, 0))
        windows[(start, stock)] = (count + 1, total + qty)
    lines = []
    for (start, stock), (count, total) in windows.items():
        row = {"window_start": start, "window_end": start + MINUTE, "stock": stock, "trades": count, "qty": total}
        lines.append(json.dumps(row, separators=(",", ":")))
    with open("expected-stock-minutes.jsonl", "w") as f:
        f.write("".join(line + "\n" for line in sorted(lines)))
    on_boundary = sum(1 for t in trades if t[0] % MINUTE == 0)
    print(f"{len(trades)} trades over {(trades[-1][0] - START) / MINUTE:.1f} minutes "
          f"({on_boundary} exactly on a minute boundary), {len(lines)} windows")


main()
