"""PyTorch reference for the Stable Audio Open family (stable-audio-tools 0.0.19), used by the
parity tests of the native port (test_sao_parity.py). Not a test file.

It imports the real stable_audio_tools / k_diffusion / transformers code and never re-implements
their math: it builds small random models through stable_audio_tools' own factory, saves them in
the released layout (model_config.json + model.safetensors, plus a Hugging Face T5 folder), and
runs the reference functions on identical inputs.

Offline, CPU, few packages: `.ci/run` installs stable-audio-tools 0.0.19, k-diffusion 0.1.1.post1,
torchsde (+ trampoline), torchdiffeq, alias-free-torch, einops and einops-exts, all with --no-deps;
transformers, sentencepiece and safetensors come with the `test` / `model` extras.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import random
import sys
import types
import warnings
from pathlib import Path

import numpy as np

import torch

# --------------------------------------------------------------------------------------------
# 1. Make stable_audio_tools importable offline on CPU.
# --------------------------------------------------------------------------------------------


class _NeverCalled:
    """Placeholder for an attribute of a stubbed module: fails loudly if anything uses it."""

    def __init__(self, qualname):
        self._qualname = qualname

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"{self._qualname} is a stub in sao_reference.py: the inference path "
                           "was not expected to call it")

    def __getattr__(self, name):
        return _NeverCalled(f"{self._qualname}.{name}")


def _stub_module(name, attrs=()):
    mod = types.ModuleType(name)
    mod.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    mod.__path__ = []
    for a in attrs:
        setattr(mod, a, _NeverCalled(f"{name}.{a}"))
    mod.__getattr__ = lambda attr, _n=name: _NeverCalled(f"{_n}.{attr}")
    return mod


def _have(name):
    if name in sys.modules:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@contextlib.contextmanager
def _temporary_stubs():
    """Stub modules (only those missing) present in sys.modules only while the reference modules
    are imported, so that nothing else (transformers' availability checks in particular) sees
    them later. The imported modules keep their reference to the stub."""
    stubs = {}
    if not _have("torchaudio"):
        ta = _stub_module("torchaudio", ["load", "save", "info"])
        ta.transforms = _stub_module("torchaudio.transforms", ["Resample", "Loudness"])
        ta.functional = _stub_module("torchaudio.functional", ["resample"])
        stubs.update({"torchaudio": ta, "torchaudio.transforms": ta.transforms,
                      "torchaudio.functional": ta.functional})
    if not _have("torchvision"):
        tv = _stub_module("torchvision")
        tv.transforms = _stub_module("torchvision.transforms")
        tv.transforms.functional = _stub_module("torchvision.transforms.functional",
                                                ["to_tensor", "to_pil_image"])
        stubs.update({"torchvision": tv, "torchvision.transforms": tv.transforms,
                      "torchvision.transforms.functional": tv.transforms.functional})
    if not _have("PIL"):
        pil = _stub_module("PIL")
        pil.Image = _stub_module("PIL.Image", ["open"])
        stubs.update({"PIL": pil, "PIL.Image": pil.Image})
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for k, v in stubs.items():
            if sys.modules.get(k) is v:
                del sys.modules[k]


_SETUP_DONE = False


@contextlib.contextmanager
def _quiet():
    """The reference's own deprecation noise on torch 2.13 (legacy weight_norm, the no-op
    torch.cuda.amp.autocast of conditioners.py:362 and its "CUDA is not available" notice)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*weight_norm.*is deprecated")
        warnings.filterwarnings("ignore", message=r".*torch\.cuda\.amp\.autocast.*deprecated")
        warnings.filterwarnings("ignore", message=r"CUDA is not available.*autocast")
        warnings.filterwarnings("ignore", message=r"Overriding a previously registered kernel")
        warnings.filterwarnings("ignore", message=r"Warning only once for all operators")
        yield


# Every stable_audio_tools module the inference path touches, imported once under the stubs
# (several of them import others lazily inside functions).
_SAT_MODULES = ["models.factory", "models.blocks", "models.adp", "models.transformer",
                "models.dit", "models.bottleneck", "models.pretransforms", "models.autoencoders",
                "models.conditioners", "models.diffusion", "models.utils", "inference.utils",
                "inference.sampling", "inference.generation", "data.utils"]


