"""Bugs in the article's own framework (core)."""
from . import Bug

BUGS = [
    Bug('call_returns_the_method', 'core', 'core.node_protocol',
        '__call__ returns self.forward without calling it: root() gives a bound method',
        (('nodes.py', '    def __call__(self):\n        return self.forward()',
          '    def __call__(self):\n        return self.forward'),)),
    Bug('multiply_grad_divides', 'core', 'core.multiply',
        'the partial of a product computed as product / x_i, which breaks when x_i is 0',
        (('operations.py',
          "        if len(self.children) == 2:  # the common case, written out\n"
          "            a, b = self.children\n"
          "            return [b.forward(), a.forward()]\n"
          "        values = [child.forward() for child in self.children]\n"
          "        return [math.prod(values[:i] + values[i + 1:]) for i in range(len(values))]",
          "        values = [child.forward() for child in self.children]\n"
          "        product = math.prod(values)\n"
          "        return [product / v if v != 0 else 0.0 for v in values]"),)),
    Bug('multiply_binary_only', 'core', 'core.multiply',
        'Multiply treated as binary: only the first two children are multiplied',
        (('operations.py', 'return math.prod(x)', 'return x[0] * x[1] if len(x) > 1 else x[0]'),)),
    Bug('add_grad_first_child_only', 'core', 'core.add',
        'Add.grad returns a 1 for the first child and 0 for the others',
        (('operations.py', 'return [1.0] * len(self.children)',
          'return [1.0] + [0.0] * (len(self.children) - 1)'),)),
    Bug('sigmoid_grad_missing_factor', 'core', 'core.sigmoid',
        "Sigmoid's derivative written as s instead of s (1 - s)",
        (('operations.py', 'return [s * (1.0 - s)]', 'return [s]'),)),
    Bug('sigmoid_overflows', 'core', 'core.sigmoid_extremes',
        'Sigmoid computed as 1 / (1 + exp(-x)) for every x: overflows at x = -1000',
        (('operations.py', '    if x >= 0:\n        return 1.0 / (1.0 + math.exp(-x))',
          '    if True:\n        return 1.0 / (1.0 + math.exp(-x))'),)),
    Bug('relu_grad_inverted', 'core', 'core.relu',
        'ReLU derivative 1 for negative inputs and 0 for positive ones',
        (('operations.py', 'return [1.0 if self.children[0].forward() > 0 else 0.0]',
          'return [0.0 if self.children[0].forward() > 0 else 1.0]'),)),
    Bug('chain_factor_dropped', 'core', 'core.gradients',
        "the parent's derivative is not multiplied in: each child gets only its local partial",
        (('nodes.py', 'total[j] += derivative * local', 'total[j] += local'),)),
    Bug('learning_rate_ignored', 'core', 'core.sgd_step',
        'Parameter update uses a fixed step of 0.01 instead of its learning rate',
        (('nodes.py', 'self.value = self._value - self.learning_rate * derivative_from_parent',
          'self.value = self._value - 0.01 * derivative_from_parent'),)),
    Bug('update_sign_flipped', 'core', 'core.sgd_step',
        'gradient ascent: the update adds learning_rate * derivative',
        (('nodes.py', 'self.value = self._value - self.learning_rate * derivative_from_parent',
          'self.value = self._value + self.learning_rate * derivative_from_parent'),)),
    Bug('inputs_reversed', 'core', 'core.find_input_nodes',
        'find_input_nodes visits children right to left',
        (('nodes.py', 'stack.extend(reversed(node.children))\n        return found',
          'stack.extend(node.children)\n        return found'),)),
    Bug('mse_grad_wrong_sign', 'core', 'core.losses',
        'mse_loss_grad returns 2 (y_true - y_pred)',
        (('losses.py', 'return -2 * (y_true - y_pred)', 'return 2 * (y_true - y_pred)'),)),
    Bug('bce_grad_no_clip', 'core', 'core.losses',
        'bce_loss_grad forgets to clip y_pred, dividing by zero at 0 and 1',
        (('losses.py', '''def bce_loss_grad(y_true, y_pred, eps=0.00000001):
    y_pred = min(max(y_pred, eps), 1 - eps)''', '''def bce_loss_grad(y_true, y_pred, eps=0.00000001):'''),)),
    Bug('inputs_updated', 'core', 'core.inputs_unchanged',
        'Input nodes are updated like Parameters in backward()',
        (('nodes.py', '''        if self.name is None:
            return f'Input({self.value})\'''', '''        if self.name is None:
            return f'Input({self.value})\''''),
         ('nodes.py', '''    def formula(self, child_formulas):
        if self.name is None:''', '''    def on_backward(self, derivative_from_parent):
        self.value -= 0.01 * derivative_from_parent

    def formula(self, child_formulas):
        if self.name is None:'''),)),
]
