"""Bugs that hold for each feature alone and break when features meet, or when the graph grows
(issue 11): compile() with forward caching, macros or Outputs in sequences of steps, Outputs
over shared nodes, funcify() of nested sums, and traversals that walk every path of a DAG.

Each passes the checks that judge one feature at a time on fresh graphs; its named check is one
that follows a graph through several steps, or times a traversal on ladders (checks/strategies.py,
`ladder`). Several are written in the design most students choose for exercise 3, dirty flags
pushed up from the leaves (as in bugs_ex3.py, and correct in tests/corpus/variants/dirty_flags):
DIRTY_FLAGS below is that design done right, and each bug changes one piece of it.
"""
from . import Bug
from .bugs_ex1_ex2_ex4 import PREDICT_NODES
from .bugs_ex3 import KNOW_PARENTS, LEAF_SETTER, REFERENCE_FORWARD

# --- dirty flags, done right ------------------------------------------------------------------

DIRTY_FORWARD = '''    def forward(self):
        if self._dirty:  # some leaf below was assigned since op() last ran
            self._value = self.op([child.forward() for child in self.children])
            self._dirty = False
        return self._value
'''

# The helpers go after _note_change(), which stays (compile() still calls it, harmlessly).
HELPERS_AFTER = 'def _note_change():\n    global _changes\n    _changes += 1\n'

MARK_DIRTY = '''

def _mark_dirty(nodes):
    """Mark these Operations and every Operation above them dirty. A dirty node's parents are
    dirty already (only forward() clears a flag, from the bottom up), so stop there."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if not node._dirty:
            node._dirty = True
            stack.extend(node._parents)
'''

LINK_PARENTS = '''

def _link_parents(root):
    """compile() changed children lists (macros expanded): tell each child its new parents."""
    for node in topological_order([root]):
        for child in node.children:
            if not any(parent is node for parent in child._parents):
                child._parents.append(node)
'''

COMPILE_EXPANDS = '        root = expand_macros(self)\n'
COMPILE_LINKS = COMPILE_EXPANDS + '        _link_parents(root)\n'


def dirty_flags(setter='        self._value = float(new_value)\n        _mark_dirty(self._parents)',
                helpers=MARK_DIRTY + LINK_PARENTS, compile_step=COMPILE_LINKS):
    """The edits that turn the reference's change tick into dirty flags: parents known from
    construction, an assignment marks the Operations above, forward() recomputes dirty ones,
    compile() links the expanded nodes to their parents. Each argument is a piece a bug changes."""
    edits = KNOW_PARENTS + (
        ('nodes.py', LEAF_SETTER, setter),
        ('nodes.py', REFERENCE_FORWARD, DIRTY_FORWARD),
        ('nodes.py', HELPERS_AFTER, HELPERS_AFTER + helpers),
    )
    if compile_step != COMPILE_EXPANDS:
        edits += (('nodes.py', COMPILE_EXPANDS, compile_step),)
    return edits


DIRTY_FLAGS = dirty_flags()

# --- the bugs' own pieces -----------------------------------------------------------------------

# ex3: compile() relinks, then decides each flag from "has it a value yet?"
LINK_AND_CLEAN = '''

def _link_parents(root):
    """compile() changed children lists (macros expanded): tell each child its new parents."""
    for node in topological_order([root]):
        for child in node.children:
            if not any(parent is node for parent in child._parents):
                child._parents.append(node)
        if isinstance(node, Operation):
            # compile() changes no value: only the nodes the expansion created need computing
            node._dirty = node._value is None
'''

# ex4: every Operation above is marked, each once (so a macro left behind, never computed and so
# always dirty, still passes the mark on to its old parent: predict() stays right).
MARK_EACH_ONCE = '''

def _mark_above(leaf):
    """Mark every Operation above this leaf dirty, each once."""
    stack, seen = list(leaf._parents), set()
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            node._dirty = True
            stack.extend(node._parents)
'''

