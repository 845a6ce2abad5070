#!/usr/bin/env bash
# Cold-start benchmark (issue 17): runs side by side, N times each,
#   floor    - a plain Java program: JVM + ONNX Runtime session from the model's path + one run
#   cli      - modelbuilder predict --model MLModel.zip IMAGE
#   console  - the generated ConsoleApp on IMAGE (its Model jar holds MLModel.zip)
# and prints the median wall time and peak RSS (/usr/bin/time -v) of each, and the ratios to the floor.
# Not run by `mvn verify`. Needs: the CLI built (mvn -pl cli -am package -DskipTests), /usr/bin/time, Maven offline.
#
# Usage: scoring/src/test/bench/cold-start.sh MODEL.onnx [N] [IMAGE]
#   MODEL.onnx  e.g. the ResNet50 from: /usr/bin/python3 testdata/tools/make_fixtures.py --benchmark-model /tmp/resnet50.onnx
#   N           runs of each program (default 5)
#   IMAGE       the image to predict (default: the first JPEG of the shared test fixtures)
# Environment: CLI_DIR (default cli/target: modelbuilder.jar + lib/), WORK (default a new temp folder).
set -euo pipefail
MODEL=$(readlink -f "${1:?usage: cold-start.sh MODEL.onnx [N] [IMAGE]}")
N=${2:-5}
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
CLI_DIR=$(readlink -f "${CLI_DIR:-$ROOT/cli/target}")
WORK=${WORK:-$(mktemp -d /tmp/cold-start.XXXXXX)}
IMAGE=${3:-$(find "$ROOT/testdata/src/main/resources" -name '*.jpg' | sort | head -1)}
IMAGE=$(readlink -f "$IMAGE")
# the model's class count (CLASSES overrides; the benchmark ResNet50 of make_fixtures.py has 5)
CLASSES=${CLASSES:-$(/usr/bin/python3 -c "import onnx,sys; m=onnx.load('$MODEL', load_external_data=False); print(m.graph.output[0].type.tensor_type.shape.dim[1].dim_value)" 2>/dev/null || echo 5)}
mkdir -p "$WORK/model"
echo "work folder: $WORK; model: $MODEL ($CLASSES classes); image: $IMAGE; runs: $N"

# --- the three programs
cp "$MODEL" "$WORK/model/bestModel.onnx"
/usr/bin/python3 -c "import json; print(json.dumps(['class%d' % i for i in range($CLASSES)]))" > "$WORK/model/bestModelMap.json"
java -jar "$CLI_DIR/modelbuilder.jar" package --onnx "$WORK/model/bestModel.onnx" --labels "$WORK/model/bestModelMap.json" \
    --preprocess resize-crop --output "$WORK/model/MLModel.zip" > /dev/null
