"""The Stable Audio Open family (SAO 1.0, SAO Small, BEWO_nl / BEWO_attri / BEWO_mix) on the
native runtime: loading, each piece (T5, conditioning, one DiT forward, the sampling loop, the
decoder) and the whole generation. numpy in and out; no PyTorch at run time."""
from __future__ import annotations

import json
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ... import _core
from .t5_files import SpieceTokenizer, find_t5, missing_t5_files, t5_safetensors_path

SAMPLERS_V = ("dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m")
SAMPLERS_RF = ("pingpong",)

# Published settings (SAO_SPEC.md section 6): the model card's for SAO 1.0, BEWO's scripts',
# and SAO Small's distilled pingpong sampler.
DEFAULTS = {
    "sao-1.0": dict(steps=100, cfg=7.0, sampler="dpmpp-3m-sde", sigma_min=0.3, sigma_max=500.0),
    "bewo": dict(steps=250, cfg=7.5, sampler="dpmpp-3m-sde", sigma_min=0.03, sigma_max=1000.0),
    "sao-small": dict(steps=8, cfg=1.0, sampler="pingpong", sigma_min=0.0, sigma_max=1.0),
}


@dataclass
class GenerateResult:
    audio: np.ndarray            # (channels, samples) float32
    sample_rate: int
    info: dict = field(default_factory=dict)


