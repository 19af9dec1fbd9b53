"""'rebuild it yourself': Python that builds a failing case with the graded implementation, for a
student to run and inspect by hand. Trusted side: written from the case (data the checks made),
never from anything the student's code sent.

The whole failing graph is rebuilt: a single generated graph; a Linear over its children (and
what the check put around it); or a tree of macros, with the macros the check defines.
"""
import os
from pathlib import Path

from checks.explain import decode, graphs_in
from checks.graphs import CLASS_NAMES, Graph

# ex4.linear_values_gradients puts the Linear under one more node: how each reads in Python.
OUTER = {'add': 'impl.Add([linear, impl.Parameter(value={value!r}, learning_rate={rate!r})])',
         'mul': 'impl.Multiply([linear, impl.Input(value={value!r})])',
         'sigmoid': 'impl.Sigmoid([linear])', 'relu': 'impl.ReLU([linear])'}
# The macros of ex4.compile_expands_all, as executor/macros.py makes them.
MACROS = {'Sum': 'impl.Add(list(self.children))', 'Product': 'impl.Multiply(list(self.children))',
          'Deep': 'Sum([Sum(list(self.children))])', 'Affine': 'impl.Linear(list(self.children))'}


def python(case, target, spec=None):
    """Code that rebuilds the failing case in the graded engine's own terms ('' when the case
    is not a graph, or several unrelated ones)."""
    if case is None:
        return ''
    try:
        data = decode(case)
    except Exception:  # a case that is not a graph: nothing to rebuild
        return ''
    if target.convention or target.adapter_file:
        found = list(graphs(data))
        if len(found) != 1:
            return ''
        if target.convention == 'value':
            *submodule, cls = (target.adapter_class or 'Value').split('.')
            return (f'from {".".join([target.name] + submodule)} import {cls}\n'
                    + found[0].engine_python(cls))
        return _adapter_call(found[0], target, spec.class_name if spec else target.adapter_class)
    body = _article_body(data)
    return _import(target) + body if body else ''


def _article_body(data):
    if isinstance(data, dict) and isinstance(data.get('children'), dict) and 'linear' in data:
        return _linear(data)
    if isinstance(data, dict) and isinstance(data.get('tree'), tuple):
        return _macro_tree(data['tree'])
    found = list(graphs(data))
    return found[0].python('impl') if len(found) == 1 else ''


def _import(target):
    """The import of what --impl named: in a notebook, its own names; else the module, with the
    folder holding it put on the path when that is not the folder the grader ran in."""
    if target.notebook:   # its generated module is gone: the notebook's own names, run there
        return 'import __main__ as impl  # in the notebook, after running its cells\n'
    line = f'import {target.name} as impl\n'
    if not target.path:
        return line
    folder = relative(str(Path(target.path).resolve().parent))
    if folder == '.':
        return line
    return f'import sys\nsys.path.insert(0, {folder!r})  # the folder holding {target.name}\n' + line


def _linear(case):
    """Each child graph, the Linear over them, and the node the check put around it."""
    lines, roots = [], []
    for k, graph in enumerate(case['children'].values()):
        if not isinstance(graph, Graph):
            return ''
        lines.append(f'# child c{k}: {graph.formula()}')
        lines.append(graph.python('impl', prefix=f'c{k}_', root=f'c{k}'))
        roots.append(f'c{k}')
    lines.append(f'linear = impl.Linear([{", ".join(roots)}])')
    outer = case.get('outer', 'linear')
    if outer in OUTER:
        value, rate = (list(case.get('other_leaf') or ()) + [None, None])[:2]
        lines.append('root = ' + OUTER[outer].format(value=value, rate=rate))
    else:
        lines.append('root = linear')
    if 'own_values' in case:
        lines.append(f"# the check then sets the Linear's weights (in the order of its children) "
                     f"and its bias to {list(case['own_values'])!r}, with learning rates "
                     f"{list(case.get('learning_rates', ()))!r}, and compiles the graph")
    lines.append('print(linear.expand())')
    return '\n'.join(lines)


def _macro_tree(tree):
    """The check's own macros (subclasses of your Macro), then the tree built from them."""
    used, names, lines = set(), [], []

    def build(t):
        kind = t[0]
        if kind == 'input':
            code = f'impl.Input(value={t[1]!r})'
        elif kind == 'param':
            code = f'impl.Parameter(value={t[1]!r}, learning_rate={t[2]!r})'
        else:
            children = ', '.join(build(child) for child in t[1])
            if kind in MACROS:
                used.add(kind)
            cls = kind if kind in MACROS else 'impl.' + CLASS_NAMES.get(kind, kind)
            code = f'{cls}([{children}])'
        name = f'n{len(names)}'
        names.append(name)
        lines.append(f'{name} = {code}')
        return name

    build(tree)
    if 'Deep' in used:
        used.add('Sum')
    classes = [f'class {kind}(impl.Macro):  # defined by the check\n'
               f'    def expand(self):\n        return {MACROS[kind]}'
               for kind in MACROS if kind in used]
    return '\n'.join(classes + lines + [f'root = {names[-1]}', 'root = root.compile()',
                                         'print(root.forward())'])


def _adapter_call(graph, target, cls):
    """The graph as the grader sends it, and the calls it makes to the adapter (loaded by its
    path: an adapter named like its engine, torch.py, cannot be imported by name)."""
    cls = cls or '<YourAdapter>'
    engine = f'import {target.name} as impl\n' if target.kind != 'adapter' else 'impl = None\n'
    return ('# run from the grader\'s folder\nimport importlib.util\n'
            'from executor.graph import Graph\n'
            f'spec = importlib.util.spec_from_file_location(\'adapter\', {target.adapter_file!r})\n'
            'module = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(module)\n'
            f'{engine}graph = Graph.from_data({graph.to_json()})\n'
            f'adapter = module.{cls}(impl)  # or module.{cls}() if it takes no argument\n'
            'print(adapter.value(graph), adapter.gradient(graph))')


def graphs(case):
    """Every Graph in a decoded case, in order."""
    return [graph for _, graph in graphs_in(case)]


def relative(path):
    """`path` relative to the folder the grader runs in, unless that climbs two levels."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return relative if not relative.startswith('..' + os.sep + '..') else path