def setup_imports():
    """Make stable_audio_tools 0.0.19 importable offline on CPU. Stubs, each only for an import
    that the inference path never calls, and only while missing:

    * torchaudio: no build matches torch 2.13. stable_audio_tools imports `torchaudio.transforms`
      at module level (inference/utils.py:3, inference/generation.py:5, data/utils.py:8,
      models/autoencoders.py:9, models/pretransforms.py:4) but uses it only for resampling /
      loudness (prepare_audio, PatchedPretransform oversampling), never on the
      conditioner -> DiT -> sampler -> decoder path.
    * torchvision and PIL: imported at module level by k_diffusion/utils.py for image helpers
      only; the samplers use utils.append_dims.
    * k_diffusion's package __init__ imports augmentation/config/evaluation/layers/models, which
      pull scikit-image, jsonmerge, clean-fid, CLIP, dctorch and torchvision. The package is
      registered without running its __init__, and only k_diffusion.utils, .sampling and
      .external are imported (all that stable_audio_tools.inference.sampling uses:
      K.sampling.*, K.external.VDenoiser, K.utils.append_dims). Real code, not a copy.
    """
    global _SETUP_DONE
    if _SETUP_DONE:
        return
    # transformers 5.x defaults from_pretrained(use_kernels=None -> True) and then requires the
    # `kernels` package (hub kernels, online); this offline reference never wants them.
    os.environ.setdefault("USE_HUB_KERNELS", "0")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    with _quiet():
        import transformers  # noqa: F401  (before any stub exists)
    with _temporary_stubs(), _quiet():
        if "k_diffusion" not in sys.modules:
            spec = importlib.util.find_spec("k_diffusion")
            if spec is None:
                raise ImportError("k-diffusion 0.1.1.post1 is needed "
                                  "(pip install --no-deps k-diffusion==0.1.1.post1)")
            pkg = types.ModuleType("k_diffusion")
            pkg.__path__ = list(spec.submodule_search_locations)
            pkg.__file__ = spec.origin
            pkg.__spec__ = spec
            pkg.__package__ = "k_diffusion"
            sys.modules["k_diffusion"] = pkg
            try:
                for sub in ("utils", "sampling", "external"):
                    setattr(pkg, sub, importlib.import_module(f"k_diffusion.{sub}"))
            except Exception:
                for k in [k for k in sys.modules if k == "k_diffusion" or k.startswith("k_diffusion.")]:
                    del sys.modules[k]
                raise
        # models/transformer.py prints a notice when flash_attn is missing: the reference then
        # uses F.scaled_dot_product_attention in the model dtype (fp32), as on a CPU machine.
        with contextlib.redirect_stdout(open(os.devnull, "w")):
            for m in _SAT_MODULES:
                importlib.import_module(f"stable_audio_tools.{m}")
    _SETUP_DONE = True


# --------------------------------------------------------------------------------------------
# 2. A small T5 (random weights) + SentencePiece tokenizer in Hugging Face folder layout.
# --------------------------------------------------------------------------------------------

_SOURCES = """dog cat bird crow owl rooster cow horse sheep goat frog cricket bee mosquito
wolf lion elephant whale dolphin seagull pigeon parrot duck goose baby child woman man crowd choir
audience car truck motorcycle bicycle bus train tram airplane helicopter jet boat ship submarine
engine siren alarm bell clock phone doorbell kettle microwave blender vacuum drill hammer saw
chainsaw lawnmower fan printer keyboard typewriter violin cello piano guitar drum trumpet
saxophone flute harp organ accordion harmonica xylophone tambourine cymbal gong rain thunder wind
storm waterfall river stream ocean waves fire fireworks explosion gunshot footsteps applause
laughter whisper scream cough sneeze snoring heartbeat""".split()
_VERBS = """barks meows chirps sings caws hoots crows moos neighs bleats croaks buzzes howls roars
trumpets calls passes drives rides accelerates brakes honks flies lands takes-off sails rumbles
rings ticks beeps whistles hums drills hammers saws plays strums plucks bangs crashes pours falls
drips splashes crackles pops echoes claps laughs whispers screams coughs sneezes snores beats
walks runs jumps knocks slams creaks rattles clatters fades swells""".split()
_ADJ = """loud quiet soft distant nearby muffled clear bright dark deep high low sharp gentle
rhythmic steady irregular sudden slow fast heavy light metallic wooden hollow warm cold wet dry
echoing reverberant crisp noisy calm busy tiny huge ancient modern electric acoustic""".split()
_PLACES = """street forest kitchen garage church stadium station airport harbor beach cave tunnel
office classroom library market park garden farm factory hallway basement attic bathroom bedroom
concert-hall subway bridge valley mountain desert jungle""".split()
_DIRS = ["left", "right", "front", "back", "behind the listener", "above", "below", "far left",
         "far right", "slightly left", "slightly right", "the center", "the left side",
         "the right side", "overhead", "the distance"]
