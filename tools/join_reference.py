#!/usr/bin/env python3
"""Reference implementation of Rivulet's join semantics.

Plain, slow and meant to be obviously correct. It generates the expected
outputs under examples/ and cross-checks the runtime. It is NOT the runtime:
it reads both inputs completely, drops late records, sorts the rest into one
processing order and then walks that order with dictionaries and lists.

Semantics
---------

Values. Inputs are CSV files with a header. The time field of each input is an
integer epoch-ms timestamp. Every other field is an int if it parses as one,
else a float if it parses as one, else a string (an empty field is the empty
string, "null"). Output ints print as ints, floats with repr(), empty as nothing.

Lateness (per input). The watermark of an input before its record i is
(max time of its records 0..i-1) - bound (-inf before its first record). A
record with time <= that watermark is LATE: it is written to the input's late
file (header + original fields, input order) and otherwise ignored.
(--late-rule before, the default and the runtime's rule (TimeSync): late only
when time < watermark, i.e. a record exactly at the watermark is still on time,
since records with equal times may still come; --late-rule at-or-before: late
when time <= watermark, the rule first written in the join brief.) This is the
runtime's `lateness: input`, Flink's operator-watermark rule on the inputs taken
in watermark order; `lateness: operator` depends on how the inputs interleave in
a run, so no file-based reference can give its output (docs/JOINS.md).

Processing order. All other records of both inputs are processed in one order:
time ascending; on equal time, for stream-table the table (right) before the
stream (left), for table-table and stream-stream left before right; within one
input, file order.

Keys. A key is the typed value of the key field. An empty key is null and
never matches anything (a stream record with a null key finds no table row and
no partner); a table record with an empty primary key is an error.

Tables (changelogs). A table record is a delete (tombstone) of its primary key
when every field other than the primary key and the time field is empty, else an
upsert of its primary key (the whole record replaces the old one).

stream-table (left = stream, right = table, key --left-key = --right-key):
  a table record updates the table; a stream record looks up the table's
  current row for its key: inner -> one row if found, else none; left -> one
  row always (table fields empty when not found). Output time = stream time.
  Late table records (--late-table-changes apply, the default) are not written
  to the late file: each is processed at time max(its time, its input's
  watermark before it) -- where the table input had reached when it came --
  in the order above (table before stream on equal times, then file order),
  and leaves the table as it is when the key's last change (an upsert or a
  delete) has a later time. --late-table-changes divert: late like any input.
  table-table: the same for late records of both tables.

table-table (left table: primary key --left-pk, foreign key --left-key pointing
at the right table's primary key --right-key): the joined row of left key k is
  inner: left[k] + right[left[k].fk]   if both exist
  left : left[k] + (right[left[k].fk] or empties)   if left[k] exists
  outer: (only when --left-key == --left-pk) left[k] or empties + right[k] or
         empties, if either exists
  After each processed record, every affected left key (a left record: its own
  key; a right record with key r: every left key whose fk == r, plus r itself
  for outer) is recomputed, in ascending string order of the key, and compared
  with the row last emitted for it: none->row +I; row->none -D (old row);
  row->other row -U (old) then +U (new); equal -> nothing. Rows are compared
  on the default output columns (op and the time fields excluded). Output
  time = time of the processed record.

stream-stream (windowed, --within-ms W, --grace-ms G): one buffer per side.
  Before processing a record with time t, every buffered record s with
  t > s.time + W + G expires (removed; if it was never matched and its side
  is kept by the join type it is emitted alone), in order of s.time + W + G,
  then buffer (= processing) order. Then the record is paired with every
  buffered record of the other side with the same (non-null) key and
  |t - s.time| <= W, in buffer order, and is buffered itself. A pair's output
  time is max of the two times; an unmatched row's is its own time. At the end
  of input every still-unmatched buffered record is emitted in processing order
  (= time, left before right, file order). inner keeps no unmatched rows, left
  the left ones, outer both.

Output columns. Every output row has a left part and a right part (either may
be absent = all empty). Addressable columns:
  left.X / right.X   field X of that side (empty when the side is absent)
  @time              the output time (see above)
  op                 the change op (table-table only)
  plain names        the default output schema:
    stream-table : left columns, then right columns minus its key and time
    table-table  : op, left columns minus its time, then right columns minus
                   its key and time
    stream-stream: left columns, then all right columns
  A right column whose name is already taken is named right_X in the default
  schema (as the runtime's JoinOperator.joinedSchema does). A side that is
  absent (unmatched rows, outer joins) has all its fields empty, its key too,
  except in table-table outer joins: a row with only a right side has the join
  key (the right key's value) in the left key's column, so every row of the
  changelog carries its key.
--output-columns takes a comma-separated list of NAME or NEWNAME=SOURCE, e.g.
  impression_ts=ts,ad_id,campaign,click_ts=right.ts,user_id
Without it the default schema is written.

Usage example:
  python3 tools/join_reference.py --kind stream-table --type left \\
      --left clicks.csv --right profiles.csv --left-time ts --right-time ts \\
      --left-bound-ms 5000 --right-bound-ms 5000 --left-key user_id --right-key user_id \\
      --output out.csv --late-left late_clicks.csv --late-right late_profiles.csv
"""

