"""Grades JAX (jax.grad of a function written with jax.numpy) on the CPU, in float64.

Install the engine:  pip install jax
Grade it:            python grader.py --adapter adapters/jax.py

Like autograd, JAX differentiates functions: the graph becomes a function of its parameters
({index: value}), the inputs fixed, and jax.grad of it gives every gradient at once. 64-bit floats
are switched on (jax_enable_x64); JAX computes in float32 otherwise, which fails on rounding alone.
JAX reserves about 1.5 GB of address space but uses far less; the grader limits memory used, not
reserved, so the default limits do (docs/adapters.md, "Limits an adapter can ask for").
"""
import functools
import operator

from executor.adapters import Adapter, build_by_operators, require


jax = require('jax', 'pip install jax')
jax.config.update('jax_platforms', 'cpu')
jax.config.update('jax_enable_x64', True)
jnp = jax.numpy
UNARY = {'neg': operator.neg, 'exp': jnp.exp, 'log': jnp.log, 'tanh': jnp.tanh,
         'relu': jax.nn.relu, 'sigmoid': jax.nn.sigmoid}


def root(graph, params):
    """The root's value as a function of the parameters {index: value}; inputs are fixed."""
    def leaf(i, node):
        return params[i] if node.kind == 'param' else jnp.float64(node.value)
    return build_by_operators(graph, leaf, UNARY)[graph.root]


class JaxAdapter(Adapter):
    name = 'jax'
    operations = frozenset({'add', 'mul', 'sub', 'div', 'pow', 'neg', 'exp', 'log', 'tanh',
                            'relu', 'sigmoid', 'const'})
    levels = frozenset({'functional'})

    def value(self, graph):
        return float(root(graph, {i: jnp.float64(graph.nodes[i].value) for i in graph.parameters}))

    def gradient(self, graph):
        if not graph.parameters:
            return {}
        params = {i: jnp.float64(graph.nodes[i].value) for i in graph.parameters}
        grads = jax.grad(functools.partial(root, graph))(params)
        return {i: float(grads[i]) for i in graph.parameters}
