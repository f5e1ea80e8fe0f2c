"""Equality by numbers first, proof second: random points that exercise the network, both sides
evaluated in float64 and confirmed at 50 digits, and the symbolic proof under a time budget."""

from __future__ import annotations

import itertools
import signal
from contextlib import contextmanager
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..network import Network
from ..numeric import Evaluation, NotNumeric
from ..reading import Reading
from ..resolve.values import INDEX_NAMES
from ..resolve import Indexed, MatrixValue, Unresolvable, merge_ranges

TOLERANCE = 1e-9
POINTS = 2
# the proof's work is bounded by PROOF_MAX_OPS and its steps (the slowest seed proof takes
# 0.35 s); the clock is only the guard against a hang, set well above, so that whether a claim
# is proved does not depend on how loaded the machine is (reports must not change with it)
PROOF_SECONDS = 2.0
BUDGET_REPEAT = 0.2   # seconds between alarms once a budget has run out
PROOF_MAX_OPS = 400   # larger differences are left to the numbers


@dataclass
class Comparison:
    equal: bool
    shape_ok: bool
    lhs: np.ndarray | None = None
    rhs: np.ndarray | None = None
    labels: list | None = None
    message: str = ""
    point: dict | None = None


def random_point(network: Network, seed: int, dummies: dict, digits: int | None = None,
                 signed: frozenset = frozenset()) -> dict:
    """Random values for the leaves (targets in (0, 1)), the link's dummy variables and the
    learning rate; the leaves depend only on the seed, so every link sees the same network.
    The dummies are positive (`log x`), those a condition tests (`signed`) are negative at
    every other seed, so both cases of `1 if x > 0, else 0` are exercised."""
    rng = np.random.default_rng(seed)
    number = (lambda x: mpmath.mpf(float(x))) if digits else float
    point = {}
    for node in network.graph.leaves:
        low, high = (0.1, 0.9) if node.kind == "target" else (-1.5, 1.5)
        values = rng.uniform(low, high, node.shape)
        if node.kind == "target" and network.spec.loss.loss.distribution_targets:
            axis = 1 if network.spec.samples == "rows" else 0   # each sample sums to 1
            values = values / values.sum(axis=axis, keepdims=True)
        for symbol, value in zip(node.symbols, values.flat):
            point[symbol] = number(value)
    for symbol in sorted(dummies.values(), key=str):
        sign = -1 if symbol in signed and seed % 2 else 1
        point[symbol] = number(sign * rng.uniform(0.2, 1.2))
    point[sp.Symbol("_eta", positive=True)] = number(0.1)
    l2 = network.spec.l2
    if l2 is not None and isinstance(l2.coefficient, sp.Symbol):   # lambda, a named constant
        point[l2.coefficient] = number(0.37)
    return point


def point_values(network: Network, point: dict, overrides: dict | None = None,
                 key: tuple | None = None) -> Evaluation:
    """The values of the network's nodes and adjoints at the point, computed as they are
    asked for; `overrides` replaces the backward rule of some adjoints by the document's own
    (approximate) formula for them. Values without overrides are kept on the network under
    `key` (seed, digits): every claim of a document reads the same points."""
    definitions = _definitions(network)
    digits = key[1] if key is not None else None
    if overrides:
        return Evaluation(dict(point), digits, {**definitions, **overrides})
    cache = network.__dict__.setdefault("_numeric_values", {})
    if key is None:
        return Evaluation(dict(point), digits, definitions)
    if key not in cache:
        cache[key] = {}
    values = cache[key]
    values.update(point)   # the leaves depend on the seed only; a link's dummies are added
    return Evaluation(values, digits, definitions)


def forward_definitions(network: Network) -> dict:
    """Every non-leaf entry symbol -> its forward expression."""
    return {symbol: value for node in network.graph.nodes.values()
            if node.definition is not None
            for symbol, value in zip(node.symbols, node.definition)}


def _definitions(network: Network) -> dict:
    """Every non-leaf entry symbol -> its forward expression, every adjoint symbol -> its
    backward step."""
    found = network.__dict__.get("_definitions")
    if found is None:
        found = forward_definitions(network)
        graph, adjoints = network.graph, network.adjoints
        for name in graph.nodes:
            found.update(zip(adjoints.bars[name], adjoints.local[name]))
        network.__dict__["_definitions"] = found
    return found


_ENTRY_CACHE: dict = {}


def entries_of(value, ranges: dict, names=None) -> tuple[list, list]:
    """The value's entries (and their labels), over `names` (default: its free indices).
    Kept per value: the same side is evaluated at many points and in several diagnoses."""
    key = (id(value), tuple(sorted(names or ())), tuple(sorted(ranges.items())))
    cached = _ENTRY_CACHE.get(key)
    if cached is not None and cached[0] is value:
        return cached[1]
    result = _compute_entries(value, ranges, names)
    _ENTRY_CACHE[key] = (value, result)
    return result


def clear_caches() -> None:
    """Forget the entries kept for a document's values (call between documents)."""
    _ENTRY_CACHE.clear()


