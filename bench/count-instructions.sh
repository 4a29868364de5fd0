#!/bin/bash
# usage: bench/count-instructions.sh DIST_DIR CHECK-ARGS...
# The x86 instructions (millions) one `popcheck check` executes, start-up included, counted by
# valgrind's cachegrind (no cache simulation): unlike CPU time, the count does not depend on
# the machine's load (two runs of the same build agree to 0.01%), so a small change can be told
# from noise on a shared machine. Node runs single-threaded (its compiler and GC on the main
# thread), about 50 times slower than natively: keep the runs small (ack-flush N <= 11, or
# --max-states). Subtract the count of a tiny run (e.g. --messages 1) for the exploration alone.
set -e
DIST=$1; shift
command -v valgrind >/dev/null || { echo "count-instructions: valgrind is not installed" >&2; exit 2; }
valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
  node --single-threaded "$DIST/bench/explore-child.js" "$@" 2>&1 >/dev/null |
  awk '/I *refs/ { gsub(",", "", $4); printf "%.1f M instructions\n", $4 / 1e6 }'
