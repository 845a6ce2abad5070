#!/usr/bin/env bash
# Side-by-side training throughput: the local backend's DJL trainer vs PyTorch itself, same architecture, image
# size, width, batch and threads, alternating ROUNDS times in one run. Not part of `mvn verify`.
#
#   apt-get install --no-install-recommends -y python3-torch      # Debian's PyTorch (1.13)
#   mvn -o -q -pl local -am install -DskipTests && mvn -o -q -pl local test-compile
#   local/src/test/bench/run-training-bench.sh [ARCH SIZE WIDTH BATCH THREADS WARMUP STEPS ROUNDS]
#
# Prints each RESULT line, then the median and the best images/s of each side (on a shared machine the best round
# is the least disturbed one). Peak RSS is the process's high-water mark
# (VmHWM for the JVM, ru_maxrss for Python).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$(cd "$here/../../.." && pwd)"
ARCH=${1:-resnet14}; SIZE=${2:-64}; WIDTH=${3:-16}; BATCH=${4:-32}; THREADS=${5:-2}; WARMUP=${6:-30}; STEPS=${7:-60}
ROUNDS=${8:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
cp_file="$module/target/bench.classpath"
(cd "$module" && mvn -o -q dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null)
classpath="$module/target/test-classes:$module/target/classes:$(cat "$cp_file")"
results=()
for round in $(seq 1 "$ROUNDS"); do
  j=$(java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" \
        dev.modelbuilder.local.implementation.TrainingBenchmark "$ARCH" "$SIZE" "$WIDTH" "$BATCH" "$THREADS" "$WARMUP" "$STEPS" \
        2>/dev/null | grep '^RESULT')
  p=$(cd "$here" && OMP_NUM_THREADS=$THREADS "$PYTHON" train_bench.py "$ARCH" "$SIZE" "$WIDTH" "$BATCH" "$THREADS" "$WARMUP" "$STEPS" \
        | grep '^RESULT')
  echo "round $round: $j"
  echo "round $round: $p"
  results+=("$j" "$p")
done
printf '%s\n' "${results[@]}" | "$PYTHON" -c '
import sys, statistics
rows = [dict(f.split("=", 1) for f in line.split()[2:]) | {"side": line.split()[1]} for line in sys.stdin if line.strip()]
med, best = {}, {}
for side in ("djl", "torch"):
    mine = [r for r in rows if r["side"] == side]
    speeds = [float(r["images_per_s"]) for r in mine]
    med[side], best[side] = statistics.median(speeds), max(speeds)
    print("%s: median %.1f, best %.1f images/s over %d rounds; peak RSS %s MiB" % (side, med[side], best[side],
          len(mine), max(int(r["peak_rss_mib"]) for r in mine)))
print("ratio djl/torch: %.2f (medians), %.2f (best rounds)" % (med["djl"] / med["torch"], best["djl"] / best["torch"]))
'
