#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/window_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
python3 ../../tools/window_reference.py --input sales.csv \
  --time-field ts --time-format epoch_ms --bound-ms 60000 \
  --window tumbling --size-ms 3600000 --grace-ms 0 --emit final \
  --agg 'orders=count()' --agg 'top_products=top(product, amount, 10)' \
  --output expected-top10.csv --output-header \
  --output-columns window_start,window_end,orders,top_products \
  --late expected-late.csv --late-header
