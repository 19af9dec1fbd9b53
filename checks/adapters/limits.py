"""The limits an adapter asks for, read from its source with `ast`, never by running it.

An engine that needs more than the defaults (a JIT that compiles for seconds, a runtime that keeps
a large heap) says so in its adapter class body, as a literal:

    class JaxAdapter(Adapter):
        limits = {'memory_mb': 4096, 'example_seconds': 10}

The grader reads that dict from the file (as checks/adapters/spec.py reads `name`, `levels` and
`operations`), checks it against KNOWN and CEILINGS, and lets it raise the defaults; a limit the
instructor's grading.toml sets explicitly wins (grading/config.py). Nothing the adapter does when
it runs changes a limit.
"""
import ast
import math

from .spec import SpecError, adapter_class, assignments

#: what an adapter may ask for, and the most it may ask
CEILINGS = {'memory_mb': 8192, 'example_seconds': 60, 'check_cpu_seconds': 600,
            'check_wall_seconds': 1200}
KNOWN = tuple(CEILINGS)
WHOLE = ('memory_mb',)           # a whole number of MB


def read_limits(path, class_name=''):
    """{limit: value} the adapter class `class_name` (default: the file's only adapter class)
    of the file at `path` declares in its body (inherited from a base class of the same file
    first); {} if it declares none. Raises SpecError, saying what to write, for anything else
    than a literal dict of known limits, each a positive number within its ceiling."""
    cls, classes = adapter_class(path, class_name)
    declared = _declared(cls, classes)
    if declared is None:
        return {}
    return validate(declared, f'{path}: {cls.name}.limits')


def validate(limits, where='limits'):
    """`limits` checked: known keys, positive numbers (a whole number for memory_mb), within
    CEILINGS; returns a new dict. Raises SpecError."""
    checked = {}
    for key, value in limits.items():
        if key not in CEILINGS:
            raise SpecError(f'{where} names {key!r}; an adapter may ask for '
                            f'{", ".join(KNOWN)}')
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or value <= 0:
            raise SpecError(f'{where}[{key!r}] must be a positive number, not {value!r}')
        if key in WHOLE and value != int(value):
            raise SpecError(f'{where}[{key!r}] must be a whole number of MB, not {value!r}')
        if value > CEILINGS[key]:
            raise SpecError(f'{where}[{key!r}] = {value!r} is more than an adapter may ask for '
                            f'({CEILINGS[key]}); an instructor can set more in grading.toml')
        checked[key] = int(value) if key in WHOLE else value
    return checked


def _declared(cls, classes, seen=()):
    """The `limits` dict the class body assigns (a base class's of the same file, updated by the
    class's own), or None when neither assigns one."""
    found = None
    for base in cls.bases:
        name = getattr(base, 'id', None)
        if name in classes and name not in seen:
            inherited = _declared(classes[name], classes, seen + (cls.name,))
            if inherited is not None:
                found = {**(found or {}), **inherited}
    for key, value in assignments(cls):
        if key == 'limits':
            found = {**(found or {}), **_literal(value, cls.name)}
    return found


def _literal(node, owner):
    """A dict of string keys and number values, written {...} or dict(key=value, ...)."""
    if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'dict' \
            and not node.args and all(k.arg for k in node.keywords):
        pairs = [(k.arg, k.value) for k in node.keywords]
    elif isinstance(node, ast.Dict) and all(k is not None for k in node.keys):
        pairs = list(zip(node.keys, node.values))
        if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k, _ in pairs):
            raise _not_literal(owner)
        pairs = [(k.value, v) for k, v in pairs]
    else:
        raise _not_literal(owner)
    values = {}
    for key, value in pairs:
        try:
            values[key] = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise _not_literal(owner) from None
    return values


def _not_literal(owner):
    return SpecError(f'{owner}.limits must be written as a literal dict, e.g. '
                     "{'memory_mb': 4096, 'example_seconds': 10}: the grader reads it from the "
                     'file, without running it')