ORT_JAR=$(ls "$CLI_DIR"/lib/onnxruntime-*.jar | head -1)
mkdir -p "$WORK/floor"
javac -d "$WORK/floor" -cp "$ORT_JAR" "$ROOT/scoring/src/test/bench/ColdStartFloor.java"
rm -rf "$WORK/gen"
java -jar "$CLI_DIR/modelbuilder.jar" generate --model-dir "$WORK/model" --name Bench --output "$WORK/gen" > /dev/null
if (cd "$WORK/gen" && mvn -B -q -o package -DskipTests > "$WORK/gen-build.log" 2>&1); then
    CONSOLE=$(ls -d "$WORK"/gen/*.ConsoleApp/target)
    # the ConsoleApp runs on this checkout's SDK jars, not on whatever snapshot ~/.m2 holds
    for j in "$CONSOLE"/lib/modelbuilder-*.jar; do cp "$CLI_DIR/lib/$(basename "$j")" "$j"; done
    CONSOLE_CMD=(java -jar "$(ls "$CONSOLE"/*-consoleapp.jar)")
else
    # no SDK snapshot in ~/.m2: compile the generated sources against this checkout's jars and jar the Model
    # project as its pom would
    echo "(the generated projects do not build offline - see $WORK/gen-build.log - so they are built with javac)"
    MD=$(ls -d "$WORK"/gen/*.Model); CD=$(ls -d "$WORK"/gen/*.ConsoleApp)
    rm -rf "$WORK/jc"; mkdir -p "$WORK/jc/model" "$WORK/jc/console"
    javac -nowarn -d "$WORK/jc/model" -cp "$CLI_DIR/lib/*" $(find "$MD/src/main/java" -name '*.java')
    cp -r "$MD/src/main/resources/." "$WORK/jc/model/"
    # like maven-jar-plugin: MLModel.zip stays stored only where the Model pom turns recompressAddedZips off
    if grep -q "<recompressAddedZips>false" "$MD/pom.xml"; then JAR_OPTS=(--no-compress); else JAR_OPTS=(); fi
    jar --create "${JAR_OPTS[@]}" --file "$WORK/jc/model.jar" -C "$WORK/jc/model" .
    javac -nowarn -d "$WORK/jc/console" -cp "$CLI_DIR/lib/*:$WORK/jc/model.jar" $(find "$CD/src/main/java" -name '*.java')
    [ -d "$CD/src/main/resources" ] && cp -r "$CD/src/main/resources/." "$WORK/jc/console/"
    MAIN=$(cd "$WORK/jc/console" && find . -name Program.class | sed 's|^\./||; s|\.class$||; s|/|.|g')
    CONSOLE_CMD=(java -cp "$WORK/jc/console:$WORK/jc/model.jar:$CLI_DIR/lib/*" "$MAIN")
fi

run() { # name, command...: appends "wall_s rss_kb" to $WORK/NAME.txt
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/$name.one" "$@" > "$WORK/$name.out" 2>&1 || { cat "$WORK/$name.out"; exit 1; }
    cat "$WORK/$name.one" >> "$WORK/$name.txt"
}
rm -f "$WORK"/*.txt
# the SDK's cache (ONNX Runtime natives, verified model copies) in the work folder; the first CLI run fills it and is
# reported on its own ("cli-first"); the N runs after it find the model's copy there, as every later start does
CACHE=(-Dmodelbuilder.cache.dir="$WORK/cache")
rm -rf "$WORK/cache"
run cli-first java "${CACHE[@]}" -jar "$CLI_DIR/modelbuilder.jar" predict --model "$WORK/model/MLModel.zip" "$IMAGE"
for i in $(seq "$N"); do
    run floor java -cp "$WORK/floor:$ORT_JAR" ColdStartFloor "$WORK/model/bestModel.onnx"
    run cli java "${CACHE[@]}" -jar "$CLI_DIR/modelbuilder.jar" predict --model "$WORK/model/MLModel.zip" "$IMAGE"
    run console "${CONSOLE_CMD[0]}" "${CACHE[@]}" "${CONSOLE_CMD[@]:1}" "$IMAGE"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
printf "%-8s %10s %12s %10s %10s\n" program "wall (s)" "peak RSS MB" "wall/floor" "RSS/floor"
FW=$(cut -d' ' -f1 "$WORK/floor.txt" | median); FR=$(cut -d' ' -f2 "$WORK/floor.txt" | median)
for p in floor cli-first cli console; do
    W=$(cut -d' ' -f1 "$WORK/$p.txt" | median); R=$(cut -d' ' -f2 "$WORK/$p.txt" | median)
    awk -v p="$p" -v w="$W" -v r="$R" -v fw="$FW" -v fr="$FR" \
        'BEGIN {printf "%-8s %10.2f %12.0f %10.2f %10.2f\n", p, w, r / 1024, w / fw, r / fr}'
done
CW=$(cut -d' ' -f1 "$WORK/cli.txt" | median); KW=$(cut -d' ' -f1 "$WORK/console.txt" | median)
awk -v c="$CW" -v k="$KW" 'BEGIN {printf "console/cli wall: %.2f\n", k / c}'
