"""The micrograd convention, recognised from source: a `Value` class graded with no adapter code.

A Value engine is what students build after the micrograd lecture: `Value(x)` holds `.data` and
`.grad`, combines with Python's operators, has methods such as `relu()` or `tanh()`, and
`root.backward()` fills `.grad` below the root. What such an engine is graded on is read here from
its source with `ast`, never by running it: an operation counts when the class defines it.
"""
import ast
from pathlib import Path

from .spec import AdapterSpec, SpecError

NAME = 'Value engine (micrograd convention)'
#: method of the Value class -> the operation it provides
METHODS = {'__add__': 'add', '__mul__': 'mul', '__sub__': 'sub', '__truediv__': 'div',
           '__pow__': 'pow', '__neg__': 'neg', 'relu': 'relu', 'sigmoid': 'sigmoid', 'exp': 'exp',
           'log': 'log', 'tanh': 'tanh'}
#: the reflected method a number on the left needs (2 * v calls v.__rmul__(2))
REFLECTED = {'add': '__radd__', 'mul': '__rmul__', 'sub': '__rsub__', 'div': '__rtruediv__'}
ARTICLE_NAMES = ('Parameter', 'Input', 'Operation')


def source_files(path):
    """The .py files of a file or package folder, the package's __init__.py first."""
    path = Path(path)
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob('*.py') if '__pycache__' not in p.parts)
    return sorted(files, key=lambda p: (p.name != '__init__.py', len(p.parts), str(p)))


def find_value_class(path):
    """(dotted location of `Value` relative to the module, its ClassDef) when the file or package
    at `path` defines a top-level class Value and none of the article's classes; else None."""
    found, article = None, False
    for file in source_files(path):
        try:
            tree = ast.parse(file.read_text(encoding='utf-8'), filename=str(file))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue  # the executor reports a file that does not import, with its line
        classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
        article = article or any(name in classes for name in ARTICLE_NAMES)
        if 'Value' in classes and found is None:
            found = (_dotted(Path(path), file), classes['Value'])
    return None if article or found is None else found


def _dotted(root, file):
    if root.is_file():
        return 'Value'
    parts = list(file.relative_to(root).with_suffix('').parts)
    parts = parts[:-1] if parts[-1] == '__init__' else parts
    return '.'.join(parts + ['Value'])


def value_spec(path):
    """The AdapterSpec of the Value class at `path`: the operations its methods provide."""
    found = find_value_class(path)
    if found is None:
        raise SpecError(f'{path} defines no class Value (or also defines the article\'s classes): '
                        'the Value convention needs a top-level class Value with .data, .grad, '
                        'backward() and operators')
    location, cls = found
    methods = {node.name for node in cls.body
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    methods |= {target.id for node in cls.body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}  # __radd__ = __add__
    if 'backward' not in methods:
        raise SpecError(f'{path}: class Value has no backward() method; the Value convention '
                        'calls root.backward() and reads .grad')
    operations = {kind for method, kind in METHODS.items() if method in methods}
    if not operations:
        raise SpecError(f'{path}: class Value defines none of the operations the checks know '
                        f'({", ".join(sorted(METHODS))})')
    # Numbers on either side: only when every sum, product, difference and quotient it has also
    # takes a number on its left.
    binary = operations & set(REFLECTED)
    if binary and all(REFLECTED[kind] in methods for kind in binary):
        operations.add('const')
    # micrograd's backward() sets the root's .grad to 1 and adds into every node below it; an
    # engine that first zeroes the graph's gradients is as right.
    return AdapterSpec(NAME, frozenset({'functional'}), frozenset(operations),
                       class_name=location, repeated_backward=frozenset({'reseed', 'reset'}))
