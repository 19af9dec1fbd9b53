"""Correct variant: Output and SoftMax apart from Operation, in a class of their own; dirty flags.

Differs from the reference: Output and SoftMax are not Operations (nor NeuralNetNodes): a small
class of their own holding `children`, with the forward(), predict(), backward(derivatives),
compile() and find_input_nodes() the contract asks of them, sharing helper functions with
Operation rather than inheriting. Its forward() always asks its children (their values are
cached) and calls its own op(). Forward caching (exercise 3) by dirty flags: every node keeps the
list of its parents (a list, so shared nodes work); assigning a leaf marks every Operation above
it stale, stopping at one already stale, and forward() recomputes only stale Operations.
compile() links the expanded nodes to their parents and marks everything below stale once.
backward() is an explicit topological order with adjoints in a dict.
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
