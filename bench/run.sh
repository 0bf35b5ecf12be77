#!/bin/sh
# weft benchmark harness: see docs/benchmarks.md.
#   bench/run.sh            default instances, median of 3 runs (a few minutes)
#   bench/run.sh --full     also the big instances
#   bench/run.sh --help     every option (--runs 5, --only 'counter-*', --no-spin, --no-loom, ...)
set -e
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/run.py" "$@"
