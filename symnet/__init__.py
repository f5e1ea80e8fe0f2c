"""symnet: check hand-written backpropagation derivations against gradients it derives itself.

`symnet.load(path)` reads a derivation file; `.check()`, `.derive()` and `.train()` give the
results the command line prints, with displays for Jupyter.
"""

__version__ = "0.1.0"

from .api import LoadedDocument, load  # noqa: E402  (after the version, which cli reads)

__all__ = ["LoadedDocument", "load", "__version__"]