import argparse
import csv
import re
import sys

# ----------------------------------------------------------------------------
# Values and CSV
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


def format_value(v):
    if v is None:
        return ""
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


def is_empty(v):
    return v == "" or v is None


# ----------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------

class Record:
    def __init__(self, side, idx, raw, columns, time_field):
        self.side = side      # "left" or "right"
        self.idx = idx        # 0-based position among the data rows of its file
        self.raw = raw        # original field strings
        self.fields = {}
        for name, text in zip(columns, raw):
            self.fields[name] = typed_value(text)
        text = self.fields[time_field]
        if not isinstance(text, int):
            raise SystemExit("%s input row %d: time field %r is not an integer epoch-ms value: %r"
                             % (side, idx + 1, time_field, raw[columns.index(time_field)]))
        self.t = text
        self.seq = None       # position in the processing order, set later


class Input:
    def __init__(self, side, path, time_field, bound, key_field, late_rule="at-or-before"):
        self.side, self.path, self.time_field, self.bound = side, path, time_field, bound
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        if not rows:
            raise SystemExit("%s: empty input (a header is required)" % path)
        self.columns = rows[0]
        rows = [r for r in rows[1:] if r != []]
        for needed in (time_field, key_field):
            if needed not in self.columns:
                raise SystemExit("%s: no column %r in %r" % (path, needed, self.columns))
        self.records = []
        for i, raw in enumerate(rows):
            if len(raw) != len(self.columns):
                raise SystemExit("%s: row %d has %d fields, expected %d"
                                 % (path, i + 1, len(raw), len(self.columns)))
            self.records.append(Record(side, i, raw, self.columns, time_field))
        # Lateness: watermark before record i = max(t of records 0..i-1) - bound.
        self.accepted, self.late = [], []
        max_t = None
        for r in self.records:
            wm = None if max_t is None else max_t - bound
            r.wm = wm
            late = wm is not None and (r.t <= wm if late_rule == "at-or-before" else r.t < wm)
            if late:
                self.late.append(r)
            else:
                self.accepted.append(r)
            if max_t is None or r.t > max_t:
                max_t = r.t


def processing_order(left, right, right_first_on_ties):
    side_rank = {"left": 1, "right": 0} if right_first_on_ties else {"left": 0, "right": 1}
    merged = sorted(left.accepted + right.accepted, key=lambda r: (getattr(r, "sort_t", r.t), side_rank[r.side], r.idx))
    for i, r in enumerate(merged):
        r.seq = i
    return merged


