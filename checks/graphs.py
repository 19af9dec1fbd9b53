"""The checks' own description of a network: a flat program, each node referring to earlier nodes.

A description is plain data (JSON-able), independent of any implementation: strategies generate it,
the oracle evaluates it, adapters build it in an implementation, reports print it.
"""
import json
from dataclasses import dataclass, field, replace

LEAF_KINDS = ('input', 'param')
OPERATION_KINDS = ('add', 'mul', 'relu', 'sigmoid')
UNARY_KINDS = ('relu', 'sigmoid')
CLASS_NAMES = {'add': 'Add', 'mul': 'Multiply', 'relu': 'ReLU', 'sigmoid': 'Sigmoid',
               'input': 'Input', 'param': 'Parameter'}


@dataclass(frozen=True)
class Node:
    kind: str                     # one of LEAF_KINDS + OPERATION_KINDS
    operands: tuple = ()          # indices of earlier nodes (operations only)
    value: float = 0.0            # leaves only
    learning_rate: float = 0.0    # parameters only
    name: str = None              # inputs only, when the check names them


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order (operands before users); the last node is the root."""
    nodes: tuple = field(default_factory=tuple)

    @property
    def root(self):
        return len(self.nodes) - 1

    def indices(self, kind):
        return [i for i, node in enumerate(self.nodes) if node.kind == kind]

    @property
    def parameters(self):
        return self.indices('param')

    @property
    def inputs(self):
        return self.indices('input')

    @property
    def operations(self):
        return [i for i, node in enumerate(self.nodes) if node.kind in OPERATION_KINDS]

    def kinds(self):
        return {node.kind for node in self.nodes}

    def input_order(self):
        """Inputs in depth-first, left-to-right order of first appearance from the root."""
        order, seen, stack = [], set(), [self.root]
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            if self.nodes[i].kind == 'input':
                order.append(i)
            stack.extend(reversed(self.nodes[i].operands))
        return order

    def parents(self):
        result = {i: set() for i in range(len(self.nodes))}
        for i, node in enumerate(self.nodes):
            for operand in node.operands:
                result[operand].add(i)
        return result

    def ancestors(self, indices):
        """The given nodes and every node above them."""
        parents, found, stack = self.parents(), set(), list(indices)
        while stack:
            i = stack.pop()
            if i not in found:
                found.add(i)
                stack.extend(parents[i])
        return found

    def is_tree(self):
        """No node is used twice (neither by two parents nor twice by one)."""
        uses = [operand for node in self.nodes for operand in node.operands]
        return len(uses) == len(set(uses))

    def with_values(self, values):
        """A copy with the leaves' values replaced from {index: value}."""
        nodes = list(self.nodes)
        for i, value in values.items():
            nodes[i] = replace(nodes[i], value=float(value))
        return Graph(tuple(nodes))

    def leaf_values(self):
        return {i: node.value for i, node in enumerate(self.nodes) if node.kind in LEAF_KINDS}

    def below(self, i):
        """The indices of node i and of every node it reaches through operands."""
        found, stack = set(), [i]
        while stack:
            k = stack.pop()
            if k not in found:
                found.add(k)
                stack.extend(self.nodes[k].operands)
        return found

    def pruned(self):
        """The same graph without the nodes the root does not reach, renumbered."""
        reachable = self.below(self.root)
        new_index = {old: new for new, old in enumerate(sorted(reachable))}
        return Graph(tuple(replace(self.nodes[old],
                                   operands=tuple(new_index[o] for o in self.nodes[old].operands))
                           for old in sorted(reachable)))

    # --- how a report shows it -------------------------------------------------------------

    def label(self, i):
        """How leaf i is called in reports: its name, or p0, p1, ... / in0, in1, ..."""
        node = self.nodes[i]
        if node.kind == 'param':
            return f'p{self.parameters.index(i)}'
        return node.name or f'in{self.inputs.index(i)}'

    def formula(self, i=None):
        """The node as a formula over leaf labels, e.g. sigmoid(p0 * in0 + p1)."""
        i = self.root if i is None else i
        node = self.nodes[i]
        if node.kind in LEAF_KINDS:
            return self.label(i)
        parts = [self.formula(operand) for operand in node.operands]
        if node.kind in UNARY_KINDS:
            return f'{node.kind}({parts[0]})'
        if node.kind == 'add':
            return ' + '.join(parts) if i == self.root else '(' + ' + '.join(parts) + ')'
        return ' * '.join(parts)  # an Add operand already carries its parentheses

    def tree_text(self):
        """An indented tree in the article's class names; a shared node is shown once, then by #."""
        lines, shown = [], set()

        def show(i, depth):
            node, pad = self.nodes[i], '    ' * depth
            if node.kind in LEAF_KINDS:
                extra = f', learning_rate={node.learning_rate!r}' if node.kind == 'param' else ''
                lines.append(f'{pad}{CLASS_NAMES[node.kind]}(value={node.value!r}{extra})'
                             f'  # {self.label(i)}')
            elif i in shown:
                lines.append(f'{pad}<the {CLASS_NAMES[node.kind]} #{i} above>')
            else:
                shown.add(i)
                lines.append(f'{pad}{CLASS_NAMES[node.kind]}  #{i}')
                for operand in node.operands:
                    show(operand, depth + 1)

        show(self.root, 0)
        return '\n'.join(lines)

    def python(self, module='impl'):
        """Python source that builds this graph with the article's API (for reproducing by hand)."""
        names, lines = {}, []
        for i, node in enumerate(self.nodes):
            names[i] = self.label(i) if node.kind in LEAF_KINDS else f'n{i}'
            if node.kind == 'input':
                name = f', name={node.name!r}' if node.name else ''
                lines.append(f'{names[i]} = {module}.Input(value={node.value!r}{name})')
            elif node.kind == 'param':
                lines.append(f'{names[i]} = {module}.Parameter(value={node.value!r}, '
                             f'learning_rate={node.learning_rate!r})')
            else:
                children = ', '.join(names[o] for o in node.operands)
                lines.append(f'{names[i]} = {module}.{CLASS_NAMES[node.kind]}([{children}])')
        lines.append(f'root = {names[self.root]}')
        return '\n'.join(lines)

    # --- as data -----------------------------------------------------------------------------

    def to_data(self):
        return [{key: value for key, value in (('kind', n.kind), ('operands', list(n.operands)),
                                               ('value', n.value), ('lr', n.learning_rate),
                                               ('name', n.name)) if value not in (None, [], 0.0)
                 or key == 'kind'} for n in self.nodes]

    @classmethod
    def from_data(cls, data):
        return cls(tuple(Node(kind=d['kind'], operands=tuple(d.get('operands', ())),
                              value=float(d.get('value', 0.0)),
                              learning_rate=float(d.get('lr', 0.0)), name=d.get('name'))
                         for d in data))

    def to_json(self):
        return json.dumps(self.to_data())
