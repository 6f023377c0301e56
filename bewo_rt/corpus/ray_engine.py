"""`--engine ray`: the same clips as Ray tasks on a Ray cluster (RAY_ADDRESS, or a local Ray
started for the run). Each task builds a chunk of clip indices with its own ClipMaker."""
from __future__ import annotations

from dataclasses import asdict


def run_ray(cfg, todo: list[int], bar, chunk: int = 8) -> None:
    try:
        import ray
    except ImportError:
        raise RuntimeError("--engine ray needs Ray: pip install ray") from None
    started = False
    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False)
        started = True
    try:
        @ray.remote
        def build_chunk(cfg_dict, indices):
            from bewo_rt.corpus.builder import BuildConfig, ClipMaker

            maker = ClipMaker(BuildConfig(**cfg_dict))
            for i in indices:
                maker.make(i)
            return len(indices)

        cfg_dict = asdict(cfg)
        refs = [build_chunk.remote(cfg_dict, todo[k:k + chunk]) for k in range(0, len(todo), chunk)]
        while refs:
            done, refs = ray.wait(refs, num_returns=1)
            bar.update(ray.get(done[0]))
    finally:
        if started:
            ray.shutdown()
