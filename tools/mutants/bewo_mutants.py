"""Plausible bugs, injected one at a time into an installed bewo_rt (and into the references the
ported models are checked against), for tools/mutation_check.py: each must make at least one test
fail. A mutant is applied when its module is first imported (a post-import hook), in the pytest
process and in every Python subprocess the tests start (sitecustomize.py reads BEWO_MUTANT).

Native (C++) code cannot be patched from Python: a bug there is modelled at the boundary the
Python side calls (bewo_rt._core's functions) or, for a ported model, by the same bug in the
reference it is compared with (a disagreement is a disagreement either way).

Keep this current as the code moves: a new model family adds its mutants (a wrong norm epsilon,
a swapped RoPE half, ...) with the tests expected to catch them."""
from __future__ import annotations

import importlib.abc
import sys
import types

MUTANTS: dict[str, dict] = {}


def mutant(name: str, modules, targets, doc: str):
    """Register patch(module) for each of `modules`; `targets`: the test files --quick runs."""
    def wrap(fn):
        MUTANTS[name] = {"modules": [modules] if isinstance(modules, str) else list(modules), "patch": fn,
                         "targets": list(targets), "doc": doc}
        return fn
    return wrap


def _swap(a):
    import numpy as np

    return np.ascontiguousarray(np.asarray(a)[::-1])


# ----------------------------------------------------------------------------------- the outputs
@mutant("swapped_ears_generation", ["bewo_rt.model.generate", "bewo_rt.native"],
        ["test_generation_sides.py", "test_generate.py", "test_native_model.py"],
        "generation returns left and right swapped")
def _(m):
    if m.__name__ == "bewo_rt.model.generate":
        orig = m.generate

        def generate(*a, **k):
            g = orig(*a, **k)
            return g._replace(audio=_swap(g.audio))
        m.generate = generate
    else:
        orig_g = m.NativeModel.generate

        def native_generate(self, *a, **k):
            audio, t = orig_g(self, *a, **k)
            return _swap(audio), t
        m.NativeModel.generate = native_generate


@mutant("mirrored_corpus", "bewo_rt.room", ["test_dataset.py"],
        "simulate_scene returns swapped ears when the corpus builder calls it")
def _(m):
    orig = m.simulate_scene

    def simulate_scene(*a, **k):
        out = orig(*a, **k)
        return _swap(out) if sys._getframe(1).f_globals.get("__name__") == "bewo_rt.corpus.builder" else out
    m.simulate_scene = simulate_scene


def _wrap_render_scene(core, fn):
    orig = core.render_scene

    def render_scene(*a, **k):
        return fn(orig, *a, **k)
    core.render_scene = render_scene


def _map_azimuths(core, f):
    """The renderer reads every keyframe's azimuth through f (a bug at the C++ boundary)."""
    def fn(orig, hset, sources, *rest):
        mapped = []
        for x, kf, gain in sources:
            kf = kf.copy()
            kf[:, 1] = f(kf[:, 1])
            mapped.append((x, kf, gain))
        return orig(hset, mapped, *rest)
    _wrap_render_scene(core, fn)


@mutant("negated_azimuth", "bewo_rt._core", ["test_render.py", "test_cli.py"],
        "the renderer reads azimuths with the opposite sign")
def _(core):
    _map_azimuths(core, lambda az: -az)


@mutant("compressed_azimuth", "bewo_rt._core", ["test_render.py", "test_metrics.py"],
        "the renderer places sources at 0.6 of their azimuth (90 degrees at 54)")
def _(core):
    _map_azimuths(core, lambda az: 0.6 * az)


@mutant("gain_error_10pct", "bewo_rt._core", ["test_render.py"], "the right ear 10 % too loud")
def _(core):
    def fn(orig, *a):
        out = orig(*a)
        out[1] *= 1.1
        return out
    _wrap_render_scene(core, fn)


@mutant("block_edge_off_by_one", "bewo_rt._core", ["test_render.py"],
        "each render block's first sample is the previous block's last (off by one at block edges)")
def _(core):
    def fn(orig, hset, sources, n_out, block, *rest):
        out = orig(hset, sources, n_out, block, *rest)
        for k in range(block, out.shape[1], block):
            out[:, k] = out[:, k - 1]
        return out
    _wrap_render_scene(core, fn)


@mutant("dropped_source", "bewo_rt.render", ["test_render.py", "test_room.py"],
        "a scene's last source is dropped when there are several")
def _(m):
    orig = m.prepare_scene

    def prepare_scene(*a, **k):
        prepared, n = orig(*a, **k)
        return (prepared[:-1] if len(prepared) > 1 else prepared), n
    m.prepare_scene = prepare_scene


@mutant("wrong_sample_rate", "bewo_rt.hrtf", ["test_metrics.py", "test_hrtf.py", "test_render.py"],
        "HRTF sets are loaded at 48 kHz whatever rate is asked (44.1 kHz when 48 kHz is asked)")
def _(m):
    orig = m.HRTF.load

    def load(spec="kemar", sample_rate=48000):
        if isinstance(spec, m.HRTF):
            return orig(spec, spec.sample_rate)
        return orig(spec, 44100 if int(sample_rate) == 48000 else 48000)
    m.HRTF.load = staticmethod(load)


