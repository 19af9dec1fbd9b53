"""The checks' own description of a network: a flat program, each node referring to earlier nodes.

A description is plain data (JSON-able), independent of any implementation: strategies generate it,
the oracle evaluates it, adapters build it in an implementation, reports print it.
"""
import json
from dataclasses import dataclass, field, replace
from functools import cached_property

LEAF_KINDS = ('input', 'param')
CONSTANT = 'const'  # a plain number as an operand (2 * x, x - 1): no node, no gradient
ARTICLE_KINDS = ('add', 'mul', 'relu', 'sigmoid')            # the article's operations
ENGINE_KINDS = ('neg', 'sub', 'div', 'pow', 'exp', 'log', 'tanh')  # more of scalar engines
OPERATION_KINDS = ARTICLE_KINDS + ENGINE_KINDS
UNARY_KINDS = ('relu', 'sigmoid', 'neg', 'exp', 'log', 'tanh')
BINARY_KINDS = ('sub', 'div', 'pow')  # pow's exponent (its second operand) is always a constant
CLASS_NAMES = {'add': 'Add', 'mul': 'Multiply', 'relu': 'ReLU', 'sigmoid': 'Sigmoid',
               'input': 'Input', 'param': 'Parameter', 'neg': 'Neg', 'sub': 'Sub', 'div': 'Div',
               'pow': 'Pow', 'exp': 'Exp', 'log': 'Log', 'tanh': 'Tanh', 'const': 'Constant'}
FUNCTIONS = ('relu', 'sigmoid', 'exp', 'log', 'tanh')  # written f(x) in formulas
INFIX = {'add': ' + ', 'sub': ' - ', 'mul': ' * ', 'div': ' / ', 'pow': ' ** '}
PRECEDENCE = {'add': 1, 'sub': 1, 'mul': 2, 'div': 2, 'neg': 3, 'pow': 4}
# How much of a graph a report writes out: generated cases are far smaller, graphs read back from
# a student's code need not be.
FORMULA_LIMIT = 2000   # characters of a formula
TREE_LINES, TREE_DEPTH = 400, 40   # lines of a tree, and levels of indentation


def _cut(text):
    return text if len(text) <= FORMULA_LIMIT else text[:FORMULA_LIMIT - 3] + '...'


