"""Offline conversion of Stable Audio Open / BEWO PyTorch checkpoints to safetensors.

The native runtime reads safetensors only. This module turns a `.ckpt` (a PyTorch pickle, read
with `weights_only=True` so nothing in it can run code) into one safetensors file holding the
model's state dict under the names the runtime expects, with the model config JSON in its
metadata:

* `{"state_dict": ...}` files (SAO Small's model.ckpt, Lightning training checkpoints) and flat
  dicts of tensors (BEWO_*.ckpt) are both read.
* BEWO's rule: every "diffusion." substring is removed from the key names
  (`diffusion.model.model.x` -> `model.model.x`).
* EMA weights (`diffusion_ema.ema_model.<k>`, the EMA copy of the training wrapper's
  `diffusion.model`) replace `model.<k>` when present, unless `use_ema=False`. Note that BEWO's own
  loader ignores them (its "diffusion." rule does not match "diffusion_ema."), so for parity with
  BEWO's reference code pass `use_ema=False`.
* Training-only entries (EMA bookkeeping such as `initted`/`step`/`num_updates`, the EMA's copy of
  the online model, optimizer and scheduler states, anything that is not a tensor) are dropped
  and counted.
* Floating tensors are cast to the requested dtype; integer/bool buffers are kept as they are.

The output is written atomically: a temporary file in the destination folder, renamed when
complete, so a failure leaves nothing behind (and any earlier file untouched).
"""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from ..._atomic import atomic_path

_ZIP_MAGIC = b"PK\x03\x04"
DTYPES = {"fp32": "float32", "float32": "float32", "fp16": "float16", "float16": "float16",
          "half": "float16", "bf16": "bfloat16", "bfloat16": "bfloat16"}
EMA_PREFIX = "diffusion_ema."
EMA_MODEL_PREFIX = "diffusion_ema.ema_model."
ENCODER_PREFIX = "pretransform.model.encoder."
# EMA bookkeeping buffers (ema_pytorch: initted, step; LitEma-style: num_updates, decay)
_EMA_BOOKKEEPING = {"initted", "step", "num_updates", "decay"}
_TRAINING_PREFIXES = ("optimizer", "optimizer_states", "lr_scheduler", "lr_schedulers", "scheduler",
                      "loops", "callbacks")
_MODEL_PREFIXES = ("model.", "conditioner.", "pretransform.")


def _magic(path: Path, n: int = 16) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def _is_safetensors(head: bytes, size: int) -> bool:
    if len(head) < 9:
        return False
    n = int.from_bytes(head[:8], "little")
    return 2 <= n <= size - 8 and head[8:9] == b"{"


def is_pickle_checkpoint(path) -> bool:
    """True for a PyTorch pickle checkpoint (torch.save's zip format, or the legacy bare-pickle
    format): such a file must go through `bewo-rt convert` before the runtime can read it."""
    p = Path(path)
    try:
        head = _magic(p, 4)
    except OSError:
        return False
    if head[:4] == _ZIP_MAGIC:
        try:
            with zipfile.ZipFile(p) as z:
                return any(n == "data.pkl" or n.endswith("/data.pkl") for n in z.namelist())
        except (zipfile.BadZipFile, OSError):
            return True  # a damaged torch.save file is still one; `convert` says what is wrong
    # pickle protocol 2..5 starts with PROTO (0x80) then the protocol number
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _torch_dtype(dtype: str):
    import torch

    key = str(dtype).lower()
    if key not in DTYPES:
        raise ValueError(f"dtype must be one of fp32, fp16, bf16; got {dtype!r}")
    return key, getattr(torch, DTYPES[key])


def _read_config(config_path: Path) -> str:
    if not config_path.is_file():
        raise FileNotFoundError(f"model config {config_path} does not exist")
    text = config_path.read_text(encoding="utf-8")
    try:
        cfg = json.loads(text)
    except ValueError as e:
        raise ValueError(f"model config {config_path} is not valid JSON: {e}") from None
    if not isinstance(cfg, dict) or cfg.get("model_type") != "diffusion_cond":
        got = cfg.get("model_type") if isinstance(cfg, dict) else type(cfg).__name__
        raise ValueError(f"model config {config_path} must have \"model_type\": \"diffusion_cond\" "
                         f"(a Stable Audio Open / BEWO config), got {got!r}")
    return text


