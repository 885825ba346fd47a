#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/window_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
python3 ../../tools/window_reference.py --input events.csv --no-header --columns ts_ms,key,value \
  --time-field ts_ms --time-format epoch_ms --bound-ms 2000 \
  --window tumbling --size-ms 10000 --grace-ms 0 --emit final --key-field key \
  --agg 'count=count()' --agg 'sum=sum(value)' \
  --output expected-output.csv --output-columns window_start,key,count,sum \
  --late expected-late.csv
