"""The checks' side of an adapter: graphs built, evaluated and read back through the executor."""
from ..failures import Mismatch
from ..graphs import CLASS_NAMES, Graph, Node
from ..values import as_float

UPSTREAM = 1.5  # d loss / d root given to backward(): not 1, so a dropped chain factor shows

#: the exercise each public name belongs to (core names are 'core')
NAME_EXERCISE = {
    'build_linear_regression': 'ex1', 'sgd_by_hand': 'ex1', 'Macro': 'ex4', 'Linear': 'ex4',
    'Output': 'ex5', 'SoftMax': 'ex5', 'cce_loss': 'ex5', 'cce_loss_grad': 'ex5',
}
ELEMENTARY = ('input', 'param', 'add', 'mul', 'relu', 'sigmoid')


class Driver:
    """What checks ask of an implementation, for one AdapterSpec, through a Remote."""

    def __init__(self, remote, spec, source_paths=()):
        self.remote, self.spec = remote, spec
        self.name, self.levels, self.operations = spec.name, spec.levels, spec.operations
        self.source_paths = tuple(source_paths)

    @property
    def api(self):
        return self.remote.api

    # --- article level ---

    def build(self, graph):
        """The graph in the implementation's classes: a Ref per node, indexed like graph.nodes."""
        return self.remote.build(graph)

    def describe(self, root):
        """The implementation's graph below `root` as a Graph, and a Ref per node, in the same
        order. Raises Mismatch if a node is not one of the elementary classes."""
        rows = self.remote.fetch(self.remote.step('describe', root))
        if not isinstance(rows, list):
            from ..remote import raise_bad_answer
            raise_bad_answer('a graph description that is not a list')
        index, nodes, refs = {}, [], []
        for row in rows:
            kind, identity, children, *leaf = _row(row, index)
            if kind not in ELEMENTARY:
                raise Mismatch(f'the graph contains a node of class {kind}, which is not one of '
                               'the elementary classes (Input, Parameter, Add, Multiply, ReLU, '
                               'Sigmoid)')
            if kind == 'input':
                name = leaf[2] if isinstance(leaf[2], str) else None
                node = Node('input', value=as_float(leaf[0], 'an Input value'), name=name)
            elif kind == 'param':
                node = Node('param', value=as_float(leaf[0], 'a Parameter value'),
                            learning_rate=as_float(leaf[1], 'a learning rate'))
            else:
                node = Node(kind, operands=tuple(index[c] for c in children))
            index[identity] = len(nodes)
            nodes.append(node)
            refs.append(self.remote.ref(identity))
        return Graph(tuple(nodes)), refs

    # --- functional level ---

    def value(self, graph):
        """The root's value, for a graph built afresh."""
        if not self.spec.article:  # a functional-level adapter answers for itself
            return as_float(self.remote.fetch(self.remote.step('adapter_value', graph.to_data())),
                            'the value the adapter returned')
        built = self.build(graph)
        return as_float(built[graph.root].forward(), 'forward()')

    def values(self, graphs):
        """The root values of several graphs, each built afresh, in one round trip (raw: the
        caller reads each with as_float)."""
        if not self.spec.article:
            return self.remote.fetch_all([self.remote.step('adapter_value', g.to_data())
                                          for g in graphs])
        return self.remote.fetch_all([self.build(g)[g.root].forward() for g in graphs])

    def session_steps(self, graph, steps):
        """Run `steps` (('backward', i) or ('zero_grad',)) on one build of `graph` through the
        adapter's session(); the gradients of every node after each step, as {index: value}."""
        from ..remote import raise_bad_answer
        data = [list(step) for step in steps]
        steps_with_readings = [s for step in data for s in (step, ['grads'])]
        observed = self.remote.fetch(self.remote.step('adapter_steps', graph.to_data(),
                                                      steps_with_readings))
        if not (isinstance(observed, list) and len(observed) == len(data)
                and all(isinstance(o, list) for o in observed)):
            raise_bad_answer('gradient readings that are not one list per step')
        readings = []
        for pairs in observed:
            if not all(isinstance(p, list) and len(p) == 2 and type(p[0]) is int for p in pairs):
                raise Mismatch('the adapter\'s session grads() should return a dict '
                               '{node index: gradient}')
            readings.append({k: as_float(v, f'the gradient of node {k}') for k, v in pairs})
        return readings

    def gradient(self, graph, upstream=UPSTREAM):
        """{parameter index: d root / d parameter}: read from the update one backward(upstream)
        makes at the article level; what the adapter returns at the functional level."""
        if not self.spec.article:
            pairs = self.remote.fetch(self.remote.step('adapter_gradient', graph.to_data()))
            if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2
                                                      for p in pairs):
                raise Mismatch('the adapter\'s gradient() should return a dict '
                               '{parameter index: derivative}')
            return {k: v for k, v in pairs if isinstance(k, int) and not isinstance(k, bool)}
        built = self.build(graph)
        root = built[graph.root]
        forward = root.forward()
        root.backward(upstream)
        values = self.remote.fetch_all([forward] + [built[i].value for i in graph.parameters])
        as_float(values[0], 'forward()')
        return {i: _step(graph.nodes[i], value, upstream)
                for i, value in zip(graph.parameters, values[1:])}


def _step(node, new, upstream):
    """The gradient a Parameter's update implies: (old - new) / (learning_rate * d)."""
    new = as_float(new, 'a Parameter value after backward()')
    return (node.value - new) / (node.learning_rate * upstream)


def _row(row, index):
    """[kind, identity, children, value, lr, name], checked; children must come first."""
    from ..remote import raise_bad_answer
    if not (isinstance(row, list) and len(row) in (3, 6) and isinstance(row[0], str)
            and type(row[1]) is int and isinstance(row[2], list)
            and all(type(c) is int and c in index for c in row[2])):
        raise_bad_answer('a malformed graph description')
    kind = row[0]
    if kind in ('input', 'param') and len(row) != 6:
        raise_bad_answer('a graph description without leaf values')
    return row + [None] * (6 - len(row))
