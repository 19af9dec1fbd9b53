"""Bugs in exercise 7: graphs where a node has several parents."""
from . import Bug

ARTICLE_RECURSION = '''def backpropagate(seeds, tape=None):
    """The article's recursion: every path is walked, and Parameters update on the way."""
    def visit(node, derivative):
        node.on_backward(derivative)
        for child, local in zip(node.children, node.grad()):
            visit(child, derivative * local)
    for node, derivative in seeds:
        visit(node, derivative)


def _unused(seeds, tape=None):'''

PER_PATH_ACCUMULATION = '''def backpropagate(seeds, tape=None):
    """Sums over every path (right), but walks every path to do it (exponential)."""
    total = {}
    def visit(node, derivative):
        total[node] = total.get(node, 0.0) + derivative
        for child, local in zip(node.children, node.grad()):
            visit(child, derivative * local)
    for node, derivative in seeds:
        visit(node, derivative)
    for node, derivative in total.items():
        node.on_backward(derivative)


def _unused(seeds, tape=None):'''

PREORDER = '''def topological_order(roots):
    """Depth-first pre-order: a shared node can come before one of its parents."""
    order, seen, stack = [], set(), list(reversed(roots))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            order.append(node)
            stack.extend(reversed(node.children))
    return order


def _unused_order(roots):'''

BUGS = [
    Bug('dag_overwrite_not_sum', 'ex7', 'ex7.gradients',
        "a shared node's derivative is overwritten by its last parent instead of summed",
        (('nodes.py', 'total[j] += derivative * local', 'total[j] = derivative * local'),)),
    Bug('dag_article_recursion', 'ex7', 'ex7.gradients',
        "the article's recursive backward on a DAG: a shared Parameter is updated once per path, "
        'and later paths read values already updated',
        (('nodes.py', 'def backpropagate(seeds, tape=None):', ARTICLE_RECURSION),)),
    Bug('dag_exponential_backward', 'ex7', 'ex7.grad_once',
        'correct sums, but computed by walking every path: exponential in the depth',
        (('nodes.py', 'def backpropagate(seeds, tape=None):', PER_PATH_ACCUMULATION),)),
    Bug('dag_preorder', 'ex7', 'ex7.gradients',
        'nodes processed in depth-first pre-order instead of topological order: a shared node '
        'passes on its derivative before every parent has added to it',
        (('nodes.py', 'def topological_order(roots):', PREORDER),)),
    Bug('dag_shared_input_twice', 'ex7', 'ex7.shared_inputs',
        'find_input_nodes lists a shared Input once per path',
        (('nodes.py', '''            if node in seen:
                continue
            seen.add(node)
            if isinstance(node, Input):''', '''            if isinstance(node, Input):'''),)),
    Bug('dag_update_in_first_pass', 'ex7', 'ex7.gradients',
        'Parameters updated as soon as their derivative is first reached, in pre-order',
        (('nodes.py', 'def topological_order(roots):', PREORDER),
         ('nodes.py', '''    for i, node, children in reversed(tape.steps):
        derivative = total[i]
        for j, local in zip(children, node.grad()):
            total[j] += derivative * local
    for i, node in tape.hooked:
        node.on_backward(total[i])''', '''    for node in reversed(tape.nodes):  # parents first
        i = tape.position[node]
        node.on_backward(total[i])
        for child, local in zip(node.children, node.grad()):
            total[tape.position[child]] += total[i] * local''')),),
]
