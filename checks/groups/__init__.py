"""One module per exercise; importing them registers their checks, in course order."""
from . import core, ex1, ex2, ex3, ex4, ex5, ex6, ex7  # noqa: F401