@dataclass(frozen=True)
class Node:
    kind: str                     # one of LEAF_KINDS, CONSTANT, OPERATION_KINDS
    operands: tuple = ()          # indices of earlier nodes (operations only)
    value: float = 0.0            # leaves and constants only
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

    def without_single_operands(self):
        """The same function with every one-operand sum or product (the operand itself) replaced
        by its operand: engines build x for Add([x]), so the two would be one object."""
        target = list(range(len(self.nodes)))
        for i, node in enumerate(self.nodes):
            if node.kind in ('add', 'mul') and len(node.operands) == 1:
                target[i] = target[node.operands[0]]
        nodes = tuple(replace(node, operands=tuple(target[o] for o in node.operands))
                      for node in self.nodes)
        return Graph(nodes[:target[self.root] + 1]).pruned()  # the root may be one of them

    # --- how a report shows it -------------------------------------------------------------

    def label(self, i):
        """How leaf i is called in reports: its name, or p0, p1, ... / in0, in1, ..."""
        return self._leaf_labels[i]

    @cached_property
    def _leaf_labels(self):
        # All at once: a graph read back from a student can hold thousands of leaves.
        labels, count = {}, {'param': 0, 'input': 0}
        for i, node in enumerate(self.nodes):
            if node.kind in count:
                default = ('p' if node.kind == 'param' else 'in') + str(count[node.kind])
                labels[i] = default if node.kind == 'param' else node.name or default
                count[node.kind] += 1
        return labels

    def name(self, i):
        """Node i's name in reports and rebuild code: a leaf's label, else n<i>."""
        return self.label(i) if self.nodes[i].kind in LEAF_KINDS else f'n{i}'

    def formula(self, i=None):
        """The node as a formula over leaf labels, e.g. sigmoid(p0 * in0 + p1). A shared node is
        written once per path, so the text is cut at FORMULA_LIMIT characters ('...'): a graph
        read back from a student may have billions of paths, or be thousands of nodes deep."""
        i = self.root if i is None else i
        texts = {}
        for j in sorted(self.below(i)):   # operands come before their users
            parts = [texts[o] for o in self.nodes[j].operands[:FORMULA_LIMIT]]
            texts[j] = _cut(self._written(j, parts))
        return texts[i]

    def _written(self, i, parts):
        """Node i's text, given its operands' texts."""
        node = self.nodes[i]
        if node.kind in LEAF_KINDS:
            return self.label(i)
        if node.kind == CONSTANT:
            return repr(node.value) if node.value >= 0 else f'({node.value!r})'
        if node.kind in FUNCTIONS:
            return f'{node.kind}({parts[0]})'
        if node.kind == 'neg':
            return '-' + self._tight(node.operands[0], parts[0], PRECEDENCE['neg'])
        if node.kind in ('add', 'sub'):  # a sum below the root carries its own parentheses
            text = INFIX[node.kind].join(parts)
            return text if i == self.root else f'({text})'
        if node.kind == 'mul':
            return ' * '.join(parts)
        if node.kind == 'div':  # a / (b * c): the divisor binds tighter than a product
            return f'{parts[0]} / {self._tight(node.operands[1], parts[1], PRECEDENCE["div"] + 1)}'
        return f'{self._tight(node.operands[0], parts[0], PRECEDENCE["pow"] + 1)} ** {parts[1]}'

    def _tight(self, i, text, precedence):
        """`text` (operand i's formula) in parentheses when it binds less tightly than needed."""
        kind = self.nodes[i].kind  # a sum below the root is already in parentheses
        loose = PRECEDENCE.get(kind, 9) < precedence and kind not in ('add', 'sub')
        return f'({text})' if loose else text

    def tree_text(self, max_lines=TREE_LINES):
        """An indented tree in the article's class names; a shared node is shown once, then by #.
        At most `max_lines` lines, and indented at most TREE_DEPTH levels (the depth is then
        written out): a student's graph may be thousands of nodes deep."""
        lines, shown = [], set()
        stack = [(self.root, 0)]
        while stack:
            if len(lines) == max_lines:
                lines.append(f'... ({len(self.nodes)} nodes in all)')
                break
            i, depth = stack.pop()
            node = self.nodes[i]
            pad = '    ' * depth if depth <= TREE_DEPTH else \
                '    ' * TREE_DEPTH + f'[depth {depth}] '
            if node.kind in LEAF_KINDS:
                extra = f', learning_rate={node.learning_rate!r}' if node.kind == 'param' else ''
                lines.append(f'{pad}{CLASS_NAMES[node.kind]}(value={node.value!r}{extra})'
                             f'  # {self.label(i)}')
            elif node.kind == CONSTANT:
                lines.append(f'{pad}{node.value!r}  # a plain number')
            elif i in shown:
                lines.append(f'{pad}<the {CLASS_NAMES[node.kind]} #{i} above>')
            else:
                shown.add(i)
                lines.append(f'{pad}{CLASS_NAMES[node.kind]}  #{i}')
                stack.extend((operand, depth + 1) for operand in reversed(node.operands))
        return '\n'.join(lines)

    def python(self, module='impl', prefix='', root='root'):
        """Python source that builds this graph with the article's API (for reproducing by hand):
        its variables named with `prefix`, the last line `<root> = <the root>`."""
        names, lines = {}, []
        for i, node in enumerate(self.nodes):
            names[i] = prefix + self.name(i)
            if node.kind == 'input':
                name = f', name={node.name!r}' if node.name else ''
                lines.append(f'{names[i]} = {module}.Input(value={node.value!r}{name})')
            elif node.kind == 'param':
                lines.append(f'{names[i]} = {module}.Parameter(value={node.value!r}, '
                             f'learning_rate={node.learning_rate!r})')
            else:
                children = ', '.join(names[o] for o in node.operands)
                lines.append(f'{names[i]} = {module}.{CLASS_NAMES[node.kind]}([{children}])')
        lines.append(f'{root} = {names[self.root]}')
        return '\n'.join(lines)

    def engine_python(self, value_class='Value'):
        """Python source that builds this graph with a micrograd-style Value class, runs backward()
        and prints what the checks compare (for reproducing a failure by hand)."""
        names, lines = {}, []
        for i, node in enumerate(self.nodes):
            if node.kind == CONSTANT:
                names[i] = repr(node.value) if node.value >= 0 else f'({node.value!r})'
                continue
            names[i] = self.name(i)
            operands = [names[o] for o in node.operands]
            if node.kind in LEAF_KINDS:
                expression = f'{value_class}({node.value!r})'
            elif node.kind in FUNCTIONS:
                expression = f'{operands[0]}.{node.kind}()'
            elif node.kind == 'neg':
                expression = f'-{operands[0]}'
            else:
                expression = INFIX[node.kind].join(operands)
            lines.append(f'{names[i]} = {expression}')
        lines.append(f'root = {names[self.root]}')
        lines.append('root.backward()')
        grads = ', '.join(f'{self.label(i)}.grad' for i in self.parameters)
        lines.append(f'print(root.data{", " + grads if grads else ""})')
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
