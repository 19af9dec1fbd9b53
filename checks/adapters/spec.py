"""What an implementation is graded on, decided by the grader alone.

For the article's API (the default) that is everything. For a user's adapter file it is what the
file declares in its class body (`name`, `levels`, `operations`), read here from the source with
`ast`, never by running it: the adapter runs in the executor, beside the student's code, and
nothing there may change which checks count or what the maximum score is.
"""
import ast
from dataclasses import dataclass
from pathlib import Path

from ..graphs import ARTICLE_KINDS, CONSTANT, OPERATION_KINDS

ALL_OPERATIONS = frozenset(ARTICLE_KINDS)                # the default: the article's four
KNOWN_OPERATIONS = frozenset(OPERATION_KINDS) | {CONSTANT}  # what an adapter may declare
LEVELS = frozenset({'functional', 'article'})
#: what a second backward() does to gradients already there (docs/adapters.md, "State")
BACKWARD_RULES = frozenset({'accumulate', 'reset', 'reseed'})
BASES = {'Adapter': frozenset({'functional'}), 'ArticleAdapter': LEVELS}


class SpecError(ValueError):
    """The adapter file's declarations cannot be read; the message says what to write."""


@dataclass(frozen=True)
class AdapterSpec:
    name: str
    levels: frozenset
    operations: frozenset
    class_name: str = ''      # the adapter class the executor must use ('' for the article API)
    repeated_backward: frozenset = frozenset()  # BACKWARD_RULES it may follow; empty: no session()

    @property
    def article(self):
        return 'article' in self.levels

    def to_data(self):
        return {'name': self.name, 'levels': sorted(self.levels),
                'operations': sorted(self.operations), 'class_name': self.class_name,
                'repeated_backward': sorted(self.repeated_backward)}

    @classmethod
    def from_data(cls, data):
        return cls(data['name'], frozenset(data['levels']), frozenset(data['operations']),
                   data['class_name'], frozenset(data.get('repeated_backward', ())))


def article_spec(name):
    return AdapterSpec(name, LEVELS, ALL_OPERATIONS)


def adapter_class(path, class_name=''):
    """(the adapter ClassDef, every top-level ClassDef by name) of the file at `path`: the
    subclass of Adapter or ArticleAdapter named `class_name`, or the file's only one."""
    try:
        tree = ast.parse(Path(path).read_text(encoding='utf-8'), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as error:
        raise SpecError(f'cannot read the adapter {path}: {error}') from None
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    adapters = [c for c in classes.values() if _base_levels(c, classes) is not None]
    if class_name:
        adapters = [c for c in adapters if c.name == class_name]
    if len(adapters) != 1:
        raise SpecError(f'the adapter file {path} must define exactly one subclass of Adapter or '
                        f'ArticleAdapter{" named " + class_name if class_name else ""} at its top '
                        f'level (found {len(adapters)}): name it with --adapter FILE:CLASS')
    return adapters[0], classes


def read_spec(path, class_name=''):
    """The AdapterSpec declared by the adapter class in the file at `path`."""
    cls, classes = adapter_class(path, class_name)
    declared = _declarations(cls, classes)
    levels = declared.get('levels', _base_levels(cls, classes))
    operations = declared.get('operations', ALL_OPERATIONS)
    if not levels <= LEVELS or 'functional' not in levels:
        raise SpecError(f'{path}: {cls.name}.levels must be frozenset({{"functional"}}) or '
                        'frozenset({"functional", "article"})')
    unknown = set(operations) - KNOWN_OPERATIONS
    if unknown:
        raise SpecError(f'{path}: {cls.name}.operations names {", ".join(sorted(unknown))}; the '
                        f'operations the checks know are {", ".join(sorted(KNOWN_OPERATIONS))}')
    if not set(operations) - {CONSTANT}:
        raise SpecError(f'{path}: {cls.name}.operations declares no operation: name at least one '
                        f'of {", ".join(sorted(KNOWN_OPERATIONS - {CONSTANT}))}')
    rules = declared.get('repeated_backward', frozenset())
    if not rules <= BACKWARD_RULES:
        raise SpecError(f'{path}: {cls.name}.repeated_backward names '
                        f'{", ".join(sorted(rules - BACKWARD_RULES))}; the rules the checks know '
                        f'are {", ".join(sorted(BACKWARD_RULES))} (docs/adapters.md, "State")')
    name = declared.get('name', cls.name)
    return AdapterSpec(str(name), frozenset(levels), frozenset(operations), cls.name,
                       frozenset(rules))


def _base_levels(cls, classes, seen=()):
    """The levels a class inherits from Adapter/ArticleAdapter, or None if it is not one."""
    for base in cls.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, 'id', None)
        if name in BASES:
            return BASES[name]
        if name in classes and name not in seen:
            found = _base_levels(classes[name], classes, seen + (cls.name,))
            if found is not None:
                return found
    return None


def _declarations(cls, classes, seen=()):
    """name, levels and operations assigned in the class body (inherited ones first)."""
    found = {}
    for base in cls.bases:
        name = getattr(base, 'id', None)
        if name in classes and name not in seen:
            found.update(_declarations(classes[name], classes, seen + (cls.name,)))
    for key, value in assignments(cls):
        if key == 'name':
            found['name'] = _literal(value, cls.name, key, str)
        elif key in ('levels', 'operations', 'repeated_backward'):
            found[key] = frozenset(_literal(value, cls.name, key, frozenset))
    return found


def assignments(cls):
    """(name, value node) for each `name = value` (or `name: type = value`) of a class body."""
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        yield getattr(target, 'id', None), value


def _literal(node, owner, key, kind):
    """A literal str, or a set of str given as {...}, [...], (...), set(...) or frozenset(...)."""
    if kind is str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        raise SpecError(f'{owner}.{key} must be a string literal')
    if isinstance(node, ast.Call) and getattr(node.func, 'id', None) in ('set', 'frozenset') \
            and len(node.args) <= 1 and not node.keywords:
        node = node.args[0] if node.args else ast.Set(elts=[])
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return {e.value for e in node.elts}
    raise SpecError(f'{owner}.{key} must be written as a literal set of names, e.g. '
                    "frozenset({'add', 'mul'}): the grader reads it from the file, without "
                    'running it')