def _dit_inputs(x, t):
    """x as contiguous float32, t as one float32 timestep per item (a single value is repeated)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    t = np.atleast_1d(np.asarray(t, dtype=np.float32))
    if t.size == 1 and x.shape[0] > 1:
        t = np.full(x.shape[0], float(t[0]), np.float32)
    return x, t


def _variant(config: dict, name: str) -> str:
    if config["objective"] != "v":
        return "sao-small"
    if any(c["type"] == "position" for c in config["conditioners"]) or "bewo" in name.lower():
        return "bewo"
    return "sao-1.0"


class StableAudioModel:
    """A loaded Stable Audio Open family model. One call at a time per object (calls are
    serialised); load one per thread for parallel generation."""

    family = "stable_audio"

    def __init__(self, weights: Path, config_text: str, t5_dir: Path | None, dtype: str = "fp32",
                 n_threads: int = 0, shared_snake: int = -1, name: str | None = None):
        if dtype not in ("fp32",):
            raise ValueError(f"dtype must be 'fp32' (bf16/fp16 compute is not implemented yet), got {dtype!r}")
        self.path = Path(weights)
        self.dtype = dtype
        t5_weights = ""
        if t5_dir is not None:
            t5_weights = str(t5_safetensors_path(t5_dir))
        self._m = _core.StableAudioModel(str(weights), config_text, str(t5_dir) if t5_dir else "", t5_weights,
                                         int(n_threads), int(shared_snake))
        self.config = self._m.config
        self.config_text = config_text
        self.t5_dir = Path(t5_dir) if t5_dir else None
        self.tokenizer = SpieceTokenizer(t5_dir, self.config["t5_max_length"]) if t5_dir else None
        self.unknown_tensors = list(self._m.unknown_tensors)
        if self.unknown_tensors:
            shown = ", ".join(self.unknown_tensors[:8]) + (" ..." if len(self.unknown_tensors) > 8 else "")
            warnings.warn(f"{weights}: {len(self.unknown_tensors)} tensor(s) the architecture does not use: {shown}",
                          stacklevel=3)
        self.shared_snake = bool(self._m.shared_snake)
        self.name = name or self.path.stem
        self.variant = _variant(self.config, self.name)
        self.defaults = dict(DEFAULTS[self.variant])
        self._lock = threading.Lock()

    # --------------------------------------------------------------- facts of the model
    @property
    def sample_rate(self) -> int:
        return int(self.config["sample_rate"])

    @property
    def audio_channels(self) -> int:
        return int(self.config["audio_channels"])

    @property
    def latent_channels(self) -> int:
        return int(self.config["latent_dim"])

    @property
    def downsampling_ratio(self) -> int:
        return int(self.config["downsampling_ratio"])

    @property
    def max_seconds(self) -> float:
        # sample_size is the training length, not a limit (BEWO's config says 5 s and its
        # scripts run 10 s); SAO 1.0's 47.55 s (2,097,152 samples) is the longest the family serves.
        s = self.config["sample_size"]
        return max(47.55, s / self.sample_rate if s else 0.0)

    @property
    def has_positions(self) -> bool:
        return any(c["type"] == "position" for c in self.config["conditioners"])

    def frames_for(self, seconds: float) -> int:
        """Latent frames covering round(seconds * rate) samples (as the C API counts them)."""
        n = int(round(seconds * self.sample_rate))
        return -(-n // self.downsampling_ratio)

    # --------------------------------------------------------------- pieces
    def tokenize(self, prompts):
        if self.tokenizer is None:
            raise ValueError("this model was loaded without a T5 folder; give t5=DIR to encode text")
        prompts = [prompts] if isinstance(prompts, str) else list(prompts)
        for i, p in enumerate(prompts):
            if not isinstance(p, str):
                raise TypeError(f"prompts[{i}] must be a string, got {type(p).__name__}")
            from ...model.text_encoder import MAX_PROMPT_CHARS

            if len(p) > MAX_PROMPT_CHARS:
                raise ValueError(f"prompts[{i}] has {len(p)} characters; the limit is {MAX_PROMPT_CHARS} "
                                 f"(T5 reads only its first {self.config['t5_max_length']} tokens)")
        return self.tokenizer.encode(prompts)

    def encode_text(self, prompts):
        """(T5 states (B, L, 768) float32 with padded rows zeroed, mask (B, L) uint8)."""
        ids, mask = self.tokenize(prompts)
        with self._lock:
            h = self._m.encode_text(ids.astype(np.int32), mask.astype(np.uint8))
        return h, mask.astype(np.uint8)

    def conditioning(self, prompts, seconds_start=0.0, seconds_total=10.0, positions=None):
        """(cross (B, N, 768), global_cond (B, G)) as the reference's conditioner and
        get_conditioning_inputs give them. positions: per prompt a list of up to 4 BEWO tuples
        (start_dir, end_dir, speed, flag) for the attribute models."""
        h, mask = self.encode_text(prompts)
        B = h.shape[0]

        def per_item(v, name):
            a = np.atleast_1d(np.asarray(v, dtype=np.float64))
            if a.size == 1:
                a = np.full(B, float(a[0]))
            if a.shape != (B,) or not np.all(np.isfinite(a)):
                raise ValueError(f"{name} must be a finite number or one per prompt")
            return a.tolist()

        numbers = {}
        for c in self.config["conditioners"]:
            if c["type"] != "number":
                continue
            if c["id"] == "seconds_start":
                numbers[c["id"]] = per_item(seconds_start, "seconds_start")
            elif c["id"] == "seconds_total":
                numbers[c["id"]] = per_item(seconds_total, "seconds_total")
            else:
                raise ValueError(f"the model has a number conditioner {c['id']!r} this runtime cannot fill")
        pos = counts = None
        if self.has_positions:
            pos, counts = self._positions_array(positions, B)
        elif positions is not None:
            raise ValueError("positions are only used by BEWO's attribute models (BEWO_attri, BEWO_mix)")
        with self._lock:
            return self._m.conditioning(h, mask, numbers, pos, counts)

    @staticmethod
    def _positions_array(positions, B):
        arr = np.zeros((B, 4, 4), dtype=np.float32)
        counts = [0] * B
        if positions is None:
            return arr, counts
        if len(positions) != B:
            raise ValueError(f"positions must hold one list of tuples per prompt ({B}), got {len(positions)}")
        for b, item in enumerate(positions):
            item = list(item)
            if len(item) > 4:
                raise ValueError(f"positions[{b}] has {len(item)} sources; BEWO's models take at most 4 "
                                 "(use the cascaded mode for more)")
            for s, t in enumerate(item):
                t = tuple(float(v) for v in t)
                if len(t) != 4:
                    raise ValueError(f"positions[{b}][{s}] must be (start_dir, end_dir, speed, flag)")
                arr[b, s] = t
            counts[b] = len(item)
        return arr, counts

    # --------------------------------------------------------------- the GPU
    def use_gpu(self, dtype: str = "bf16") -> None:
        """Run T5, the DiT's sampling loop (context keys/values, every step, CFG and the
        sampler update, replayed as a CUDA graph) and the decoder on the GPU from now on, with the
        weights copied once in `dtype` ('bf16', 'fp16' or 'fp32'). Raises ValueError, leaving the
        model on the CPU, when no GPU or CUDA build is there. With the GPU on, `progress` is
        called once, when the loop ends."""
        if dtype not in ("bf16", "fp16", "fp32"):
            raise ValueError(f"dtype must be 'bf16', 'fp16' or 'fp32', got {dtype!r}")
        with self._lock:
            self._m.enable_cuda(dtype)

    def use_cpu(self) -> None:
        with self._lock:
            self._m.disable_cuda()

    @property
    def gpu_dtype(self):
        """The GPU's weight dtype, or None when the model runs on the CPU."""
        return self._m.cuda_dtype

    def dit_gpu(self, x, t, cross, global_cond):
        """dit() on the GPU (after use_gpu): the GPU path's one forward, for checks."""
        x, t = _dit_inputs(x, t)
        with self._lock:
            return self._m.dit_cuda(x, t, cross, global_cond)

    def dit(self, x, t, cross, global_cond):
        """One DiT forward (no guidance): x (B, C, T), t (B) the timestep the network receives."""
        x, t = _dit_inputs(x, t)
        with self._lock:
            return self._m.dit(x, t, cross, global_cond)

    def sample(self, noise, cross, global_cond, steps=None, cfg=None, sampler=None, seed=0, sigma_min=None,
               sigma_max=None, step_noise=None, scale_phi=0.0, progress=None):
        """Latents (B, C, T) from unit noise with CFG (uncond: an all-zero context, the global
        condition kept). step_noise (steps, B, C, T): the SDE / pingpong noise per step (tests);
        without it the noise comes from a generator seeded by `seed`."""
        d = self.defaults
        steps = d["steps"] if steps is None else int(steps)
        cfg = d["cfg"] if cfg is None else float(cfg)
        sampler = d["sampler"] if sampler is None else sampler
        valid = SAMPLERS_RF if self.config["objective"] != "v" else SAMPLERS_V
        if sampler not in valid:
            raise ValueError(f"sampler must be one of {', '.join(valid)} for this model, got {sampler!r}")
        if not 1 <= steps <= 10000:
            raise ValueError(f"steps must be 1..10000, got {steps}")
        if not np.isfinite(cfg):
            raise ValueError(f"cfg must be a finite number, got {cfg}")
        smin = d["sigma_min"] if sigma_min is None else float(sigma_min)
        smax = d["sigma_max"] if sigma_max is None else float(sigma_max)
        noise = np.ascontiguousarray(noise, dtype=np.float32)
        if step_noise is not None:
            step_noise = np.ascontiguousarray(step_noise, dtype=np.float32)
        with self._lock:
            return self._m.sample(noise, cross, global_cond, steps, cfg, float(scale_phi), sampler, int(seed) & (2**64 - 1),
                                  smin, smax, step_noise, progress)

    def decode(self, latents):
        """Latents (B, C, T) -> audio (B, channels, T * downsampling_ratio), not normalised."""
        latents = np.ascontiguousarray(latents, dtype=np.float32)
        if latents.ndim == 2:
            latents = latents[None]
        with self._lock:
            return self._m.decode(latents)

    # --------------------------------------------------------------- the whole job
    def generate(self, prompt: str | None = None, seconds: float = 10.0, steps=None, cfg=None, seed: int = 0,
                 sampler=None, positions=None, progress: bool = False, scene=None, mode: str = "one-stage",
                 hrtf="kemar") -> GenerateResult:
        """Text (and/or a Scene) to audio at the model's rate: (channels, seconds * rate) float32.

        one-stage (default): the model places the sounds. BEWO's attribute models get the
        scene's BEWO tuples (bewo_rt.conditioning.bewo_positions of `scene`, else of the prompt
        as the local parser reads it; `positions` gives the tuples directly); the other models
        read the prompt alone. The output is the decoder's, not normalised.
        cascaded: each source generated in mono (one batch), then rendered along its trajectory
        in its room at the model's rate with `hrtf`; binaural, peak -1 dBFS.
        info holds the scene placed (its dict form) and the positions the model was told."""
        from ..spatial import MODES, describe, parsed, place, resolve, source_prompts
        from ...conditioning import bewo_positions

        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not np.isfinite(seconds):
            raise ValueError(f"seconds must be a number, got {seconds!r}")
        seconds = float(seconds)
        if not 0 < seconds <= self.max_seconds + 1e-6:
            raise ValueError(f"seconds must be in (0, {self.max_seconds:.2f}] for this model, got {seconds:g}")
        prompt, given = resolve(prompt, scene, seconds)
        d = self.defaults
        steps = d["steps"] if steps is None else int(steps)
        sampler = d["sampler"] if sampler is None else sampler
        cfg = d["cfg"] if cfg is None else float(cfg)
        placed = None
        if mode == "cascaded":
            if positions is not None:
                raise ValueError("positions are for the one-stage mode; the cascaded mode places the scene itself")
            placed = parsed(prompt, given, seconds)
            prompts = source_prompts(prompt, placed)
            # BEWO's attribute models generate each sound held straight ahead (BEWO's 3).
            per_item = [[(3.0, 3.0, 0.0, 1.0)] for _ in prompts] if self.has_positions else None
        else:
            prompts = [prompt]
            if self.has_positions:
                if positions is None:
                    placed = parsed(prompt, given, seconds)
                    positions = bewo_positions(placed, seconds)
                per_item = [positions]
            else:
                if given is not None:
                    raise ValueError(f"{self.name} reads the prompt alone and cannot place a scene's sources in the "
                                     "one-stage mode: use mode='cascaded' (--mode cascaded) to place them")
                per_item = None
        t0 = time.perf_counter()
        lat, t1 = self._latents(prompts, seconds, steps, cfg, sampler, seed, per_item, progress)
        t2 = time.perf_counter()
        n = int(round(seconds * self.sample_rate))
        if mode == "cascaded":
            # One clip at a time through the decoder: its activations grow with the batch.
            monos = [self.decode(lat[k:k + 1])[0].mean(axis=0)[:n] for k in range(lat.shape[0])]
            t3 = time.perf_counter()
            audio = place(placed, monos, self.sample_rate, n, hrtf=hrtf, seed=int(seed))
        else:
            audio = np.ascontiguousarray(self.decode(lat)[0][:, :n], dtype=np.float32)
            t3 = time.perf_counter()
        t4 = time.perf_counter()
        info = dict(model=self.name, family=self.family, variant=self.variant, mode=mode, prompt=prompt, steps=steps,
                    cfg=cfg, sampler=sampler, seed=int(seed), seconds=seconds, latent_frames=lat.shape[2],
                    positions=[tuple(p) for p in positions] if positions is not None else None,
                    scene=placed.to_dict() if placed is not None else None,
                    placement=describe(placed) if placed is not None else None,
                    note=placed.note if placed is not None else None,
                    time_s=t4 - t0, text_s=t1 - t0, sample_s=t2 - t1, decode_s=t3 - t2, render_s=t4 - t3)
        if mode == "cascaded":
            info["source_prompts"] = prompts
        return GenerateResult(audio=audio, sample_rate=self.sample_rate, info=info)

    def _latents(self, prompts, seconds, steps, cfg, sampler, seed, positions, progress):
        """(latents (B, C, T), time the conditioning finished) for a batch of prompts, the noise
        drawn from the native generator seeded by `seed` (as the C API draws it)."""
        cross, glob = self.conditioning(prompts, 0.0, seconds, positions=positions)
        t1 = time.perf_counter()
        T = self.frames_for(seconds)
        B = len(prompts)
        noise = _core.native_noise(int(seed) & (2**64 - 1), B * self.latent_channels * T).reshape(B, self.latent_channels, T)
        bar = None
        cb = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=steps, desc="sampling", unit="step", leave=False)

            def cb(i, n):
                bar.update(1)
                return True
        try:
            lat = self.sample(noise, cross, glob, steps=steps, cfg=cfg, sampler=sampler, seed=seed, progress=cb)
        finally:
            if bar is not None:
                bar.close()
        return lat, t1


