"""Bugs in exercise 3: forward caching.

The reference keeps a global change tick (nodes.py); some bugs below replace it with the other
designs students write: dirty flags pushed up from the leaves, or eager recomputation on every
assignment.
"""
from . import Bug

REFERENCE_FORWARD = '''    def forward(self):
        if self._checked_at == _changes:
            return self._value  # nothing anywhere has changed since we last looked
        if self._tape is None:  # not compiled: find the Operations below that need a look
            operations = children_first(self, done=_checked_since_last_change)
        else:  # compiled: every Operation below, listed once by compile()
            operations = self._tape.operations
        for node in operations:  # children first: each one's children hold their new values
            inputs = [child._value for child in node.children]
            if inputs != node._inputs:  # exercise 3: op() only if the children's values changed
                node._value = node.op(inputs)
                node._inputs = inputs
            node._checked_at = _changes
        return self._value
'''

# The test in forward() that spares op() when the children's values are those it last saw.
CHILDREN_COMPARED = ("if inputs != node._inputs:  # exercise 3: op() only if the children's "
                     "values changed")

# Every node knows its parents, so that a leaf can tell the Operations above it.
KNOW_PARENTS = (
    ('nodes.py', 'self.children = list(children) if children is not None else []',
     'self.children = list(children) if children is not None else []\n'
     '        self._parents = []'),
    ('nodes.py', '        super().__init__(children)\n        self._inputs = None',
     '        super().__init__(children)\n'
     '        for child in self.children:\n'
     '            child._parents.append(self)\n'
     '        self._dirty = True\n'
     '        self._inputs = None'),
)

LEAF_SETTER = ('        global _changes\n'
               '        self._value = float(new_value)\n'
               '        _changes += 1  # as _note_change() does, without the call: this runs on every '
               'update')

# A correct dirty-flag setter: every Operation above the leaf is marked.
MARK_ALL_ANCESTORS = (
    '        self._value = float(new_value)\n'
    '        stack = list(self._parents)\n'
    '        while stack:\n'
    '            node = stack.pop()\n'
    '            node._dirty = True\n'
    '            stack.extend(node._parents)')

BUGS = [
    Bug('cache_never_invalidates', 'ex3', 'ex3.values_stay_right',
        'the value is computed once and cached forever: assigning a leaf afterwards changes '
        'nothing',
        (('nodes.py', 'if self._checked_at == _changes:', 'if self._checked_at is not None:'),)),

    Bug('backward_bypasses_setter', 'ex3', 'ex3.predict_and_backward_invalidate',
        'Parameter.on_backward updates the private field, so the cache never hears of the '
        'training step: forward() after backward() returns the old prediction',
        (('nodes.py', 'self.value = self._value - self.learning_rate * derivative_from_parent',
          'self._value = self._value - self.learning_rate * derivative_from_parent'),)),

    Bug('only_inputs_invalidate', 'ex3', 'ex3.recompute_only_what_changed',
        'only Input assignments invalidate the caches ("Parameters only change in training"), '
        'so a Parameter assigned directly or by backward() leaves stale values',
        (('nodes.py', LEAF_SETTER,
          '        self._value = float(new_value)\n'
          '        if isinstance(self, Input):\n'
          '            _note_change()'),)),

    Bug('dirty_flag_one_level', 'ex3', 'ex3.values_stay_right',
        'dirty flags: an assigned leaf marks its parents dirty but the parents do not pass it on, '
        'so a grandparent returns its stale value',
        KNOW_PARENTS + (
            ('nodes.py', LEAF_SETTER,
             '        self._value = float(new_value)\n'
             '        for parent in self._parents:\n'
             '            parent._dirty = True'),
            ('nodes.py', REFERENCE_FORWARD,
             '    def forward(self):\n'
             '        if not self._dirty:\n'
             '            return self._value\n'
             '        self._value = self.op([child.forward() for child in self.children])\n'
             '        self._dirty = False\n'
             '        return self._value\n'),
        )),

    Bug('zero_value_never_cached', 'ex3', 'ex3.repeat_is_free',
        'dirty flags, but the cache test is `if self._dirty or not self._value`: a value of 0.0 '
        '(a ReLU below zero) counts as "nothing cached" and is recomputed on every call',
        KNOW_PARENTS + (
            ('nodes.py', LEAF_SETTER, MARK_ALL_ANCESTORS),
            ('nodes.py', REFERENCE_FORWARD,
             '    def forward(self):\n'
             '        if self._dirty or not self._value:  # nothing cached yet\n'
             '            self._value = self.op([child.forward() for child in self.children])\n'
             '            self._dirty = False\n'
             '        return self._value\n'),
        )),

    Bug('predict_bypasses_setter', 'ex3', 'ex3.predict_and_backward_invalidate',
        'predict() writes the Inputs\' private field to save time, so the caches never hear of '
        'the new inputs: predict() returns the previous prediction',
        (('nodes.py', '            node.value = value\n        return self.forward()',
          '            node._value = float(value)\n        return self.forward()'),)),

    Bug('whole_tree_recomputed', 'ex3', 'ex3.recompute_only_what_changed',
        'a global "something changed" flag: after any assignment every Operation calls op() '
        'again, not only those above the assigned leaf',
        (('nodes.py', CHILDREN_COMPARED, 'if True:  # something changed somewhere: recompute'),)),

    Bug('op_called_to_compare', 'ex3', 'ex3.recompute_only_what_changed',
        'op() is called once to see whether the value changed, then again to store it',
        (('nodes.py', CHILDREN_COMPARED + '\n                node._value = node.op(inputs)',
          'if node.op(inputs) != node._value:  # did the value change?\n'
          '                node._value = node.op(inputs)'),)),

    Bug('eager_recompute_per_assignment', 'ex3', 'ex3.predict_and_backward_invalidate',
        'push instead of pull: every assignment immediately recomputes the Operations above the '
        'leaf, so predict() recomputes an Operation above two Inputs twice',
        KNOW_PARENTS + (
            ('nodes.py', LEAF_SETTER,
             '        self._value = float(new_value)\n'
             '        _push_up(self)'),
            ('nodes.py', 'def _note_change():\n    global _changes\n    _changes += 1\n',
             'def _note_change():\n    global _changes\n    _changes += 1\n\n\n'
             'def _push_up(node):\n'
             '    for parent in node._parents:\n'
             '        if parent._value is not None:\n'
             '            parent._value = parent.op([child.forward() for child in '
             'parent.children])\n'
             '            _push_up(parent)\n'),
            ('nodes.py', REFERENCE_FORWARD,
             '    def forward(self):\n'
             '        if self._value is None:\n'
             '            self._value = self.op([child.forward() for child in self.children])\n'
             '        return self._value\n'),
        )),
]
