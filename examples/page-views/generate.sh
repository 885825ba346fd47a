#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/window_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
REF=../../tools/window_reference.py
COMMON="--input page-views.csv --time-field ts --time-format rfc3339 --bound-ms 5000 --grace-ms 0 --emit final"

# sink per_minute (+ sink late: the late records of this window)
python3 $REF $COMMON --window tumbling --size-ms 60000 --key-field page \
  --agg 'views=count()' \
  --output expected-per_minute.csv --output-header \
  --output-columns page,window_start,window_end,views \
  --late expected-late.csv --late-header

# sink moving_avg
python3 $REF $COMMON --window hopping --size-ms 300000 --advance-ms 60000 --key-field host \
  --agg 'avg_load_ms=avg(load_ms)' --agg 'samples=count()' \
  --output expected-moving_avg.csv --output-header \
  --output-columns host,window_start,window_end,avg_load_ms,samples

# sink load_p99
python3 $REF $COMMON --window tumbling --size-ms 600000 --key-field host \
  --agg 'p50=percentile(load_ms, 50)' --agg 'p99=percentile(load_ms, 99)' \
  --output expected-load_p99.csv --output-header \
  --output-columns host,window_start,window_end,p50,p99