def is_tombstone(rec, key_field, time_field):
    return all(is_empty(v) for name, v in rec.fields.items() if name not in (key_field, time_field))


# ----------------------------------------------------------------------------
# Output rows
# ----------------------------------------------------------------------------

class OutRow:
    def __init__(self, op, left, right, time):
        self.op = op          # None, or "+I" / "-U" / "+U" / "-D"
        self.left = left      # left Record or None
        self.right = right    # right Record or None
        self.time = time      # output time (ms)


class Schema:
    """The default output schema: ordered (name, source) pairs, plus the value lookup."""

    def __init__(self, kind, left, right, left_key, right_key):
        self.kind = kind
        self.left_key, self.right_key = left_key, right_key
        self.cols = []
        if kind == "table-table":
            self.cols.append(("op", "op"))
        for c in left.columns:
            if kind == "table-table" and c == left.time_field:
                continue
            self.cols.append((c, "left." + c))
        taken = set(n for n, _ in self.cols)
        for c in right.columns:
            if kind in ("stream-table", "table-table") and c in (right_key, right.time_field):
                continue
            name = c if c not in taken else "right_" + c
            taken.add(name)
            self.cols.append((name, "right." + c))
        self.by_name = dict(self.cols)
        self.left_columns, self.right_columns = left.columns, right.columns

    def resolve(self, src):
        """Maps a column reference to a source: left.X, right.X, @time or op."""
        if src in self.by_name:
            return self.by_name[src]
        if src == "@time":
            return src
        if src.startswith("left.") and src[5:] in self.left_columns:
            return src
        if src.startswith("right.") and src[6:] in self.right_columns:
            return src
        raise SystemExit("unknown output column %r (default columns: %s; also left.X, right.X, @time)"
                         % (src, ",".join(n for n, _ in self.cols)))

    def value(self, row, src):
        if src == "op":
            return row.op
        if src == "@time":
            return row.time
        side, field = src.split(".", 1)
        rec = row.left if side == "left" else row.right
        if (rec is None and self.kind == "table-table" and side == "left" and field == self.left_key
                and row.right is not None):
            return row.right.fields[self.right_key]  # the join key of a right-only row
        return rec.fields[field] if rec is not None else ""

    def compare_tuple(self, row):
        """The row's values on the default columns except op (table-table change detection)."""
        return tuple(self.value(row, s) for n, s in self.cols if s != "op")


# ----------------------------------------------------------------------------
# The three joins
# ----------------------------------------------------------------------------

def join_stream_table(o, merged):
    table = {}  # key -> table Record
    changed = {}  # key -> time of its last change (a delete's too)
    out = []
    for r in merged:
        if r.side == "right":
            k = r.fields[o.right_key]
            if is_empty(k):
                raise SystemExit("table (right) row %d has an empty key" % (r.idx + 1))
            if k in changed and changed[k] > r.t:
                continue  # a late change older than the key's row or delete: the table stays
            changed[k] = r.t
            if is_tombstone(r, o.right_key, o.right_time):
                table.pop(k, None)
            else:
                table[k] = r
        else:
            k = r.fields[o.left_key]
            found = None if is_empty(k) else table.get(k)
            if found is not None or o.type == "left":
                out.append(OutRow(None, r, found, r.t))
    return out


