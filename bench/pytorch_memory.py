"""PyTorch's memory for the fp32 fine-tuning step, against our training program's SRAM.

For each shared model, batch 1, 128x128, the fp32 step of bench/accuracy.py
(`FloatSparseTrainer.train_step`: forward, autograd for the trained parameters, plain SGD)
with full fine-tuning (every conv weight and bias and the head) and with the model's ~99 KB
sparse scheme. Each configuration runs in a fresh Python process that imports only torch,
numpy and the model loader (no xDSL, no torch-mlir), one PyTorch thread:

  torch RSS   peak resident set size (Linux VmHWM, the `getrusage` ru_maxrss of this process
              alone) right after `import torch`: the runtime
  ready RSS   peak RSS once the float model (all its fp32 weights) and the input exist
  peak RSS    peak RSS after --steps training steps: what the operating system had to give
  growth      peak RSS - ready RSS: the training step's own cost on top of the model
  tensors     torch.profiler(profile_memory=True) over one step after a warm-up step: the
              largest number of bytes the CPU allocator had handed out at once during the
              step (activations kept for backward, gradients, temporaries), plus the fp32
              parameters of the whole model, which PyTorch keeps in RAM throughout

Ours: `qtrain-training{scheme}` + `qtrain-memory{algorithm=optimal}` on the int8 model: the
planned arena (train step and inference share it) + the SRAM of the trainable parameters
(only their trained channels); frozen weights stay in flash. The ratios divide PyTorch's
figures by that total for the same scheme; "x sparse" divides PyTorch's full fine-tuning by
our sparse scheme (the paper's comparison: PyTorch 303 MB for MbV2-w0.35, more than 1000x its
sparse-update memory; FACTS.md section 6).

    .venv/bin/python bench/pytorch_memory.py [--models mbv2-w0.35 ...] [--steps 5] [--time-limit 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("full", "sparse")
PUBLISHED_PYTORCH = {"mbv2-w0.35": 303 * 1024 * 1024}


def max_rss_bytes() -> int:
    """This process's peak resident set size. Linux's VmHWM belongs to the address space,
    which exec replaces; getrusage's ru_maxrss would also count the parent's peak at fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def child(model_name: str, mode: str, steps: int) -> dict:
    """Runs in a fresh process: the RSS and allocator figures of the fp32 step."""
    rss_start = max_rss_bytes()
    import numpy as np
    import torch

    rss_torch = max_rss_bytes()
    torch.set_num_threads(1)
    sys.path.insert(0, str(HERE))
    from accuracy import SCHEMES, FloatSparseTrainer, load_model

    scheme = "full" if mode == "full" else SCHEMES[model_name]
    trainer = FloatSparseTrainer(load_model(model_name), scheme)
    rng = np.random.default_rng(0)
    images = [rng.integers(-128, 128, (1, 3, 128, 128), dtype=np.int8) for _ in range(steps)]
    rss_ready = max_rss_bytes()
    for index, image in enumerate(images):
        trainer.train_step(image, index % 10)
    rss_peak = max_rss_bytes()

    from torch._C._profiler import _EventType
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        trainer.train_step(images[0], 1)
    allocations = []
    stack = list(prof.profiler.kineto_results.experimental_event_tree())
    while stack:
        event = stack.pop()
        if event.tag == _EventType.Allocation:
            allocations.append((event.start_time_ns, event.extra_fields.alloc_size))
        stack.extend(event.children)
    live = peak = 0
    for _, size in sorted(allocations):
        live += size
        peak = max(peak, live)
    param_bytes = sum(t.numel() * t.element_size() for t in trainer.params.values())
    trained = sum(
        int(t.numel() if (m := trainer.masks[n]) is None else int(m.sum())) for n, t in trainer.params.items() if n in trainer.trained
    )
    return {
        "model": model_name, "mode": mode, "scheme": scheme, "steps": steps,
        "rss_start": rss_start, "rss_torch": rss_torch, "rss_ready": rss_ready, "rss_peak": rss_peak,
        "step_alloc_peak": peak, "param_bytes": param_bytes, "trained_values": trained,
        "allocations": sum(1 for _, size in allocations if size > 0),
    }  # fmt: skip