def _config_from(path: Path, config) -> str:
    if config is not None:
        cp = Path(config)
        if not cp.is_file():
            raise FileNotFoundError(f"config {cp} does not exist")
        return cp.read_text(encoding="utf-8")
    meta = _safetensors_metadata(path)
    if meta.get("model_config"):
        return meta["model_config"]
    for name in ("model_config.json",):
        c = path.parent / name
        if c.is_file():
            return c.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no model config for {path}: give --config model_config.json (or put model_config.json "
                            "beside the weights)")


def _safetensors_metadata(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                return {}
            n = int.from_bytes(head, "little")
            if n <= 0 or n > 100_000_000:
                return {}
            return dict(json.loads(f.read(n)).get("__metadata__", {}) or {})
    except (OSError, ValueError, UnicodeDecodeError):
        return {}


def locate(path, config=None) -> tuple[Path, str]:
    """(weights file, config text) for a model folder or file as its authors publish it."""
    from .convert import is_pickle_checkpoint

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"model {p} does not exist")
    if p.is_dir():
        st = p / "model.safetensors"
        if not st.is_file():
            cands = sorted(p.glob("*.safetensors"))
            st = cands[0] if len(cands) == 1 else st
        if not st.is_file():
            ckpts = sorted(p.glob("*.ckpt"))
            if ckpts:
                raise ValueError(f"{p} holds {ckpts[0].name}, a PyTorch pickle the runtime does not read: convert it once "
                                 f"with `bewo-rt convert {ckpts[0]} --config CONFIG.json -o {p / 'model.safetensors'}`")
            raise FileNotFoundError(f"{p} holds no model.safetensors")
        if config is None:
            cfgs = [p / "model_config.json"] if (p / "model_config.json").is_file() else sorted(p.glob("model_config*.json"))
            if config is None and len(cfgs) == 1 and not _safetensors_metadata(st).get("model_config"):
                config = cfgs[0]
        return st, _config_from(st, config)
    if p.suffix == ".ckpt" or is_pickle_checkpoint(p):
        raise ValueError(f"{p} is a PyTorch pickle checkpoint, which the runtime does not read: convert it once with "
                         f"`bewo-rt convert {p} --config CONFIG.json -o {p.with_suffix('.safetensors')}`")
    return p, _config_from(p, config)


