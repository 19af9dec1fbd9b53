"""Correct variant: forward caching by snapshots of the values below, reverse accumulation by recursion.

Differs from the reference: leaves hold `value` as a plain attribute (no setter, no global tick,
no parent links). Each Operation keeps a snapshot of the values its children had when it last
called op() (for a leaf child, that leaf's value) and calls op() again only when the snapshot
differs. forward() is one sweep of the graph below, each node visited once per sweep (a memo keyed
by id), so a shared node is asked once, never once per path. backward() evaluates once, then a
recursive post-order (each node once) gives the order in which adjoints are pushed down into a
dict keyed by id; grad() takes the sweep's values of the children as an optional argument, so
it never evaluates again. compile() keeps the caches: a snapshot of the children's values is
right whatever the children are. Output and SoftMax are Operations, as in the reference.
"""
from .exercise1 import build_linear_regression, sgd_by_hand
from .losses import bce_loss, bce_loss_grad, cce_loss, cce_loss_grad, mse_loss, mse_loss_grad
from .macros import Linear, Macro
from .nodes import Input, NeuralNetNode, Operation, Parameter
from .operations import Add, Multiply, ReLU, Sigmoid
from .outputs import Output, SoftMax
from .training import train_model

__all__ = [
    'NeuralNetNode', 'Input', 'Parameter', 'Operation', 'Add', 'Multiply', 'ReLU', 'Sigmoid',
    'Macro', 'Linear', 'Output', 'SoftMax',
    'train_model', 'mse_loss', 'mse_loss_grad', 'bce_loss', 'bce_loss_grad', 'cce_loss',
    'cce_loss_grad', 'build_linear_regression', 'sgd_by_hand',
]
