#!/usr/bin/env python3
"""Reference implementation of Rivulet's event-time window semantics.

Plain, slow and meant to be obviously correct: every window keeps the list of
its records and aggregates are recomputed from that list whenever a row is
emitted. It generates the expected outputs under examples/ and cross-checks
the runtime. It is NOT the runtime and is not tuned for speed.

Semantics (summary; the full text is in the module-level comments below):

* Event time t (ms) per record: epoch_ms = integer ms, epoch_us = floor(us/1000),
  rfc3339 = UTC epoch ms (fractional seconds truncated to ms).
* Watermark before record i: W_i = max(t_0..t_{i-1}) - bound (−inf before the
  first record). Per record: (a) if W_i > current: current = W_i and fire every
  window with end - 1 + grace <= current (order: end, start, key bytewise);
  (b) assign the record to windows or route it to LATE. At end of input the
  watermark becomes +inf and every remaining window fires.
* Window [s, e) has fired iff current >= e - 1 + grace.
* final mode: one row per window when it fires. update mode: +I / -U,+U / -D
  rows whenever a record changes a window; nothing when windows fire.

Usage: see --help, e.g.
  python3 tools/window_reference.py --input events.csv --no-header \
      --columns ts_ms,key,value --time-field ts_ms --time-format epoch_ms \
      --bound-ms 2000 --window tumbling --size-ms 10000 --grace-ms 0 \
      --emit final --key-field key --agg count='count()' --agg sum='sum(value)' \
      --output out.csv --output-columns window_start,key,count,sum --late late.csv
"""

import argparse
import csv
import datetime
import math
import re
import sys

NEG_INF = float("-inf")
POS_INF = float("inf")

# ----------------------------------------------------------------------------
# Field values
# ----------------------------------------------------------------------------

_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def typed_value(text):
    """int if the text is an integer, else float if it is a decimal number, else the string."""
    if _INT_RE.match(text):
        return int(text)
    if _FLOAT_RE.match(text):
        return float(text)
    return text


_RFC3339_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))\Z"
)
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def parse_time(text, fmt):
    """Event time in integer milliseconds since the Unix epoch (UTC)."""
    text = text.strip()
    if fmt == "epoch_ms":
        if not _INT_RE.match(text):
            raise ValueError("not an integer epoch_ms timestamp: %r" % text)
        return int(text)
    if fmt == "epoch_us":
        if not _INT_RE.match(text):
            raise ValueError("not an integer epoch_us timestamp: %r" % text)
        return int(text) // 1000  # floor division: floor(us / 1000), also for negatives
    if fmt == "rfc3339":
        m = _RFC3339_RE.match(text)
        if not m:
            raise ValueError("not an RFC 3339 timestamp: %r" % text)
        y, mo, d, hh, mi, ss = (int(m.group(k)) for k in range(1, 7))
        frac = m.group(7) or ""
        millis = int((frac + "000")[:3])  # truncate sub-millisecond digits
        days = datetime.date(y, mo, d).toordinal() - _EPOCH_ORDINAL
        ms = (((days * 24 + hh) * 60 + mi) * 60 + ss) * 1000 + millis
        if m.group(8) is None:  # numeric offset: local = UTC + offset
            sign = 1 if m.group(9) == "+" else -1
            offset_ms = (int(m.group(10)) * 60 + int(m.group(11))) * 60000
            ms -= sign * offset_ms
        return ms
    raise ValueError("unknown time format %r" % fmt)


def format_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def csv_field(text):
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values):
    return ",".join(csv_field(format_value(v)) for v in values) + "\n"


# ----------------------------------------------------------------------------
# Aggregates (recomputed from the window's record list)
# ----------------------------------------------------------------------------

class Agg:
    def __init__(self, name, func, args):
        self.name, self.func, self.args = name, func, args


_AGG_RE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*\Z")
_ARITY = {"count": 0, "sum": 1, "min": 1, "max": 1, "avg": 1, "percentile": 2, "top": 3}


def parse_agg(spec):
    if "=" not in spec:
        raise SystemExit("--agg must be NAME=EXPR, got %r" % spec)
    name, expr = spec.split("=", 1)
    name = name.strip()
    m = _AGG_RE.match(expr)
    if not m:
        raise SystemExit("cannot parse aggregate expression %r" % expr)
    func = m.group(1)
    args = [a.strip() for a in m.group(2).split(",")] if m.group(2).strip() else []
    if func not in _ARITY:
        raise SystemExit("unknown aggregate %r" % func)
    if len(args) != _ARITY[func]:
        raise SystemExit("%s() takes %d argument(s), got %r" % (func, _ARITY[func], expr))
    if func == "percentile":
        args[1] = float(args[1])
        if not 0 <= args[1] <= 100:
            raise SystemExit("percentile must be within 0..100")
    if func == "top":
        args[2] = int(args[2])
    return Agg(name, func, args)


