"""Correct variant: compile() forgets every cached value (each Operation recomputed once after it).

Differs from the reference: compile() is where the structure changes (macros expanded, children
lists replaced), so this design trusts no cache across it: it drops the cached value and the
children's values op() last saw on every Operation of the graph it returns. The first forward()
after compile() therefore calls op() once on each Operation, even if no leaf was assigned (the
contract allows at most one recomputation per Operation after compile()); from then on caching
is the reference's. The reference keeps its caches, and recomputes only where a child's value
differs. Everything else is the reference's.
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