def join_table_table(o, merged, schema):
    left_tab, right_tab = {}, {}   # primary key -> Record
    left_changed, right_changed = {}, {}  # primary key -> time of its last change (a delete's too)
    last = {}                      # left key -> last emitted OutRow (absent = none)
    out = []

    def joined(k, t):
        lrec = left_tab.get(k)
        if o.type == "outer":
            rrec = right_tab.get(k)
            if lrec is None and rrec is None:
                return None
            return OutRow(None, lrec, rrec, t)
        if lrec is None:
            return None
        fk = lrec.fields[o.left_key]
        rrec = None if is_empty(fk) else right_tab.get(fk)
        if o.type == "inner" and rrec is None:
            return None
        return OutRow(None, lrec, rrec, t)

    for r in merged:
        if r.side == "left":
            k = r.fields[o.left_pk]
            if is_empty(k):
                raise SystemExit("left table row %d has an empty primary key" % (r.idx + 1))
            if k in left_changed and left_changed[k] > r.t:
                continue  # a late change older than the key's row or delete: the table stays
            left_changed[k] = r.t
            if is_tombstone(r, o.left_pk, o.left_time):
                left_tab.pop(k, None)
            else:
                left_tab[k] = r
            affected = {k}
        else:
            k = r.fields[o.right_key]
            if is_empty(k):
                raise SystemExit("right table row %d has an empty key" % (r.idx + 1))
            if k in right_changed and right_changed[k] > r.t:
                continue  # a late change older than the key's row or delete: the table stays
            right_changed[k] = r.t
            if is_tombstone(r, o.right_key, o.right_time):
                right_tab.pop(k, None)
            else:
                right_tab[k] = r
            affected = set(lk for lk, lrec in left_tab.items() if lrec.fields[o.left_key] == k)
            if o.type == "outer":
                affected.add(k)
        for lk in sorted(affected, key=format_value):
            old, new = last.get(lk), joined(lk, r.t)
            if old is None and new is None:
                continue
            if old is None:
                out.append(OutRow("+I", new.left, new.right, r.t))
                last[lk] = new
            elif new is None:
                out.append(OutRow("-D", old.left, old.right, r.t))
                del last[lk]
            elif schema.compare_tuple(old) != schema.compare_tuple(new):
                out.append(OutRow("-U", old.left, old.right, r.t))
                out.append(OutRow("+U", new.left, new.right, r.t))
                last[lk] = new
            else:
                last[lk] = new  # same values: nothing is emitted
    return out


def join_stream_stream(o, merged):
    W, G = o.within_ms, o.grace_ms
    keep = {"inner": set(), "left": {"left"}, "outer": {"left", "right"}}[o.type]
    key_field = {"left": o.left_key, "right": o.right_key}
    buffer = []        # Records, in processing (= buffering) order
    matched = set()    # seq of records that were part of at least one pair
    out = []

    def alone(s):
        if s.side == "left":
            return OutRow(None, s, None, s.t)
        return OutRow(None, None, s, s.t)

    for r in merged:
        t = r.t
        expired = [s for s in buffer if t > s.t + W + G]
        expired.sort(key=lambda s: (s.t + W + G, s.seq))
        for s in expired:
            buffer.remove(s)
            if s.seq not in matched and s.side in keep:
                out.append(alone(s))
        k = r.fields[key_field[r.side]]
        for s in buffer:
            if s.side == r.side or is_empty(k):
                continue
            if s.fields[key_field[s.side]] == k and abs(t - s.t) <= W:
                lrec, rrec = (r, s) if r.side == "left" else (s, r)
                out.append(OutRow(None, lrec, rrec, max(r.t, s.t)))
                matched.add(r.seq)
                matched.add(s.seq)
        buffer.append(r)
    for s in sorted(buffer, key=lambda s: s.seq):
        if s.seq not in matched and s.side in keep:
            out.append(alone(s))
    return out


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------