def _numeric(v, what):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    raise ValueError("%s: value %r is not a number" % (what, v))


def sum_in_order(values):
    """Sum in record (input) order; int if every value is an int, else float."""
    total = 0
    for v in values:
        total = total + v  # int + float -> float, the same as converting to double first
    if any(isinstance(v, float) for v in values):
        total = float(total)
    return total


def hdr_percentile(values, p):
    """HdrHistogram estimate with 2 significant digits (see the spec in the module docs)."""
    vs = []
    for v in values:
        v = int(_numeric(v, "percentile"))  # floats truncated toward zero
        if v < 0:
            raise ValueError("percentile: negative value %r" % v)
        vs.append(v)
    vs.sort()
    n = len(vs)
    rank = max(1, math.ceil(math.nextafter(p, 0) * n / 100))
    rank = min(rank, n)
    v_r = vs[rank - 1]
    bucket = max(0, v_r.bit_length() - 8)
    heq = ((v_r >> bucket) << bucket) + (1 << bucket) - 1
    return max(min(heq, vs[-1]), vs[0])


def compute_agg(agg, recs):
    """recs: list of Record, in input order."""
    if agg.func == "count":
        return len(recs)
    field = agg.args[0]
    if agg.func == "top":
        label_f, measure_f, n = agg.args
        sums, order = {}, []
        for r in recs:
            label = format_value(r.value(label_f))
            m = _numeric(r.value(measure_f), "top")
            if label not in sums:
                sums[label] = []
                order.append(label)
            sums[label].append(m)
        totals = [(label, sum_in_order(sums[label])) for label in order]
        totals.sort(key=lambda lt: (-lt[1], lt[0].encode("utf-8")))
        return ";".join("%s=%s" % (label, format_value(s)) for label, s in totals[:n])
    values = [r.value(field) for r in recs]
    if agg.func == "sum":
        return sum_in_order([_numeric(v, "sum") for v in values])
    if agg.func == "avg":
        s = sum_in_order([_numeric(v, "avg") for v in values])
        return s / len(values) if isinstance(s, int) else s / float(len(values))
    if agg.func in ("min", "max"):
        best = values[0]
        for v in values[1:]:
            if (v < best) if agg.func == "min" else (v > best):
                best = v  # ties keep the first seen value
        return best
    if agg.func == "percentile":
        return hdr_percentile(values, agg.args[1])
    raise AssertionError(agg.func)


# ----------------------------------------------------------------------------
# Records and windows
# ----------------------------------------------------------------------------

class Record:
    def __init__(self, idx, raw, columns, time_field, t):
        self.idx = idx        # position in the input (0-based, data rows only)
        self.raw = raw        # the original field strings
        self.t = t            # event time, ms
        self.fields = {}
        for name, text in zip(columns, raw):
            self.fields[name] = typed_value(text)
        # The time field, when aggregated, evaluates to the event time in ms.
        self.fields[time_field] = t

    def value(self, field):
        if field not in self.fields:
            raise ValueError("record %d has no field %r" % (self.idx + 1, field))
        return self.fields[field]


class Window:
    def __init__(self, key, start, end):
        self.key = key        # group key string, or None (global)
        self.start = start
        self.end = end        # exclusive
        self.recs = []
        self.last_row = None  # update mode: last emitted row (without op)

    def fire_time(self, grace):
        return self.end - 1 + grace

    def order(self):
        return (self.end, self.start, b"" if self.key is None else self.key.encode("utf-8"))


