#!/usr/bin/env python3
"""Writes trades.csv and expected-top10.jsonl for this example (python3 generate.py).

The trades are pseudo-random but deterministic (a fixed linear congruential generator, no library
randomness): rows `ts,account,stock,pnl` over five trading days from 2026-01-05 (Monday) to 2026-01-09,
each day from 14:30 to 21:00 UTC, each row 0 to 30 s (a multiple of 500 ms) after the one before, so
rows are in time order (every partition of `trades` is too). `pnl` is the trade's realized gain or loss
in cents, an integer from -50,000 to 50,000 plus a bias per (day, stock), so the stocks' daily sums are
far apart.

The expected output is computed here, independently of Rivulet: per day (the tumbling window
[start, start + 86400000) with start = ts - ts % 86400000) the sum of pnl per stock, and the ten
largest as `STOCK=sum;…`, largest first, ties by stock name. Never edit the generated files by hand.
"""

import json
import os

START = 1767623400000  # 2026-01-05T14:30:00Z
DAY = 86_400_000
SESSION = 6 * 3_600_000 + 30 * 60_000  # 14:30 to 21:00
STOCKS = [
    "AAPL", "ADBE", "AMD", "AMZN", "AVGO", "BAC", "COST", "CRM", "CSCO", "DIS", "GOOG", "HD", "IBM", "INTC", "JNJ",
    "JPM", "KO", "MA", "META", "MSFT", "NFLX", "NKE", "NVDA", "ORCL", "PEP", "PFE", "QCOM", "TSLA", "V", "WMT",
]
ACCOUNTS = [f"acct-{i:02d}" for i in range(1, 41)]

state = 20260105


def rand(n):
    """0 <= rand(n) < n, from a 64-bit LCG (Knuth's MMIX constants)."""
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return (state >> 33) % n


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    trades = []
    for day in range(5):
        bias = {s: (rand(2001) - 1000) * 10 for s in STOCKS}
        ts = START + day * DAY
        end = ts + SESSION
        while ts < end:
            account = ACCOUNTS[rand(len(ACCOUNTS))]
            stock = STOCKS[rand(len(STOCKS))]
            pnl = rand(100_001) - 50_000 + bias[stock]
            trades.append((ts, account, stock, pnl))
            ts += 500 * rand(61)
    with open("trades.csv", "w") as f:
        f.write("ts,account,stock,pnl\n")
        for t in trades:
            f.write(",".join(str(c) for c in t) + "\n")

    days = {}
    for ts, _, stock, pnl in trades:
        start = ts - ts % DAY
        days.setdefault(start, {}).setdefault(stock, 0)
        days[start][stock] += pnl
    with open("expected-top10.jsonl", "w") as f:
        for start in sorted(days):
            ranked = sorted(days[start].items(), key=lambda kv: (-kv[1], kv[0].encode()))[:10]
            top = ";".join(f"{s}={v}" for s, v in ranked)
            f.write(json.dumps({"window_start": start, "window_end": start + DAY, "top10": top}, separators=(",", ":")) + "\n")
    print(f"trades.csv: {len(trades)} trades; expected-top10.jsonl: {len(days)} days")


if __name__ == "__main__":
    main()
