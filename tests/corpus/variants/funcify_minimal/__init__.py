"""Correct variant: funcify() (exercise 6) with minimal parentheses and no relu()/sigmoid() calls.

Differs from the reference: an Add writes no parentheses of its own and subtracts a term that
starts with a minus (`x - 0.5`); a Multiply puts parentheses around Add children only; a negative
Parameter is written bare (`-0.5`); ReLU is written `max(0, ...)` and Sigmoid
`1 / (1 + exp(-...))`. SoftMax's formula puts its logits in parentheses. Everything else is the
reference's.
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
