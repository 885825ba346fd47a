#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/window_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
for emit in final update; do
  if [ "$emit" = final ]; then prefix=expected; else prefix=expected-update; fi
  python3 ../../tools/window_reference.py --input readings.csv \
    --time-field ts --time-format epoch_ms --bound-ms 2000 \
    --window tumbling --size-ms 10000 --grace-ms 5000 --emit "$emit" --key-field sensor \
    --agg 'readings=count()' --agg 'avg_temp=avg(temperature)' --agg 'max_temp=max(temperature)' \
    --output "$prefix-output.csv" --output-header \
    --output-columns sensor,window_start,window_end,readings,avg_temp,max_temp \
    --late "$prefix-late.csv" --late-header
done
