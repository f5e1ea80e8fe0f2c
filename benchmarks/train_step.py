"""One training step (gradients and a gradient-descent update) at N0=784, N1=256, N2=10,
M=256, float64, ReLU + softmax + cross-entropy, samples as columns: symnet's generated code,
hand-written NumPy (the seed-003 algorithm written directly) and PyTorch autograd on the CPU
with the same thread count, in one process. Median of STEPS steps after warm-up; ratios and
GFLOP/s against a measured float64 matmul peak: the median rate of the first layer's product
W1 X, timed in the same blocks.

A fourth column is the same step compiled by `jax.jit` (XLA, float64), the best compiler on
this machine: the target is symnet at or below it.

The matmuls of every NumPy column run in the BLAS NumPy ships, OpenBLAS, whose kernels are
chosen at load time for the CPU unless the environment names them (`OPENBLAS_CORETYPE`, set on
some machines because older OpenBLAS builds misread their CPU: an AMD Zen 5 with AVX-512 then
runs the Haswell kernels, at about half its speed, while XLA uses AVX-512). The header names
the kernels; when the environment names them, the whole measurement is repeated in a child
process with OpenBLAS choosing them itself, both tables in the output.

Run: python benchmarks/train_step.py  (results: train_step.txt next to it). Needs torch for the
third column (pip install torch==2.13.0) and jax for the fourth (pip install "jax[cpu]"); without
them those columns are skipped.
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from symnet.codegen import generate
from symnet.document import parse

N0, N1, N2, M = 784, 256, 10, 256
STEPS, WARMUP, LEARNING_RATE = 200, 20, 0.1
THREADS = os.cpu_count() or 1
BOUND = "(bound: 2 products + update)"


def spec_document():
    return parse({"document": {"title": "train step benchmark"}, "network": {
        "samples": "columns", "batch": "M", "inputs": "N_0",
        "sizes": {"N_0": N0, "N_1": N1, "N_2": N2, "M": M},
        "layers": [{"units": "N_1", "activation": "relu"},
                   {"units": "N_2", "activation": "softmax"}],
        "loss": {"kind": "categorical_cross_entropy", "scale": 1, "reduction": "mean"}}})


def data(rng):
    x = rng.normal(size=(N0, M))
    y = np.eye(N2)[:, rng.integers(0, N2, M)]
    parameters = {"W1": rng.normal(size=(N1, N0)) / np.sqrt(N0), "b1": np.zeros((N1, 1)),
                  "W2": rng.normal(size=(N2, N1)) / np.sqrt(N1), "b2": np.zeros((N2, 1))}
    return x, y, parameters


def hand_step(parameters, x, y, rate):
    """The seed-003 algorithm, written directly in NumPy."""
    w1, b1, w2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    z1 = w1 @ x + b1
    a1 = np.maximum(z1, 0)
    z2 = w2 @ a1 + b2
    e = np.exp(z2 - z2.max(axis=0, keepdims=True))
    a2 = e / e.sum(axis=0, keepdims=True)
    dz2 = (a2 - y) / x.shape[1]
    dw2 = dz2 @ a1.T
    db2 = dz2.sum(axis=1, keepdims=True)
    dz1 = (w2.T @ dz2) * (z1 > 0)
    dw1 = dz1 @ x.T
    db1 = dz1.sum(axis=1, keepdims=True)
    return {"W1": w1 - rate * dw1, "b1": b1 - rate * db1, "W2": w2 - rate * dw2,
            "b2": b2 - rate * db2}


def bound_step(parameters, x, gradient_z1):
    """Not a step: only the work every step must do at this size, the two large products
    (W1 X forward, dZ1 X^T backward) and W1's update, whose ~0.2 GFLOP dominate the
    step's count. It bounds what any NumPy step can reach: the rest of a real step has to fit
    in the time between this and the target."""
    w1 = parameters["W1"]
    w1 @ x
    update = gradient_z1 @ x.T
    update += w1
    return parameters


BLOCK = 20


def median_times(steps: dict) -> dict[str, float]:
    """Median seconds per step of each (step, parameters) pair, run in blocks of BLOCK steps
    taken in turn: caches stay warm within a block (as in a training loop), and the machine's
    drift (frequency, other load) falls on all of them alike."""
    state = {name: parameters for name, (_, parameters) in steps.items()}
    times: dict[str, list[float]] = {name: [] for name in steps}
    for block in range((WARMUP + STEPS) // BLOCK):
        for name, (step, _) in steps.items():
            for _ in range(BLOCK):
                start = time.perf_counter()
                state[name] = step(state[name])
                if block >= WARMUP // BLOCK:
                    times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


PEAK = "(peak: W1 X alone)"


def peak_product(rng):
    """Not a step: one product of the first layer's size, W1 X, whose median rate, timed in
    the same alternating blocks as the steps (so that the machine's drift falls on it alike),
    is the float64 matmul peak the steps are measured against."""
    a, b = rng.normal(size=(N1, N0)), rng.normal(size=(N0, M))

    def product(state):
        a @ b
        return state
    return product


def best_rate(rng) -> float:
    """The best rate of many single products of that size, for reference."""
    a, b = rng.normal(size=(N1, N0)), rng.normal(size=(N0, M))
    times = []
    for _ in range(300):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * N1 * N0 * M / min(times) / 1e9


def _add_jax(steps: dict, x, y, parameters) -> str:
    """The step as `jax.jit` compiles it, float64, when jax is installed."""
    try:
        import jax
    except ImportError:
        return "not installed"
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    jx, jy = jnp.asarray(x), jnp.asarray(y)

    def loss(p):
        z1 = p["W1"] @ jx + p["b1"]
        z2 = p["W2"] @ jax.nn.relu(z1) + p["b2"]
        return -(jy * jax.nn.log_softmax(z2, axis=0)).sum() / M

    @jax.jit
    def jax_step(p):
        grads = jax.grad(loss)(p)
        return {k: p[k] - LEARNING_RATE * grads[k] for k in p}

    def blocking_step(p):
        return jax.block_until_ready(jax_step(p))
    steps["jax.jit (XLA)"] = (blocking_step, {k: jnp.asarray(v) for k, v in parameters.items()})
    return jax.__version__


# the variables that tell OpenBLAS its kernels instead of letting it choose them for the CPU
KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def openblas_kernel() -> str | None:
    """The kernels the loaded OpenBLAS runs (`openblas_get_corename`, under the symbol names
    of NumPy's bundled build too), or None when that cannot be asked (another BLAS, no /proc)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for path in sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps))):
        library = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                       "openblas_get_corename64_", "openblas_get_corename"):
            function = getattr(library, symbol, None)
            if function is not None:
                function.restype = ctypes.c_char_p
                return function().decode()
    return None


def main() -> None:
    lines = measure()
    print("\n".join(lines), flush=True)
    told = {name: os.environ[name] for name in KERNEL_VARIABLES if name in os.environ}
    if told:   # (some machines set them for older OpenBLAS builds, which misread the CPU)
        print("# again with OpenBLAS choosing its kernels ...", flush=True)
        child = subprocess.run([sys.executable, __file__, "--table-only"], check=True, text=True,
                               capture_output=True, env={
                                   name: value for name, value in os.environ.items()
                                   if name not in KERNEL_VARIABLES})
        table = ["", "# the same with OpenBLAS choosing its kernels for the CPU (this "
                 "environment sets " + ", ".join(f"{name}={value}" for name, value in
                                                 told.items()) + "; unset here)",
                 *child.stdout.splitlines()]
        print("\n".join(table))
        lines += table
    Path(__file__).with_suffix(".txt").write_text("\n".join(lines) + "\n")


def measure() -> list[str]:
    rng = np.random.default_rng(0)
    x, y, parameters = data(rng)
    module: dict = {}
    exec(compile(generate(spec_document()), "generated", "exec"), module)
    flops = 2 * M * (2 * N1 * N0 + 3 * N2 * N1)
    gradient_z1 = rng.normal(size=(N1, M))
    steps = {
        "symnet (generated)": (lambda p: module["step"](p, x, y, LEARNING_RATE)[1],
                               dict(parameters)),
        "hand-written NumPy": (lambda p: hand_step(p, x, y, LEARNING_RATE), dict(parameters)),
        BOUND: (lambda p: bound_step(p, x, gradient_z1), dict(parameters)),
        PEAK: (peak_product(rng), None),
    }
    ours, hand = (steps[name][0](dict(parameters)) for name in ("symnet (generated)",
                                                                "hand-written NumPy"))
    if not all(np.allclose(ours[name], hand[name], rtol=1e-9, atol=1e-12) for name in hand):
        raise SystemExit("symnet's step and the hand-written one disagree: the BLAS kernels "
                         f"({openblas_kernel()}) compute wrong results on this CPU")
    try:
        import torch
        torch.set_num_threads(THREADS)
        tx, ty = torch.tensor(x), torch.tensor(y)
        tensors = {k: torch.tensor(v, requires_grad=True) for k, v in parameters.items()}

        def torch_step(p):
            z1 = p["W1"] @ tx + p["b1"]
            z2 = p["W2"] @ torch.relu(z1) + p["b2"]
            loss = -(ty * torch.log_softmax(z2, dim=0)).sum() / M
            grads = torch.autograd.grad(loss, list(p.values()))
            with torch.no_grad():
                return {k: (v - LEARNING_RATE * g).requires_grad_()
                        for (k, v), g in zip(p.items(), grads)}
        steps["PyTorch autograd (CPU)"] = (torch_step, tensors)
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    jax_version = _add_jax(steps, x, y, parameters)
    results = median_times(steps)
    peak = 2 * N1 * N0 * M / results.pop(PEAK) / 1e9
    lines = [f"# train_step: one step at N0={N0}, N1={N1}, N2={N2}, M={M}, float64, ReLU + "
             f"softmax + cross-entropy, columns; median of {STEPS} after {WARMUP} warm-up",
             f"# {platform.machine()}, {THREADS} threads, NumPy {np.__version__}, torch "
             f"{torch_version}, jax {jax_version}, {time.strftime('%Y-%m-%d')}; float64 "
             f"matmul peak {peak:.1f} GFLOP/s (W1 X, median in the same blocks; best "
             f"single product {best_rate(rng):.1f}); OpenBLAS kernels "
             f"{openblas_kernel() or 'unknown'}"]
    hand = results["hand-written NumPy"]
    bound = results.pop(BOUND)
    for name, seconds in results.items():
        lines.append(f"{name:<26}{seconds * 1e3:>8.2f} ms  {flops / seconds / 1e9:>6.1f} GFLOP/s"
                     f"  {flops / seconds / 1e9 / peak:>5.0%} of peak  "
                     f"{seconds / hand:>5.2f} x hand NumPy")
    ours = results["symnet (generated)"]
    lines.append(f"# target symnet <= 1.05 x hand NumPy: {ours / hand:.2f} x -> "
                 f"{'met' if ours <= 1.05 * hand else 'NOT met'}")
    if "PyTorch autograd (CPU)" in results:
        lines.append(f"# goal faster than PyTorch: {ours / results['PyTorch autograd (CPU)']:.2f}"
                     " x PyTorch")
    if "jax.jit (XLA)" in results:
        jit = results["jax.jit (XLA)"]
        lines.append(f"# target symnet <= jax.jit and >= 85% of peak: {ours / jit:.2f} x "
                     f"jax.jit, {flops / ours / 1e9 / peak:.0%} of peak -> "
                     f"{'met' if ours <= jit and flops / ours / 1e9 >= 0.85 * peak else 'NOT met'}")
    lines.append(f"# bound: W1 X, dZ1 X^T and W1's update alone take {bound * 1e3:.2f} ms = "
                 f"{flops / bound / 1e9 / peak:.0%} of peak; 85% leaves "
                 f"{(flops / (0.85 * peak * 1e9) - bound) * 1e3:.2f} ms for the rest of a step "
                 f"(symnet spends {(ours - bound) * 1e3:.2f} ms on it)")
    return lines


if __name__ == "__main__":
    if sys.argv[1:] == ["--table-only"]:
        print("\n".join(measure()))
    else:
        main()
