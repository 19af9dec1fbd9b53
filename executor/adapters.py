"""Adapters: how the executor drives an implementation (docs/adapters.md).

`Adapter` is the functional level any autodiff engine can offer: `value(graph)` and
`gradient(graph)`. `ArticleAdapter` drives the article's API (docs/contract.md): its `api` is the
student's module and `build(graph)` makes the graph out of its classes. A user's adapter file
subclasses one of them. What an adapter *declares* (`levels`, `operations`) is read by the grader
from the adapter's source, never from this process: nothing here can change what is graded.
"""
import functools
import importlib
import importlib.util
import operator

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

    def session(self, graph):
        """Optional, for the checks of repeated backward passes: `graph` built once, as an object
        with backward(i) (a backward pass from node i), grads() ({node index: its gradient},
        for every node but constants), zero_grad() (every node's gradient back to 0) and
        rebuild() (the operations built afresh over the same Inputs and Parameters)."""
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


INFIX = {'add': operator.add, 'mul': operator.mul, 'sub': operator.sub, 'div': operator.truediv,
         'pow': operator.pow}


def build_by_operators(graph, leaf, functions=None):
    """The graph in an engine, through Python's operators: a list indexed like graph.nodes.

    leaf(i, node) makes the engine's object for the Input or Parameter at index i; a constant stays
    a plain float, an operand of `+ - * / **` on either side (n-ary sums and products fold left to
    right); `functions` maps a one-operand kind ('exp', 'relu', ...) to a function of one engine
    object (default: unary minus for 'neg', else the method of that name, x.tanh()). Each node is
    built once: an index that appears several times (x * x) is the same object every time."""
    functions = functions or {}
    built = []
    for i, node in enumerate(graph.nodes):
        x = [built[o] for o in node.operands]
        if node.kind in ('input', 'param'):
            built.append(leaf(i, node))
        elif node.kind == 'const':
            built.append(float(node.value))
        elif node.kind in INFIX:
            built.append(functools.reduce(INFIX[node.kind], x))
        elif node.kind in functions:
            built.append(functions[node.kind](x[0]))
        elif node.kind == 'neg':
            built.append(-x[0])
        else:
            built.append(getattr(x[0], node.kind)())
    return built


def require(module, pip):
    """Import the installed engine `module` (e.g. 'micrograd.engine'), or raise an ImportError
    that says how to install it."""
    if importlib.util.find_spec(module.partition('.')[0]) is None:
        raise ImportError(f'{module.partition(".")[0]} is not installed: {pip}')
    return importlib.import_module(module)


class ValueAdapter(Adapter):
    """The micrograd convention: `Value(x)` with `.data`, `.grad`, operators and methods, and
    `root.backward()` filling `.grad` (docs/adapters.md). The grader found the class in the
    source and decided what it is graded on; `location` is where it lives in the module."""

    name = 'Value engine (micrograd convention)'

    def __init__(self, module, location='Value'):
        *submodule, name = location.split('.')  # 'engine.Value': in the package's engine.py
        if submodule:
            module = importlib.import_module('.'.join([module.__name__] + submodule))
        self.value_class = getattr(module, name)

    def values(self, graph):
        """One Value per node (a float per constant), built afresh."""
        return build_by_operators(graph, lambda i, node: self.value_class(node.value))

    def value(self, graph):
        return self.values(graph)[graph.root].data

    def gradient(self, graph):
        built = self.values(graph)
        built[graph.root].backward()
        return {i: built[i].grad for i in graph.parameters}

    def session(self, graph):
        return ValueSession(graph, self.value_class)


class ValueSession:
    """One graph of Values, kept between backward passes; rebuild() makes its operations afresh
    over the same leaf Values, as a training loop does at every step."""

    def __init__(self, graph, value_class):
        self.graph, self.value_class, self.leaves = graph, value_class, {}
        self.rebuild()

    def rebuild(self):
        def leaf(i, node):  # the same leaf objects on every build
            return self.leaves.setdefault(i, self.value_class(node.value))
        built = build_by_operators(self.graph, leaf)
        self.nodes = {i: built[i] for i, node in enumerate(self.graph.nodes)
                      if node.kind != 'const'}

    def backward(self, i):
        self.nodes[i].backward()

    def grads(self):
        return {i: value.grad for i, value in self.nodes.items()}

    def zero_grad(self):  # what micrograd's Module.zero_grad() does, for every node
        for value in self.nodes.values():
            value.grad = 0.0
