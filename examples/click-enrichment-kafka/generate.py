#!/usr/bin/env python3
"""Writes profiles.csv, clicks-1.csv, clicks-2.csv and expected-enriched.csv for this example
(python3 generate.py).

Pseudo-random but deterministic (a fixed linear congruential generator, no library randomness):
- profiles.csv: `ts,user_id,age,gender`: 16 of 20 users get a profile at the start (u17..u20 never do),
  then 30 updates spread over the first 10 minutes (an age or gender changes), and user u05's profile is
  deleted at 00:05:00 (a row with empty age and gender), all at whole seconds, in time order;
- clicks-1.csv and clicks-2.csv: `ts,user_id,page`: 400 clicks in time order over 10 minutes from
  2026-06-01T00:00:00Z, at x.250 or x.750 s (never at a profile's time), split in two halves: run.sh
  produces the first, runs the application, then produces the second and runs it again.

The expected output is computed here, independently of Rivulet: each click gets the age and gender of
its user's latest profile row before the click (empty when the user has none, or it was deleted), as a
stream-table join as of the click's own time. Never edit the generated files by hand.
"""

import os

START = 1780272000000  # 2026-06-01T00:00:00Z
USERS = [f"u{i:02d}" for i in range(1, 21)]
PAGES = ["/home", "/search", "/products", "/cart", "/checkout", "/about"]

state = 20260601


def rand(n):
    """0 <= rand(n) < n, from a 64-bit LCG (Knuth's MMIX constants)."""
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return (state >> 33) % n


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    profiles = []
    current = {}
    for i, user in enumerate(USERS[:16]):
        current[user] = (18 + rand(50), "FM"[rand(2)])
        profiles.append((START + i * 1000, user, *current[user]))
    for _ in range(30):
        user = USERS[rand(16)]
        age, gender = current.get(user, (30, "F"))
        current[user] = (age + 1, gender) if rand(2) else (age, "M" if gender == "F" else "F")
        profiles.append((START + 20_000 + rand(560) * 1000, user, *current[user]))
    profiles.append((START + 300_000, "u05", None, None))
    profiles.sort(key=lambda p: (p[0], p[1]))
    with open("profiles.csv", "w") as f:
        f.write("ts,user_id,age,gender\n")
        for ts, user, age, gender in profiles:
            f.write(f"{ts},{user},{'' if age is None else age},{gender or ''}\n")

    clicks = []
    ts = START + 250
    for _ in range(400):
        clicks.append((ts, USERS[rand(len(USERS))], PAGES[rand(len(PAGES))]))
        ts += 500 * (1 + rand(5))
    for name, part in (("clicks-1.csv", clicks[:200]), ("clicks-2.csv", clicks[200:])):
        with open(name, "w") as f:
            f.write("ts,user_id,page\n")
            for c in part:
                f.write(",".join(str(x) for x in c) + "\n")

    rows = []
    for ts, user, page in clicks:
        latest = None
        for pts, puser, age, gender in profiles:
            if puser == user and pts < ts:
                latest = (age, gender)
        age, gender = latest if latest else (None, None)
        rows.append(f"{ts},{user},{page},{'' if age is None else age},{gender or ''}")
    with open("expected-enriched.csv", "w") as f:
        for row in sorted(rows, key=lambda r: r.encode()):
            f.write(row + "\n")
    print(f"profiles.csv: {len(profiles)} rows; clicks: {len(clicks)} (200 + 200), until {clicks[-1][0] - START} ms")


if __name__ == "__main__":
    main()