def measure(model_name: str, mode: str, steps: int) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", model_name, mode, str(steps)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"pytorch_memory: the child for {model_name} {mode} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def our_sram(model_name: str, scheme: str, time_limit: float) -> tuple[int, int]:
    """(planned arena bytes, trainable SRAM bytes) of our training program for the scheme."""
    from xdsl.context import Context

    from tiny_training.dialects import mem
    from tiny_training.frontends.api import import_pretrained
    from tiny_training.analysis.schedule import trainable_sram_bytes
    from tiny_training.passes.qtrain_memory import QtrainMemoryPass
    from tiny_training.passes.qtrain_training import QtrainTrainingPass
    from tiny_training.analysis.symbols import find_function

    module = import_pretrained(model_name)
    QtrainTrainingPass(scheme=scheme, qas=True, classes=10).apply(Context(), module)
    QtrainMemoryPass(algorithm="optimal", time_limit=time_limit).apply(Context(), module)
    arena = next(op for op in module.ops if isinstance(op, mem.ArenaOp))
    return arena.size.value.data, trainable_sram_bytes(module, find_function(module, "train_step", "bench"))


def mb(value: float) -> str:
    return f"{value / 2**20:.1f}"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    sys.path.insert(0, str(HERE))
    from accuracy import SCHEMES, SHARED_MODELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=list(SHARED_MODELS), choices=list(SHARED_MODELS))
    parser.add_argument("--steps", type=int, default=5, help="training steps before reading the peak RSS")
    parser.add_argument("--time-limit", type=float, default=10.0, help="CP-SAT time limit of our arena plan")
    parser.add_argument("--no-ours", action="store_true", help="skip our figures (no import, no planning)")
    args = parser.parse_args()

    header = (
        f"{'model':<16}{'mode':<8}{'scheme':<22}{'torch MB':>9}{'ready MB':>9}{'peak RSS MB':>12}{'growth MB':>10}"
        f"{'tensors MB':>11}{'ours B':>11}{'RSS x':>8}{'tensors x':>10}{'x sparse':>9}{'child s':>8}"
    )
    print(header)
    print("-" * len(header))
    for model_name in args.models:
        ours: dict[str, tuple[int, int]] = {}
        for mode in [] if args.no_ours else MODES:
            ours[mode] = our_sram(model_name, "full" if mode == "full" else SCHEMES[model_name], args.time_limit)
        for mode in MODES:
            started = time.perf_counter()
            result = measure(model_name, mode, args.steps)
            seconds = time.perf_counter() - started
            tensors = result["step_alloc_peak"] + result["param_bytes"]
            total = sum(ours[mode]) if mode in ours else 0
            sparse_total = sum(ours["sparse"]) if "sparse" in ours else 0
            ratio = (lambda value, base: f"{value / base:,.0f}" if base else "-")  # noqa: E731
            print(
                f"{model_name:<16}{mode:<8}{result['scheme']:<22}{mb(result['rss_torch']):>9}{mb(result['rss_ready']):>9}"
                f"{mb(result['rss_peak']):>12}{mb(result['rss_peak'] - result['rss_ready']):>10}{mb(tensors):>11}"
                f"{total:>11,}{ratio(result['rss_peak'], total):>8}{ratio(tensors, total):>10}"
                f"{ratio(result['rss_peak'], sparse_total) if mode == 'full' else '':>9}{seconds:>8.0f}",
                flush=True,
            )
            if mode in ours:
                arena, trainable = ours[mode]
                print(f"{'':<16}  ours: arena {arena:,} B + trainable {trainable:,} B; PyTorch: fp32 parameters "
                      f"{mb(result['param_bytes'])} MB, step allocations peak {mb(result['step_alloc_peak'])} MB, "
                      f"{result['trained_values']:,} trained values")  # fmt: skip
    print("published: PyTorch 303 MB for MbV2-w0.35 training (batch 1, 128x128), > 1000x the sparse update's memory; "
          "TensorFlow 652 MB, MNN 41.5 MB (FACTS.md section 6)")  # fmt: skip
    print("RSS x / tensors x: PyTorch's peak RSS / tensor memory divided by our SRAM (arena + trainable) for the same "
          "scheme; x sparse: PyTorch full fine-tuning peak RSS / our sparse scheme")  # fmt: skip


if __name__ == "__main__":
    main()
