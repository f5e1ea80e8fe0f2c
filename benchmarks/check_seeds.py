"""Wall time of `symnet check derivations/`, per document and in total, cold: each run in a
fresh Python process (imports, grammar construction and SymPy's caches included).

Run: python benchmarks/check_seeds.py  (results: check_seeds.txt next to it). Target: all four
seed documents in under 20 s on a 2-core machine.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 20


def timed(paths: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "symnet", "check", *map(str, paths)],
                   cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    files = sorted((ROOT / "derivations").glob("*.toml"))
    lines = ["# check_seeds: `symnet check` wall time, cold (a fresh process per run)",
             f"# {platform.machine()}, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}"]
    print("\n".join(lines), flush=True)
    for path in files:
        line = f"{path.name:<42}{timed([path]):>8.1f} s"
        lines.append(line)
        print(line, flush=True)
    total = timed([ROOT / "derivations"])
    lines.append(f"{'all of derivations/ (one command)':<42}{total:>8.1f} s   "
                 f"target < {TARGET_SECONDS} s: {'met' if total < TARGET_SECONDS else 'NOT met'}")
    print(lines[-1])
    Path(__file__).with_suffix(".txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
