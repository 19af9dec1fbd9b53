"""Evaluating a student's formula (exercise 6) safely: parsed with ast, never eval()'d.

Only the syntax the contract allows is accepted: numbers, names of the environment, + - * / **,
unary + and -, parentheses, and calls relu(x), sigmoid(x), exp(x), max(a, b, ...). Everything is
computed in floats, so no formula can build a huge integer; an overflow gives inf. Anything else
raises FormulaError, whose message names the offending piece.
"""
import ast
import keyword
import math

MAX_LENGTH = 100_000
MAX_NODES = 50_000


class FormulaError(ValueError):
    """The formula cannot be read or evaluated: the message says why, in a student's terms."""


def _relu(x):
    return x if x > 0.0 else 0.0


def _sigmoid(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # x < 0: cannot overflow
    return e / (1.0 + e)


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


FUNCTIONS = {'relu': (_relu, 1), 'sigmoid': (_sigmoid, 1), 'exp': (_exp, 1), 'max': (max, None)}
RESERVED = frozenset(FUNCTIONS)

_BINARY = {ast.Add: '+', ast.Sub: '-', ast.Mult: '*', ast.Div: '/', ast.Pow: '**'}
_UNARY = {ast.USub: '-', ast.UAdd: '+'}
_FORBIDDEN = {  # what a student may have written, in words
    ast.Attribute: 'attribute access (a.b)', ast.Subscript: 'indexing (a[i])',
    ast.Lambda: 'a lambda', ast.ListComp: 'a list comprehension',
    ast.GeneratorExp: 'a generator expression', ast.SetComp: 'a set comprehension',
    ast.DictComp: 'a dict comprehension', ast.Tuple: 'a tuple', ast.List: 'a list',
    ast.Set: 'a set', ast.Dict: 'a dict', ast.Compare: 'a comparison',
    ast.BoolOp: '`and`/`or`', ast.IfExp: 'a conditional expression (a if c else b)',
    ast.NamedExpr: 'an assignment expression (:=)', ast.JoinedStr: 'an f-string',
    ast.Starred: 'a starred argument (*args)', ast.Await: '`await`',
}


def is_valid_name(name):
    """A name an Input may carry in a formula: an identifier, not a keyword nor a function."""
    return (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)
            and name not in RESERVED)


def _show(node, text):
    piece = ast.get_source_segment(text, node) or type(node).__name__
    return piece if len(piece) <= 60 else piece[:57] + '...'


def parse(text, names):
    """The formula's syntax tree, checked against the whitelist; `names` are the allowed names."""
    if not isinstance(text, str):
        raise FormulaError(f'a formula is a str, not {type(text).__name__}')
    text = str.__str__(text)  # a str subclass cannot change what is parsed
    if len(text) > MAX_LENGTH:
        raise FormulaError(f'the formula is {len(text)} characters long (the limit is '
                           f'{MAX_LENGTH})')
    try:
        tree = ast.parse(text.strip(), mode='eval')
    except SyntaxError as error:
        raise FormulaError(f'the formula is not a Python expression: {error.msg}') from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        raise FormulaError(f'the formula cannot be parsed ({type(error).__name__}: '
                           f'{str(error)[:80]}); is it nested too deeply?') from None
    text = text.strip()
    stack, count = [tree.body], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise FormulaError(f'the formula has more than {MAX_NODES} parts')
        if isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise FormulaError(f'contains the constant {_show(node, text)}, which is not a '
                                   'number')
        elif isinstance(node, ast.Name):
            if node.id in RESERVED:
                raise FormulaError(f'uses {node.id} without calling it')
            if node.id not in names:
                raise FormulaError(f'uses the name {node.id!r}, which is no Input\'s name '
                                   f'(known names: {", ".join(sorted(names)) or "none"})')
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise FormulaError(f'uses the operator in {_show(node, text)}, which a formula '
                                   'may not use (only + - * / **)')
            stack += [node.right, node.left]
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                raise FormulaError(f'uses the operator in {_show(node, text)}, which a formula '
                                   'may not use (only unary + and -)')
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS:
                shown = name or _show(node.func, text)
                raise FormulaError(f'calls {shown}(), which a formula may not use (only '
                                   'relu, sigmoid, exp, max)')
            if any(isinstance(arg, ast.Starred) for arg in node.args):
                raise FormulaError(f'calls {name}() with a starred argument, in '
                                   f'{_show(node, text)}')
            if node.keywords:
                raise FormulaError(f'calls {name}() with a keyword argument, in '
                                   f'{_show(node, text)}')
            arity = FUNCTIONS[name][1]
            if arity is not None and len(node.args) != arity:
                raise FormulaError(f'calls {name}() with {len(node.args)} arguments (it takes '
                                   f'{arity}), in {_show(node, text)}')
            if arity is None and len(node.args) < 2:
                raise FormulaError(f'calls {name}() with fewer than 2 arguments, in '
                                   f'{_show(node, text)}')
            stack += reversed(node.args)
        else:
            what = _FORBIDDEN.get(type(node), f'a {type(node).__name__} expression')
            raise FormulaError(f'contains {what}: {_show(node, text)}, which a formula may not '
                               'use')
    return tree.body


def _number(value):
    try:
        return float(value)
    except OverflowError:  # an int literal beyond the floats
        return math.inf


def _binary(op, a, b):
    try:
        if op is ast.Add:
            return a + b
        if op is ast.Sub:
            return a - b
        if op is ast.Mult:
            return a * b
        if op is ast.Div:
            return a / b
        result = a ** b
    except ZeroDivisionError:
        raise FormulaError(f'divides by zero ({a!r} {_BINARY[op]} {b!r})') from None
    except OverflowError:
        return math.inf
    if isinstance(result, complex):
        raise FormulaError(f'raises a negative number to a fractional power (({a!r}) ** {b!r})')
    return result


def _call(name, args):
    try:
        return float(FUNCTIONS[name][0](*args))
    except OverflowError:
        return math.inf


def evaluate_tree(body, env):
    """The value of a parsed formula, computed without recursion (a deep formula is fine)."""
    values = []
    stack = [(body, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            values.append(_number(node.value))
        elif isinstance(node, ast.Name):
            values.append(float(env[node.id]))
        elif not ready:
            stack.append((node, True))
            parts = ([node.left, node.right] if isinstance(node, ast.BinOp) else
                     [node.operand] if isinstance(node, ast.UnaryOp) else list(node.args))
            stack += [(part, False) for part in reversed(parts)]
        elif isinstance(node, ast.BinOp):
            b, a = values.pop(), values.pop()
            values.append(_binary(type(node.op), a, b))
        elif isinstance(node, ast.UnaryOp):
            values.append(-values.pop() if isinstance(node.op, ast.USub) else values.pop())
        else:
            args = values[len(values) - len(node.args):]
            del values[len(values) - len(node.args):]
            values.append(_call(node.func.id, args))
    return values[0]


def evaluate(text, env):
    """The formula's value with the names bound by `env` ({name: number})."""
    return evaluate_tree(parse(text, set(env)), env)
