"""Writes the inputs of the join benchmark: a profiles table of N users and a click stream of M records.

    python3 Benchmarks/generate_join_inputs.py OUT_DIR [clicks=5000000] [users=100000]

profiles.csv: ts,user_id,age,gender (all at time 0); clicks.csv: ts,user_id,page with times rising
1 ms every 5 clicks and users drawn uniformly (seeded, deterministic); redis.resp: the profiles as Redis
HSET commands in RESP, for `redis-cli --pipe`.
"""
import os
import random
import sys

out = sys.argv[1]
clicks = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
users = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
os.makedirs(out, exist_ok=True)
rng = random.Random(42)

with open(os.path.join(out, "profiles.csv"), "w") as f, open(os.path.join(out, "redis.resp"), "wb") as resp:
    f.write("ts,user_id,age,gender\n")
    for u in range(users):
        age, gender = 18 + u % 60, "FM"[u % 2]
        f.write(f"0,u{u},{age},{gender}\n")
        args = [b"HSET", f"profile:u{u}".encode(), b"age", str(age).encode(), b"gender", gender.encode()]
        resp.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))

pages = ["/", "/cart", "/search", "/product", "/checkout"]
with open(os.path.join(out, "clicks.csv"), "w") as f:
    f.write("ts,user_id,page\n")
    chunk = []
    for i in range(clicks):
        chunk.append(f"{1_000 + i // 5},u{rng.randrange(users)},{pages[i % 5]}\n")
        if len(chunk) == 100_000:
            f.write("".join(chunk))
            chunk = []
    f.write("".join(chunk))