def _load(path: Path):
    """The checkpoint's top-level object, loaded without running any pickled code."""
    import pickle

    import torch

    size = path.stat().st_size
    if size == 0:
        raise ValueError(f"{path} is empty")
    head = _magic(path)
    if _is_safetensors(head, size):
        from safetensors.torch import load_file

        try:
            return load_file(str(path)), "safetensors"
        except Exception as e:
            raise ValueError(f"{path} looks like safetensors but could not be read "
                             f"(truncated or damaged?): {e}") from None
    is_zip = head[:4] == _ZIP_MAGIC
    if is_zip:
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except zipfile.BadZipFile:
            raise ValueError(f"{path} is truncated or damaged: a torch.save zip file whose central "
                             f"directory is missing") from None
        if not any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
            raise ValueError(f"{path} is a zip file but not a PyTorch checkpoint (no data.pkl inside)")
    elif not (head[0] == 0x80 and 2 <= head[1] <= 5):
        raise ValueError(f"{path} is not a PyTorch checkpoint (.ckpt/.pt) or safetensors file "
                         f"(starts with {head[:8]!r})")
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True, mmap=is_zip)
    except pickle.UnpicklingError as e:
        msg = str(e)
        m = re.search(r"Unsupported global: GLOBAL ([\w.]+)", msg) or re.search(r"GLOBAL ([\w.]+)", msg)
        if m or "Weights only load failed" in msg:
            what = m.group(1) if m else "non-tensor Python objects"
            raise ValueError(
                f"{path} contains pickled Python objects besides tensors ({what}); they are not "
                f"unpickled, since that could run arbitrary code. If you trust the file, save only "
                f"its state dict and convert that: python -c \"import torch; "
                f"c = torch.load('{path}', weights_only=False); "
                f"torch.save(c.get('state_dict', c), 'state_dict.ckpt')\"") from None
        if "truncated" in msg or "EOF" in msg:
            raise ValueError(f"{path} is truncated: {msg}") from None
        raise ValueError(f"{path} is not a readable PyTorch checkpoint: {msg}") from None
    except EOFError:
        raise ValueError(f"{path} is truncated (the pickle ends early)") from None
    except RuntimeError as e:
        msg = str(e)
        if "EOF" in msg or "central directory" in msg or "corrupt" in msg.lower():
            raise ValueError(f"{path} is truncated or damaged: {msg.splitlines()[0]}") from None
        raise ValueError(f"{path} could not be read as a PyTorch checkpoint: {msg.splitlines()[0]}") from None
    return obj, "pickle"


def _state_dict(obj, path: Path):
    import torch

    if not isinstance(obj, dict):
        raise ValueError(f"{path} holds a {type(obj).__name__}, not a dict of tensors")
    for wrapper in ("state_dict", "model", "module"):
        inner = obj.get(wrapper)
        if isinstance(inner, dict) and not any(isinstance(v, torch.Tensor) for v in obj.values()):
            return inner, wrapper, [k for k in obj if k != wrapper]
    return obj, None, []