# ex7: one parent per node.
ONE_PARENT = (
    ('nodes.py', 'self.children = list(children) if children is not None else []',
     'self.children = list(children) if children is not None else []\n'
     '        self._parent = None  # the Operation this node is a child of'),
    ('nodes.py', '        super().__init__(children)\n        self._inputs = None',
     '        super().__init__(children)\n'
     '        for child in self.children:\n'
     '            child._parent = self\n'
     '        self._dirty = True\n'
     '        self._inputs = None'),
    ('nodes.py', LEAF_SETTER,
     '        self._value = float(new_value)\n'
     '        node = self._parent\n'
     '        while node is not None:  # up to the root\n'
     '            node._dirty = True\n'
     '            node = node._parent'),
    ('nodes.py', REFERENCE_FORWARD, DIRTY_FORWARD),
    ('nodes.py', COMPILE_EXPANDS,
     COMPILE_EXPANDS + '        for node in topological_order([root]):  # new parents\n'
                       '            for child in node.children:\n'
                       '                child._parent = node\n'),
)

# ex7.linear_cost (a): every path upward, with no stop and no record of the nodes marked.
MARK_EVERY_PATH = ('        self._value = float(new_value)\n'
                   '        stack = list(self._parents)\n'
                   '        while stack:  # every Operation above gets marked\n'
                   '            node = stack.pop()\n'
                   '            node._dirty = True\n'
                   '            stack.extend(node._parents)')

# ex7.linear_cost (b)
FIND_INPUTS_EVERY_PATH = '''    def find_input_nodes(self):
        """Every Input below, depth-first, left to right; duplicates dropped at the end."""
        found = []
        stack = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, Input):
                found.append(node)
            stack.extend(reversed(node.children))
        return list(dict.fromkeys(found))  # a shared Input once, at its first place

    def _unused_find_input_nodes(self):'''

# ex7.linear_cost (c)
EXPAND_EVERY_PATH = '''def expand_macros(root):
    """Replace every Macro below root; each macro is expanded once (a shared one stays shared)."""
    expansions = {}

    def expanded(node):
        if isinstance(node, Macro):
            if node not in expansions:
                new = node
                while isinstance(new, Macro):
                    new = new.expand()
                expansions[node] = new
            node = expansions[node]
        node.children = [expanded(child) for child in node.children]
        return node

    return expanded(root)


def _unused_expand_macros(root):'''

# ex5
OUTPUT_FORWARD = '''    def forward(self):
        return list(super().forward())  # a copy: the caller may change the list we cache
'''

OUTPUT_CACHED_UNTIL_PREDICT = '''\
    _outputs = None  # the list forward() computed, kept until predict() sets new inputs

    def forward(self):
        if self._outputs is None:
            self._outputs = list(super().forward())
        return list(self._outputs)

    def predict(self, inputs):
        self._outputs = None  # new inputs: new outputs
        return super().predict(inputs)
'''

SOFTMAX_OP = '''    def op(self, x):
        return softmax(x)
'''

SOFTMAX_CACHE_CLEARED_FIRST = SOFTMAX_OP + '''
    _probabilities = None  # exp() is costly: kept until the inputs or the Parameters change

    def forward(self):
        if self._probabilities is None:
            self._probabilities = super().forward()
        return list(self._probabilities)

    def predict(self, inputs):
        self._probabilities = None  # new inputs
        return super().predict(inputs)

    def backward(self, derivatives):
        self._probabilities = None  # the Parameters are about to move
        super().backward(derivatives)
'''

# ex7.output_shared
OUTPUT_BACKPROPAGATE = ('        backpropagate(zip(self.children, '
                        'self.derivatives_wrt_children(derivatives)))')

# ex6
ADD_FUNCIFY = "return '(' + ' + '.join(child_formulas) + ')'"
MULTIPLY_FUNCIFY = "        return '(' + ' * '.join(child_formulas) + ')'"

