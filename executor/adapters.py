"""Adapters: how the executor drives an implementation (docs/adapters.md).

`Adapter` is the functional level any autodiff engine can offer: `value(graph)` and
`gradient(graph)`. `ArticleAdapter` drives the article's API (docs/contract.md): its `api` is the
student's module and `build(graph)` makes the graph out of its classes. A user's adapter file
subclasses one of them. What an adapter *declares* (`levels`, `operations`) is read by the grader
from the adapter's source, never from this process: nothing here can change what is graded.
"""
CLASS_NAMES = {'add': 'Add', 'mul': 'Multiply', 'relu': 'ReLU', 'sigmoid': 'Sigmoid',
               'input': 'Input', 'param': 'Parameter'}
OPERATIONS = frozenset({'add', 'mul', 'relu', 'sigmoid'})


class Adapter:
    """The functional level. Subclass it and override `value` and `gradient`."""

    name = 'adapter'
    operations = OPERATIONS          # the operation kinds the engine can build
    levels = frozenset({'functional'})
    source_paths = ()                # the engine's files: tracebacks keep only their frames

    def value(self, graph):
        """Build `graph` afresh and return the value of its root as a float."""
        raise NotImplementedError

    def gradient(self, graph):
        """Build `graph` afresh and return {parameter index: d root / d parameter}."""
        raise NotImplementedError


class ArticleAdapter(Adapter):
    """The article's API: nodes are the module's classes."""

    levels = frozenset({'functional', 'article'})

    def __init__(self, module, name=None, source_paths=()):
        self.api = module
        self.name = name or getattr(module, '__name__', 'implementation')
        self.source_paths = tuple(source_paths)

    def build(self, graph):
        """The graph in the implementation's classes: a list of nodes, indexed like graph.nodes."""
        built = []
        for node in graph.nodes:
            if node.kind == 'input':
                named = {'name': node.name} if node.name is not None else {}
                built.append(getattr(self.api, 'Input')(value=node.value, **named))
            elif node.kind == 'param':
                built.append(getattr(self.api, 'Parameter')(value=node.value,
                                                            learning_rate=node.learning_rate))
            else:
                cls = getattr(self.api, CLASS_NAMES[node.kind])
                built.append(cls([built[o] for o in node.operands]))
        return built
