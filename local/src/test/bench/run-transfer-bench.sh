#!/usr/bin/env bash
# Transfer learning benchmark (not part of `mvn verify`): feature-extraction throughput of the local backend's
# FeatureExtractor against a raw OrtSession.run on the same cut backbone and batch, and the end-to-end time of
# transfer training on IMAGES photo-sized JPEG files. Prints the RESULT lines of TransferBenchmark.
#
#   /usr/bin/python3 testdata/tools/make_fixtures.py --benchmark-model /tmp/resnet50.onnx   # ResNet50, 224x224
#   local/src/test/bench/run-transfer-bench.sh /tmp/resnet50.onnx [IMAGES=1000 BATCH=32 THREADS=cores ROUNDS=3 [throughput-only]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$(cd "$here/../../.." && pwd)"
root="$(cd "$module/.." && pwd)"
MODEL=${1:?give the backbone model, e.g. /tmp/resnet50.onnx}
IMAGES=${2:-1000}; BATCH=${3:-32}; THREADS=${4:-$(nproc)}; ROUNDS=${5:-3}; ONLY=${6:-}
cp_file="$module/target/transfer-bench.classpath"
# one reactor run: sibling modules resolve to their target/classes folders (nothing is installed)
(cd "$root" && mvn -o -q -pl local -am test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" \
    -Dmdep.includeScope=test >/dev/null)
work="$module/target/transfer-bench"
mkdir -p "$work"
java -Xmx3g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" \
    dev.modelbuilder.local.implementation.transfer.TransferBenchmark "$MODEL" "$IMAGES" "$BATCH" "$THREADS" "$ROUNDS" "$work" $ONLY \
    | grep -E '^(INFO|RESULT|LOG)'
