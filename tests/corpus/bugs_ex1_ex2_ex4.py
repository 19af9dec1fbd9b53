"""Bugs in exercises 1 (by hand), 2 (compile) and 4 (macros); see tests/corpus/__init__.py."""
from . import Bug

BY_HAND = 'return [(1.3, 0.4), (0.92, 0.78)]'
WEIGHT = 'weight = Parameter(value=INITIAL_WEIGHT, learning_rate=LEARNING_RATE)'
MODEL = "model = Add([Multiply([weight, Input(name='x')]), bias])"
PREDICT_NODES = ('input_nodes = self._input_nodes if self._input_nodes is not None else '
                 'self.find_input_nodes()')
COUNT_ERROR = """        if len(inputs) != len(input_nodes):
            raise ValueError(f'predict() expected {len(input_nodes)} input values (one per Input, '
                             f'in find_input_nodes() order) but got {len(inputs)}')"""
LINEAR_INIT = """        self.weights = [Parameter() for _ in self.children]
        self.bias = Parameter()
"""
LINEAR_EXPAND = """    def expand(self):
        products = [Multiply([weight, child]) for weight, child in zip(self.weights, self.children)]
        return Add(products + [self.bias])"""

BUGS = [
    # --- exercise 1 ---------------------------------------------------------------------------
    Bug('by_hand_bias_sign', 'ex1', 'ex1.by_hand',
        'second step: the bias moved up the gradient (0.4 - 0.38 instead of 0.4 + 0.38)',
        (('exercise1.py', BY_HAND, 'return [(1.3, 0.4), (0.92, 0.02)]'),)),
    Bug('by_hand_no_factor_two', 'ex1', 'ex1.by_hand',
        'dL/dprediction taken as -(y - prediction), forgetting the 2 of the square',
        (('exercise1.py', BY_HAND, 'return [(0.9, 0.2), (0.73, 0.37)]'),)),
    Bug('by_hand_second_step_from_start', 'ex1', 'ex1.by_hand',
        'the second step computed from the initial weight and bias instead of step 1\'s',
        (('exercise1.py', BY_HAND, 'return [(1.3, 0.4), (0.2, 0.3)]'),)),
    Bug('linear_regression_wrong_rate', 'ex1', 'ex1.tree',
        "the weight keeps Parameter's default learning rate 0.01 instead of 0.1",
        (('exercise1.py', WEIGHT, 'weight = Parameter(value=INITIAL_WEIGHT)'),)),
    Bug('linear_regression_bias_not_in_model', 'ex1', 'ex1.tree',
        'the bias Parameter is returned but the model adds a fresh one',
        (('exercise1.py', MODEL, "model = Add([Multiply([weight, Input(name='x')]), "
                                 "Parameter(value=INITIAL_BIAS, learning_rate=LEARNING_RATE)])"),)),
    Bug('linear_regression_two_inputs', 'ex1', 'ex1.tree',
        'the bias is multiplied by an Input too, as if it were a second weight',
        (('exercise1.py', MODEL, "model = Add([Multiply([weight, Input(name='x')]), "
                                 "Multiply([bias, Input(value=1.0)])])"),)),
    # --- exercise 2 ---------------------------------------------------------------------------
    Bug('compile_cache_unused', 'ex2', 'ex2.predict_uses_cache',
        'compile() stores the Inputs, but predict() still searches the graph every time',
        (('nodes.py', PREDICT_NODES, 'input_nodes = self.find_input_nodes()'),)),
    Bug('compile_cache_reversed', 'ex2', 'ex2.predict_uses_cache',
        'compile() caches the Inputs in reverse order',
        (('nodes.py', 'root._input_nodes = root.find_input_nodes()',
          'root._input_nodes = root.find_input_nodes()[::-1]'),)),
    Bug('compile_returns_none', 'ex2', 'ex2.compile_returns_root',
        'compile() caches the Inputs and forgets to return the root',
        (('nodes.py', '        return root\n\n    def predict', '\n    def predict'),)),
    Bug('compile_works_on_a_copy', 'ex2', 'ex2.compile_returns_root',
        "compile() deep-copies the graph so as not to touch the user's nodes, and returns the copy",
        (('nodes.py', '        root = expand_macros(self)',
          '        import copy\n        root = expand_macros(copy.deepcopy(self))'),)),
    Bug('predict_bare_assert', 'ex2', 'ex2.wrong_count',
        "predict() keeps the article's assert instead of raising ValueError",
        (('nodes.py', COUNT_ERROR, '        assert len(inputs) == len(input_nodes)'),)),
    Bug('predict_error_without_counts', 'ex2', 'ex2.wrong_count',
        'predict() raises ValueError, but its message does not say how many values it wanted',
        (('nodes.py', COUNT_ERROR, """        if len(inputs) != len(input_nodes):
            raise ValueError('predict() got the wrong number of input values')"""),)),
    Bug('predict_count_checked_only_compiled', 'ex2', 'ex2.wrong_count',
        'the count is checked only on the compiled path: without compile() extra values are '
        'silently dropped by zip',
        (('nodes.py', 'if len(inputs) != len(input_nodes):',
          'if self._input_nodes is not None and len(inputs) != len(input_nodes):'),)),
    # --- exercise 4 ---------------------------------------------------------------------------
    Bug('linear_no_bias', 'ex4', 'ex4.linear_structure',
        'Linear.expand() forgets the bias: sum(w_i * x_i) only',
        (('macros.py', 'return Add(products + [self.bias])', 'return Add(products)'),)),
    Bug('linear_shared_weight', 'ex4', 'ex4.linear_structure',
        'one weight Parameter shared by every child ([Parameter()] * k)',
        (('macros.py', 'self.weights = [Parameter() for _ in self.children]',
          'self.weights = [Parameter()] * len(self.children)'),)),
    Bug('linear_fresh_parameters_each_expand', 'ex4', 'ex4.linear_structure',
        'the weights and the bias are created in expand(), so each expansion has new ones',
        (('macros.py', LINEAR_INIT, ''),
         ('macros.py', LINEAR_EXPAND, """    def expand(self):
        self.weights = [Parameter() for _ in self.children]
        self.bias = Parameter()
        products = [Multiply([weight, child]) for weight, child in zip(self.weights, self.children)]
        return Add(products + [self.bias])"""))),
    Bug('linear_drops_last_child', 'ex4', 'ex4.linear_structure',
        'an off-by-one: the last child gets no product term',
        (('macros.py', 'zip(self.weights, self.children)]',
          'zip(self.weights, self.children[:-1])]'),)),
    Bug('expansion_not_reexpanded', 'ex4', 'ex4.compile_expands_all',
        'compile() expands a macro once: a macro its expansion returns is left in place',
        (('macros.py', 'while isinstance(new, Macro):', 'if isinstance(new, Macro):'),)),
    Bug('expansion_stops_at_operations', 'ex4', 'ex4.compile_expands_all',
        'compile() expands a macro child but does not look inside ordinary operations: a macro '
        'below an Add or a Multiply is left',
        (('macros.py', 'stack.extend((child, False) for child in reversed(new.children))',
          'stack.extend((child, False) for child in reversed(new.children)\n'
          '                         if isinstance(child, Macro))'),
         ('macros.py', 'new.children = [replacement[child] for child in new.children]',
          'new.children = [replacement[child] if isinstance(child, Macro) else child '
          'for child in new.children]'))),
    Bug('compile_returns_unexpanded_root', 'ex4', 'ex4.linear_values_gradients',
        'compile() expands the graph but returns self, the macro, when the root is a macro',
        (('nodes.py', '        return root\n\n    def predict',
          '        return self\n\n    def predict'),)),
]
