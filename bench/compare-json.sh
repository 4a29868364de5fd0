#!/bin/bash
# usage: bench/compare-json.sh BASE_DIST_MAIN NEW_DIST_MAIN [--quick] [--workers N]
# Runs every catalogue `check --bug` plus a set of scenario runs with both builds, strips
# timing and memory fields from --json, and prints SAME/DIFF per run (and exit codes).
BASE=$1; NEW=$2; shift 2
QUICK=0; EXTRA=()
while [ $# -gt 0 ]; do case $1 in --quick) QUICK=1;; *) EXTRA+=("$1");; esac; shift; done
strip='const j=JSON.parse(require("fs").readFileSync(0));const drop=o=>{if(o&&typeof o==="object"){for(const k of ["elapsedMs","statesPerSecond","storeBytes","bytesPerState","peakRssBytes","rssBytesPerState","frontierPeakBytes","spill"])delete o[k];Object.values(o).forEach(drop)}};drop(j);console.log(JSON.stringify(j))'
run() {
  local a b ra rb
  a=$(node $BASE "$@" "${EXTRA[@]}" --json 2>/dev/null | node -e "$strip" 2>/dev/null); ra=${PIPESTATUS[0]}
  b=$(node $NEW "$@" "${EXTRA[@]}" --json 2>/dev/null | node -e "$strip" 2>/dev/null); rb=${PIPESTATUS[0]}
  if [ "$a" == "$b" ] && [ -n "$a" ]; then echo "SAME  $*"; else echo "DIFF  $* (exit $ra vs $rb)"; fi
}
bugs="8835 8835-batch 3787 4153 5408 7724 9105 10256 7914 7412 7031 10985 8479 3503 I-1 I-2 I-3 I-4 I-5 I-6 I-7 I-8 I-9 stale-handle H5.1 kv-ack-during-cleanup kv-premature-commit kv-cache-revive-failure kv-change-same-key kv-crash-offset-key"
if [ $QUICK = 0 ]; then for b in $bugs; do run check --bug $b; done; fi
for n in 3 6 9; do run check --messages $n; done
run check --messages 10 --no-symmetry --rocketmq 5.3.2
run check --messages 8 --no-symmetry --rocketmq 5.3.1
run check --scenario full
run check --scenario full --crashes 1
run check --scenario full --crashes 1 --no-symmetry --rocketmq 5.0.0
run check --scenario full --changes 1 --crashes 1 --rocketmq head
run check --scenario full --late-acks 1 --dup-acks 1 --rocketmq 5.3.1
run check --scenario full --messages 3 --pops 3 --batch 1 --no-symmetry
run check --scenario full --read-failures 1 --rocketmq head
run check --scenario full --set asyncBizRead=true --crashes 1
run check --kv --rocketmq 5.3.2
