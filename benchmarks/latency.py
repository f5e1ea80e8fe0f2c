"""How long a person waits: each command of the latency issue timed as a fresh process (imports
and caches included; the median of three runs), beside the figure measured before the work, and
the claim parser alone, Earley (the parser symnet had) against LALR (the one it has), on the same
grammar in one run.

The large network is the seed-003 document with its sizes set to 784-256-10 and M = 256,
written to a temporary directory.

Run: python benchmarks/latency.py  (results: latency.txt next to it). `report` needs TeX (as
README says); without it that row measures the run without PDFs and says so.
"""

from __future__ import annotations

import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from lark import Lark

from symnet.grammar import GRAMMAR, _Disambiguate, blank_layout, equations

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "derivations" / "003_hidden_layers.toml"
LARGE_SIZES = "sizes = { N_0 = 784, N_1 = 256, N_2 = 10, M = 256 }"
PARSER_ROUNDS = 3
RUNS = 3


def timed(*arguments: str) -> tuple[float, str]:
    """Seconds for `symnet ARGUMENTS` in a fresh process, and its last line of output."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "symnet", *arguments], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    last = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or [""])[-1]
    return seconds, last


def large_document(directory: Path) -> Path:
    text = SEED.read_text()
    path = directory / "003_at_784_256_10.toml"
    path.write_text(re.sub(r"^sizes = .*$", LARGE_SIZES, text, count=1, flags=re.M))
    return path


def parser_speed() -> list[str]:
    """Claims per second of each parser on every equation of derivations/ (no cache)."""
    texts = []
    for path in sorted((ROOT / "derivations").glob("*.toml")):
        for claim in tomllib.loads(path.read_text()).get("claim", []):
            texts += [blank_layout(text) for text in equations(claim["latex"])]
    lines = []
    speeds = {}
    for name in ("earley", "lalr"):
        options = dict(ambiguity="resolve") if name == "earley" else {}
        parser = Lark(GRAMMAR, parser=name, lexer="basic", propagate_positions=True,
                      postlex=_Disambiguate(), **options)
        start = time.perf_counter()
        parsed = 0
        for _ in range(PARSER_ROUNDS if name == "lalr" else 1):
            for text in texts:
                try:
                    parser.parse(text)
                    parsed += 1
                except Exception:   # the claims symnet reports as unreadable
                    parsed += 1
        speeds[name] = parsed / (time.perf_counter() - start)
        lines.append(f"parser {name.upper():<7}{speeds[name]:>10.0f} claims/s"
                     f"   ({len(texts)} equations of derivations/)")
    lines.append(f"# LALR is {speeds['lalr'] / speeds['earley']:.0f} x Earley on the same grammar")
    return lines


def main() -> None:
    tex = shutil.which("latexmk") is not None
    lines = ["# latency: wall time of each command as a fresh process (cold, the median of "
             f"{RUNS} runs); before = measured when the latency issue was filed",
             f"# {platform.machine()}, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}, TeX {'installed' if tex else 'NOT installed'}",
             f"{'command':<58}{'before':>9}{'now':>9}   target"]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        large = large_document(Path(scratch))
        rows = [
            ("symnet check derivations/003_hidden_layers.toml", ["check", str(SEED)],
             "12.6 s", 2),
            ("symnet check derivations/", ["check", "derivations"], "22 s", 3),
            ("symnet train derivations/003_hidden_layers.toml --compare",
             ["train", str(SEED), "--compare"], "23.8 s", 3),
            ("symnet report derivations/ (main job)",
             ["report", "derivations", "-o", str(Path(scratch) / "reports")], "62 s", 20),
            ("symnet check 003 at 784-256-10", ["check", str(large)], "hangs", 5),
            ("symnet derive 003 at 784-256-10", ["derive", str(large)], "hangs", None),
        ]
        for label, arguments, before, target in rows:
            # the median of RUNS fresh processes: one run is a tenth of a second either way
            seconds = statistics.median(timed(*arguments)[0] for _ in range(RUNS))
            verdict = "(says what it does)" if target is None else \
                f"< {target} s: {'met' if seconds < target else 'NOT met'}"
            lines.append(f"{label:<58}{before:>9}{seconds:>7.2f} s   {verdict}")
            print(lines[-1], flush=True)
    lines += parser_speed()
    print("\n".join(lines[-3:]))
    Path(__file__).with_suffix(".txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