_TEMPLATES = [
    "A {adj} {src} {verb} from the {dir}.",
    "The {src} {verb} in the {place}, moving from {dir} to {dir2}.",
    "{adj} {src} sounds coming from {dir} while a {src2} {verb2} on the {dir2}.",
    "In a {adj} {place}, a {src} {verb} {speed}.",
    "A {src} moves {speed} from the {dir} to the {dir2} as the {src2} {verb2}.",
    "Recording of a {src} in the {place}: {adj}, {adj2} and {speed}.",
    "{num} {src}s {verb} near the {place}, then fade to the {dir}.",
    "The sound of a {adj} {src}, {dir}, {num} seconds long.",
]
_SPEEDS = ["slowly", "quickly", "gradually", "suddenly", "steadily", "very slowly", "rapidly"]
_NUMS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
         "twenty", "thirty"]


def make_corpus(n=800, seed=0):
    """n varied English sentences about sounds and directions (seeded, generated in code)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        t = rng.choice(_TEMPLATES)
        out.append(t.format(
            adj=rng.choice(_ADJ), adj2=rng.choice(_ADJ), src=rng.choice(_SOURCES),
            src2=rng.choice(_SOURCES), verb=rng.choice(_VERBS), verb2=rng.choice(_VERBS),
            place=rng.choice(_PLACES), dir=rng.choice(_DIRS), dir2=rng.choice(_DIRS),
            speed=rng.choice(_SPEEDS), num=rng.choice(_NUMS)).replace("-", " "))
        if rng.random() < 0.5:
            out[-1] = out[-1][0].upper() + out[-1][1:]
    return out


def _read_varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def _spm_precompiled_charsmap(model_bytes):
    """ModelProto.normalizer_spec (field 3) .precompiled_charsmap (field 2), read without the
    protobuf package (transformers' own extractor needs protobuf; this is all it reads from it
    besides the pieces, which sentencepiece gives us)."""
    def fields(buf):
        i = 0
        while i < len(buf):
            key, i = _read_varint(buf, i)
            fno, wt = key >> 3, key & 7
            if wt == 0:
                val, i = _read_varint(buf, i)
            elif wt == 1:
                val, i = buf[i:i + 8], i + 8
            elif wt == 5:
                val, i = buf[i:i + 4], i + 4
            elif wt == 2:
                ln, i = _read_varint(buf, i)
                val, i = buf[i:i + ln], i + ln
            else:
                raise ValueError(f"unexpected protobuf wire type {wt}")
            yield fno, wt, val
    for fno, wt, val in fields(model_bytes):
        if fno == 3 and wt == 2:
            for f2, w2, v2 in fields(val):
                if f2 == 2 and w2 == 2:
                    return bytes(v2)
    return None


def make_t5_folder(dir, d_model=768, layers=2, heads=12, d_kv=64, d_ff=256, vocab_size=512, seed=0,
                   feed_forward_proj="relu"):
    """Train a SentencePiece unigram model (pad=0, eos=1, unk=2, no bos: T5's convention) on a
    generated corpus, make a random fp32 transformers.T5EncoderModel with the matching vocab
    (SentencePiece pieces + T5's 100 <extra_id_*> sentinels) and save both in Hugging Face's
    folder layout: config.json, model.safetensors, spiece.model, tokenizer.json,
    tokenizer_config.json (+ special_tokens_map.json). feed_forward_proj: "relu" (t5-base, what
    the released checkpoints use) or "gated-gelu" (T5 v1.1 / FLAN-T5). Returns the folder path."""
    import sentencepiece as spm
    setup_imports()
    from transformers import AutoTokenizer, T5Config, T5EncoderModel, T5Tokenizer

    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True)
    corpus = dir / "corpus.txt"
    corpus.write_text("\n".join(make_corpus(seed=seed)) + "\n")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(dir / "spiece"), vocab_size=vocab_size,
        model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1, pad_piece="<pad>",
        eos_piece="</s>", unk_piece="<unk>", character_coverage=1.0, hard_vocab_limit=False,
        num_threads=1, minloglevel=2)
    corpus.unlink()
    (dir / "spiece.vocab").unlink(missing_ok=True)
    model_bytes = (dir / "spiece.model").read_bytes()
    sp = spm.SentencePieceProcessor(model_proto=model_bytes)
    pieces = [(sp.id_to_piece(i), float(sp.get_score(i))) for i in range(sp.get_piece_size())]
    assert pieces[0][0] == "<pad>" and pieces[1][0] == "</s>" and pieces[2][0] == "<unk>"
    extra_ids = 100
    vocab = pieces + [(f"<extra_id_{i}>", 0.0) for i in range(extra_ids - 1, -1, -1)]
    tok = T5Tokenizer(vocab=vocab, extra_ids=extra_ids,
                      _spm_precompiled_charsmap=_spm_precompiled_charsmap(model_bytes))
    tok.model_max_length = 512
    tok.save_pretrained(str(dir))
    n_vocab = len(vocab)

    cfg = T5Config(
        vocab_size=n_vocab, d_model=d_model, d_kv=d_kv, d_ff=d_ff, num_layers=layers,
        num_decoder_layers=layers, num_heads=heads, relative_attention_num_buckets=32,
        relative_attention_max_distance=128, dropout_rate=0.0, layer_norm_epsilon=1e-6,
        feed_forward_proj=feed_forward_proj, is_encoder_decoder=True, use_cache=False, pad_token_id=0,
        eos_token_id=1, decoder_start_token_id=0, tie_word_embeddings=True,
        torch_dtype="float32")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = T5EncoderModel(cfg).float().eval()
        g = torch.Generator().manual_seed(seed + 1)
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "layer_norm" in name:  # RMSNorm gains are 1 at init: randomise them too
                    p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
    model.save_pretrained(str(dir), safe_serialization=True)

    # Check: AutoTokenizer gives a T5 tokenizer with </s>=1 appended, pad=0, unk=2.
    check = AutoTokenizer.from_pretrained(str(dir))
    ids = check(["A dog barks from the left."])["input_ids"][0]
    assert check.eos_token_id == 1 and check.pad_token_id == 0 and check.unk_token_id == 2, check
    assert ids[-1] == 1 and 1 not in ids[:-1], ids
    assert ids[:-1] == sp.encode("A dog barks from the left."), (ids, sp.encode("A dog barks from the left."))
    return dir


# --------------------------------------------------------------------------------------------
# 3. Small stable-audio-tools models in the released schema, random weights.
# --------------------------------------------------------------------------------------------

def _oobleck_pretransform(channels=8, c_mults=(1, 2, 4), strides=(2, 4, 2)):
    ratio = int(np.prod(strides))
    return {
        "type": "autoencoder",
        "iterate_batch": True,
        "config": {
            "encoder": {"type": "oobleck", "requires_grad": False, "config": {
                "in_channels": 2, "channels": channels, "c_mults": list(c_mults),
                "strides": list(strides), "latent_dim": 128, "use_snake": True}},
            "decoder": {"type": "oobleck", "config": {
                "out_channels": 2, "channels": channels, "c_mults": list(c_mults),
                "strides": list(strides), "latent_dim": 64, "use_snake": True,
                "final_tanh": False}},
            "bottleneck": {"type": "vae"},
            "latent_dim": 64,
            "downsampling_ratio": ratio,
            "io_channels": 2,
        },
    }


# kind -> (DiT config, conditioning, cross ids, global ids, objective). Notes:
# * In 0.0.19 the cross-attention kv heads are dim_context // dim_head
#   (stable_audio_tools/models/transformer.py:348-349) with dim_context = cond_token_dim when
#   project_cond_tokens is False (dit.py:60), and apply_attn repeats each kv head
#   num_heads // kv_heads times (transformer.py:408-411). With T5's 768-wide tokens a DiT
#   narrower than 768 has MORE kv heads than query heads and the reference fails (e.g. 256 wide,
#   4 heads of 64: 12 kv heads, 4 // 12 = 0 repeats); fewer kv heads needs embed_dim a multiple
#   of 768 of at least 1536. So:
#   - "sao1": SAO 1.0's layout (unprojected 768 tokens, 3 cross ids, 2 global ids, "v") at the
#     narrowest valid width, 768 / 12 heads of 64 (kv heads = query heads), depth 2: cheap
#     enough for the sampler tests;
#   - "sao1_block": SAO 1.0's real block, 1536 / 24 heads of 64 with 12 kv heads, depth 1.
# * "small" follows SAO Small: project_cond_tokens defaults to True (tokens projected to
#   embed_dim, so kv heads = query heads), global_cond_dim 768, qk_norm "ln", head dim 128;
#   "small_block" is its real block (1024 / 8 heads of 128), depth 1.
_KINDS = {
    "sao1": dict(
        dit={"io_channels": 64, "embed_dim": 768, "depth": 2, "num_heads": 12,
             "cond_token_dim": 768, "global_cond_dim": 1536, "project_cond_tokens": False,
             "transformer_type": "continuous_transformer"},
        conditioning={"configs": [
            {"id": "prompt", "type": "t5", "config": {"t5_model_name": "t5-base", "max_length": 128}},
            {"id": "seconds_start", "type": "number", "config": {"min_val": 0, "max_val": 512}},
            {"id": "seconds_total", "type": "number", "config": {"min_val": 0, "max_val": 512}}],
            "cond_dim": 768},
        cross=["prompt", "seconds_start", "seconds_total"],
        glob=["seconds_start", "seconds_total"],
        objective="v"),
    "small": dict(
        dit={"io_channels": 64, "embed_dim": 256, "depth": 2, "num_heads": 2,
             "cond_token_dim": 768, "global_cond_dim": 768,
             "transformer_type": "continuous_transformer", "attn_kwargs": {"qk_norm": "ln"}},
        conditioning={"configs": [
            {"id": "prompt", "type": "t5", "config": {"t5_model_name": "t5-base", "max_length": 64}},
            {"id": "seconds_total", "type": "number", "config": {"min_val": 0, "max_val": 256}}],
            "cond_dim": 768},
        cross=["prompt", "seconds_total"],
        glob=["seconds_total"],
        objective="rf_denoiser"),
}
# "One DiT block at real shapes" (depth 1):
_KINDS["sao1_block"] = dict(_KINDS["sao1"], dit=dict(_KINDS["sao1"]["dit"], embed_dim=1536,
                                                    num_heads=24, depth=1))
_KINDS["small_block"] = dict(_KINDS["small"], dit=dict(_KINDS["small"]["dit"], embed_dim=1024,
                                                      num_heads=8, depth=1))
KINDS = tuple(_KINDS)


def model_config(kind, latent_frames=16, strides=(2, 4, 2)):
    k = _KINDS[kind]
    pre = _oobleck_pretransform(strides=strides)
    ratio = pre["config"]["downsampling_ratio"]
    return {
        "model_type": "diffusion_cond",
        "sample_size": latent_frames * ratio,
        "sample_rate": 44100,
        "audio_channels": 2,
        "model": {
            "pretransform": pre,
            "conditioning": json.loads(json.dumps(k["conditioning"])),
            "diffusion": {
                "cross_attention_cond_ids": list(k["cross"]),
                "global_cond_ids": list(k["glob"]),
                "diffusion_objective": k["objective"],
                "type": "dit",
                "config": json.loads(json.dumps(k["dit"])),
            },
            "io_channels": 64,
        },
    }


@contextlib.contextmanager
def t5_from_folder(t5_dir):
    """T5Conditioner.__init__ (conditioners.py:309-341) asserts t5_model_name is a hub name and
    calls AutoTokenizer.from_pretrained(name) / T5EncoderModel.from_pretrained(name).to(fp16).
    Redirect both to the local folder while the model is built; everything after from_pretrained
    (the fp16 cast, eval, requires_grad) stays the reference's."""
    from unittest import mock
    import transformers

    t5_dir = str(t5_dir)
    orig_tok = transformers.AutoTokenizer.from_pretrained
    orig_model = transformers.T5EncoderModel.from_pretrained.__func__

    def tok(name, *a, **k):
        return orig_tok(t5_dir, *a, **k)

    def model(cls, name, *a, **k):
        return orig_model(cls, t5_dir, *a, **k)

    with mock.patch.object(transformers.AutoTokenizer, "from_pretrained", staticmethod(tok)), \
            mock.patch.object(transformers.T5EncoderModel, "from_pretrained", classmethod(model)):
        yield


def build_model(config, t5_dir):
    setup_imports()
    from stable_audio_tools.models.factory import create_model_from_config
    with t5_from_folder(t5_dir), _quiet(), contextlib.redirect_stdout(open(os.devnull, "w")):
        model = create_model_from_config(config)
    return model.eval().requires_grad_(False)


def randomize_(model, seed):
    """Seeded random values for every floating parameter and buffer, including those that are
    zero or one at init (attention to_out, FF output, pre/postprocess convs, biases, LayerNorm
    gamma and its stored zero `beta` buffer, qk-norm weight/bias, SnakeBeta alpha/beta,
    weight_g). Only RoPE's inv_freq buffer keeps its formula value (the checkpoints store it)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, mod in model.named_modules():
            kind = type(mod).__name__
            tensors = list(mod.named_parameters(recurse=False)) + list(mod.named_buffers(recurse=False))
            for leaf, t in tensors:
                if t is None or not t.is_floating_point() or leaf == "inv_freq":
                    continue
                r = torch.randn(t.shape, generator=g, dtype=torch.float32)
                if kind == "SnakeBeta":                      # log-scale alpha / beta
                    t.copy_(0.3 * r)
                elif leaf == "gamma" or (kind == "LayerNorm" and leaf == "weight"):
                    t.copy_(1.0 + 0.2 * r)                   # LayerNorm gains (sat's and nn's)
                elif leaf in ("beta", "bias"):
                    t.copy_(0.1 * r)                         # stored LN beta buffers, biases
                elif leaf == "weight_g":
                    t.copy_(1.0 + 0.2 * r)                   # weight-norm scale: |W[o]| ~ 1
                elif t.dim() >= 2 and t[0].numel() > 1:
                    t.copy_(r / np.sqrt(t[0].numel()))       # Linear / conv weights (and weight_v)
                else:
                    t.copy_(r)                               # Fourier / NumberEmbedder frequencies
    return model


def save_model(model, config, dir):
    from safetensors.torch import save_file
    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True)
    (dir / "model_config.json").write_text(json.dumps(config, indent=2))
    sd = {k: v.detach().to(torch.float32).clone().contiguous() for k, v in model.state_dict().items()}
    save_file(sd, str(dir / "model.safetensors"))
    return dir


def make_sat_model(dir, kind, t5_dir, seed=0, latent_frames=16, strides=(2, 4, 2)):
    """Build a `kind` model (see KINDS) with stable_audio_tools' factory from a model_config.json
    in the released schema, randomise all weights (seeded), write model_config.json and
    model.safetensors (full wrapper state dict) into dir and return the torch model."""
    config = model_config(kind, latent_frames, strides)
    model = build_model(config, t5_dir)
    randomize_(model, seed)
    save_model(model, config, dir)
    model.t5_dir = str(t5_dir)
    return model


# --------------------------------------------------------------------------------------------
# 4. Reference functions (numpy float32 in / out).
# --------------------------------------------------------------------------------------------

def make_bewo_mix(dir, t5_dir, seed=5, position_seed=7, latent_frames=16, strides=(2, 4, 2)):
    """A small SAO-1.0-layout model plus BEWO's position conditioner (BEWO_mix's config: the
    `position` conditioner listed after `prompt` and appended to the cross-attention ids), random
    weights; returns its folder."""
    import json

    import numpy as np
    from safetensors.numpy import load_file, save_file

    import bewo_position_ref as P

    dir = Path(dir)
    make_sat_model(dir, "sao1", t5_dir, seed=seed, latent_frames=latent_frames, strides=strides)
    cfg = json.loads((dir / "model_config.json").read_text())
    cfg["model"]["conditioning"]["configs"].insert(1, {"id": "position", "type": "position",
                                                       "config": {"output_dim": 768}})
    cfg["model"]["diffusion"]["cross_attention_cond_ids"].append("position")
    (dir / "model_config.json").write_text(json.dumps(cfg))
    sd = load_file(str(dir / "model.safetensors"))
    sd.update({k: np.ascontiguousarray(v, dtype=np.float32)
               for k, v in P.random_position_state_dict(seed=position_seed).items()})
    save_file(sd, str(dir / "model.safetensors"))
    return dir


def _np(x):
    return x.detach().to(torch.float32).cpu().numpy()


def _t(x):
    return torch.from_numpy(np.ascontiguousarray(np.asarray(x, dtype=np.float32)))


def t5_conditioner(model):
    for c in model.conditioner.conditioners.values():
        if type(c).__name__ == "T5Conditioner":
            return c
    raise ValueError("model has no T5 conditioner")


@torch.no_grad()
def ref_encode_text(model, prompts):
    """T5Conditioner.forward as 0.0.19 runs it (fp16 T5, output * mask): (hidden [B,L,768], mask
    uint8 [B,L])."""
    with _quiet():
        emb, mask = t5_conditioner(model)(list(prompts), "cpu")
    return _np(emb), mask.to(torch.uint8).numpy()


@torch.no_grad()
def ref_tokens(t5_dir, prompts, max_length):
    """input_ids / attention_mask exactly as T5Conditioner.forward tokenises (conditioners.py:351)."""
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(t5_dir))
    enc = tok(list(prompts), truncation=True, max_length=max_length, padding="max_length",
              return_tensors="pt")
    return enc["input_ids"].numpy(), enc["attention_mask"].numpy().astype(np.uint8)


_T5_FP32 = {}


@torch.no_grad()
def ref_t5_fp32(t5_dir, prompts, max_length=128):
    """Same tokenisation and masking, T5 run by transformers in fp32 (tight comparison)."""
    from transformers import T5EncoderModel
    key = str(t5_dir)
    if key not in _T5_FP32:
        _T5_FP32[key] = T5EncoderModel.from_pretrained(key, torch_dtype=torch.float32).eval()
    ids, mask = ref_tokens(t5_dir, prompts, max_length)
    ids, m = torch.from_numpy(ids), torch.from_numpy(mask).bool()
    h = _T5_FP32[key](input_ids=ids, attention_mask=m)["last_hidden_state"]
    return _np(h * m.unsqueeze(-1).float()), mask


def _per_item(v, n):
    if isinstance(v, (list, tuple, np.ndarray)):
        v = [float(x) for x in v]
        assert len(v) == n
        return v
    return [float(v)] * n


@torch.no_grad()
def ref_conditioning(model, prompts, seconds_start=0.0, seconds_total=10.0):
    """model.conditioner + model.get_conditioning_inputs: (cross [B,N,768], global [B,G])."""
    prompts = list(prompts)
    n = len(prompts)
    ss, st = _per_item(seconds_start, n), _per_item(seconds_total, n)
    meta = [{"prompt": p, "seconds_start": a, "seconds_total": b}
            for p, a, b in zip(prompts, ss, st)]
    with _quiet():
        tensors = model.conditioner(meta, "cpu")
    inputs = model.get_conditioning_inputs(tensors)
    return _np(inputs["cross_attn_cond"]), _np(inputs["global_cond"])


@torch.no_grad()
def ref_dit(model, x, t, cross, global_cond):
    """One call of model.model (DiTWrapper) with cfg_scale 1; t is what the network receives
    (for "v": t = 2·atan(σ)/π; for rf: t = σ)."""
    out = model.model(_t(x), _t(t), cross_attn_cond=_t(cross), global_cond=_t(global_cond),
                      cfg_scale=1.0, batch_cfg=True)
    return _np(out)


class _RecordedNoise:
    """Replaces k_diffusion.sampling.BrownianTreeNoiseSampler: call k returns step_noise[k]
    (the SDE samplers call it once per step that is not the last, in step order)."""

    def __init__(self, step_noise):
        self.noise = step_noise
        self.calls = 0

    def __call__(self, *args, **kwargs):  # constructor signature: (x, sigma_min, sigma_max, ...)
        return self

    def sample(self, sigma, sigma_next):
        n = self.noise[self.calls]
        self.calls += 1
        return n


class _TorchWithRecordedRandn(types.ModuleType):
    """Stands in for the `torch` global of stable_audio_tools.inference.sampling while
    sample_flow_pingpong runs, so that its torch.randn_like(x) of step i returns step_noise[i]."""

    def __init__(self, step_noise):
        super().__init__("torch")
        self._noise = step_noise
        self.calls = 0

    def __getattr__(self, name):
        return getattr(torch, name)

    def randn_like(self, x, *a, **k):
        n = self._noise[self.calls].to(dtype=x.dtype)
        self.calls += 1
        return n


@torch.no_grad()
def ref_sample(model, noise, cross, global_cond, steps, cfg, sampler, sigma_min=None,
               sigma_max=None, step_noise=None):
    """Sampling as generate_diffusion_cond (generation.py:185-204) drives it, from given unit
    noise [B,64,T]. "dpmpp-3m-sde" / "dpmpp-2m-sde" / "dpmpp-2m" go through sample_k (VDenoiser,
    polyexponential sigmas rho=1, noise*sigma_max, CFG batch [cond; zero context], global not
    nulled); "pingpong" through sample_rf. step_noise [steps,B,64,T]: the SDE noise of step i
    (pingpong: its randn_like of step i). Defaults when None: sample_k's sigma_min 0.01 /
    sigma_max 100; sample_rf's sigma_max 1."""
    setup_imports()
    import k_diffusion
    from stable_audio_tools.inference import sampling as S

    noise_t = _t(noise)
    extra = dict(cross_attn_cond=_t(cross), cross_attn_mask=None, global_cond=_t(global_cond),
                 input_concat_cond=None, prepend_cond=None, prepend_cond_mask=None,
                 cfg_scale=float(cfg), batch_cfg=True, rescale_cfg=True)
    sn = None if step_noise is None else _t(step_noise)
    devnull = open(os.devnull, "w")
    if sampler in ("dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m"):
        kw = {}
        if sigma_min is not None:
            kw["sigma_min"] = float(sigma_min)
        if sigma_max is not None:
            kw["sigma_max"] = float(sigma_max)
        rec = None if sn is None else _RecordedNoise(sn)
        with contextlib.ExitStack() as es:
            es.enter_context(contextlib.redirect_stderr(devnull))
            if rec is not None:
                from unittest import mock
                es.enter_context(mock.patch.object(k_diffusion.sampling, "BrownianTreeNoiseSampler",
                                                   lambda *a, **k: rec.sample))
            out = S.sample_k(model.model, noise_t, None, steps, sampler_type=sampler, rho=1.0,
                             device="cpu", **kw, **extra)
        if rec is not None and sampler != "dpmpp-2m":
            assert rec.calls == steps - 1, rec.calls
        return _np(out)
    if sampler == "pingpong":
        kw = {} if sigma_max is None else {"sigma_max": float(sigma_max)}
        fake = None if sn is None else _TorchWithRecordedRandn(sn)
        with contextlib.ExitStack() as es:
            es.enter_context(contextlib.redirect_stderr(devnull))
            if fake is not None:
                from unittest import mock
                es.enter_context(mock.patch.object(S, "torch", fake))
            out = S.sample_rf(model.model, noise_t, init_data=None, steps=steps,
                              sampler_type="pingpong", device="cpu",
                              dist_shift=model.dist_shift, **kw, **extra)
        if fake is not None:
            assert fake.calls == steps, fake.calls
        return _np(out)
    raise ValueError(f"unknown sampler {sampler!r}")


@torch.no_grad()
def ref_decode(model, latents):
    """model.pretransform.decode (scale 1, iterate_batch as configured): audio [B,2,T*ratio]."""
    return _np(model.pretransform.decode(_t(latents)))


def rel_err(got, ref):
    """max |got - ref| / max |ref|."""
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    return float(np.max(np.abs(got - ref)) / max(np.max(np.abs(ref)), 1e-30))


if __name__ == "__main__":  # smoke run: python3 sao_reference.py
    import tempfile
    import time
    with tempfile.TemporaryDirectory() as d:
        t0 = time.time()
        t5 = make_t5_folder(Path(d) / "t5")
        print(f"t5 folder {time.time() - t0:.1f}s:", sorted(os.listdir(t5)))
        for kind in KINDS:
            t0 = time.time()
            m = make_sat_model(Path(d) / kind, kind, t5, seed=1)
            print(f"{kind}: built+saved {time.time() - t0:.1f}s", os.path.getsize(Path(d) / kind / "model.safetensors") // 2**20, "MiB")
