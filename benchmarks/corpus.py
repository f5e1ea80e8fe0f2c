"""symnet on the development corpus: real public derivations (corpus/*.toml), each formula
with the verdict its evidence supports (`expect`, `expect_diagnosis`, `evidence`), written
from the evidence before symnet was run on the file.

Per document: claims, the share left `unchecked` and why, the documented errors found with the
right diagnosis, false alarms (a formula that holds judged wrong, or an error given another
diagnosis), and seconds; then the totals against the targets: every documented error found
with the right diagnosis, no false alarm, at most 10 % unchecked.

Run: python benchmarks/corpus.py  (results: corpus.txt next to it).
"""

from __future__ import annotations

import platform
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symnet.check import check_document  # noqa: E402
from symnet.document import load  # noqa: E402

UNCHECKED_TARGET = 0.10


def score(path: Path) -> dict:
    """One corpus document checked and compared with its expectations."""
    document = load(path)
    start = time.perf_counter()
    result = check_document(document)
    seconds = time.perf_counter() - start
    expected = {claim.id: claim for claim in document.claims}
    row = {"file": path.name, "claims": len(result.claims), "seconds": seconds,
           "unchecked": [], "errors": 0, "found": 0, "false_alarms": [], "missed": []}
    for verdict in result.claims:
        claim = expected[verdict.id]
        if verdict.verdict == "unchecked":
            row["unchecked"].append((verdict.id, verdict.message))
        if claim.expect == "wrong":
            row["errors"] += 1
            if verdict.verdict == "wrong" and claim.expect_diagnosis in (None, verdict.diagnosis):
                row["found"] += 1
            else:
                row["missed"].append((verdict.id, verdict.verdict, verdict.diagnosis))
        elif verdict.verdict == "wrong":   # a formula that holds (or approximates) judged wrong
            row["false_alarms"].append((verdict.id, verdict.diagnosis))
    return row


def reason(message: str) -> str:
    """An unchecked message without its column and link prefix: what kind of thing failed."""
    text = re.sub(r"^link \d+ \(.*?\.\.\.\): ", "", message)
    text = re.sub(r"^column \d+: ", "", text)
    return text.split(";")[0][:70]


def main() -> None:
    files = sorted((ROOT / "corpus").glob("*.toml"))
    lines = ["# corpus: symnet on real public derivations (corpus/*.toml) against the "
             "expectation of each formula",
             f"# {platform.machine()}, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}",
             f"{'document':<44}{'claims':>7}{'unchecked':>11}{'errors found':>14}"
             f"{'false alarms':>14}{'s':>7}"]
    totals = Counter()
    reasons = Counter()
    for path in files:
        row = score(path)
        unchecked = len(row["unchecked"])
        lines.append(f"{row['file']:<44}{row['claims']:>7}{unchecked:>7} "
                     f"({unchecked / max(row['claims'], 1):>3.0%}){row['found']:>8} / "
                     f"{row['errors']:<4}{len(row['false_alarms']):>10}{row['seconds']:>9.1f}")
        for claim_id, diagnosis in row["false_alarms"]:
            lines.append(f"    false alarm: {claim_id} judged wrong ({diagnosis})")
        for claim_id, verdict, diagnosis in row["missed"]:
            lines.append(f"    documented error not found: {claim_id} judged {verdict}"
                         + (f" ({diagnosis})" if diagnosis else ""))
        reasons.update(reason(message) for _, message in row["unchecked"])
        totals.update(claims=row["claims"], unchecked=unchecked, errors=row["errors"],
                      found=row["found"], false_alarms=len(row["false_alarms"]),
                      seconds=row["seconds"])
        print(lines[-1], flush=True)
    share = totals["unchecked"] / max(totals["claims"], 1)
    lines += [f"{'total (' + str(len(files)) + ' documents)':<44}{totals['claims']:>7}"
              f"{totals['unchecked']:>7} ({share:>3.0%}){totals['found']:>8} / "
              f"{totals['errors']:<4}{totals['false_alarms']:>10}{totals['seconds']:>9.1f}",
              "",
              f"targets: every documented error found with its diagnosis: "
              f"{'met' if totals['found'] == totals['errors'] else 'NOT met'}; "
              f"0 false alarms: {'met' if totals['false_alarms'] == 0 else 'NOT met'}; "
              f"at most {UNCHECKED_TARGET:.0%} unchecked: "
              f"{'met' if share <= UNCHECKED_TARGET else 'NOT met'}",
              "", "why formulas were left unchecked (count):"]
    lines += [f"  {count:>3}  {text}" for text, count in reasons.most_common()]
    print("\n".join(lines[-len(reasons) - 4:]))
    (Path(__file__).with_suffix(".txt")).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
