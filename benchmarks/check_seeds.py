"""Wall time of `symnet check derivations/`, per document and in total, cold: each run in a
fresh Python process (imports, grammar construction and SymPy's caches included).

Run: python benchmarks/check_seeds.py  (results: check_seeds.txt next to it). Targets: all four
seed documents in under 20 s on a 2-core machine; at least 90 % of the claims that hold proved
symbolically (the `proof` of each verdict in `--json`). The last column counts the holds proved
as matrix algebra for every size (`for_all_sizes`).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 20
TARGET_SYMBOLIC = 0.9


def timed(paths: list[Path]) -> tuple[float, int, int, int]:
    """Seconds, holds proved symbolically, holds, and holds proved for every size."""
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "check.json"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "symnet", "check", "--json", str(output),
                        *map(str, paths)], cwd=ROOT, capture_output=True, check=False)
        seconds = time.perf_counter() - start
        claims = [claim for document in json.loads(output.read_text())["documents"]
                  for claim in document["claims"] if claim["verdict"] == "holds"]
    return (seconds, sum(claim["proof"] == "symbolic" for claim in claims), len(claims),
            sum(bool(claim.get("for_all_sizes")) for claim in claims))


def main() -> None:
    files = sorted((ROOT / "derivations").glob("*.toml"))
    lines = ["# check_seeds: `symnet check` wall time, cold (a fresh process per run)",
             f"# {platform.machine()}, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}"]
    print("\n".join(lines), flush=True)
    lines.append(f"{'document':<42}{'time':>10}   holds proved symbolically   "
                 "of them for all sizes")
    for path in files:
        seconds, symbolic, holds, every = timed([path])
        line = f"{path.name:<42}{seconds:>8.1f} s   {symbolic:>3} / {holds:<3}{every:>27}"
        lines.append(line)
        print(line, flush=True)
    total, symbolic, holds, every = timed([ROOT / "derivations"])
    share = symbolic / holds if holds else 1.0
    lines.append(f"{'all of derivations/ (one command)':<42}{total:>8.1f} s   "
                 f"{symbolic:>3} / {holds:<3} = {share:.0%}{every:>20}")
    lines.append(f"# target < {TARGET_SECONDS} s: {'met' if total < TARGET_SECONDS else 'NOT met'}"
                 f"; target >= {TARGET_SYMBOLIC:.0%} of holds proved symbolically: "
                 f"{'met' if share >= TARGET_SYMBOLIC else 'NOT met'}")
    print("\n".join(lines[-2:]))
    Path(__file__).with_suffix(".txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
