#!/usr/bin/env bash
# Checks a `make static` binary: it may need only glibc's libraries, libstdc++ and libgcc_s at
# run time (everything else — the Swift runtime, Foundation, OpenBLAS, libgfortran, libcsv,
# SQLite — must be linked in; libpq, libcurl and CUDA are opened with dlopen only when used), and
# it must run: --version, `inspect` and a short forecast on the repository's data, and
# `selftest`, which must say why it cannot check a GPU (exit 69) where there is none.
# Usage: scripts/check-static.sh BINARY
set -uo pipefail
binary=${1:?usage: check-static.sh BINARY}
[ -x "$binary" ] || { echo "check-static: $binary is not an executable" >&2; exit 1; }
allowed='^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|/lib64/ld-linux-x86-64\.so\.2)$'
needed=$(ldd "$binary" | awk '{print $1}')
extra=$(echo "$needed" | grep -Ev "$allowed" || true)
if [ -n "$extra" ]; then
    echo "check-static: $binary still needs shared libraries beyond glibc, libstdc++ and libgcc_s:" >&2
    echo "$extra" | sed 's/^/  /' >&2
    exit 1
fi
echo "check-static: needs only $(echo $needed | tr '\n' ' ')"
# No Swift toolchain on the library path: the binary must not find one by accident.
run() { env -i PATH=/usr/bin:/bin HOME="${HOME:-/tmp}" "$binary" "$@"; }
run --version || { echo "check-static: --version failed" >&2; exit 1; }
run inspect data/airline_passengers.csv > /dev/null || { echo "check-static: inspect failed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run forecast data/airline_passengers.csv --horizon 12 --model rlinear --out "$out/forecast.csv" > /dev/null 2>&1 \
    || { echo "check-static: forecast failed" >&2; exit 1; }
[ "$(wc -l < "$out/forecast.csv")" -gt 12 ] || { echo "check-static: the forecast has too few rows" >&2; exit 1; }
run selftest > "$out/selftest.txt" 2>&1
status=$?
if [ $status -ne 0 ] && [ $status -ne 69 ]; then
    echo "check-static: selftest exited $status:" >&2; cat "$out/selftest.txt" >&2; exit 1
fi
echo "check-static: --version, inspect, forecast and selftest (exit $status) ran; $(du -h "$binary" | cut -f1) binary"
