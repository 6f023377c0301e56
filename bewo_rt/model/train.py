"""`bewo-rt train`: the autoencoder first, then the DiT on its latents.

Resumable: checkpoints every `checkpoint_every` steps hold model, optimiser, EMA, step, the random
generators' states and the training time so far, so a resumed run draws the batches it would
have drawn and the logs keep one row per step. DDP when launched by torchrun (each rank draws
its own batches, rank 0 writes). Loss logs as JSON lines plus a PNG plot."""
from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import numpy as np

from .._atomic import write_text
from .config import TrainConfig
from . import data as D
from . import features as feat


def _dist():
    import torch
    import torch.distributed as dist

    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank = dist.get_rank() if world > 1 else 0
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(f"cuda:{local}" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    return world, rank, device


def _barrier(world: int) -> None:
    if world > 1:
        import torch.distributed as dist

        dist.barrier()


def _save(path: Path, obj) -> None:
    """torch.save through a unique temporary file, flushed to disk, then renamed."""
    import tempfile

    import torch

    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _load(path: Path, device="cpu"):
    import torch

    return torch.load(path, map_location=device, weights_only=True)  # never unpickle code


def _lr(step: int, base: float, warmup: int, total: int) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup)))))


class Logger:
    """JSON lines; on resume, rows past the checkpoint's step (written after it) are dropped."""

    def __init__(self, path: Path, enabled: bool, resume_step: int = 0):
        self.path, self.enabled = path, enabled
        if enabled and path.is_file():
            keep = [l for l in path.read_text().splitlines() if l.strip() and json.loads(l)["step"] <= resume_step]
            write_text(path, "".join(l + "\n" for l in keep))

    def log(self, row: dict) -> None:
        if self.enabled:
            with open(self.path, "a") as f:
                f.write(json.dumps(row) + "\n")


def plot_losses(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, name in zip(axes, ("vae", "dit")):
        p = out / f"{name}_log.jsonl"
        if not p.is_file():
            continue
        rows = [json.loads(l) for l in p.read_text().splitlines() if l.strip()]
        steps = [r["step"] for r in rows]
        ax.plot(steps, [r["loss"] for r in rows], label="train")
        val = [(r["step"], r["val"]) for r in rows if "val" in r]
        if val:
            ax.plot(*zip(*val), "o-", label="val")
        ax.set_title(f"{name} loss")
        ax.set_xlabel("step")
        ax.set_yscale("log")
        ax.legend()
    fig.tight_layout()
    tmp = out / f"losses.{os.getpid()}.tmp.png"
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, out / "losses.png")


def _rng_state(rng: np.random.Generator) -> dict:
    return rng.bit_generator.state


def _set_rng(rng: np.random.Generator, state) -> None:
    if state is not None:
        rng.bit_generator.state = state


