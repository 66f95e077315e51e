#!/usr/bin/env bash
# Builds Fuzz/ with libFuzzer + AddressSanitizer and runs each target over a corpus seeded from
# the repository's data, ../shared/data (when present) and inline samples. Prints one line per
# target: executions, seconds, executions/s, peak RSS and the outcome. A crash, leak, timeout or
# out-of-memory input is saved under Fuzz/findings/<target>/ and makes the script exit 1.
# FUZZ_SECONDS (default 60) or FUZZ_RUNS bound each target; FUZZ_TARGETS picks some; FUZZ_MAX_LEN
# bounds an input: parsers' structure fits in far less, and ASan's cost grows with the input, so
# small inputs give several times more executions a second. By default 4096 bytes, and 1024 for the
# line targets (stream-csv, stream-jsonl, logs): each line is parsed on its own and a kilobyte holds
# several, while at 4 KB they settled near 800 executions a second (10 M took 3.5 h per target).
# FUZZ_BUILD=0 reuses the built binary (a second lane on the other core).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGETS=${FUZZ_TARGETS:-"csv timestamp ts safetensors checkpoint job stream-csv stream-jsonl logs json"}
SECONDS_EACH=${FUZZ_SECONDS:-60}
RUNS=${FUZZ_RUNS:-}
max_len() {  # max_len TARGET: FUZZ_MAX_LEN when given, else the target's default (see above)
    if [ -n "${FUZZ_MAX_LEN:-}" ]; then echo "$FUZZ_MAX_LEN"; return; fi
    case "$1" in stream-csv|stream-jsonl|logs) echo 1024 ;; *) echo 4096 ;; esac
}

# --sanitize instruments the root package's own targets only; -Xswiftc instruments every Swift
# module, the Seer package's included (without it only the 4,730 counters of the harness exist).
# Touching the manifest makes SwiftPM look at the Seer package's file list again: a source file
# added to Seer was otherwise missing from the Fuzz build ("cannot find 'RobustScale' in scope").
# A failed build stops here: running the previous binary would fuzz code that is no longer there
# (it once re-found a crash already fixed).
# FUZZ_BUILD=0 skips the build: a second lane of targets on another core reuses the binary the
# first lane built (a second build would relink the binary under the running fuzzer).
if [ "${FUZZ_BUILD:-1}" != 0 ]; then
    touch Fuzz/Package.swift
    build_log=$(mktemp)
    if ! (cd Fuzz && swift build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address) > "$build_log" 2>&1; then
        grep -E "error" "$build_log" | head -20 >&2
        rm -f "$build_log"
        echo "fuzz: the fuzz binary did not build; not running the previous one" >&2
        exit 1
    fi
    grep -E "Build complete" "$build_log"
    rm -f "$build_log"
fi
BIN=Fuzz/.build/release/seer-fuzz
[ -x "$BIN" ] || { echo "fuzz: the fuzz binary did not build" >&2; exit 1; }

