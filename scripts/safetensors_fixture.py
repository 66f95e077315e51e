#!/usr/bin/env python3
"""Cross-checks Seer's safetensors code against the reference implementation (pip install safetensors).

  safetensors_fixture.py write PATH   writes the fixture Tests/SeerNNTests/Fixtures/python_written.safetensors
  safetensors_fixture.py check PATH   reads a Seer-written file and compares it with the JSON expectation
                                      on stdin: {"tensors": {name: {"shape": [..], "values": [..]}},
                                                 "metadata": {key: value}}; exit 0 when all match.

The fixture's expected values are repeated in Tests/SeerNNTests/SafeTensorsTests.swift; change both together.
"""
import json
import sys

import numpy as np
import safetensors
from safetensors.numpy import load_file


def write(path):
    # Half and bfloat16 tensors are given as bit patterns, so the Swift test can check the
    # conversion of each pattern: normal, negative, smallest subnormal, infinity.
    half_bits = np.array([0x3C00, 0xC100, 0x0001, 0x7C00], dtype=np.uint16)  # 1, -2.5, 2^-24, +inf
    bf16_bits = np.array([[0x3F80, 0xC040], [0x0001, 0xFF80]], dtype=np.uint16)  # 1, -3, 2^-133, -inf
    arrays = {
        "dense.weight": (0.5 * np.arange(6, dtype=np.float32)).reshape(2, 3),  # F32 [2, 3]
        "dense.bias": np.array([-1.75], dtype=np.float32),  # F32 [1]
        "half": half_bits.view(np.float16),  # F16 [4]
        "wide": np.array([0.1, -2.0, 1.0 / 3.0], dtype=np.float64),  # F64 [3]
    }
    # safetensors.numpy.save_file cannot express bfloat16 (numpy has no such dtype), so call the
    # reference writer it wraps, safetensors.serialize_file, directly: the same TensorSpec entries
    # save_file builds for the numpy arrays, plus the bf16 tensor's raw little-endian bit patterns.
    # The file is thus still written entirely by the reference implementation.
    keep_alive = dict(arrays, bf16=bf16_bits.astype("<u2"))
    specs = {
        name: safetensors.TensorSpec(dtype=array.dtype.name, shape=array.shape,
                                     data_ptr=array.ctypes.data, data_len=array.nbytes)
        for name, array in arrays.items()
    }
    specs["bf16"] = safetensors.TensorSpec(dtype="bfloat16", shape=(2, 2), data_ptr=keep_alive["bf16"].ctypes.data,
                                           data_len=keep_alive["bf16"].nbytes)
    safetensors.serialize_file(specs, path, metadata={"format": "pt", "note": "seer fixture"})


def check(path):
    expected = json.load(sys.stdin)
    tensors = load_file(path)  # raises on any malformed header or range
    with safetensors.safe_open(path, framework="numpy") as handle:
        metadata = handle.metadata() or {}
    problems = []
    if sorted(tensors) != sorted(expected["tensors"]):
        problems.append(f"names {sorted(tensors)} != {sorted(expected['tensors'])}")
    for name, want in expected["tensors"].items():
        got = tensors.get(name)
        if got is None:
            continue
        if got.dtype != np.float32 or list(got.shape) != want["shape"]:
            problems.append(f"{name}: {got.dtype} {list(got.shape)}, expected float32 {want['shape']}")
        # Exact comparison: Seer writes F32 bit for bit, and the expectations are Float values.
        elif not np.array_equal(got.reshape(-1), np.array(want["values"], dtype=np.float32)):
            problems.append(f"{name}: values {got.reshape(-1).tolist()} != {want['values']}")
    if metadata != expected.get("metadata", {}):
        problems.append(f"metadata {metadata} != {expected.get('metadata', {})}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        sys.exit(__doc__)
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
