"""`symnet check --watch`: a save is checked again and only the verdicts that changed are
printed; a half-written file is reported and watching goes on."""

from __future__ import annotations

import threading
import time

from watchfiles import Change, watch

from symnet.cli import main
from symnet.watch import watch_and_check

DOCUMENT = """
[document]
title = "watched"

[network]
samples = "columns"
batch = "M"
inputs = "N_0"
sizes = { N_0 = 3, N_1 = 3, N_2 = 2, M = 4 }
layers = [{ units = "N_1", activation = "tanh" }, { units = "N_2", activation = "identity" }]
loss = { kind = "squared_error", scale = "1/2", reduction = "mean" }

[notation]
'W^{(l)}' = "weight[l]"
'A^{(l)}' = "activation[l]"
'\\delta^{(l)}' = "adjoint(preactivation[l])"
'L' = "loss"

[[claim]]
id = "dW"
latex = '\\frac{\\partial L}{\\partial W^{(2)}} = SIGN\\delta^{(2)} A^{(1)T}'

[[claim]]
id = "same"
latex = '\\frac{\\partial L}{\\partial W^{(1)}} = \\frac{\\partial L}{\\partial W^{(1)}}'
"""


def test_a_save_prints_only_the_claims_that_changed(tmp_path):
    path = tmp_path / "doc.toml"
    path.write_text(DOCUMENT.replace("SIGN", ""))

    def saves():
        path.write_text(DOCUMENT.replace("SIGN", "-"))
        yield {(Change.modified, str(path))}
        path.write_text("[document\n")                      # saved half-way through an edit
        yield {(Change.modified, str(path))}
        path.write_text(DOCUMENT.replace("SIGN", "-"))
        yield {(Change.modified, str(path))}

    lines: list[str] = []
    watch_and_check([path], saves(), lines.append)
    first = lines.index(next(line for line in lines if line.startswith("watching")))
    assert "holds" in "\n".join(lines[:first])
    changed = lines[first + 1:]
    assert changed[0].endswith("1 claim(s) changed; 2 claims: 1 holds, 1 wrong")
    assert changed[1].startswith("  ~ dW: holds -> wrong (sign)")
    assert "same" not in "\n".join(changed)
    assert changed[2].startswith("symnet: error:") and "doc.toml" in changed[2]
    assert "no verdict changed" in changed[3]


def test_watching_reacts_to_a_real_save(tmp_path):
    path = tmp_path / "doc.toml"
    path.write_text(DOCUMENT.replace("SIGN", ""))
    stop = threading.Event()

    def save_later():
        time.sleep(0.8)
        path.write_text(DOCUMENT.replace("SIGN", "2 "))

    def first_batch():
        for batch in watch(path, stop_event=stop, debounce=100, rust_timeout=10_000):
            stop.set()
            yield batch

    threading.Thread(target=save_later, daemon=True).start()
    lines: list[str] = []
    watch_and_check([path], first_batch(), lines.append)
    assert any("~ dW: holds -> wrong (factor)" in line for line in lines)


def test_watch_refuses_json(tmp_path, capsys):
    path = tmp_path / "doc.toml"
    path.write_text(DOCUMENT.replace("SIGN", ""))
    assert main(["check", str(path), "--watch", "--json", "-"]) == 2
    assert "--watch" in capsys.readouterr().err
