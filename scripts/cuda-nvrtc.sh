#!/usr/bin/env bash
# Fetches NVRTC, NVIDIA's run-time CUDA compiler, from its pip wheel (nvidia-cuda-nvrtc-cu12) into
# .cuda/ when it is not there yet, and prints the folder holding libnvrtc.so.12. The tests compile
# Seer's CUDA kernels to PTX with it on machines without a GPU (no driver or toolkit needed); a
# machine without pip or PyPI prints nothing and those tests skip with a message.
set -uo pipefail
cd "$(dirname "$0")/.."
VERSION=${NVRTC_VERSION:-12.9.86}
lib=.cuda/nvidia/cuda_nvrtc/lib
if [ ! -f "$lib/libnvrtc.so.12" ]; then
    mkdir -p .cuda/wheels
    if python3 -m pip download -q --no-deps -d .cuda/wheels "nvidia-cuda-nvrtc-cu12==$VERSION" >/dev/null 2>&1; then
        python3 -m zipfile -e .cuda/wheels/nvidia_cuda_nvrtc_cu12-"$VERSION"-*.whl .cuda >/dev/null 2>&1
        rm -rf .cuda/wheels .cuda/nvidia/cuda_nvrtc/include "$lib"/*.alt.*  # only the two libraries are used
    fi
fi
[ -f "$lib/libnvrtc.so.12" ] && echo "$PWD/$lib"
exit 0