# ------------------------------------------------------------- the shipped model's port (tiny DiT)
def _nn_proxy(m, **overrides):
    import torch.nn as nn

    proxy = types.ModuleType("nn_mutant")
    proxy.__dict__.update(vars(nn))
    proxy.__dict__.update(overrides)
    m.nn = proxy


@mutant("tiny_wrong_activation", "bewo_rt.model.dit", ["test_native_model.py"],
        "the shipped DiT's MLP uses the exact GELU where the port uses the tanh one")
def _(m):
    import torch.nn as nn

    class GELU(nn.GELU):
        def __init__(self, approximate="none"):
            super().__init__(approximate="none")
    _nn_proxy(m, GELU=GELU)


@mutant("tiny_norm_eps", "bewo_rt.model.dit", ["test_native_model.py"],
        "the shipped DiT's LayerNorms use eps 1e-3 instead of 1e-5")
def _(m):
    import torch.nn as nn

    class LayerNorm(nn.LayerNorm):
        def __init__(self, dim, eps=1e-5, **k):
            super().__init__(dim, eps=1e-3, **k)
    _nn_proxy(m, LayerNorm=LayerNorm)


@mutant("tiny_rope_half", "bewo_rt.model.dit", ["test_native_model.py"],
        "the shipped DiT's RoPE rotates the two halves (x[:d/2], x[d/2:]) instead of interleaved pairs")
def _(m):
    import torch

    def apply_rope(x, cos, sin):
        h = x.shape[-1] // 2
        x1, x2 = x[..., :h], x[..., h:]
        return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    m.apply_rope = apply_rope


@mutant("minilm_norm_eps", "bewo_rt.model.text_encoder", ["test_native_model.py", "test_native_text.py"],
        "the MiniLM text encoder's LayerNorms use eps 1e-5 instead of 1e-12")
def _(m):
    m._EPS = 1e-5


# --------------------------------------------- the Stable Audio Open family's port (its references)
@mutant("sao_norm_eps", "stable_audio_tools.models.transformer", ["test_sao_parity.py"],
        "the SAO DiT's LayerNorms (and qk-norm) use 100x their epsilon")
def _(m):
    orig = m.LayerNorm.__init__

    def __init__(self, dim, *a, **k):
        orig(self, dim, *a, **k)
        self.eps = self.eps * 100
    m.LayerNorm.__init__ = __init__


@mutant("sao_rope_half", "stable_audio_tools.models.transformer", ["test_sao_parity.py"],
        "the SAO DiT's rotate_half swaps the halves the wrong way (x2, -x1)")
def _(m):
    import torch
    from einops import rearrange

    def rotate_half(x):
        x = rearrange(x, "... (j d) -> ... j d", j=2)
        x1, x2 = x.unbind(dim=-2)
        return torch.cat((x2, -x1), dim=-1)
    m.rotate_half = rotate_half


@mutant("t5_norm_eps", "transformers.models.t5.modeling_t5", ["test_sao_parity.py"],
        "T5's RMS norms use eps 1e-4 instead of 1e-6")
def _(m):
    orig = m.T5LayerNorm.__init__

    def __init__(self, hidden_size, eps=1e-6):
        orig(self, hidden_size, eps=1e-4)
    m.T5LayerNorm.__init__ = __init__


@mutant("bewo_position_norm_eps", "bewo_position_ref", ["test_sao_bewo.py"],
        "BEWO's position conditioner's LayerNorms use eps 1e-3 instead of 1e-5")
def _(m):
    m.LN_EPS = 1e-3
    m._layer_norm.__defaults__ = (1e-3,)  # the default was bound at definition


@mutant("bewo_position_pe_swapped", "bewo_position_ref", ["test_sao_bewo.py", "test_bewo_position.py"],
        "BEWO's positional encoding puts cos on even dims and sin on odd (its analogue of a swapped RoPE half)")
def _(m):
    orig = m.positional_encoding

    def positional_encoding(length, *a, **k):
        pe = orig(length, *a, **k)
        out = pe.copy()
        out[:, 0::2], out[:, 1::2] = pe[:, 1::2], pe[:, 0::2]
        return out
    m.positional_encoding = positional_encoding


# ----------------------------------------------------------------------------------- machinery
class _PostImport(importlib.abc.MetaPathFinder):
    def __init__(self, patches):
        self.patches = patches  # module name -> [patch functions]

    def find_spec(self, name, path, target=None):
        if name not in self.patches:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        fns = self.patches[name]  # kept: importlib.util.find_spec() asks without importing
        loader = spec.loader
        orig = loader.exec_module

        def exec_module(module):
            orig(module)
            for fn in fns:
                fn(module)
        loader.exec_module = exec_module
        return spec


def install(name: str) -> None:
    if name not in MUTANTS:
        raise SystemExit(f"BEWO_MUTANT={name!r} is not a known mutant: {', '.join(MUTANTS)}")
    spec = MUTANTS[name]
    pending = {}
    for mod in spec["modules"]:
        if mod in sys.modules:
            spec["patch"](sys.modules[mod])
        else:
            pending.setdefault(mod, []).append(spec["patch"])
    if pending:
        sys.meta_path.insert(0, _PostImport(pending))
