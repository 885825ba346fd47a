#!/usr/bin/env python3
"""The expected outputs of examples/orders-expressions, computed without Rivulet.

The filter, the map, the explode and the nested JSON output are written out here in Python; the window
goes through tools/window_reference.py (the windows' reference) over an intermediate CSV. Run by
generate.sh; never edit the expected files by hand."""
import csv
import datetime
import json
import math
import subprocess
import sys
import tempfile

HERE = sys.path[0]


def rounded(x, n):
    """x rounded half away from zero to n decimals, as Rivulet's round(x, n): on x × 10^n, then divided back."""
    scale = 10.0 ** n
    v = x * scale
    r = math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)
    return r / scale


def number(x):
    """A double as Rivulet writes it: the shortest form that reads back the same, always with a dot or exponent."""
    return repr(float(x))


def jvalue(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return number(v)
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def obj(pairs):
    return "{" + ",".join(json.dumps(k) + ":" + (v if isinstance(v, str) and v[:1] in "{" else v) for k, v in pairs) + "}"


orders = [json.loads(line) for line in open(f"{HERE}/orders.jsonl")]
paid = [o for o in orders if o["status"] is not None and o["amount"] is not None and o["status"].lower() == "paid" and o["amount"] > 20]

with open(f"{HERE}/expected-enriched.jsonl", "w") as out:
    for o in paid:
        c = o["customer"]
        amount = float(o["amount"])
        day = datetime.datetime.fromtimestamp(o["ts"] / 1000, datetime.timezone.utc).strftime("%Y-%m-%d")
        customer = obj([("id", jvalue(c["id"])), ("email", jvalue(c["email"])), ("tier", jvalue(c.get("tier"))),
                        ("vip", jvalue((c.get("tier") or "") == "gold"))])
        out.write(obj([("ts", str(o["ts"])), ("order_id", str(o["order_id"])), ("customer", customer), ("status", jvalue(o["status"])),
                       ("amount", number(amount)), ("amount_eur", number(rounded(amount * 0.92, 2))), ("day", jvalue(day))]) + "\n")

with open(f"{HERE}/expected-order_lines.jsonl", "w") as out:
    for o in paid:
        for item in o["items"]:
            out.write(obj([("order_id", str(o["order_id"])), ("customer", obj([("id", jvalue(o["customer"]["id"]))])),
                           ("items", obj([("sku", jvalue(item["sku"])), ("qty", str(item["qty"]))]))]) + "\n")

# The window: per lower(email), per minute, over the enriched records (in input order).
with tempfile.TemporaryDirectory() as work:
    with open(f"{work}/in.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ts", "key", "big", "eur"])
        for o in paid:
            amount = float(o["amount"])
            w.writerow([o["ts"], o["customer"]["email"].lower(), 1 if amount >= 100 else 0, repr(rounded(amount * 0.92, 2))])
    subprocess.run(
        [sys.executable, f"{HERE}/../../tools/window_reference.py", "--input", f"{work}/in.csv", "--time-field", "ts",
         "--time-format", "epoch_ms", "--bound-ms", "0", "--window", "tumbling", "--size-ms", "60000", "--grace-ms", "0",
         "--emit", "final", "--key-field", "key", "--agg", "orders=count()", "--agg", "big=sum(big)", "--agg", "eur=sum(eur)",
         "--output", f"{work}/out.csv", "--output-header", "--output-columns", "key,window_start,window_end,orders,big,eur"],
        check=True)

    def rfc3339(ms):
        return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    with open(f"{work}/out.csv") as f, open(f"{HERE}/expected-per_minute.jsonl", "w") as out:
        for row in csv.DictReader(f):
            out.write(obj([("lower(customer.email)", jvalue(row["key"])), ("window_start", jvalue(rfc3339(int(row["window_start"])))),
                           ("window_end", jvalue(rfc3339(int(row["window_end"])))), ("orders", row["orders"]), ("big", row["big"]),
                           ("eur", "%.2f" % float(row["eur"]))]) + "\n")