def _compute_entries(value, ranges: dict, names=None) -> tuple[list, list]:
    if isinstance(value, MatrixValue):
        return ([value.matrix[i, j] for i in range(value.shape[0])
                 for j in range(value.shape[1])],
                [(i + 1, j + 1) for i in range(value.shape[0]) for j in range(value.shape[1])])
    names = sorted(value.free if names is None else names)
    missing = [name for name in names if name not in ranges]
    if missing:
        raise Unresolvable(f"the range of index {missing[0]} is not known")
    assignments = [dict(zip(names, combo))
                   for combo in itertools.product(*(range(ranges[n]) for n in names))]
    return ([value.at(a) for a in assignments],
            [{k: v + 1 for k, v in a.items()} for a in assignments])


def _shape_of(value) -> str:
    if isinstance(value, MatrixValue):
        return f"{value.shape[0]}x{value.shape[1]}"
    return "indexed by " + (", ".join(sorted(INDEX_NAMES.get(index, index)
                                             for index in value.free)) or "nothing (a scalar)")


CANDIDATE_SEEDS = 6
MAX_POINTS = POINTS + 1


def _exercising_seeds(network: Network) -> list[int]:
    """The points a claim is evaluated at. With ReLU layers, chosen among CANDIDATE_SEEDS so
    that every ReLU pre-activation entry is positive at one point and negative at another (as
    far as MAX_POINTS points allow): where a unit is off, both sides of a claim can agree by
    accident, and a missing ReLU' factor would go unnoticed."""
    cached = network.__dict__.get("_seeds")
    if cached is not None:
        return cached
    kinks = [symbol for number, layer in enumerate(network.layers, start=1)
             if layer.activation.name == "relu"
             for symbol in network.graph.nodes[f"Z[{number}]"].symbols]
    seeds = list(range(POINTS))
    if kinks:
        covers = {}
        for seed in range(CANDIDATE_SEEDS):
            values = point_values(network, random_point(network, seed, {}), key=(seed, None))
            covers[seed] = {(symbol, values(symbol) > 0) for symbol in kinks}
        seeds, covered = [], set()
        while len(seeds) < MAX_POINTS and len(covered) < 2 * len(kinks):
            best = max((seed for seed in covers if seed not in seeds),
                       key=lambda seed: len(covers[seed] - covered))
            if not covers[best] - covered and len(seeds) >= POINTS:
                break
            seeds.append(best)
            covered |= covers[best]
    network.__dict__["_seeds"] = seeds
    return seeds


def evaluate(reading: Reading, seeds=None, digits=None) -> Comparison:
    lhs, rhs = reading.lhs, reading.rhs
    seeds = _exercising_seeds(reading.network) if seeds is None else seeds
    if isinstance(lhs, MatrixValue) != isinstance(rhs, MatrixValue) and not (
            _is_scalar(lhs) and _is_scalar(rhs)):
        return Comparison(False, False, message=f"the left side is {_shape_of(lhs)}, the "
                                                f"right side {_shape_of(rhs)}")
    if isinstance(lhs, MatrixValue) and isinstance(rhs, MatrixValue) and lhs.shape != rhs.shape:
        return Comparison(False, False, message=f"the left side is {_shape_of(lhs)}, the "
                                                f"right side {_shape_of(rhs)}")
    # the right side may be constant along an index of the left (dz_i/dW_ij = h_j, every i);
    # an index free only on the right is unbound
    if isinstance(lhs, Indexed) and isinstance(rhs, Indexed) and not rhs.free <= lhs.free:
        left, right = (", ".join(sorted(side.free)) or "none" for side in (lhs, rhs))
        message = f"free indices differ: {left} on the left, {right} on the right"
        repeated = sorted(rhs.free - lhs.free)
        if repeated and set(repeated) <= reading.repeated:
            # `z_i = W_{ij} x_j` in a document that leaves such sums implicit
            message += (f" ({', '.join(repeated)} repeated in a product and not summed; if the "
                        "document sums repeated indices, declare summation = \"einstein\" "
                        "in [document])")
        return Comparison(False, False, message=message)
    ranges = merge_ranges(lhs, rhs)
    names = lhs.free if isinstance(lhs, Indexed) else None
    left, labels = entries_of(scalar_form(lhs), ranges, names)
    right, _ = entries_of(scalar_form(rhs), ranges, names)
    lefts, rights, point0 = [], [], None
    for seed in seeds:
        point = random_point(reading.network, seed, reading.dummies, digits, reading.signed)
        values = point_values(reading.network, point, reading.overrides, key=(seed, digits))
        point0 = point0 or point
        lefts.append([number_at(e, values) for e in left])
        rights.append([number_at(e, values) for e in right])
    a, b = np.array(lefts, dtype=float), np.array(rights, dtype=float)
    scale = max(np.abs(a).max(initial=0), np.abs(b).max(initial=0), 1.0)
    equal = bool(np.all(np.abs(a - b) <= TOLERANCE * scale))
    return Comparison(equal, True, a, b, labels, point=point0)