# --- stage 1: autoencoder -----------------------------------------------------------------------
def train_vae(cfg: TrainConfig, data_dirs, out: Path, progress=True) -> Path:
    import torch

    from .vae import VAE, vae_loss

    world, rank, device = _dist()
    torch.manual_seed(cfg.seed)  # the same initial weights on every rank
    rng = np.random.default_rng([cfg.seed, rank, 1])
    m = cfg.model
    model = VAE(m.vae_width, m.latent_channels, m.downsamples).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.vae_lr, weight_decay=0.0)
    ckpt = out / "vae.pt"
    step, elapsed = 0, 0.0
    if ckpt.is_file():
        state = _load(ckpt, device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step, elapsed = state["step"], state.get("time_s", 0.0)
        _set_rng(rng, state.get("rng", {}).get(str(rank)))
        if "torch_rng" in state:
            torch.set_rng_state(state["torch_rng"])
    if step >= cfg.vae_steps:
        return ckpt
    ddp = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    rows = D.read_rows(data_dirs, "train")
    audio = D.load_audio(rows, D.clip_samples(m.seconds, model.hop_samples))
    crop = max(model.hop_samples, int(round(cfg.vae_crop_s * feat.SAMPLE_RATE)) // model.hop_samples * model.hop_samples)
    crop = min(crop, audio.shape[-1])
    log = Logger(out / "vae_log.jsonl", rank == 0, step)
    t0 = time.time() - elapsed
    while step < cfg.vae_steps:
        idx = rng.integers(0, len(audio), cfg.vae_batch)
        starts = rng.integers(0, audio.shape[-1] - crop + 1, cfg.vae_batch)
        batch = np.stack([audio[i, :, s:s + crop] for i, s in zip(idx, starts)])
        x = D.to_float(batch).to(device)
        for g in opt.param_groups:
            g["lr"] = _lr(step, cfg.vae_lr, cfg.warmup, cfg.vae_steps)
        loss, parts = vae_loss(ddp, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % cfg.log_every == 0 or step == cfg.vae_steps:
            log.log({"step": step, "time_s": round(time.time() - t0, 1), **{k: round(v, 5) for k, v in parts.items()}})
            if progress and rank == 0:
                print(f"vae step {step}/{cfg.vae_steps} loss {parts['loss']:.4f} ({time.time() - t0:.0f} s)", flush=True)
        if step % cfg.checkpoint_every == 0 or step == cfg.vae_steps:
            rngs = _gather_rng(world, rng)
            if rank == 0:
                _save(ckpt, {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "rng": rngs,
                             "torch_rng": torch.get_rng_state(), "time_s": time.time() - t0, "config": cfg.to_dict()})
    return ckpt


def _gather_rng(world: int, rng) -> dict:
    """Every rank's batch generator state, keyed by rank (collected on all ranks)."""
    if world == 1:
        return {"0": _rng_state(rng)}
    import torch.distributed as dist

    states = [None] * world
    dist.all_gather_object(states, _rng_state(rng))
    return {str(i): s for i, s in enumerate(states)}


# --- stage 2: DiT on latents --------------------------------------------------------------------
def prepare_latents(cfg: TrainConfig, data_dirs, out: Path, split: str, device) -> dict | None:
    """Latent means, text tokens and azimuth states of every clip of a split, cached in OUT and
    tied to the VAE checkpoint and data folders that made them (a mismatch rebuilds the cache).
    None when the split has no clips."""
    import torch

    from ..conditioning import azimuth_state
    from ..scene import Scene
    from .text_encoder import TextEncoder
    from .vae import VAE

    vae_state = _load(out / "vae.pt", device)
    key = {"vae_step": vae_state["step"], "data": [str(Path(d).resolve()) for d in data_dirs], "split": split,
           "version": 2}
    path = out / f"latents_{split}.pt"
    if path.is_file():
        obj = _load(path)
        if obj.get("key") == key:
            return obj if len(obj["captions"]) else None
    m = cfg.model
    vae = VAE(m.vae_width, m.latent_channels, m.downsamples).to(device).eval()
    vae.load_state_dict(vae_state["model"])
    try:
        rows = D.read_rows(data_dirs, split)
    except ValueError:
        rows = []  # e.g. no validation clips in a small corpus
    samples = D.clip_samples(m.seconds, vae.hop_samples)
    frames = samples // vae.hop_samples
    lat, toks, masks, states_b, states_a, captions = [], [], [], [], [], []
    enc = TextEncoder() if rows else None
    for k in range(0, len(rows), 32):
        chunk = rows[k:k + 32]
        x = D.to_float(D.load_audio(chunk, samples)).to(device)
        with torch.no_grad():
            mean, _ = vae.encode(feat.analyse(x)[0])
        lat.append(mean.cpu())
        caps = [r["caption"] for _, r in chunk]
        captions += caps
        h, mask = enc.token_embeddings(caps, m.max_text_tokens)
        pad = m.max_text_tokens - h.shape[1]
        toks.append(torch.nn.functional.pad(h, (0, 0, 0, pad)).half())
        masks.append(torch.nn.functional.pad(mask, (0, pad)))
        for _, r in chunk:
            sc = Scene.from_dict(r["scene"])
            states_b.append(torch.from_numpy(azimuth_state(sc, frames=m.azimuth_columns, bins=m.azimuth_bins)))
            states_a.append(torch.from_numpy(azimuth_state(sc, frames=frames, bins=m.azimuth_bins)))
    if not rows:
        obj = {"key": key, "captions": []}
    else:
        obj = {"key": key, "latents": torch.cat(lat), "text": torch.cat(toks), "mask": torch.cat(masks),
               "state_bewo": torch.stack(states_b), "state_aligned": torch.stack(states_a), "captions": captions,
               "ids": [f"{d.name}/{r['id']}" for d, r in rows]}
    _save(path, obj)
    return obj if rows else None


def train_dit(cfg: TrainConfig, data_dirs, out: Path, progress=True) -> Path:
    import copy

    import torch

    from .diffusion import add_noise
    from .dit import DiT

    world, rank, device = _dist()
    vae_state = _load(out / "vae.pt")
    if vae_state["step"] < cfg.vae_steps:
        raise ValueError(f"{out / 'vae.pt'} is at step {vae_state['step']} of {cfg.vae_steps}: finish the autoencoder "
                         "first (--stage vae), the DiT learns its latents")
    torch.manual_seed(cfg.seed + 100)  # the same initial weights (and EMA) on every rank
    m = cfg.model
    ckpt = out / "dit.pt"
    model = DiT(m).to(device)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.dit_lr, weight_decay=0.01)
    g = torch.Generator().manual_seed(cfg.seed * 1000 + rank)
    step, latent_scale, elapsed = 0, None, 0.0
    if ckpt.is_file():
        state = _load(ckpt, device)
        if state.get("vae_step") not in (None, vae_state["step"]):
            raise ValueError(f"{ckpt} was trained on the latents of another vae.pt; start a new run folder")
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        step, latent_scale, elapsed = state["step"], state["latent_scale"], state.get("time_s", 0.0)
        if str(rank) in state.get("rng", {}):
            g.set_state(state["rng"][str(rank)])
    if step >= cfg.dit_steps:
        return ckpt
    if rank == 0:
        prepare_latents(cfg, data_dirs, out, "train", device)
        prepare_latents(cfg, data_dirs, out, "val", device)
    _barrier(world)
    tr = prepare_latents(cfg, data_dirs, out, "train", device)
    va = prepare_latents(cfg, data_dirs, out, "val", device)
    if tr is None:
        raise ValueError(f"--data {', '.join(map(str, data_dirs))}: no training clips")
    if latent_scale is None:  # per channel: the spatial latents and the spectral ones differ in spread
        latent_scale = [float(v) for v in 1.0 / tr["latents"].std(dim=(0, 2)).clamp_min(1e-6)]
    scale_t = torch.tensor(latent_scale, device=device)[None, :, None]
    key = "state_bewo" if m.fusion == "bewo" else "state_aligned"
    ddp = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    log = Logger(out / "dit_log.jsonl", rank == 0, step)
    t0 = time.time() - elapsed

    def batch(src, idx):
        x0 = src["latents"][idx].to(device) * scale_t
        return x0, src["text"][idx].float().to(device), src["mask"][idx].to(device), src[key][idx].to(device)

    def val_loss():
        if va is None:
            return None
        gv = torch.Generator().manual_seed(1234)
        n = len(va["latents"])
        tot = 0.0
        with torch.no_grad():
            for k in range(0, n, 64):
                idx = torch.arange(k, min(n, k + 64))
                x0, text, mask, st = batch(va, idx)
                t = torch.rand(len(idx), generator=gv).to(device)
                noise = torch.randn(x0.shape, generator=gv).to(device)
                xt, v = add_noise(x0, noise, t)
                tot += float(((ema(xt, t, text, mask, st) - v) ** 2).mean()) * len(idx)
        return tot / n

    while step < cfg.dit_steps:
        idx = torch.randint(0, len(tr["latents"]), (cfg.dit_batch,), generator=g)
        x0, text, mask, st = batch(tr, idx)
        t = torch.rand(cfg.dit_batch, generator=g).to(device)
        noise = torch.randn(x0.shape, generator=g).to(device)
        cond = (torch.rand(cfg.dit_batch, generator=g) >= cfg.cfg_dropout).to(device)
        xt, v = add_noise(x0, noise, t)
        for grp in opt.param_groups:
            grp["lr"] = _lr(step, cfg.dit_lr, cfg.warmup, cfg.dit_steps)
        loss = ((ddp(xt, t, text, mask, st, cond) - v) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        decay = min(cfg.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.lerp_(pm, 1 - decay)
        row = None
        if step % cfg.log_every == 0 or step == cfg.dit_steps:
            row = {"step": step, "time_s": round(time.time() - t0, 1), "loss": round(loss.item(), 5)}
        if step % cfg.checkpoint_every == 0 or step == cfg.dit_steps:
            rngs = {}
            if world > 1:
                import torch.distributed as dist

                states = [None] * world
                dist.all_gather_object(states, g.get_state())
                rngs = {str(i): s for i, s in enumerate(states)}
            else:
                rngs = {"0": g.get_state()}
            if rank == 0:
                row = row or {"step": step, "time_s": round(time.time() - t0, 1), "loss": round(loss.item(), 5)}
                vl = val_loss()
                if vl is not None:
                    row["val"] = round(vl, 5)
                _save(ckpt, {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                             "step": step, "latent_scale": latent_scale, "config": cfg.to_dict(), "rng": rngs,
                             "vae_step": vae_state["step"], "time_s": time.time() - t0})
        if row and rank == 0:
            log.log(row)
            if rank == 0 and step % cfg.checkpoint_every == 0:
                plot_losses(out)
            if progress:
                print(f"dit step {step}/{cfg.dit_steps} " + " ".join(f"{k} {v}" for k, v in row.items() if k != "step"),
                      flush=True)
    return ckpt


def train(cfg: TrainConfig, data_dirs, out, stage: str = "all", progress: bool = True) -> None:
    world, rank, _ = _dist()
    out = Path(out)
    for d in data_dirs:  # fail before any work, on every rank
        if not (Path(d) / "metadata.jsonl").is_file():
            raise FileNotFoundError(f"--data {d}: no metadata.jsonl (build one with `bewo-rt dataset build`)")
    out.mkdir(parents=True, exist_ok=True)
    cfg_path = out / "config.json"
    _barrier(world)
    mine = json.loads(json.dumps(cfg.to_dict()))
    # Longer training (more steps) and other logging continue a run; anything else is a new run.
    free = ("vae_steps", "dit_steps", "log_every", "checkpoint_every")
    if cfg_path.is_file():
        old = json.loads(cfg_path.read_text())
        if {k: v for k, v in old.items() if k not in free} != {k: v for k, v in mine.items() if k not in free}:
            raise ValueError(f"{out} holds a run with another config ({cfg_path}); use a new --out to change it")
    _barrier(world)
    if rank == 0:
        write_text(cfg_path, json.dumps(mine, indent=2))
    if stage in ("all", "vae"):
        train_vae(cfg, data_dirs, out, progress)
    _barrier(world)  # every rank sees the finished vae.pt
    if stage in ("all", "dit"):
        if not (out / "vae.pt").is_file():
            raise FileNotFoundError(f"{out / 'vae.pt'} is missing: train the autoencoder first (--stage vae)")
        train_dit(cfg, data_dirs, out, progress)
    if rank == 0:
        plot_losses(out)
    _barrier(world)