def convert_checkpoint(ckpt_path, config_path, out_path, dtype: str = "fp32", log=print,
                       use_ema: bool = True, drop_encoder: bool = False) -> dict:
    """Convert a SAO / BEWO `.ckpt` to safetensors for the native runtime.

    Returns a summary dict: out, source, dtype, ema (EMA weights used), tensors, parameters,
    bytes, renamed, ema_replaced, dropped (count), dropped_keys (up to 20 names), encoder_dropped,
    prefixes (tensor count per top-level prefix)."""
    if log is None:
        def log(*_a, **_k):
            return None
    ckpt_path, config_path, out_path = Path(ckpt_path), Path(config_path), Path(out_path)
    dkey, tdtype = _torch_dtype(dtype)
    if not ckpt_path.is_file():
        raise FileNotFoundError(f"checkpoint {ckpt_path} does not exist")
    config_text = _read_config(config_path)
    if out_path.exists() and out_path.resolve() == ckpt_path.resolve():
        raise ValueError(f"the output {out_path} would overwrite the checkpoint itself")

    import torch
    from safetensors.torch import save_file

    obj, fmt = _load(ckpt_path)
    sd, wrapper, outside = _state_dict(obj, ckpt_path)

    dropped: list[str] = [str(k) for k in outside]  # e.g. optimizer_states, lr_schedulers, epoch
    online: dict[str, torch.Tensor] = {}
    ema: dict[str, torch.Tensor] = {}
    renamed = 0
    for k, v in sd.items():
        k = str(k)
        if not isinstance(v, torch.Tensor):
            dropped.append(k)                       # optimizer states, counters, nested dicts
            continue
        if k.startswith(EMA_PREFIX) or k.split(".", 1)[0] in ("model_ema", "ema"):
            if k.startswith(EMA_MODEL_PREFIX):
                ema["model." + k[len(EMA_MODEL_PREFIX):]] = v
            else:
                dropped.append(k)                   # initted/step, the EMA's online_model copy
            continue
        if (k.split(".", 1)[0] in _TRAINING_PREFIXES
                or (k.rsplit(".", 1)[-1] in _EMA_BOOKKEEPING and "ema" in k)):
            dropped.append(k)
            continue
        name = k.replace("diffusion.", "")
        if name != k:
            renamed += 1
        if name in online:
            raise ValueError(f"{ckpt_path}: two keys become {name!r} after removing 'diffusion.'")
        online[name] = v

    ema_used = False
    ema_replaced = 0
    if ema and use_ema:
        for name, v in ema.items():
            if name in online and tuple(online[name].shape) != tuple(v.shape):
                raise ValueError(f"{ckpt_path}: EMA tensor for {name} has shape {tuple(v.shape)}, "
                                 f"the model's has {tuple(online[name].shape)}")
            ema_replaced += name in online
            online[name] = v
        ema_used = True
        log(f"using EMA weights: {len(ema)} tensors from {EMA_MODEL_PREFIX}* replace model.* "
            f"({ema_replaced} replaced, {len(ema) - ema_replaced} added)")
    elif ema:
        dropped += [EMA_MODEL_PREFIX + n[len("model."):] for n in ema]
        log(f"EMA weights present ({len(ema)} tensors) but not used (use_ema=False): "
            f"using the online weights, as BEWO's own loader does")
    else:
        log("no EMA weights in the checkpoint: using the model weights")

    encoder_dropped = 0
    if drop_encoder:
        for name in [n for n in online if n.startswith(ENCODER_PREFIX)]:
            del online[name]
            encoder_dropped += 1
        if encoder_dropped:
            log(f"dropped {encoder_dropped} pretransform encoder tensors")
    if dropped:
        shown = ", ".join(dropped[:8]) + (", ..." if len(dropped) > 8 else "")
        log(f"dropped {len(dropped)} training-only entries: {shown}")
    if not online:
        raise ValueError(f"{ckpt_path} holds no model tensors")

    tensors: dict[str, torch.Tensor] = {}
    seen: set[int] = set()
    params = 0
    for name in sorted(online):
        v = online[name]
        if v.is_floating_point() and v.dtype != tdtype:
            v = v.to(tdtype)
        v = v.contiguous()
        st = v.untyped_storage()
        ptr = st.data_ptr()
        if (ptr in seen and v.numel()) or st.nbytes() != v.nbytes:
            v = v.clone()                           # tied or sliced tensors: safetensors needs own storage
        seen.add(v.untyped_storage().data_ptr())
        tensors[name] = v
        params += v.numel()

    prefixes: dict[str, int] = {}
    for name in tensors:
        p = name.split(".", 1)[0]
        prefixes[p] = prefixes.get(p, 0) + 1
    odd = {p: c for p, c in prefixes.items() if p + "." not in _MODEL_PREFIXES}
    if odd:
        log(f"note: tensors outside model./conditioner./pretransform.: {odd}")

    short = {"float32": "fp32", "float16": "fp16", "bfloat16": "bf16"}[DTYPES[dkey]]
    metadata = {"model_config": config_text, "source": ckpt_path.name, "dtype": short,
                "ema": "true" if ema_used else "false", "format": "pt"}
    with atomic_path(out_path) as tmp:
        save_file(tensors, tmp, metadata=metadata)
    size = out_path.stat().st_size
    log(f"wrote {out_path}: {len(tensors)} tensors, {params:,} values, {metadata['dtype']}, "
        f"{size / 1e9:.2f} GB (from {fmt}{', ' + wrapper if wrapper else ''}; "
        f"{renamed} keys lost a 'diffusion.' prefix)")
    return {"out": str(out_path), "source": ckpt_path.name, "dtype": metadata["dtype"], "ema": ema_used,
            "tensors": len(tensors), "parameters": params, "bytes": size, "renamed": renamed,
            "ema_replaced": ema_replaced, "dropped": len(dropped), "dropped_keys": dropped[:20],
            "encoder_dropped": encoder_dropped, "prefixes": prefixes}
