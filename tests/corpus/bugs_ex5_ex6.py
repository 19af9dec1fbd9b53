"""Bugs in exercise 5 (Output, SoftMax, cce) and exercise 6 (funcify)."""
from . import Bug

NAME_INPUTS = '''    for node in input_nodes:
        if node.name is None:
            node.name = next(free)'''

BUGS = [
    # --- exercise 5 -------------------------------------------------------------------------
    Bug('softmax_no_max_shift', 'ex5', 'ex5.softmax_extremes',
        'softmax computed as exp(z_i) / sum exp(z_j) without subtracting the max: overflows at '
        'a logit of 1000',
        (('outputs.py', 'top = max(logits)', 'top = 0.0'),)),
    Bug('softmax_jacobian_diagonal', 'ex5', 'ex5.softmax_backward',
        'SoftMax.backward uses only the diagonal of the Jacobian: d s_j / d z_j = s_j (1 - s_j), '
        'forgetting that s_i depends on z_j too',
        (('outputs.py', 'return [s_j * (g_j - weighted) for g_j, s_j in zip(derivatives, s)]',
          'return [g_j * s_j * (1 - s_j) for g_j, s_j in zip(derivatives, s)]'),)),
    Bug('softmax_jacobian_missing_s', 'ex5', 'ex5.softmax_finite_differences',
        'SoftMax.backward drops the factor s_j: passes g_j - sum_i g_i s_i down child j',
        (('outputs.py', 'return [s_j * (g_j - weighted) for g_j, s_j in zip(derivatives, s)]',
          'return [(g_j - weighted) for g_j, s_j in zip(derivatives, s)]'),)),
    Bug('softmax_jacobian_not_summed', 'ex5', 'ex5.softmax_backward',
        "SoftMax.backward takes only the i = j term's weight: s_j (g_j - g_j s_j)",
        (('outputs.py', 'return [s_j * (g_j - weighted) for g_j, s_j in zip(derivatives, s)]',
          'return [s_j * (g_j - g_j * s_j) for g_j, s_j in zip(derivatives, s)]'),)),
    Bug('cce_grad_wrong_sign', 'ex5', 'ex5.cce',
        'cce_loss_grad returns t_i / p_i (the sign of descent lost)',
        (('losses.py', 'return [-t / min(max(p, eps), 1.0) for t, p in zip(y_true, y_pred)]',
          'return [t / min(max(p, eps), 1.0) for t, p in zip(y_true, y_pred)]'),)),
    Bug('cce_loss_no_clip', 'ex5', 'ex5.cce_clip',
        'cce_loss takes log(p) without clipping: a prediction of 0 raises a math domain error',
        (('losses.py', 'return -sum(t * math.log(min(max(p, eps), 1.0))',
          'return -sum(t * math.log(p)'),)),
    Bug('cce_grad_no_clip', 'ex5', 'ex5.cce_clip',
        'cce_loss_grad divides by the unclipped p: a prediction of 0 divides by zero',
        (('losses.py', 'return [-t / min(max(p, eps), 1.0) for t, p in zip(y_true, y_pred)]',
          'return [-t / p for t, p in zip(y_true, y_pred)]'),)),
    Bug('output_backward_first_only', 'ex5', 'ex5.output_backward',
        'Output.backward propagates only the first derivative, down the first child',
        (('outputs.py',
          'backpropagate(zip(self.children, self.derivatives_wrt_children(derivatives)))',
          'backpropagate([(self.children[0], '
          'self.derivatives_wrt_children(derivatives)[0])])'),)),
    Bug('output_backward_one_derivative', 'ex5', 'ex5.output_backward',
        'Output.backward passes the first derivative down every child',
        (('outputs.py', '        return list(derivatives)\n',
          '        return [derivatives[0]] * len(derivatives)\n'),)),
    Bug('output_forward_sums', 'ex5', 'ex5.output_forward',
        "Output.forward returns [sum of the children's values] instead of one value per child",
        (('outputs.py', '        return list(x)\n', '        return [sum(x)]\n'),)),

    # --- exercise 6 -------------------------------------------------------------------------
    Bug('funcify_add_no_parentheses', 'ex6', 'ex6.named_inputs',
        'Add.funcify joins its children with " + " and no parentheses: a sum inside a product '
        'is read as a * b + c',
        (('operations.py', "return '(' + ' + '.join(child_formulas) + ')'",
          "return ' + '.join(child_formulas)"),)),
    Bug('funcify_rounded_numbers', 'ex6', 'ex6.named_inputs',
        "Parameter.funcify writes its value with 3 significant digits (f'{value:.3g}')",
        (('nodes.py', 'text = repr(self.value)  # repr reads back to the same float',
          "text = f'{self.value:.3g}'"),)),
    Bug('funcify_input_as_value', 'ex6', 'ex6.named_inputs',
        "Input.funcify writes the Input's current value instead of its name",
        (('nodes.py', '''            raise ValueError('this Input has no name: build it with Input(name=...) '
                             'or call compile() on the root first')
        return self.name''', '''            raise ValueError('this Input has no name: build it with Input(name=...) '
                             'or call compile() on the root first')
        return f'({self.value!r})\''''),)),
    Bug('funcify_sigmoid_sign', 'ex6', 'ex6.named_inputs',
        "Sigmoid.funcify written out as 1 / (1 + exp(x)): the minus sign lost",
        (('operations.py', "return f'sigmoid({child_formulas[0]})'",
          "return f'(1 / (1 + exp({child_formulas[0]})))'"),)),
    Bug('funcify_relu_dropped', 'ex6', 'ex6.named_inputs',
        "ReLU.funcify returns its child's formula, forgetting the relu()",
        (('operations.py', "return f'relu({child_formulas[0]})'",
          "return child_formulas[0]"),)),
    Bug('funcify_parameter_returns_float', 'ex6', 'ex6.every_node',
        'Parameter.funcify returns the float itself, and the operations write it with str(): '
        'right from an operation, but funcify() of a Parameter is not a formula (a str)',
        (('nodes.py', '''        text = repr(self.value)  # repr reads back to the same float
        return f'({text})' if text.startswith('-') else text''', '''        return self.value'''),
         ('operations.py', "return '(' + ' + '.join(child_formulas) + ')'",
          "return '(' + ' + '.join(str(formula) for formula in child_formulas) + ')'"),
         ('operations.py', "return '(' + ' * '.join(child_formulas) + ')'",
          "return '(' + ' * '.join(str(formula) for formula in child_formulas) + ')'"))),
    Bug('compile_names_all_x', 'ex6', 'ex6.unnamed_inputs',
        "compile() names every unnamed Input 'x': the names are not distinct",
        (('nodes.py', NAME_INPUTS, NAME_INPUTS.replace('next(free)', "'x'")),)),
    Bug('compile_names_by_position', 'ex6', 'ex6.unnamed_inputs',
        'compile() names the k-th Input x<k> without skipping the names already given, so '
        'an unnamed Input can get the name of a named one',
        (('nodes.py', NAME_INPUTS, '''    for k, node in enumerate(input_nodes):
        if node.name is None:
            node.name = f'x{k}\''''),)),
    Bug('compile_renames_named_inputs', 'ex6', 'ex6.unnamed_inputs',
        'compile() names every Input x0, x1, ..., overwriting the names given with Input(name=...)',
        (('nodes.py', NAME_INPUTS, '''    for k, node in enumerate(input_nodes):
        node.name = f'x{k}\''''),)),
]
