"""Bugs of micrograd-style engines (issue 12): each a mistake students make in the lecture's Value
class (tests/corpus/engines/value.py, correct), graded by the Value convention with no adapter.

Each bug names the check that must fail: the probe of the operation it breaks where there is one,
else the check on generated graphs that sees it. `write_engine_variant` writes the broken copy as
a single file, engine_<name>.py, which `grader.py --impl` recognises as a Value engine.
"""
from pathlib import Path

from . import Bug

ENGINE = Path(__file__).resolve().parent / 'engines' / 'value.py'


def _bug(name, check, why, old, new):
    return Bug(name, check.split('.')[0], check, why, (('value.py', old, new),))


POW_BACKWARD = 'self.grad += other * self.data ** (other - 1) * out.grad'
TANH_BACKWARD = 'self.grad += (1 - t ** 2) * out.grad'
ADD_BACKWARD = '''            self.grad += out.grad
            other.grad += out.grad'''

BUGS = [
    # --- power ---
    _bug('pow_exponent_not_lowered', 'core.pow', 'the derivative of x**c keeps the exponent c',
         POW_BACKWARD, 'self.grad += other * self.data ** other * out.grad'),
    _bug('pow_coefficient_dropped', 'core.pow', 'forgot to bring the exponent down',
         POW_BACKWARD, 'self.grad += self.data ** (other - 1) * out.grad'),
    _bug('pow_integer_exponent', 'core.pow', 'int(other): x ** 0.5 became x ** 0',
         'out = Value(self.data ** other, (self,)', 'out = Value(self.data ** int(other), (self,)'),
    # --- subtraction, negation, division ---
    _bug('sub_adds', 'core.sub', 'a - b written as a + b', 'return self + (-other)',
         'return self + other'),
    _bug('neg_detached', 'core.neg', '-x built as a new Value: no gradient flows back',
         '        return self * -1', '        return Value(-self.data)'),
    _bug('div_detached_divisor', 'core.div', 'divided by a plain number: b gets no gradient',
         '        return self * other ** -1',
         '        other = other if isinstance(other, Value) else Value(other)\n'
         '        return self * (1 / other.data)'),
    _bug('div_inverted', 'core.div', 'a / b computed as b / a', '        return self * other ** -1',
         '        return other * self ** -1'),
    # --- exp, log, tanh ---
    _bug('exp_slope_of_input', 'core.exp', "exp's derivative taken as x instead of exp(x)",
         'self.grad += out.data * out.grad', 'self.grad += self.data * out.grad'),
    _bug('exp_upstream_dropped', 'core.exp',
         "exp's derivative without the upstream gradient: right only at the root",
         'self.grad += out.data * out.grad', 'self.grad += out.data'),
    _bug('log_slope_inverted', 'core.log', "log's derivative written x instead of 1/x",
         'self.grad += (1 / self.data) * out.grad', 'self.grad += self.data * out.grad'),
    _bug('log_base_10', 'core.log', 'math.log10 for the natural logarithm',
         'out = Value(math.log(self.data)', 'out = Value(math.log10(self.data)'),
    _bug('tanh_not_squared', 'core.tanh', "tanh's derivative 1 - t instead of 1 - t**2",
         TANH_BACKWARD, 'self.grad += (1 - t) * out.grad'),
    _bug('tanh_slope_of_input', 'core.tanh', "tanh's derivative from the input: 1 - x**2",
         TANH_BACKWARD, 'self.grad += (1 - self.data ** 2) * out.grad'),
    # --- numbers on either side: the reflected operators ---
    _bug('rsub_reversed', 'core.constants', '2 - v computed as v - 2',
         'return other + (-self)', 'return self - other'),
    _bug('rtruediv_reversed', 'core.constants', '2 / v computed as v / 2',
         'return other * self ** -1', 'return self / other'),
    _bug('radd_detached', 'core.constants', '2 + v as a new Value: v gets no gradient',
         '    def __radd__(self, other):  # other + self\n        return self + other',
         '    def __radd__(self, other):  # other + self\n        return Value(other + self.data)'),
    _bug('rmul_detached', 'core.constants', '2 * v as a new Value: v gets no gradient',
         '    def __rmul__(self, other):  # other * self\n        return self * other',
         '    def __rmul__(self, other):  # other * self\n        return Value(other * self.data)'),
    # --- the article's four, as an engine writes them ---
    _bug('mul_uses_own_value', 'core.engine_mul', "mul's derivative uses the output, not the "
         'other operand', 'self.grad += other.data * out.grad', 'self.grad += out.data * out.grad'),
    _bug('relu_slope_at_negative', 'core.engine_relu', "ReLU's slope read from the output, >= 0: "
         '1 for negative inputs too', 'self.grad += (out.data > 0) * out.grad',
         'self.grad += (out.data >= 0) * out.grad'),
    _bug('sigmoid_slope_incomplete', 'core.engine_sigmoid', "sigmoid's derivative written 1 - s",
         'self.grad += s * (1 - s) * out.grad', 'self.grad += (1 - s) * out.grad'),
    _bug('add_forgets_second_operand', 'core.engine_add',
         'a + b passes the gradient to a only', ADD_BACKWARD,
         '            self.grad += out.grad'),
    _bug('add_overwrites', 'ex7.gradients', '= instead of +=: a node used twice keeps one use',
         ADD_BACKWARD, '            self.grad = out.grad\n            other.grad = out.grad'),
    # --- the backward walk ---
    _bug('topo_not_reversed', 'core.gradients', 'children visited before their parents',
         'for v in reversed(topo):', 'for v in topo:'),
    _bug('topo_without_visited', 'ex7.gradients',
         'no visited set: a shared node is propagated once per path',
         '            if v not in visited:\n                visited.add(v)\n',
         '            if True:\n'),
    # --- state across calls ---
    _bug('root_grad_accumulates', 'core.repeated_backward',
         'the root seeded with grad += 1: a second backward() starts from 2',
         '        self.grad = 1\n', '        self.grad += 1\n'),
    _bug('intermediate_grads_cleared', 'core.all_gradients',
         'each node forgets its gradient once it has passed it on',
         '        for v in reversed(topo):\n            v._backward()',
         '        for v in reversed(topo):\n            v._backward()\n'
         '            if v._prev:\n                v.grad = 0'),
    _bug('backward_zeroes_leaves_only', 'core.repeated_backward',
         'zeroes the leaves before each pass but lets intermediate nodes add up',
         '        self.grad = 1\n',
         '        for v in topo:\n            if not v._prev:\n                v.grad = 0\n'
         '        self.grad = 1\n'),
]


def write_engine_variant(bug, directory):
    """The engine with the bug's edits, as directory/engine_<name>.py; returns its path."""
    text = ENGINE.read_text()
    for _, old, new in bug.edits:
        count = text.count(old)
        if count != 1:
            raise AssertionError(f'{bug.name}: {old!r} occurs {count} times in {ENGINE.name}')
        text = text.replace(old, new)
    path = Path(directory) / f'engine_{bug.name}.py'
    path.write_text(text)
    return path
