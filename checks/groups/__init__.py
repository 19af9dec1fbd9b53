"""One module per exercise; importing them registers their checks, in course order."""
from . import core  # noqa: F401