def build_parser():
    p = argparse.ArgumentParser(description="Reference implementation of Rivulet's joins.")
    p.add_argument("--kind", required=True, choices=["stream-table", "table-table", "stream-stream"])
    p.add_argument("--type", required=True, choices=["inner", "left", "outer"])
    p.add_argument("--left", required=True, help="left input CSV (the stream, for stream-table)")
    p.add_argument("--right", required=True, help="right input CSV (the table, for stream-table)")
    p.add_argument("--left-time", required=True)
    p.add_argument("--right-time", required=True)
    p.add_argument("--left-bound-ms", type=int, required=True)
    p.add_argument("--right-bound-ms", type=int, required=True)
    p.add_argument("--left-key", required=True, help="join key (table-table: the left foreign key)")
    p.add_argument("--right-key", required=True, help="join key (tables: the right primary key)")
    p.add_argument("--left-pk", help="table-table: the left table's primary key")
    p.add_argument("--within-ms", type=int, help="stream-stream: |t_left - t_right| <= W")
    p.add_argument("--grace-ms", type=int, default=0, help="stream-stream: extra buffering time")
    p.add_argument("--late-rule", choices=["at-or-before", "before"], default="before",
                   help="late when time <= watermark (default) or only when time < watermark")
    p.add_argument("--output", required=True)
    p.add_argument("--late-table-changes", choices=["apply", "divert"], default="apply",
                   help="stream-table, table-table: late table records applied (default) or written to the late files")
    p.add_argument("--late-left", required=True)
    p.add_argument("--late-right", required=True)
    p.add_argument("--output-columns", action="append", default=[],
                   help="comma-separated NAME or NEWNAME=SOURCE (repeatable)")
    return p


def run(argv=None):
    p = build_parser()
    o = p.parse_args(argv)
    if o.kind == "stream-table" and o.type == "outer":
        p.error("stream-table supports inner and left only")
    if o.kind == "table-table":
        if not o.left_pk:
            p.error("table-table needs --left-pk")
        if o.type == "outer" and o.left_pk != o.left_key:
            p.error("table-table outer needs --left-key == --left-pk")
    if o.kind == "stream-stream":
        if o.within_ms is None or o.within_ms < 0:
            p.error("stream-stream needs --within-ms >= 0")
        if o.grace_ms < 0:
            p.error("--grace-ms must be >= 0")
    if o.left_bound_ms < 0 or o.right_bound_ms < 0:
        p.error("bounds must be >= 0")

    left = Input("left", o.left, o.left_time, o.left_bound_ms, o.left_key, o.late_rule)
    right = Input("right", o.right, o.right_time, o.right_bound_ms, o.right_key, o.late_rule)
    if o.kind == "table-table" and o.left_pk not in left.columns:
        p.error("no column %r in %s" % (o.left_pk, o.left))
    schema = Schema(o.kind, left, right, o.left_key, o.right_key)

    if o.late_table_changes == "apply" and o.kind != "stream-stream":
        # Late table changes are applied as of their table's watermark when they came (their input's point).
        for table in ([right] if o.kind == "stream-table" else [left, right]):
            for r in table.late:
                r.sort_t = max(r.t, r.wm)
            table.accepted, table.late = table.accepted + table.late, []
    merged = processing_order(left, right, right_first_on_ties=(o.kind == "stream-table"))
    if o.kind == "stream-table":
        rows = join_stream_table(o, merged)
    elif o.kind == "table-table":
        rows = join_table_table(o, merged, schema)
    else:
        rows = join_stream_stream(o, merged)

    if o.output_columns:
        out_cols = []
        for chunk in o.output_columns:
            for item in chunk.split(","):
                item = item.strip()
                name, src = item.split("=", 1) if "=" in item else (item, item)
                out_cols.append((name.strip(), schema.resolve(src.strip())))
    else:
        out_cols = list(schema.cols)
    if o.kind != "table-table" and any(s == "op" for _, s in out_cols):
        p.error("column 'op' exists only for table-table")

    with open(o.output, "w", newline="", encoding="utf-8") as f:
        f.write(csv_line([n for n, _ in out_cols]))
        for row in rows:
            f.write(csv_line([schema.value(row, s) for _, s in out_cols]))
    for inp, path in ((left, o.late_left), (right, o.late_right)):
        with open(path, "w", newline="", encoding="utf-8") as f:
            f.write(csv_line(inp.columns))
            for rec in inp.late:
                f.write(csv_line(rec.raw))
    return rows


if __name__ == "__main__":
    run()
