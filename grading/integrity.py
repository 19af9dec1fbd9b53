"""Noticing student code that patches the grader from inside the process it runs in.

A child process shares memory with the student's code, so it cannot be a wall against a determined
attacker (a container is; see docs/instructors.md). What it can do is notice the common attempts:
replacing a function or class of checks/ or grading/, a builtin the checks rely on, or a module
entry. A fingerprint is taken before the student's code is imported and compared after every
check; any change voids the exercise.
"""
import builtins
import json
import math
import sys

WATCHED_PACKAGES = ('checks', 'grading')
WATCHED_MODULES = {'builtins': builtins, 'math': math, 'json': json}
# Of the standard modules, only what the checks and the result channel rely on: a student may
# legitimately replace print(), say, but never float() or json.dumps().
WATCHED_NAMES = {
    'builtins': {'float', 'int', 'bool', 'isinstance', 'issubclass', 'type', 'abs', 'len', 'id',
                 'getattr', 'setattr', 'sum', 'min', 'max', 'repr', 'str', 'list', 'tuple',
                 'dict', 'set', 'zip', 'range', 'sorted', 'any', 'all', 'iter', 'next',
                 'enumerate', 'hasattr', 'callable', 'vars'},
    'math': {'isfinite', 'isnan', 'isinf', 'exp', 'log', 'prod', 'fsum', 'isclose'},
    'json': {'dumps', 'loads'},
}


def _fingerprint(value):
    if isinstance(value, type):
        return (id(value),) + tuple(sorted((k, id(v)) for k, v in vars(value).items()))
    code = getattr(value, '__code__', None)
    return (id(value), id(code)) if code is not None else (id(value),)


def _watched():
    for name, module in list(sys.modules.items()):
        if name.split('.')[0] in WATCHED_PACKAGES:
            yield name, module
    yield from WATCHED_MODULES.items()


def snapshot():
    state = {}
    for name, module in _watched():
        state[name] = id(sys.modules.get(name, module))
        names = WATCHED_NAMES.get(name)
        for attr, value in list(vars(module).items()):
            if (names is None and not attr.startswith('__') and callable(value)) or \
                    (names is not None and attr in names):
                state[f'{name}.{attr}'] = _fingerprint(value)
    return state


def changes(before):
    """The names whose object changed since `before` (empty when nothing was touched)."""
    after = snapshot()
    return sorted(key for key, value in before.items() if after.get(key) != value)
