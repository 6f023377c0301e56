"""The Stable Audio Open family through the C API, as an engine loads it: a folder of
model_config.json + model.safetensors and a T5 folder, the native T5 tokenizer, and the same
generation as the Python API (itself checked piece by piece against stable-audio-tools in
test_sao_parity.py): for the same seed the two routes must give the same audio."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import bewo_rt
import sao_reference as R

CC = shutil.which("cc") or shutil.which("gcc")
LIB = Path(bewo_rt.get_library())
pytestmark = pytest.mark.skipif(CC is None or not LIB.is_file(), reason="needs a C compiler and the built libbewo.so")

SRC = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bewo/bewo.h"
static int progress_calls = 0;
static int on_progress(int step, int total, void *user) { (void)user; (void)step; (void)total; ++progress_calls; return 0; }
int main(int argc, char **argv) {
    /* model t5 prompt seconds steps seed sampler out.f32 */
    if (argc != 9) return 2;
    bewo_params p = bewo_default_params();
    p.t5_path = argv[2][0] ? argv[2] : NULL;
    p.n_threads = 2;
    p.use_gpu = getenv("BEWO_TEST_USE_GPU") ? 1 : 0;
    char err[512];
    bewo_context *ctx = bewo_load(argv[1], &p, err, sizeof err);
    if (!ctx) { fprintf(stderr, "load: %s\n", err); return 3; }
    bewo_generate_params g = bewo_model_generate_params(ctx);
    g.seconds = (float)atof(argv[4]);
    g.steps = atoi(argv[5]);
    g.seed = (uint64_t)atoll(argv[6]);
    g.sampler = atoi(argv[7]);
    g.progress = on_progress;
    size_t n = bewo_output_frames(ctx, g.seconds);
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
    int rc = bewo_generate(ctx, argv[3], NULL, &g, l, r, n, err, sizeof err);
    if (rc != BEWO_OK) { fprintf(stderr, "generate %d: %s\n", rc, err); return 4; }
    printf("%s %d %zu %d %.3f %s\n", bewo_model_family(ctx), bewo_sample_rate(ctx), n, progress_calls, g.cfg,
           bewo_context_backend(ctx));
    FILE *f = fopen(argv[8], "wb");
    fwrite(l, sizeof *l, n, f);
    fwrite(r, sizeof *r, n, f);
    fclose(f);
    /* errors as codes, not crashes */
    if (bewo_generate(ctx, argv[3], "{}", &g, l, r, n, err, sizeof err) != BEWO_ERR_ARGUMENT) return 5;
    if (bewo_generate(ctx, argv[3], NULL, &g, l, r, n - 1, err, sizeof err) != BEWO_ERR_ARGUMENT) return 6;
    bewo_free(ctx);
    return 0;
}
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    R.setup_imports()
    d = tmp_path_factory.mktemp("sao_capi")
    t5 = R.make_t5_folder(d / "t5")
    R.make_sat_model(d / "small", "small", t5, seed=11)
    R.make_sat_model(d / "sao1", "sao1", t5, seed=12)
    src = d / "sao.c"
    src.write_text(SRC)
    exe = d / "sao"
    r = subprocess.run([CC, "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", str(src), f"-I{bewo_rt.get_include()}",
                        f"-L{LIB.parent}", f"-Wl,-rpath,{LIB.parent}", "-lbewo", "-o", str(exe)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return d, t5, exe


@pytest.mark.parametrize("kind,sampler,name", [("small", 0, "pingpong"), ("sao1", 3, "dpmpp-2m-sde")])
def test_c_api_gives_the_python_apis_audio(setup, kind, sampler, name):
    d, t5, exe = setup
    prompt = "a dog barks on the left, rain on a tin roof"
    seed = int(np.random.default_rng().integers(0, 2**31))
    out = d / f"{kind}.f32"
    r = subprocess.run([str(exe), str(d / kind), str(t5), prompt, "0.5", "3", str(seed), str(sampler), str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    fam, sr, n, calls, cfg, backend = r.stdout.split()
    assert fam == "stable_audio" and int(sr) == 44100 and int(calls) == 3 and backend == "cpu"
    n = int(n)
    assert n == round(0.5 * 44100)
    got = np.fromfile(out, dtype=np.float32).reshape(2, n)
    m = bewo_rt.load_model(d / kind, t5=t5, n_threads=2)  # the C program uses 2 threads too
    assert float(cfg) == pytest.approx(m.defaults["cfg"])
    g = m.generate(prompt, seconds=0.5, steps=3, seed=seed, sampler=name)
    ref = g.audio
    peak = np.abs(ref).max()
    if peak > 1:
        ref = ref * (0.891251 / peak)
    # Same arithmetic on the same thread count: equal up to float noise of the tokenizers'
    # identical ids (native vs sentencepiece) feeding identical kernels.
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6 * max(1.0, np.abs(ref).max()))


def test_c_api_errors_name_the_problem(setup, tmp_path):
    d, t5, exe = setup
    r = subprocess.run([str(exe), str(d / "small"), "", "x", "0.5", "2", "0", "0", str(tmp_path / "o")],
                       capture_output=True, text=True, timeout=120)
    if __import__("os").environ.get("BEWO_T5"):
        pytest.skip("BEWO_T5 is set in this environment")
    assert r.returncode == 3 and "t5" in r.stderr.lower()
    r = subprocess.run([str(exe), str(d / "sao1"), str(t5), "x", "0.5", "2", "0", "5", str(tmp_path / "o")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 4 and "sampler" in r.stderr


def test_use_gpu_tries_cuda_and_falls_back(setup, tmp_path):
    """params.use_gpu = 1: T5, the loop and the decoder on the GPU when one is usable
    (bewo_context_backend says "cuda"), else the same CPU audio as use_gpu = 0."""
    import os

    d, t5, exe = setup
    seed = str(int(np.random.default_rng().integers(0, 2**31)))
    args = [str(d / "small"), str(t5), "a bell on the right", "0.5", "3", seed, "0"]
    cpu = subprocess.run([str(exe), *args, str(tmp_path / "cpu.f32")], capture_output=True, text=True, timeout=300)
    env = dict(os.environ, BEWO_TEST_USE_GPU="1")
    gpu = subprocess.run([str(exe), *args, str(tmp_path / "gpu.f32")], capture_output=True, text=True, timeout=300,
                         env=env)
    assert cpu.returncode == 0 and gpu.returncode == 0, gpu.stderr
    usable = bewo_rt.backends()["cuda"]["usable"]
    assert gpu.stdout.split()[-1] == ("cuda" if usable else "cpu")
    a = np.fromfile(tmp_path / "cpu.f32", dtype=np.float32)
    b = np.fromfile(tmp_path / "gpu.f32", dtype=np.float32)
    assert np.isfinite(b).all() and a.shape == b.shape
    if usable:  # bf16 weights over 3 steps and the decoder: close, not equal
        assert np.abs(a - b).max() <= 0.1 * max(1e-6, np.abs(a).max())
    else:
        np.testing.assert_array_equal(a, b)
