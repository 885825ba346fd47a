#!/bin/sh
# Regenerates the expected outputs of this example with reference.py (the filter, map, explode and
# nested JSON in Python; the window through tools/window_reference.py). Never edit expected-* by hand.
set -eu
cd "$(dirname "$0")"
python3 reference.py
