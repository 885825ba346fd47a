#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/join_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
for type in left inner; do
  if [ "$type" = left ]; then prefix=expected; else prefix=expected-inner; fi
  python3 ../../tools/join_reference.py --kind table-table --type "$type" \
    --left orders.csv --right customers.csv \
    --left-time ts --right-time ts --left-bound-ms 0 --right-bound-ms 0 \
    --left-pk order_id --left-key customer_id --right-key customer_id \
    --output "$prefix-joined.csv" --output-columns op,order_id,customer_id,amount,name,country \
    --late-left "$prefix-late_orders.csv" --late-right "$prefix-late_customers.csv"
done
# Lateness does not depend on the join type: keep one copy of the late rows.
cmp expected-late_orders.csv expected-inner-late_orders.csv
cmp expected-late_customers.csv expected-inner-late_customers.csv
rm expected-inner-late_orders.csv expected-inner-late_customers.csv
