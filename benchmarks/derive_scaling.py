"""Exact gradients of every parameter of the seed-003 network (ReLU hidden layer, softmax
output, squared error 1/(2M), samples as columns) as explicit SymPy expressions.

symnet (reverse mode over named nodes) versus the baseline a SymPy user would write: the loss
as one expression of the inputs and parameters, then `sympy.diff` for every parameter entry.
Both run in this process, SymPy's cache cleared before each; the baseline is stopped after
120 s. Run: python benchmarks/derive_scaling.py  (results: derive_scaling.txt next to it)
"""

from __future__ import annotations

import platform
import signal
import time
from pathlib import Path

import sympy as sp
from sympy.core.cache import clear_cache

from symnet.document import parse
from symnet.network import build

SIZES = [(3, 4, 3, 5), (4, 8, 3, 10), (8, 16, 4, 16), (16, 32, 10, 32)]
CAP_SECONDS = 120


class OutOfTime(Exception):
    pass


def seed_003_spec(n0: int, n1: int, n2: int, m: int):
    return parse({"document": {"title": "benchmark"}, "network": {
        "samples": "columns", "batch": "M", "inputs": "N_0",
        "sizes": {"N_0": n0, "N_1": n1, "N_2": n2, "M": m},
        "layers": [{"units": "N_1", "activation": "relu"},
                   {"units": "N_2", "activation": "softmax"}],
        "loss": {"kind": "squared_error", "scale": "1/2", "reduction": "mean"}}}).network


def symnet_gradients(spec) -> int:
    network = build(spec)
    return sum(len(network.gradient(name)) for name in network.parameters())


def baseline_gradients(spec) -> int:
    """The loss written with SymPy matrices, then `sympy.diff` entry by entry."""
    n0, n1, n2, m = (spec.sizes[k] for k in ("N_0", "N_1", "N_2", "M"))
    matrix = lambda name, rows, cols: sp.Matrix(rows, cols, lambda i, j: sp.Symbol(
        f"{name}_{i}_{j}", real=True))
    x, y = matrix("X", n0, m), matrix("Y", n2, m)
    w1, b1, w2, b2 = matrix("W1", n1, n0), matrix("b1", n1, 1), matrix("W2", n2, n1), \
        matrix("b2", n2, 1)
    a1 = (w1 * x + b1 * sp.ones(1, m)).applyfunc(lambda z: sp.Max(0, z))
    z2 = w2 * a1 + b2 * sp.ones(1, m)
    exps = z2.applyfunc(sp.exp)
    a2 = sp.Matrix(n2, m, lambda i, j: exps[i, j] / sum(exps[:, j]))
    loss = sum((a2 - y).applyfunc(lambda e: e ** 2)) / (2 * m)
    count = 0
    for parameter in (w1, b1, w2, b2):
        for entry in parameter:
            sp.diff(loss, entry)
            count += 1
    return count


def timed(function, spec, cap: float | None = None) -> tuple[float | None, int]:
    clear_cache()

    def stop(signum, frame):
        raise OutOfTime

    if cap:
        signal.signal(signal.SIGALRM, stop)
        signal.alarm(int(cap))
    start = time.perf_counter()
    try:
        count = function(spec)
    except OutOfTime:
        return None, 0
    finally:
        if cap:
            signal.alarm(0)
    return time.perf_counter() - start, count


def main() -> None:
    lines = ["# derive_scaling: all parameter gradients of the seed-003 network as explicit "
             "SymPy expressions",
             f"# {platform.processor() or platform.machine()}, Python "
             f"{platform.python_version()}, SymPy {sp.__version__}, "
             f"{time.strftime('%Y-%m-%d')}",
             f"{'(N0,N1,N2,M)':<16}{'entries':>8}{'symnet':>11}{'sympy.diff':>13}{'ratio':>10}"]
    print("\n".join(lines), flush=True)
    for sizes in SIZES:
        spec = seed_003_spec(*sizes)
        ours, count = timed(symnet_gradients, spec)
        theirs, _ = timed(baseline_gradients, spec, CAP_SECONDS)
        baseline = f"{theirs:.1f} s" if theirs is not None else f"> {CAP_SECONDS} s"
        ratio = f"{theirs / ours:.1f}x" if theirs is not None else f"> {CAP_SECONDS / ours:.1f}x"
        line = (f"{str(sizes):<16}{count:>8}{ours:>9.2f} s{baseline:>13}{ratio:>10}")
        lines.append(line)
        print(line, flush=True)
    lines.append("# targets: (8,16,4,16) under 10 s, (16,32,10,32) under 60 s (symnet column)")
    print(lines[-1])
    (Path(__file__).with_suffix(".txt")).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
