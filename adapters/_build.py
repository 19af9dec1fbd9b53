"""Building a graph description (docs/adapters.md) in an engine, through Python's operators.

Shared by the adapters beside this file. Each loads it by its path (the executor imports an adapter
file on its own, not as part of a package; the grader copies the whole folder with it).
"""
import functools
import importlib
import importlib.util
import operator
import os
import sys

OPERATORS = {'add': operator.add, 'mul': operator.mul,   # n-ary: folded left to right
             'sub': operator.sub, 'div': operator.truediv, 'pow': operator.pow}


def installed(name, pip):
    """Import the installed engine module `name` (e.g. 'micrograd.engine').

    This folder's files are named like the engines, and without --impl the executor puts the
    adapter file's folder first on sys.path: such a folder would shadow the engine, so it is taken
    off sys.path. An engine that is not installed is an ImportError naming the pip command.
    """
    top = name.partition('.')[0]
    sys.path[:] = [p for p in sys.path if not os.path.isfile(os.path.join(p or '.', top + '.py'))]
    if importlib.util.find_spec(top) is None:
        raise ImportError(f'{top} is not installed: {pip}')
    return importlib.import_module(name)


def build(graph, leaf, unary):
    """The graph in an engine: a list of its objects, indexed like graph.nodes.

    leaf(i, node) makes the engine's object for the input or parameter at index i; unary maps a
    kind ('neg', 'exp', ...) to a function of one engine object. A constant stays a plain float, an
    operand of `+`, `*`, `-`, `/` or `**` on either side. Each node is built once: an index that
    appears several times (x * x) is the same object every time.
    """
    built = []
    for i, node in enumerate(graph.nodes):
        if node.kind in ('input', 'param'):
            built.append(leaf(i, node))
        elif node.kind == 'const':
            built.append(float(node.value))
        elif node.kind in unary:
            built.append(unary[node.kind](built[node.operands[0]]))
        elif node.kind in OPERATORS:
            built.append(functools.reduce(OPERATORS[node.kind], [built[o] for o in node.operands]))
        else:
            raise ValueError(f'this adapter cannot build a {node.kind!r} node')
    return built
