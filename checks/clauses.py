"""Which check guards each clause of docs/contract.md: rendered into docs/checks.md.

A clause with no check says how it is judged instead (or that it is not). A test keeps every id
here a real check, and every check guarding at least one clause.
"""

CLAUSES = (
    # (section of the contract, the clause, check ids, how it is judged when no check is named)
    ('1', 'the names importable from the top level', (),
     'by every check: a missing name fails the checks that need it, as not attempted in its own '
     "exercise and as \"needs exN\" in others"),
    ('1', 'importing does not print, read input or take more than a second', (),
     'not graded: what import prints is shown in the report; an import that hangs or fails is an '
     'error on every check'),
    ('2', '`children`, `op(x)`, `forward()`, `grad()` of the four operations',
     ('core.add', 'core.multiply', 'core.relu', 'core.sigmoid', 'core.forward'), ''),
    ('2', 'an Operation computes its value only through its own `op()`',
     ('ex3.repeat_is_free', 'ex3.recompute_only_what_changed'), ''),
    ('2', '`__call__()` is `forward()`; `on_backward()` of Parameter and Input',
     ('core.node_protocol',), ''),
    ('2', 'nodes compare and hash by identity', (),
     'not graded directly: nodes that compare by value break the sets and dicts of the '
     "implementation's own backward() and find_input_nodes() on shared nodes (ex7's checks)"),
    ('2', '`Input(value=0.0, name=None)`, `Parameter(value=uniform(-1, 1), learning_rate=0.01)`, '
     'assignable `value` and `learning_rate`', ('core.constructors',), ''),
    ('2', '`find_input_nodes()`: depth-first, left to right', ('core.find_input_nodes',), ''),
    ('2', '`predict(inputs)`, also `predict([])` without Inputs', ('core.predict',), ''),
    ('2', '`Multiply` never divides by a child; `Sigmoid` finite at any input',
     ('core.multiply', 'core.sigmoid_extremes'), ''),
    ('3', 'the losses and their gradients', ('core.losses',), ''),
    ('3', '`train_model`: order of updates, defaults, printed mean loss',
     ('core.training', 'core.train_model'), ''),
    ('4', '`backward(d)`: one SGD step at the values before the call, Inputs unchanged',
     ('core.sgd_step', 'core.gradients', 'core.finite_differences', 'core.inputs_unchanged'), ''),
    ('4', 'each Parameter updated once per call; a later `forward()` sees the new values',
     ('ex7.gradients', 'ex7.output_shared', 'ex3.values_stay_right'), ''),
    ('5.1', '`build_linear_regression()` and `sgd_by_hand()`', ('ex1.tree', 'ex1.by_hand'), ''),
    ('5.2', '`compile()` returns the root', ('ex2.compile_returns_root',), ''),
    ('5.2', 'after `compile()`, `predict()` never searches the graph (also without Inputs) and '
     'returns what it returned before', ('ex2.predict_uses_cache', 'ex2.same_results'), ''),
    ('5.2', '`predict()` with the wrong number of values raises ValueError naming both counts',
     ('ex2.wrong_count',), ''),
    ('5.3', 'no `op()` call when no leaf was assigned', ('ex3.repeat_is_free',), ''),
    ('5.3', 'at most once per Operation, only above assigned leaves, however assigned',
     ('ex3.recompute_only_what_changed', 'ex3.predict_and_backward_invalidate'), ''),
    ('5.3', 'the value is always right; `compile()` at any point, one recomputation after it',
     ('ex3.values_stay_right', 'ex3.recompute_only_what_changed'), ''),
    ('5.3', 'caching on compiled macro graphs, under Output roots, on shared nodes',
     ('ex4.sequences', 'ex5.sequences', 'ex7.sequences'), ''),
    ('5.4', '`Linear`: its own distinct Parameters, an expansion of Add and Multiply only',
     ('ex4.linear_structure',), ''),
    ('5.4', '`compile()` leaves no macro anywhere; values and gradients of the expansion',
     ('ex4.compile_expands_all', 'ex4.linear_values_gradients', 'ex4.sequences'), ''),
    ('5.5', '`Output`: `forward()`, `predict()`, `backward(derivatives)`',
     ('ex5.output_forward', 'ex5.output_backward', 'ex7.output_shared'), ''),
    ('5.5', '`SoftMax`: values in [0, 1] summing to 1, shift-invariant, finite at +-1000; the full '
     'Jacobian', ('ex5.softmax_forward', 'ex5.softmax_extremes', 'ex5.softmax_backward',
                  'ex5.softmax_finite_differences'), ''),
    ('5.5', '`cce_loss`, `cce_loss_grad`, clipped to [eps, 1]', ('ex5.cce', 'ex5.cce_clip'), ''),
    ('5.6', '`funcify()` of every core node evaluates to its `forward()`',
     ('ex6.article_example', 'ex6.named_inputs', 'ex6.every_node'), ''),
    ('5.6', 'Input names kept; `compile()` names the unnamed ones, distinct',
     ('ex6.unnamed_inputs',), ''),
    ('5.6', "an Output's `funcify()`", (), 'not graded (the contract says why)'),
    ('5.7', 'everything above on DAGs; repeated children',
     ('ex7.gradients', 'ex7.finite_differences', 'ex7.repeated_child', 'ex7.sequences'), ''),
    ('5.7', '`backward()` calls each `grad()` once', ('ex7.grad_once',), ''),
    ('5.7', '`find_input_nodes()` lists a shared Input once', ('ex7.shared_inputs',), ''),
    ('5.7', '`funcify()` on DAGs (a node with several parents)', ('ex6.shared_nodes',), ''),
    ('5.7', 'cost: linear in the edges, not the paths', ('ex7.linear_cost',), ''),
    ('6', 'values read with `float()`; NaN always wrong', (),
     'by every check that reads a number (checks/values.py)'),
    ('6', 'each exercise graded on its own; combined properties in the later exercise', (),
     'by tests of the grader: the reference with exercise 2, 3 or 5 undone keeps full marks in '
     'the later exercises that meet it, and with exercise 7 undone in exercise 6 '
     '(tests/checks/test_combined.py)'),
    ('A', 'each operation an engine declares, alone and times a Parameter: neg, sub, div, pow '
     '(by a constant), exp, log, tanh, and add, mul, relu, sigmoid as engines build them',
     ('core.neg', 'core.sub', 'core.div', 'core.pow', 'core.exp', 'core.log', 'core.tanh',
      'core.engine_add', 'core.engine_mul', 'core.engine_relu', 'core.engine_sigmoid'), ''),
    ('A', 'a plain number on either side of +, -, * and /', ('core.constants',), ''),
    ('A', 'after backward(), every node holds d root / d node', ('core.all_gradients',), ''),
    ('A', 'repeated backward passes, rebuilds over the same leaves and zero_grad() follow the '
     'declared rule (accumulate, reset, reseed)', ('core.repeated_backward',), ''),
)
