#!/usr/bin/env bash
# Issue 20's checks on a GPU machine, as one prepared run (the machine has no Swift: build
# `make static` here and carry .build-static/seer). Writes every output under $OUT (or ./gpu-out):
#   1. nvidia-smi and the CUDA libraries found (NVRTC and cuBLAS from the machine's CUDA toolkit
#      or Python wheels, located here rather than guessed);
#   2. seer selftest --device cuda: every kernel against the CPU, then each net 50 steps on both;
#   3. seer bench speed --device cuda beside PyTorch's GPT on the same GPU (torch_reference.py
#      --device cuda, float32) at T = 4096, then the scaling run up to T = 65,536.
# Each step has its own time limit so one slow step cannot take the others' time.
# Usage: scripts/gpu-check.sh [seer binary]   (GPU_CHECK_SCALING=0 skips step 3's scaling run)
# Before the device call, here: make static; mkdir -p shared/bench; cp ../shared/bench/torch_reference.py
# shared/bench/ (a shared/ folder in the checkout travels; bench speed finds the script there);
# then run this with carry [".build-static/seer"].
set -u
seer=${1:-.build-static/seer}
out=${OUT:-gpu-out}
mkdir -p "$out"
[ -x "$seer" ] || { echo "gpu-check: $seer is missing; run make static and carry .build-static/seer" >&2; exit 66; }

{ nvidia-smi || true; } >"$out/nvidia-smi.txt" 2>&1

# NVRTC and cuBLAS: the first folder holding each (CUDA 13 or 12, toolkit or wheels).
find_library() {
  find /usr/local/cuda*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib /opt /usr/local/lib /usr/lib \
       -maxdepth 7 -name "$1" 2>/dev/null | sort | head -n 1
}
folders=""
for pattern in 'libnvrtc.so.1[0-9]*' 'libcublas.so.1[0-9]*'; do
  found=$(find_library "$pattern")
  [ -n "$found" ] && folders="$folders:$(dirname "$found")"
done
export SEER_CUDA_LIBRARY_PATH="${SEER_CUDA_LIBRARY_PATH:-}${folders}"
echo "SEER_CUDA_LIBRARY_PATH=$SEER_CUDA_LIBRARY_PATH" | tee "$out/libraries.txt"

status=0
echo "== selftest" >&2
timeout 240 "$seer" selftest --device cuda >"$out/selftest.txt" 2>"$out/selftest.err" || status=$?
tail -n 15 "$out/selftest.txt"; tail -n 3 "$out/selftest.err"

echo "== bench speed, T = 4096" >&2
timeout 200 "$seer" bench speed --device cuda --models gpt,nt,dijiang,cofrgenet --seq 4096 --min-time 3 --json \
  >"$out/speed-4096.json" 2>"$out/speed-4096.err" || status=$?
tail -n 3 "$out/speed-4096.err"

if [ "${GPU_CHECK_SCALING:-1}" = 1 ]; then
  echo "== bench speed, scaling to T = 65,536" >&2
  timeout 240 "$seer" bench speed --device cuda --models gpt,nt,dijiang --scaling --seq 4096,16384,65536 --min-time 2 --json \
    >"$out/speed-scaling.json" 2>"$out/speed-scaling.err" || status=$?
  tail -n 3 "$out/speed-scaling.err"
fi
echo "gpu-check: done, status $status; outputs in $out" >&2
exit $status
