"""What checks need from an implementation, in two levels.

Functional level (any autodiff library): build a graph from a description, give its value, give
d root / d parameter for each Parameter. Gradient and multi-parent checks need only this.
Article level (the article's API): mutable nodes, predict, compile, caching, macros, outputs,
funcify. The exercise checks use it through `adapter.api` and `adapter.build`.
"""
from ..strategies import ALL_OPERATIONS


class Adapter:
    """The functional level. Subclass it and override `value` and `gradient`."""

    name = 'adapter'
    #: operation kinds (see checks.graphs.OPERATION_KINDS) this implementation can build;
    #: generated graphs use only these.
    operations = ALL_OPERATIONS
    #: 'functional', plus 'article' when `api` and `build` are available.
    levels = frozenset({'functional'})
    #: files or folders whose frames are the student's own (tracebacks are trimmed to them).
    source_paths = ()

    def value(self, graph):
        """Build `graph` afresh and return the value of its root as a float."""
        raise NotImplementedError

    def gradient(self, graph):
        """Build `graph` afresh and return {parameter index: d root / d parameter}."""
        raise NotImplementedError
