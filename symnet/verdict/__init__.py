"""Judge claims: each link read and its sides compared by numbers, proved, and a difference
explained (`claims`, `numbers`, `diagnosis`), into the verdicts of `results`.

Equality is decided numerically first (float64 at random points, at two different size sets,
then 50-digit confirmation) and proved symbolically second, under a time budget. A difference
is explained: `sign`, `factor` (a number or a power of a size), `transpose`, `index` (two free
indices swapped, or a layer superscript off by one), `shape`, else `other` with a counterexample.
"""

from .claims import APPROXIMATE, EXACT, chain_of, establish, judge, new_name, scripted_name
from .numbers import budget, clear_caches, forward_definitions
from .results import DocumentState, LinkResult, Verdict

__all__ = ["APPROXIMATE", "EXACT", "DocumentState", "LinkResult", "Verdict", "budget",
           "chain_of", "clear_caches", "establish", "forward_definitions", "judge", "new_name",
           "scripted_name"]