class Reference:
    def __init__(self, opts, aggs):
        self.o = opts
        self.aggs = aggs
        self.current = NEG_INF   # current watermark
        self.max_t = None
        self.live = {}           # id -> Window (not yet fired)
        self.by_bounds = {}      # (key, start, end) -> id, for tumbling / hopping lookups
        self.next_id = 0
        self.rows = []           # output rows: tuples of values (update mode: op first)
        self.late = []           # late Records in input order
        # sliding: per key, every accepted record (kept for the whole run: the
        # reference never needs to evict); per key, window times ever created.
        self.sliding_recs = {}
        self.sliding_created = set()

    # --- helpers -----------------------------------------------------------

    def fired(self, end):
        return self.current >= end - 1 + self.o.grace_ms

    def result_row(self, w):
        row = {"window_start": w.start, "window_end": w.end}
        if self.o.key_field:
            row[self.o.key_field] = w.key
        recs = sorted(w.recs, key=lambda r: r.idx)
        for a in self.aggs:
            row[a.name] = compute_agg(a, recs)
        return row

    def emit_changed(self, w):
        """update mode: a record changed window w (already holds the record)."""
        row = self.result_row(w)
        if w.last_row is None:
            self.rows.append(("+I", row))
        else:
            self.rows.append(("-U", w.last_row))
            self.rows.append(("+U", row))
        w.last_row = row

    def add_live(self, w):
        wid = self.next_id
        self.next_id += 1
        self.live[wid] = w
        return wid

    def advance(self, wm):
        if wm <= self.current:
            return
        self.current = wm
        due = [(w.order(), wid) for wid, w in self.live.items()
               if w.fire_time(self.o.grace_ms) <= self.current]
        due.sort()
        for _, wid in due:
            w = self.live.pop(wid)
            self.by_bounds.pop((w.key, w.start, w.end), None)
            if self.o.emit == "final":
                self.rows.append((None, self.result_row(w)))

    # --- per record ----------------------------------------------------------

    def process(self, rec, key):
        if self.max_t is not None:
            self.advance(self.max_t - self.o.bound_ms)
        accepted = getattr(self, "assign_" + self.o.window)(rec, key)
        if not accepted:
            self.late.append(rec)
        self.max_t = rec.t if self.max_t is None else max(self.max_t, rec.t)

    def finish(self):
        self.advance(POS_INF)

    def _get_or_create(self, key, start, end):
        """tumbling / hopping: the live window with these bounds, created if missing."""
        wid = self.by_bounds.get((key, start, end))
        if wid is not None:
            return self.live[wid]
        w = Window(key, start, end)
        self.by_bounds[(key, start, end)] = self.add_live(w)
        return w

    def assign_tumbling(self, rec, key):
        size = self.o.size_ms
        start = (rec.t // size) * size
        end = start + size
        if self.fired(end):
            return False
        w = self._get_or_create(key, start, end)
        w.recs.append(rec)
        if self.o.emit == "update":
            self.emit_changed(w)
        return True

    def assign_hopping(self, rec, key):
        size, adv = self.o.size_ms, self.o.advance_ms
        # every s = k*adv with s <= t < s + size
        k_hi = rec.t // adv
        k_lo = (rec.t - size) // adv + 1
        touched = []
        for k in range(k_lo, k_hi + 1):
            start = k * adv
            end = start + size
            assert start <= rec.t < end
            if self.fired(end):
                continue
            w = self._get_or_create(key, start, end)
            w.recs.append(rec)
            touched.append(w)
        if not touched:
            return False
        if self.o.emit == "update":
            for w in sorted(touched, key=lambda w: (w.end, w.start)):
                self.emit_changed(w)
        return True

    def assign_session(self, rec, key):
        gap, t = self.o.gap_ms, rec.t
        overlapping = [(wid, w) for wid, w in self.live.items()
                       if w.key == key and w.start <= t + gap and w.end >= t]
        overlapping.sort(key=lambda iw: (iw[1].start, iw[1].end))
        if not overlapping:
            if self.fired(t + gap):
                return False
            w = Window(key, t, t + gap)
            w.recs.append(rec)
            self.add_live(w)
            if self.o.emit == "update":
                self.emit_changed(w)
            return True
        new_start = min([t] + [w.start for _, w in overlapping])
        new_end = max([t + gap] + [w.end for _, w in overlapping])
        if len(overlapping) == 1 and overlapping[0][1].start == new_start \
                and overlapping[0][1].end == new_end:
            w = overlapping[0][1]
            w.recs.append(rec)
            if self.o.emit == "update":
                self.emit_changed(w)
            return True
        merged = Window(key, new_start, new_end)
        for wid, w in overlapping:
            del self.live[wid]
            merged.recs.extend(w.recs)
            if self.o.emit == "update":
                self.rows.append(("-D", w.last_row))
        merged.recs.append(rec)
        self.add_live(merged)
        if self.o.emit == "update":
            self.emit_changed(merged)  # last_row is None -> +I
        return True

    def assign_sliding(self, rec, key):
        size, t = self.o.size_ms, rec.t
        touched = []
        # (1) every existing, not fired window of the key containing t
        for wid, w in self.live.items():
            if w.key == key and w.start <= t < w.end:
                w.recs.append(rec)
                touched.append(w)
        # (2) the record's own window [t - size + 1, t + 1)
        created = None
        if (key, t) not in self.sliding_created and not self.fired(t + 1):
            created = Window(key, t - size + 1, t + 1)
            created.recs = [r for r in self.sliding_recs.get(key, [])
                            if t - size + 1 <= r.t <= t] + [rec]
            self.sliding_created.add((key, t))
            self.add_live(created)
        if not touched and created is None:
            return False  # late records are not kept for later windows
        self.sliding_recs.setdefault(key, []).append(rec)
        if self.o.emit == "update":
            changed = touched + ([created] if created is not None else [])
            for w in sorted(changed, key=lambda w: (w.end, w.start)):
                self.emit_changed(w)
        return True


# ----------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------

def build_parser():
    p = argparse.ArgumentParser(description="Reference implementation of Rivulet event-time windows.")
    p.add_argument("--input", required=True)
    p.add_argument("--no-header", action="store_true", help="the input has no header line")
    p.add_argument("--columns", help="comma-separated input column names (required with --no-header)")
    p.add_argument("--time-field", required=True)
    p.add_argument("--time-format", required=True, choices=["epoch_ms", "epoch_us", "rfc3339"])
    p.add_argument("--bound-ms", type=int, required=True, help="out-of-orderness bound B of the source")
    p.add_argument("--window", required=True, choices=["tumbling", "hopping", "sliding", "session"])
    p.add_argument("--size-ms", type=int)
    p.add_argument("--advance-ms", type=int)
    p.add_argument("--gap-ms", type=int)
    p.add_argument("--grace-ms", type=int, required=True)
    p.add_argument("--emit", required=True, choices=["final", "update"])
    p.add_argument("--key-field")
    p.add_argument("--agg", action="append", default=[], metavar="NAME=EXPR")
    p.add_argument("--output", required=True)
    p.add_argument("--output-header", action="store_true")
    p.add_argument("--output-columns")
    p.add_argument("--late", help="file for late records (original columns)")
    p.add_argument("--late-header", action="store_true")
    return p


def validate(o, p):
    if o.no_header and not o.columns:
        p.error("--no-header needs --columns")
    if o.window in ("tumbling", "hopping", "sliding") and (o.size_ms is None or o.size_ms <= 0):
        p.error("--window %s needs a positive --size-ms" % o.window)
    if o.window == "hopping":
        if o.advance_ms is None or o.advance_ms <= 0:
            p.error("hopping needs a positive --advance-ms")
        if o.size_ms % o.advance_ms != 0:
            p.error("hopping: --size-ms must be a multiple of --advance-ms")
    if o.window == "session" and (o.gap_ms is None or o.gap_ms <= 0):
        p.error("session needs a positive --gap-ms")
    if o.grace_ms < 0 or o.bound_ms < 0:
        p.error("--grace-ms and --bound-ms must be >= 0")
    if not o.agg:
        p.error("at least one --agg is required")


def run(argv=None):
    p = build_parser()
    o = p.parse_args(argv)
    validate(o, p)
    aggs = [parse_agg(s) for s in o.agg]

    with open(o.input, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if o.no_header:
        columns = [c.strip() for c in o.columns.split(",")]
    else:
        if not rows:
            raise SystemExit("empty input")
        columns, rows = rows[0], rows[1:]
    rows = [r for r in rows if r != []]  # blank lines
    for needed in [o.time_field] + ([o.key_field] if o.key_field else []):
        if needed not in columns:
            raise SystemExit("no column %r in %r" % (needed, columns))

    ref = Reference(o, aggs)
    tcol = columns.index(o.time_field)
    kcol = columns.index(o.key_field) if o.key_field else None
    for i, raw in enumerate(rows):
        if len(raw) != len(columns):
            raise SystemExit("input row %d has %d fields, expected %d" % (i + 1, len(raw), len(columns)))
        t = parse_time(raw[tcol], o.time_format)
        rec = Record(i, raw, columns, o.time_field, t)
        ref.process(rec, raw[kcol] if kcol is not None else None)
    ref.finish()

    default_cols = ([o.key_field] if o.key_field else []) + ["window_start", "window_end"] \
        + [a.name for a in aggs]
    out_cols = [c.strip() for c in o.output_columns.split(",")] if o.output_columns else default_cols
    if o.emit == "update" and "op" not in out_cols:
        out_cols = ["op"] + out_cols
    for c in out_cols:
        if c != "op" and c not in default_cols:
            raise SystemExit("unknown output column %r (known: %s)" % (c, ", ".join(["op"] + default_cols)))
    if "op" in out_cols and o.emit != "update":
        raise SystemExit("column 'op' exists only with --emit update")

    with open(o.output, "w", newline="", encoding="utf-8") as f:
        if o.output_header:
            f.write(csv_line(out_cols))
        for op, row in ref.rows:
            f.write(csv_line([op if c == "op" else row[c] for c in out_cols]))
    if o.late:
        with open(o.late, "w", newline="", encoding="utf-8") as f:
            if o.late_header:
                f.write(csv_line(columns))
            for rec in ref.late:
                f.write(csv_line(rec.raw))
    return ref


if __name__ == "__main__":
    run()
