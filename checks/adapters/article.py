"""The default adapter: drives an implementation of the article's API (docs/contract.md)."""
from ..failures import Mismatch
from ..graphs import CLASS_NAMES, Graph, Node
from ..values import as_float
from .base import Adapter

UPSTREAM = 1.5  # d loss / d root given to backward(): not 1, so a dropped chain factor shows

#: the exercise each public name belongs to (core names are 'core')
NAME_EXERCISE = {
    'build_linear_regression': 'ex1', 'sgd_by_hand': 'ex1', 'Macro': 'ex4', 'Linear': 'ex4',
    'Output': 'ex5', 'SoftMax': 'ex5', 'cce_loss': 'ex5', 'cce_loss_grad': 'ex5',
}


class MissingName(Exception):
    """The implementation does not define a name of the contract."""

    def __init__(self, name):
        super().__init__(f'the implementation defines no `{name}` at its top level '
                         '(docs/contract.md, section 1)')
        self.name = name
        self.exercise = NAME_EXERCISE.get(name, 'core')


class Api:
    """The implementation's public names, looked up when first used: `adapter.api.Add`."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise MissingName(name) from None


class ArticleAdapter(Adapter):
    levels = frozenset({'functional', 'article'})

    def __init__(self, module, name=None, source_paths=()):
        self.module = module
        self.api = Api(module)
        self.name = name or getattr(module, '__name__', 'implementation')
        self.source_paths = tuple(source_paths)

    # --- article level ------------------------------------------------------------------------

    def build(self, graph):
        """The graph in the implementation's classes: a list of nodes, indexed like graph.nodes."""
        built = []
        for node in graph.nodes:
            if node.kind == 'input':
                named = {'name': node.name} if node.name is not None else {}
                built.append(self.api.Input(value=node.value, **named))
            elif node.kind == 'param':
                built.append(self.api.Parameter(value=node.value,
                                                learning_rate=node.learning_rate))
            else:
                cls = getattr(self.api, CLASS_NAMES[node.kind])
                built.append(cls([built[o] for o in node.operands]))
        return built

    def elementary_classes(self):
        return {kind: getattr(self.api, name) for kind, name in CLASS_NAMES.items()}

    def describe(self, root):
        """The implementation's graph below `root` as a Graph, and its nodes in the same order.

        Raises Mismatch if a node is not one of the elementary classes (e.g. a Macro left over).
        """
        classes = self.elementary_classes()
        index, nodes, built = {}, [], []
        stack = [(root, False)]
        while stack:
            obj, children_done = stack.pop()
            if id(obj) in index:
                continue
            children = list(getattr(obj, 'children', None) or [])
            if not children_done:
                stack.append((obj, True))
                stack.extend((child, False) for child in reversed(children)
                             if id(child) not in index)
                continue
            kind = _kind_of(obj, classes)
            if kind == 'input':
                node = Node('input', value=as_float(obj.value, 'an Input value'),
                            name=getattr(obj, 'name', None))
            elif kind == 'param':
                node = Node('param', value=as_float(obj.value, 'a Parameter value'),
                            learning_rate=as_float(obj.learning_rate, 'a learning rate'))
            else:
                node = Node(kind, operands=tuple(index[id(child)] for child in children))
            index[id(obj)] = len(nodes)
            nodes.append(node)
            built.append(obj)
        return Graph(tuple(nodes)), built

    # --- functional level ---------------------------------------------------------------------

    def value(self, graph):
        built = self.build(graph)
        return as_float(built[graph.root].forward(), 'forward()')

    def gradient(self, graph, upstream=UPSTREAM):
        """d root / d parameter, read from the update one backward(upstream) makes."""
        built = self.build(graph)
        root = built[graph.root]
        as_float(root.forward(), 'forward()')
        root.backward(upstream)
        return {i: _step(graph.nodes[i], built[i], upstream) for i in graph.parameters}


def _step(node, parameter, upstream):
    """The gradient a Parameter's update implies: (old - new) / (learning_rate * d)."""
    new = as_float(parameter.value, 'a Parameter value after backward()')
    return (node.value - new) / (node.learning_rate * upstream)


def _kind_of(obj, classes):
    # Most specific first: a student's Parameter might subclass Input, or SoftMax subclass Add.
    for kind in ('param', 'input', 'add', 'mul', 'relu', 'sigmoid'):
        if type(obj) is classes[kind]:
            return kind
    for kind in ('param', 'input', 'add', 'mul', 'relu', 'sigmoid'):
        if isinstance(obj, classes[kind]):
            return kind
    raise Mismatch(f'the graph contains a node of class {type(obj).__name__}, which is not one of the '
                   'elementary classes (Input, Parameter, Add, Multiply, ReLU, Sigmoid)')
