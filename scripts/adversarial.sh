#!/usr/bin/env bash
# Adversarial series through the commands that read them: writes each input into a temp folder,
# runs every command on it with a time limit, and prints a markdown table of input × command ×
# outcome (exit code, NaN/Inf in the output, the first line of the message). A crash (exit ≥ 128),
# a hang (the limit) or a NaN/Inf the input does not call for makes the script exit 1.
# Commands: forecast, backtest, detect, detect --stream, classify (the series cut into 30-step
# cases with alternating labels, first half to train), retrain (a job over the file) and serve
# (every point POSTed to /v1/detect; the HTTP status is the exit column).
# SEER (default .build/release/seer), LIMIT seconds per run (default 300), INPUTS to pick some
# (ten-million, 10 M hourly points, is only run when named).
set -uo pipefail
cd "$(dirname "$0")/.."
SEER=${SEER:-.build/release/seer}
LIMIT=${LIMIT:-300}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

INPUTS=${INPUTS:-"constant nan-runs all-missing spike+1e30 spike-1e30 denormals huge-scale two-points time-backwards duplicate-ids id-one-row mixed-frequencies"}
python3 - "$DIR" "$INPUTS" <<'PY'
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
if "ten-million" in sys.argv[2].split():
    with open(f"{d}/ten-million.csv", "w") as f:
        f.write("timestamp,value\n")
        for start in range(0, 10_000_000, 100_000):
            f.write("".join(f"{1_000_000_000 + 3600 * k},{50 + (k % 24) + (k * 7919 % 13) / 10}\n" for k in range(start, start + 100_000)))
with open(f"{d}/mixed-frequencies.csv", "w") as f:
    f.write("unique_id,ds,y\n")
    for k in range(600): f.write(f"hourly,{1_700_000_000 + 3600 * k},{base[k]:.3f}\n")
    for k in range(600): f.write(f"minutely,{1_700_000_000 + 60 * k},{base[k]:.3f}\n")
    for k in range(100): f.write(f"daily,{1_700_000_000 + 86400 * k},{base[k]:.3f}\n")
PY

# Every input as classification cases, a retraining job and JSON points for the server.
python3 - "$DIR" "$INPUTS" <<'PY'
import csv, json, sys
d = sys.argv[1]
for name in sys.argv[2].split():
    rows = list(csv.reader(open(f"{d}/{name}.csv")))
    header, rows = rows[0], rows[1:]
    long = header[0] == "unique_id"
    values = [r[2] if long else r[1] for r in rows]
    for part, cases in (("train", range(0, 10)), ("test", range(10, 20))):
        with open(f"{d}/{name}-{part}.csv", "w") as f:
            f.write("case,label,value\n")
            for c in cases:
                for v in values[30 * c: 30 * c + 30]: f.write(f"c{c},{'ab'[c % 2]},{v}\n")
    open(f"{d}/{name}.yaml", "w").write(f"job: adversarial\nregistry: {name}-registry\nmodel: dlinear\nsources:\n  - csv: {name}.csv\nhorizon: 24\n")
    points = [{"series": r[0] if long else "s", "timestamp": int(r[1] if long else r[0]),
               "value": float(r[2] if long else r[1]) if (r[2] if long else r[1]) else None} for r in rows[:200_000]]
    json.dump({"points": points}, open(f"{d}/{name}.json", "w"))
PY
"$SEER" serve --bind 127.0.0.1:0 --port-file "$DIR/port" --warmup 50 > /dev/null 2> "$DIR/serve.log" &
server=$!
for _ in $(seq 100); do [ -s "$DIR/port" ] && break; sleep 0.1; done
port=$(cat "$DIR/port" 2>/dev/null)

COMMANDS=("forecast --horizon 24" "backtest --horizon 24 --folds 2" "detect" "detect --stream" "classify" "retrain" "serve")
printf '| input | command | exit | NaN/Inf in output | message |\n|---|---|---|---|---|\n'
bad=0
for input in $INPUTS; do
    for command in "${COMMANDS[@]}"; do
        read -ra args <<< "$command"
        case "$command" in
        "detect --stream") timeout "$LIMIT" "$SEER" "${args[@]}" < "$DIR/$input.csv" > "$DIR/out" 2> "$DIR/err" ;;
        classify) timeout "$LIMIT" "$SEER" classify "$DIR/$input-train.csv" "$DIR/$input-test.csv" > "$DIR/out" 2> "$DIR/err" ;;
        retrain) timeout "$LIMIT" "$SEER" retrain "$DIR/$input.yaml" > "$DIR/out" 2> "$DIR/err" ;;
        serve)
            status=$(timeout "$LIMIT" curl -s -o "$DIR/out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$DIR/$input.json" \
                     "http://127.0.0.1:$port/v1/detect")
            [ $? -ge 124 ] && status=124
            kill -0 $server 2>/dev/null || status="server died"
            grep -o '"error":"[^"]*"' "$DIR/out" | head -1 > "$DIR/err" ;;
        *) timeout "$LIMIT" "$SEER" "${args[@]}" "$DIR/$input.csv" > "$DIR/out" 2> "$DIR/err" ;;
        esac
        code=$?
        [ "$command" = serve ] && code=$status
        nonfinite=$(grep -ciwE 'nan|-?inf' "$DIR/out")
        message=$(grep -E 'error|warning|ended|failed' "$DIR/err" | head -1 | sed "s#$DIR/##g; s/|/\\\\|/g" | cut -c1-160)
        { [ "$code" = "server died" ] || { [ "$command" != serve ] && [ "$code" -ge 124 ]; } || [ "$code" = 124 ]; } && bad=1
        [ "$nonfinite" != 0 ] && [ "$input" != all-missing ] && bad=1
        printf '| %s | %s | %s | %s | %s |\n' "$input" "$command" "$code" "$nonfinite" "$message"
    done
done
kill $server 2>/dev/null; wait $server 2>/dev/null
exit $bad