BUGS = [
    # --- exercise 2 ------------------------------------------------------------------------------
    Bug('compiled_predict_no_inputs_searches', 'ex2', 'ex2.predict_uses_cache',
        'predict() uses the list compile() stored with `self._input_nodes or '
        'self.find_input_nodes()`: for a network without Inputs that list is [], which counts '
        'as "not compiled", so predict() searches the graph every time',
        (('nodes.py', PREDICT_NODES,
          'input_nodes = self._input_nodes or self.find_input_nodes()'),)),

    # --- exercise 3 ------------------------------------------------------------------------------
    Bug('compile_clears_dirty_flags', 'ex3', 'ex3.values_stay_right',
        'dirty flags; compile() relinks the parents after expanding the macros and, so that '
        'compile() does not cause any recomputation, leaves every node that already has a value '
        'clean: a leaf assigned just before compile() had marked them dirty, and compile() wipes '
        'that, so the next forward() returns the value from before the assignment',
        dirty_flags(helpers=MARK_DIRTY + LINK_AND_CLEAN)),

    # --- exercise 4 ------------------------------------------------------------------------------
    Bug('compile_expansion_unlinked', 'ex4', 'ex4.sequences',
        'dirty flags, each node knowing its parents from when they were built; compile() puts '
        "the Linear's expansion in place by assigning children lists, but never tells the "
        'expansion who its parent is now. The Inputs still reach the parent through the old '
        "Linear, so predict() is right; the Linear's own weights and bias do not, so after "
        'backward() the next forward() returns the old value',
        dirty_flags(setter='        self._value = float(new_value)\n        _mark_above(self)',
                    helpers=MARK_EACH_ONCE, compile_step=COMPILE_EXPANDS)),

    # --- exercise 5 ------------------------------------------------------------------------------
    Bug('output_cached_until_predict', 'ex5', 'ex5.sequences',
        'Output keeps the list it computed and recomputes it only in predict(), where the inputs '
        'change: after backward() (or a leaf assigned directly) forward() returns the old list',
        (('outputs.py', OUTPUT_FORWARD, OUTPUT_CACHED_UNTIL_PREDICT),)),
    Bug('softmax_cache_refilled_by_backward', 'ex5', 'ex5.sequences',
        'SoftMax keeps its probabilities and forgets them in predict() and in backward(), but '
        'forgets them at the start of backward(): backward() needs them for the Jacobian, so it '
        'computes them again before the step and they are stale after it',
        (('outputs.py', SOFTMAX_OP, SOFTMAX_CACHE_CLEARED_FIRST),)),

    # --- exercise 6 ------------------------------------------------------------------------------
    Bug('funcify_first_factor_unparenthesized', 'ex6', 'ex6.named_inputs',
        'Add.funcify writes a + b without parentheses, and Multiply.funcify wraps a sum in '
        'parentheses when it appends it with " * ", but starts from the first factor as it is: '
        'Multiply([Add([a, b]), c]) reads a + b * c, while c * (a + b) is right',
        (('operations.py', ADD_FUNCIFY,
          "return ' + '.join(child_formulas)"),
         ('operations.py', MULTIPLY_FUNCIFY,
          '        text = child_formulas[0]\n'
          '        for child, factor in zip(self.children[1:], child_formulas[1:]):\n'
          '            if isinstance(child, Add):  # a + b needs parentheses in a product\n'
          "                factor = f'({factor})'\n"
          "            text = f'{text} * {factor}'\n"
          '        return text'))),

    # --- exercise 7 ------------------------------------------------------------------------------
    Bug('dag_one_parent_remembered', 'ex7', 'ex7.sequences',
        'dirty flags with one parent per node (node._parent = self when the parent is built): '
        'an assigned leaf marks the chain of parents up to the root, right on a tree; on a DAG a '
        'shared node remembers only its last parent, so the other one keeps its old value',
        ONE_PARENT),
    Bug('output_backward_child_by_child', 'ex7', 'ex7.output_shared',
        'Output.backward calls backward(d_i) on each child in turn: when two outputs share a '
        'Parameter, the second child computes its gradient from the value the first already '
        'moved, not one step from the values before the call',
        (('outputs.py', OUTPUT_BACKPROPAGATE,
          '        for child, derivative in zip(self.children, '
          'self.derivatives_wrt_children(derivatives)):\n'
          '            child.backward(derivative)  # each output trains the part below it'),)),
    Bug('invalidation_every_path', 'ex7', 'ex7.linear_cost',
        'dirty flags: an assigned leaf marks its parents, their parents, and so on, without '
        'stopping at a node already marked: on a ladder it walks every path up, so one '
        'assignment is exponential in the rungs (backward() itself calls each grad() once)',
        dirty_flags(setter=MARK_EVERY_PATH)),
    Bug('find_inputs_every_path', 'ex7', 'ex7.linear_cost',
        'find_input_nodes() walks the whole graph depth-first and drops the duplicate Inputs at '
        'the end: the order is right, but a shared node is walked once per path to it',
        (('nodes.py', '    def find_input_nodes(self):', FIND_INPUTS_EVERY_PATH),)),
    Bug('compile_expands_every_path', 'ex7', 'ex7.linear_cost',
        'compile() remembers the expansion of each macro, so a shared one stays shared, but it '
        'walks into the children of every node each time it reaches it: once per path',
        (('macros.py', 'def expand_macros(root):', EXPAND_EVERY_PATH),)),
]
