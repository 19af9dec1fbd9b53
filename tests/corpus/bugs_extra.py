"""Bugs for the checks no other bug names, so that every check has a wrong variant that fails it
(tests/quality/test_measurements.py holds the corpus to that)."""
from . import Bug

BUGS = [
    # --- core -----------------------------------------------------------------------------------
    Bug('relu_reads_child_value', 'core', 'core.forward',
        "ReLU.op ignores its argument and reads its child's `value`: right over an Input or a "
        'Parameter (the single-operation probes pass), an AttributeError over an operation',
        (('operations.py', 'return max(0.0, x[0])', 'return max(0.0, self.children[0].value)'),)),
    Bug('sigmoid_op_sign_slip', 'core', 'core.finite_differences',
        "Sigmoid.op computes 1 / (1 + exp(x)), the minus sign lost, while grad() is still "
        "s (1 - s) of that value, which happens to be the contract's derivative (s (1 - s) is "
        "symmetric): the local derivative is not the slope of the node's own forward()",
        (('operations.py', '        return sigmoid(x[0])\n',
          '        return sigmoid(-x[0])  # 1 / (1 + exp(x))\n'),)),
    Bug('predict_returns_nothing', 'core', 'core.predict',
        'predict() assigns the Inputs and evaluates the network, but forgets the `return`',
        (('nodes.py', '            node.value = value\n        return self.forward()',
          '            node.value = value\n        self.forward()'),)),
    Bug('train_grad_arguments_swapped', 'core', 'core.training',
        'train_model calls loss_grad_fn(prediction, y) instead of loss_grad_fn(y, prediction): '
        'the gradient changes sign and training climbs the loss',
        (('training.py', 'model.backward(loss_grad_fn(y, prediction))',
          'model.backward(loss_grad_fn(prediction, y))'),)),
    # --- exercise 2 -----------------------------------------------------------------------------
    Bug('compile_reinitializes_parameters', 'ex2', 'ex2.same_results',
        'compile() "prepares the network for training" by drawing every Parameter afresh, so a '
        'compiled network predicts something else than the same network not compiled',
        (('nodes.py', '        root._input_nodes = root.find_input_nodes()\n',
          '        root._input_nodes = root.find_input_nodes()\n'
          '        for node in topological_order([root]):\n'
          '            if isinstance(node, Parameter):\n'
          '                node.value = random.uniform(-1, 1)  # a fresh start for training\n'),)),
    # --- exercise 5 -----------------------------------------------------------------------------
    Bug('softmax_not_normalized', 'ex5', 'ex5.softmax_forward',
        'softmax shifts by the max and takes exp(), but forgets to divide by the sum',
        (('outputs.py', 'return [e / total for e in exps]', 'return exps'),)),
    # --- exercise 6 -----------------------------------------------------------------------------
    Bug('funcify_parenthesized_numbers', 'ex6', 'ex6.article_example',
        'Parameter.funcify puts every number in parentheses, negative or not: the formulas '
        "evaluate right, but the article's example reads ((0.1) + (0.2))",
        (('nodes.py', "return f'({text})' if text.startswith('-') else text",
          "return f'({text})'"),)),
    # --- exercise 7 -----------------------------------------------------------------------------
    Bug('op_dedups_children', 'ex7', 'ex7.finite_differences',
        'Add.op and Multiply.op key the values by child ("a shared node counts once"): a child '
        'listed twice (x + x, x * x) counts once in the value, while grad() still sees both '
        "positions, so the gradient is not the slope of the node's own forward()",
        (('operations.py', '    def op(self, x):\n        return sum(x)\n',
          '    def op(self, x):\n'
          '        return sum({id(c): v for c, v in zip(self.children, x)}.values())\n'),
         ('operations.py', '    def op(self, x):\n        return math.prod(x)\n',
          '    def op(self, x):\n'
          '        return math.prod({id(c): v for c, v in zip(self.children, x)}.values())\n'))),
    Bug('multiply_grad_skips_same_child', 'ex7', 'ex7.repeated_child',
        'the partial of a product with respect to child i multiplies the children that are not '
        'child i, compared by identity: a child listed twice is left out at both positions, so '
        'd(p * p)/dp comes out 2 instead of 2p',
        (('operations.py',
          '        if len(self.children) == 2:  # the common case, written out\n'
          '            a, b = self.children\n'
          '            return [b.forward(), a.forward()]\n'
          '        values = [child.forward() for child in self.children]\n'
          '        return [math.prod(values[:i] + values[i + 1:]) for i in range(len(values))]',
          '        values = [child.forward() for child in self.children]\n'
          '        return [math.prod(v for c, v in zip(self.children, values)\n'
          '                          if c is not self.children[i]) for i in range(len(values))]'),)),
]
