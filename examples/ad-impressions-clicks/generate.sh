#!/bin/sh
# Regenerates the expected outputs of this example with the Python reference
# implementation (tools/join_reference.py). Never edit expected-*.csv by hand.
set -eu
cd "$(dirname "$0")"
for type in inner outer; do
  if [ "$type" = inner ]; then prefix=expected; else prefix=expected-outer; fi
  python3 ../../tools/join_reference.py --kind stream-stream --type "$type" \
    --left impressions.csv --right clicks.csv \
    --left-time impression_ts --right-time click_ts --left-bound-ms 60000 --right-bound-ms 60000 \
    --left-key ad_id --right-key ad_id --within-ms 600000 --grace-ms 0 \
    --output "$prefix-matched.csv" \
    --output-columns impression_ts,ad_id,campaign,click_ts,user_id \
    --late-left "$prefix-late_impressions.csv" --late-right "$prefix-late_clicks.csv"
done
# Lateness does not depend on the join type: keep one copy of the late rows.
cmp expected-late_impressions.csv expected-outer-late_impressions.csv
cmp expected-late_clicks.csv expected-outer-late_clicks.csv
rm expected-outer-late_impressions.csv expected-outer-late_clicks.csv
