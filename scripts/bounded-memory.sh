#!/usr/bin/env bash
# Peak memory of the streaming commands on big inputs, to show it does not grow with the file:
# `seer inspect` and `seer detect --stream` on a long-layout CSV (100 interleaved series) and
# `seer logs` on an access log, each at 0.5, 1 and 5 GB (prefixes of one generated file), and
# `seer forecast` on the largest CSV, which must refuse clearly rather than be killed.
#   scripts/bounded-memory.sh [DIR]   # DIR holds the inputs (made when missing; ~11 GB of disk)
# Prints a markdown table: command, input size, seconds, peak RSS (GNU time), exit code.
set -uo pipefail
cd "$(dirname "$0")/.."
SEER=${SEER:-.build/release/seer}
DIR=${1:-/tmp/seer-bounded-memory}
SIZES=${SIZES:-"0.5 1 5"}
DETECTOR=${DETECTOR:-gaussian}
mkdir -p "$DIR"
[ -x "$SEER" ] || { echo "build the release binary first (make release)" >&2; exit 1; }
largest=$(echo "$SIZES" | tr ' ' '\n' | sort -g | tail -1)

# One file of the largest size per kind; smaller sizes are its prefixes cut at a line end.
[ -x "$DIR/gen" ] || cc -O2 -o "$DIR/gen" scripts/bounded-memory-input.c -lm || exit 1
for kind in csv log; do
    [ -f "$DIR/$largest-gb.$kind" ] || "$DIR/gen" "$kind" "${largest}e9" "$DIR/$largest-gb.$kind" || exit 1
    for size in $SIZES; do
        file="$DIR/$size-gb.$kind"
        [ -f "$file" ] || { head -c "$(python3 -c "print(int($size * 1e9))")" "$DIR/$largest-gb.$kind" | sed '$d' > "$file"; }
    done
done

measure() {  # measure LABEL SIZE COMMAND...: one table row
    local label=$1 size=$2; shift 2
    local log; log=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$log" "$@" > /dev/null 2> "$log.err"
    local status=$?
    read -r seconds kb < <(tail -1 "$log")
    printf '| %s | %s GB | %s | %.0f MB | %s |\n' "$label" "$size" "$seconds" "$(echo "$kb / 1024" | bc -l)" "$status"
    [ "$status" = 0 ] || echo "|   | stderr: $(grep -v '^\s*$' "$log.err" | tail -1 | cut -c1-300) | | | |"
    rm -f "$log" "$log.err"
}

echo "| command | input | seconds | peak RSS | exit |"
echo "|---|---|---|---|---|"
for size in $SIZES; do
    csv="$DIR/$size-gb.csv"; log="$DIR/$size-gb.log"
    measure "seer inspect" "$size" "$SEER" inspect "$csv"
    measure "seer detect --stream --model $DETECTOR" "$size" sh -c "'$SEER' detect --stream --model $DETECTOR --quiet < '$csv'"
    measure "seer logs --bucket 1m" "$size" "$SEER" logs "$log" --bucket 1m
done
measure "seer forecast" "$largest" "$SEER" forecast "$DIR/$largest-gb.csv" --horizon 24
