#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/join_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
python3 ../../tools/join_reference.py --kind stream-table --type left \
  --left clicks.csv --right profiles.csv \
  --left-time ts --right-time ts --left-bound-ms 5000 --right-bound-ms 5000 \
  --left-key user_id --right-key user_id \
  --output expected-enriched.csv --output-columns ts,user_id,page,age,gender \
  --late-left expected-late_clicks.csv --late-right expected-late_profiles.csv
python3 ../../tools/join_reference.py --kind stream-table --type inner \
  --left clicks.csv --right profiles.csv \
  --left-time ts --right-time ts --left-bound-ms 5000 --right-bound-ms 5000 \
  --left-key user_id --right-key user_id \
  --output expected-inner-enriched.csv --output-columns ts,user_id,page,age,gender \
  --late-left expected-inner-late_clicks.csv --late-right expected-inner-late_profiles.csv
# The inner run's late rows are the same as the left run's (lateness does not depend on the join type).
cmp expected-late_clicks.csv expected-inner-late_clicks.csv
cmp expected-late_profiles.csv expected-inner-late_profiles.csv
rm expected-inner-late_clicks.csv expected-inner-late_profiles.csv
