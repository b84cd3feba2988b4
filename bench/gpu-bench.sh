#!/usr/bin/env bash
# One prepared GPU measurement (issue #17), for a machine with an NVIDIA GPU (an H200 is the one planned for):
# offline x real time with batches of 16 and 64 (goal >= 2000x), live latency at 1x (first 60 s) and 8x,
# FLOPs against the MatMul peak measured on the same provider, which provider ran, and the whole-process
# start-up figures. Writes bench/results-gpu.json; about 5 minutes. Not run yet: no GPU was at hand.
#
#   bash bench/gpu-bench.sh [webgpu|cuda]     (default webgpu: bundled in onnxruntime-node 1.30, runs on
#                                              NVIDIA through Vulkan; cuda needs onnxruntime's CUDA libraries)
# Without network, set up node and the Vulkan loader first as bench/README.md ("GPU") says.
set -euo pipefail
cd "$(dirname "$0")/.."
device="${1:-webgpu}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "gpu-bench: nvidia-smi not found; the bench says which provider ran"
[ -f dist/bench.js ] || node esbuild.config.mjs
# the provider must be named: auto would also pick it, but a named one measures its MatMul peak up front
node dist/bench.js --device "$device" --quick --only startup,offline,compute,live --startup-runs 3 --out bench/results-gpu.json
node -e '
const r = require("./bench/results-gpu.json")
const o = r.offline
console.log(`provider that ran: ${o.device}; offline ${o.warm.newSongXRealTime}x (batch 16), ${o.gpuBatch64 ? o.gpuBatch64.xRealTime + "x (batch 64)" : "no batch-64 run"}; cpu ${o.gpuVsCpu ? o.gpuVsCpu.xRealTime + "x" : "-"}`)
console.log(`utilisation of the measured peak: ${r.compute ? r.compute.utilisation.offlineOfPeak : "-"}; live p95 1x ${r.live ? r.live.summary["1x"].p95 : "-"} ms, 8x ${r.live ? r.live.summary["8x"].p95 : "-"} ms`)
'
