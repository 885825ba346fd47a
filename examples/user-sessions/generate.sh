#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/window_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
python3 ../../tools/window_reference.py --input clicks.csv \
  --time-field ts --time-format epoch_ms --bound-ms 10000 \
  --window session --gap-ms 300000 --grace-ms 0 --emit final --key-field user \
  --agg 'clicks=count()' --agg 'first_ts=min(ts)' --agg 'last_ts=max(ts)' \
  --output expected-sessions.csv --output-header \
  --output-columns user,window_start,window_end,clicks,first_ts,last_ts \
  --late expected-late.csv --late-header
python3 ../../tools/window_reference.py --input clicks.csv \
  --time-field ts --time-format epoch_ms --bound-ms 10000 \
  --window sliding --size-ms 600000 --grace-ms 0 --emit final --key-field user \
  --agg 'clicks=count()' \
  --output expected-sliding.csv --output-header \
  --output-columns user,window_start,window_end,clicks \
  --late expected-sliding_late.csv --late-header
