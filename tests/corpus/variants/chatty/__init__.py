"""Correct variant: a student who prints a lot.

Differs from the reference only by print() calls: at import, in every Operation.forward() that
recomputes, in backward() and every Parameter update, in compile(), predict() and for every
training sample; train_model also prints the loss before training and, at the end, the last
epoch's mean loss again. (The contract asks an import not to print: the grader captures it all the
same, and the checks must not care.)
"""
from .exercise1 import build_linear_regression, sgd_by_hand
from .losses import bce_loss, bce_loss_grad, cce_loss, cce_loss_grad, mse_loss, mse_loss_grad
from .macros import Linear, Macro
from .nodes import Input, NeuralNetNode, Operation, Parameter
from .operations import Add, Multiply, ReLU, Sigmoid
from .outputs import Output, SoftMax
from .training import train_model

print('autodiff engine loaded: Input, Parameter, Add, Multiply, ReLU, Sigmoid, Linear, SoftMax')

__all__ = [
    'NeuralNetNode', 'Input', 'Parameter', 'Operation', 'Add', 'Multiply', 'ReLU', 'Sigmoid',
    'Macro', 'Linear', 'Output', 'SoftMax',
    'train_model', 'mse_loss', 'mse_loss_grad', 'bce_loss', 'bce_loss_grad', 'cce_loss',
    'cce_loss_grad', 'build_linear_regression', 'sgd_by_hand',
]
