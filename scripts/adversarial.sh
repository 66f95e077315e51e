#!/usr/bin/env bash
# Adversarial series through the commands that read them: writes each input into a temp folder,
# runs every command on it with a time limit, and prints a markdown table of input × command ×
# outcome (exit code, NaN/Inf in the output, the first line of the message). A crash (exit ≥ 128),
# a hang (the limit) or a NaN/Inf the input does not call for makes the script exit 1.
# SEER (default .build/release/seer), LIMIT seconds per run (default 300).
set -uo pipefail
cd "$(dirname "$0")/.."
SEER=${SEER:-.build/release/seer}
LIMIT=${LIMIT:-300}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

python3 - "$DIR" <<'PY'
import math, random, sys
d = sys.argv[1]
random.seed(5)
def wide(name, values, start=1_700_000_000, step=3600, times=None):
    with open(f"{d}/{name}.csv", "w") as f:
        f.write("timestamp,value\n")
        for k, v in enumerate(values):
            t = times[k] if times else start + step * k
            f.write(f"{t},{'' if v is None else repr(v)}\n")
base = [50 + 10 * math.sin(2 * math.pi * k / 24) + random.gauss(0, 1) for k in range(600)]
wide("constant", [7.0] * 600)
wide("nan-runs", [None if 100 <= k < 160 or 400 <= k < 420 else v for k, v in enumerate(base)])
wide("all-missing", [None] * 600)
wide("spike+1e30", [1e30 if k == 300 else v for k, v in enumerate(base)])
wide("spike-1e30", [-1e30 if k == 300 else v for k, v in enumerate(base)])
wide("denormals", [v * 1e-42 for v in base])
wide("huge-scale", [v * 1e25 for v in base])
wide("two-points", base[:2])
times = [1_700_000_000 + 3600 * k for k in range(600)]
times[300], times[301] = times[301], times[300]
wide("time-backwards", base, times=times)
with open(f"{d}/duplicate-ids.csv", "w") as f:
    f.write("unique_id,ds,y\n")
    for k in range(300):
        for s in ("a", "a", "b"):
            f.write(f"{s},{1_700_000_000 + 3600 * k},{base[k]:.3f}\n")
with open(f"{d}/id-one-row.csv", "w") as f:
    f.write("unique_id,ds,y\n")
    for k in range(600): f.write(f"a,{1_700_000_000 + 3600 * k},{base[k]:.3f}\n")
    f.write(f"b,{1_700_000_000},1.0\n")
with open(f"{d}/mixed-frequencies.csv", "w") as f:
    f.write("unique_id,ds,y\n")
    for k in range(600): f.write(f"hourly,{1_700_000_000 + 3600 * k},{base[k]:.3f}\n")
    for k in range(600): f.write(f"minutely,{1_700_000_000 + 60 * k},{base[k]:.3f}\n")
    for k in range(100): f.write(f"daily,{1_700_000_000 + 86400 * k},{base[k]:.3f}\n")
PY

COMMANDS=("forecast --horizon 24" "backtest --horizon 24 --folds 2" "detect" "detect --stream")
printf '| input | command | exit | NaN/Inf in output | message |\n|---|---|---|---|---|\n'
bad=0
for input in constant nan-runs all-missing spike+1e30 spike-1e30 denormals huge-scale two-points time-backwards duplicate-ids id-one-row mixed-frequencies; do
    for command in "${COMMANDS[@]}"; do
        read -ra args <<< "$command"
        if [ "$command" = "detect --stream" ]; then
            timeout "$LIMIT" "$SEER" "${args[@]}" < "$DIR/$input.csv" > "$DIR/out" 2> "$DIR/err"
        else
            timeout "$LIMIT" "$SEER" "${args[@]}" "$DIR/$input.csv" > "$DIR/out" 2> "$DIR/err"
        fi
        code=$?
        nonfinite=$(grep -ciwE 'nan|-?inf' "$DIR/out")
        message=$(grep -E 'error|warning|ended' "$DIR/err" | head -1 | sed "s#$DIR/##g; s/|/\\\\|/g" | cut -c1-160)
        [ $code -ge 124 ] && bad=1
        [ "$nonfinite" != 0 ] && [ "$input" != all-missing ] && bad=1
        printf '| %s | %s | %s | %s | %s |\n' "$input" "$command" "$code" "$nonfinite" "$message"
    done
done
exit $bad
