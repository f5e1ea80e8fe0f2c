"""symnet: check hand-written backpropagation derivations against gradients it derives itself."""

__version__ = "0.1.0"