def side_entries(reading: Reading) -> tuple[list, list]:
    """The entries of both sides, over the left side's free indices."""
    ranges = merge_ranges(reading.lhs, reading.rhs)
    names = reading.lhs.free if isinstance(reading.lhs, Indexed) else None
    left, _ = entries_of(scalar_form(reading.lhs), ranges, names)
    right, _ = entries_of(scalar_form(reading.rhs), ranges, names)
    return left, right


def _is_scalar(value) -> bool:
    return (isinstance(value, Indexed) and not value.free) or (
        isinstance(value, MatrixValue) and value.shape == (1, 1))


def scalar_form(value):
    if isinstance(value, MatrixValue) and value.shape == (1, 1):
        return Indexed.scalar(value.matrix[0, 0])
    return value


def number_at(expression, values: Evaluation) -> float:
    try:
        return values.number(expression)
    except NotNumeric as error:
        raise Unresolvable(f"a value symnet cannot evaluate: {error}") from None


def compare(reading: Reading, confirm: bool = True) -> Comparison:
    """Float64 at POINTS points; then, when `confirm`, one more point at 50 digits."""
    comparison = evaluate(reading)
    if comparison.equal and confirm:   # float64 misses a relative error of 1e-12
        precise = evaluate(reading, seeds=[CANDIDATE_SEEDS + 1], digits=50)
        if not precise.equal:
            return precise
    return comparison


@contextmanager
def budget(seconds: float):
    """Stop the work inside with TimeoutError after `seconds`. The alarm repeats until the work
    has stopped: an exception raised where Python ignores it (a garbage collector's callback
    running at that moment) must not let the work run on unbounded."""
    def stop(signum, frame):
        raise TimeoutError
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, BUDGET_REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def prove(reading: Reading) -> str:
    """`symbolic` when the difference of the two sides is 0 as algebra, within the budget:
    first with the adjoints and nodes written out one step at a time (a formula usually holds
    one or two steps from its symbols), then with every adjoint written out in full; `numeric`
    otherwise."""
    try:
        with budget(PROOF_SECONDS):
            left, right = side_entries(reading)
            differences = [sp.sympify(a - b) for a, b in zip(left, right)]
            if all(_vanishes_stepwise(d, reading.network) for d in differences):
                return "symbolic"
            explicit = reading.network.adjoints.explicit_map()
            for difference in differences:
                difference = difference.xreplace(explicit)
                if sp.count_ops(difference) > PROOF_MAX_OPS:
                    return "numeric"
                if sp.expand(difference) != 0 and sp.simplify(difference) != 0:
                    return "numeric"
        return "symbolic"
    except (TimeoutError, RecursionError, Unresolvable):
        return "numeric"


def smallest(readings: list[Reading]) -> Reading:
    """The reading at the size set with the fewest network entries: a proof as algebra there
    is as much a proof as at the other (both sets are checked in numbers), and the work of
    expanding products of sums grows quickly with the sizes."""
    return min(readings, key=lambda reading: sum(
        len(node.symbols) for node in reading.network.graph.nodes.values()))


PROOF_STEPS = 12
CANCEL_MAX_OPS = 200


def _vanishes_stepwise(difference: sp.Expr, network: Network) -> bool:
    """0 after writing symbols out by their one-step definitions, the last computed first (a
    gradient before the adjoints it is made of, those before the nodes): the two sides of a
    true formula usually meet a few steps from what was written."""
    local, rank = _definitions(network), _computation_order(network)
    for _ in range(PROOF_STEPS):
        if sp.count_ops(difference) > PROOF_MAX_OPS:
            return False
        expanded = sp.expand(difference)
        if expanded == 0:
            return True
        # fractions (a cross entropy's derivative) cancel only over a common denominator;
        # worth trying on small differences only
        if sp.count_ops(expanded) < CANCEL_MAX_OPS and expanded.has(sp.Pow) and \
                sp.cancel(expanded) == 0:
            return True
        known = [symbol for symbol in expanded.free_symbols if symbol in local]
        if not known:   # only leaves left: an identity of functions (tanh as exponentials)
            return sp.cancel(expanded.rewrite(sp.exp)) == 0 or sp.simplify(expanded) == 0
        last = max(rank.get(symbol, -1) for symbol in known)
        difference = expanded.xreplace({symbol: local[symbol] for symbol in known
                                        if rank.get(symbol, -1) == last})
    return False


def _computation_order(network: Network) -> dict:
    """Entry symbol -> when it is computed: the forward nodes in order, then the adjoints from
    the loss back."""
    found = network.__dict__.get("_order")
    if found is None:
        names = list(network.graph.nodes)
        found = {symbol: number for number, name in enumerate(names)
                 for symbol in network.graph.nodes[name].symbols}
        found.update({bar: len(names) + number for number, name in enumerate(reversed(names))
                      for bar in network.adjoints.bars[name]})
        network.__dict__["_order"] = found
    return found
