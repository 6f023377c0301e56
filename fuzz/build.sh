#!/usr/bin/env bash
# Builds the fuzz targets (ASan + UBSan) and, with a run count, fuzzes each from its seed corpus.
#
#   fuzz/build.sh                         # build into build/fuzz (or $BEWO_FUZZ_BUILD)
#   fuzz/build.sh run 1000000             # build, then 1M inputs per target (seed 1)
#   fuzz/build.sh regress                 # build, then run the corpora + fuzz/crashes once
#   CXX=g++ fuzz/build.sh ...             # force the compiler (default: clang++ if present)
#   TARGETS="scene_json bundle" fuzz/build.sh run 20000
# Each run writes a failing input to $BUILD/crash-input and exits nonzero.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="${BEWO_FUZZ_BUILD:-$ROOT/build/fuzz}"
JOBS="${JOBS:-2}"
if [[ -z "${CXX:-}" ]]; then
  if command -v clang++ >/dev/null; then CXX=clang++; else CXX=g++; fi
fi
TARGETS="${TARGETS:-safetensors scene_json tokenizer bundle prompt}"

cmake -S "$HERE" -B "$BUILD" -DCMAKE_CXX_COMPILER="$CXX" ${BEWO_FUZZ_ENGINE:+-DBEWO_FUZZ_ENGINE=$BEWO_FUZZ_ENGINE} >/dev/null
cmake --build "$BUILD" -j"$JOBS" $(for t in $TARGETS; do echo --target fuzz_$t; done) >/dev/null
echo "built: $TARGETS ($CXX) in $BUILD"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mode="${1:-build}"
case "$mode" in
  build) ;;
  run)
    runs="${2:-1000000}"
    for t in $TARGETS; do
      work="$BUILD/work_$t"   # libFuzzer adds new coverage here; the checked-in seeds stay as they are
      mkdir -p "$work"
      echo "== fuzz_$t: $runs inputs"
      start=$(date +%s)
      set +e
      "$BUILD/fuzz_$t" -runs="$runs" -seed="${SEED:-1}" -max_len="${MAX_LEN:-65536}" \
          -artifact_prefix="$BUILD/" -print_final_stats=1 "$work" "$HERE/corpus/$t" > "$BUILD/log_$t.txt" 2>&1
      rc=$?
      set -e
      tail -n "${TAIL:-15}" "$BUILD/log_$t.txt"
      echo "== fuzz_$t: exit $rc, $(( $(date +%s) - start )) s"
      [[ $rc -eq 0 ]] || exit $rc
    done
    ;;
  regress)
    shopt -s nullglob
    for t in $TARGETS; do
      files=("$HERE/corpus/$t"/* "$HERE/crashes/$t"/*)
      set +e
      "$BUILD/fuzz_$t" "${files[@]}" > "$BUILD/log_regress_$t.txt" 2>&1
      rc=$?
      set -e
      echo "== fuzz_$t regression: ${#files[@]} inputs, exit $rc"
      [[ $rc -eq 0 ]] || { tail -n 40 "$BUILD/log_regress_$t.txt"; exit $rc; }
    done
    ;;
  *) echo "usage: $0 [build | run N | regress]" >&2; exit 2 ;;
esac