def load(path, config=None, t5=None, dtype=None, n_threads: int = 0, shared_snake: int = -1,
         device: str = "cpu") -> StableAudioModel:
    """Load a Stable Audio Open family model (see bewo_rt.load_model)."""
    if device not in ("cpu", "cuda", "auto"):
        raise ValueError(f"device must be 'cpu', 'cuda' or 'auto', got {device!r}")
    if device == "cpu" and dtype not in (None, "fp32"):
        raise ValueError(f"dtype {dtype!r} is for the GPU (device='cuda'); the CPU computes in fp32")
    if dtype not in (None, "fp32", "fp16", "bf16"):
        raise ValueError(f"dtype must be 'fp32', 'fp16' or 'bf16', got {dtype!r}")
    weights, text = locate(path, config)
    try:
        cfg = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"model config for {weights} is not valid JSON: {e}") from None
    t5_dir = None
    if t5 is not False:
        name = "t5-base"
        for c in (cfg.get("model", {}).get("conditioning", {}) or {}).get("configs", []) or []:
            if isinstance(c, dict) and c.get("type") == "t5":
                name = (c.get("config") or {}).get("t5_model_name", name)
        t5_dir = find_t5(t5, name=name)
    name = _safetensors_metadata(weights).get("source") or weights.parent.name if weights.name == "model.safetensors" else weights.stem
    m = StableAudioModel(weights, text, t5_dir, dtype="fp32", n_threads=n_threads, shared_snake=shared_snake, name=name)
    if device == "cuda":
        m.use_gpu(dtype or "bf16")
    elif device == "auto":
        from ... import backends

        if backends()["cuda"]["usable"]:
            m.use_gpu(dtype or "bf16")
    return m
