"""`symnet check --watch`: check the documents again whenever one is saved, and print only the
claims whose verdict changed (file events from `watchfiles`, not a polling loop of our own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from .check import DocumentResult, as_text, check_document, summary
from .document import load
from .errors import InputError
from .verdict import Verdict


def _line(claim: Verdict) -> str:
    reason = claim.diagnosis or claim.proof or ""
    reason = f" ({reason})" if reason else ""
    return f"{claim.verdict}{reason}: {claim.message}"[:160].rstrip(": ")


def changes(before: DocumentResult | None, after: DocumentResult) -> list[str]:
    """What differs between two checks of a document, claim by claim (by id)."""
    old = {claim.id: claim for claim in before.claims} if before else {}
    new = {claim.id: claim for claim in after.claims}
    lines = []
    for claim_id, claim in new.items():
        previous = old.get(claim_id)
        if previous is None:
            lines.append(f"  + {claim_id}: {_line(claim)}")
        elif (previous.latex, previous.verdict, previous.diagnosis, previous.message) != \
                (claim.latex, claim.verdict, claim.diagnosis, claim.message):
            lines.append(f"  ~ {claim_id}: {previous.verdict} -> {_line(claim)}")
    lines += [f"  - {claim_id}: removed" for claim_id in old if claim_id not in new]
    return lines


def watch_and_check(files: list[Path], events: Iterable | None = None,
                    out: Callable[[str], None] = print, workers: int = 1) -> None:
    """Check every file, then again after each batch of file events (default: `watchfiles`
    on the files, until interrupted), printing only what changed."""
    results: dict[Path, DocumentResult] = {}
    for path in files:
        results[path] = check_document(load(path), workers=workers)
        out(as_text(results[path]))
    out(f"watching {len(files)} file(s) for changes (Ctrl-C to stop) ...")
    if events is None:
        from watchfiles import watch
        events = watch(*files)
    resolved = {path.resolve(): path for path in files}
    for batch in events:
        touched = {resolved[Path(name).resolve()] for _, name in batch
                   if Path(name).resolve() in resolved}
        for path in sorted(touched):
            try:
                result = check_document(load(path), workers=workers)
            except InputError as error:   # a half-saved file: say so, keep watching
                out(f"symnet: error: {error}")
                continue
            found = changes(results.get(path), result)
            results[path] = result
            out(f"{path}: " + (f"{len(found)} claim(s) changed; " if found else
                               "no verdict changed; ") + summary(result))
            for line in found:
                out(line)