seed() {  # seed TARGET: fills Fuzz/.corpus/TARGET (kept between runs; ignored by git)
    local dir="Fuzz/.corpus/$1"
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir")" ] && return
    case "$1" in
    csv)
        for f in data/*.csv; do head -c 4000 "$f" > "$dir/$(basename "$f")"; done
        printf '\x02unique_id,ds,y\na,2024-01-01,1\na,2024-01-02,2\nb,2024-01-01,3\n' > "$dir/long.csv"
        printf '\x03timestamp,value,label\n2024-01-01 00:00:00,1.5,0\n2024-01-01 00:05:00,,1\n' > "$dir/nab.csv"
        printf '\x05date;a;b\n2024-01-01;1;2\n2024-01-03;"3";4e5\n' > "$dir/semicolon.csv" ;;
    timestamp)
        for t in 2024-01-01 "2024-01-01 12:30:00" 2024-01-01T12:30:00Z 2024-01-01T12:30:00.123+05:30 1700000000 \
                 1700000000123 "01/02/2024" "2024-13-45" 2024-W01 -1; do printf '%s' "$t" > "$dir/$(echo "$t" | md5sum | cut -c1-8)"; done ;;
    ts)
        head -c 3000 data/ItalyPowerDemand_TRAIN.ts > "$dir/italy.ts" ;;
    safetensors)
        python3 - "$dir" <<'PY'
import json, struct, sys
def write(name, header, data=b""):
    h = json.dumps(header).encode()
    open(f"{sys.argv[1]}/{name}", "wb").write(struct.pack("<Q", len(h)) + h + data)
write("one", {"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, "__metadata__": {"a": "b"}}, bytes(16))
write("half", {"h": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]}}, bytes(6))
PY
        ;;
    checkpoint)
        printf '{"model":"nt","lookback":96,"horizon":24,"width":32,"layers":2}' > "$dir/config.json" ;;
    job)
        printf 'job: nightly\nregistry: registry\nsources:\n  - csv: "exports/*.csv"\n    id_column: store\nmodels: per_series\ntask: forecast\nmodel: rlinear\nhorizon: 14\n' > "$dir/job.yaml"
        printf '{"job":"j","registry":"r","sources":[{"sqlite":"w.db","query":"SELECT 1"}],"task":"detect"}' > "$dir/job.json" ;;
    stream-csv)
        printf 'unique_id,timestamp,value\ns0,1700000000,9.6\ns1,2024-01-01T00:00:00Z,"1e3"\ns0,1700000060,\n' > "$dir/stream.csv" ;;
    stream-jsonl)
        printf '{"unique_id":"a","timestamp":1700000000,"value":1.5}\n{"timestamp":"2024-01-01T00:00:00Z","value":-2e5}\n' > "$dir/stream.jsonl" ;;
    logs)
        printf '\x01127.0.0.1 - - [10/Oct/2024:13:55:36 +0000] "GET /a HTTP/1.1" 200 2326 "-" "curl"\n' > "$dir/combined.log"
        printf '\x02{"time":"2024-10-10T13:55:36Z","status":200,"ms":12.5}\n' > "$dir/json.log"
        printf '\x03 2024-10-10T13:55:36Z 125\n' > "$dir/pattern.log" ;;
    json)
        printf '{"points":[{"series":"a","timestamp":"2024-01-01T00:00:00Z","value":1.5}],"n":[1,2e3,-0.5,true,null,"\\u00e9"]}' > "$dir/request.json" ;;
    esac
    # Small files from ../shared/data widen the CSV and .ts seeds.
    if [ -d ../shared/data ]; then
        case "$1" in
        csv) find ../shared/data -name '*.csv' -size -64k 2>/dev/null | head -20 | while read -r f; do head -c 4000 "$f" > "$dir/shared-$(basename "$f")"; done ;;
        ts) find ../shared/data -name '*.ts' -size -64k 2>/dev/null | head -10 | while read -r f; do head -c 4000 "$f" > "$dir/shared-$(basename "$f")"; done ;;
        esac
    fi
}

failed=0
printf '%-13s %12s %8s %10s %8s  %s\n' target executions seconds "execs/s" "RSS MB" outcome
for target in $TARGETS; do
    seed "$target"
    findings="Fuzz/findings/$target"
    mkdir -p "$findings"
    log="Fuzz/.corpus/$target.log"
    limit=(-max_total_time="$SECONDS_EACH")
    [ -n "$RUNS" ] && limit=(-runs="$RUNS")
    start=$(date +%s.%N)
    SEER_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=1 "$BIN" "Fuzz/.corpus/$target" "${limit[@]}" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len="$(max_len "$target")" -artifact_prefix="$findings/" >"$log" 2>&1
    status=$?
    elapsed=$(echo "$(date +%s.%N) - $start" | bc)
    execs=$(grep -oE 'Done [0-9]+ runs|#[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
    rss=$(grep -oE 'rss: [0-9]+Mb' "$log" | tail -1 | grep -oE '[0-9]+')
    counters=$(grep -oE '\([0-9]+ inline 8-bit counters\)' "$log" | head -1 | grep -oE '^\([0-9]+' | tr -d '(')
    if [ $status -ne 0 ]; then outcome="FOUND (exit $status): see $log and $findings/"; failed=1
    # A binary whose Seer code lacks coverage counters fuzzes blind (this happened once: 4,730
    # counters, the harness only, against ~78,000 for the whole build); such a run proves little.
    elif [ "${counters:-0}" -lt 20000 ] || grep -q "no interesting inputs were found" "$log"; then
        outcome="NOT COVERAGE-GUIDED (${counters:-0} counters): rebuild Fuzz/ (rm -rf Fuzz/.build)"; failed=1
    else outcome="no crash, leak, timeout or OOM; $(grep -oE 'cov: [0-9]+' "$log" | tail -1) edges"; fi
    printf '%-13s %12s %8.0f %10.0f %8s  %s\n' "$target" "${execs:-0}" "$elapsed" "$(echo "${execs:-0} / $elapsed" | bc -l)" "${rss:-?}" "$outcome"
done
exit $failed
