"""Correct variant: SoftMax and the categorical cross-entropy (exercise 5) through numpy.

Differs from the reference: softmax as exp(z - logsumexp(z)) with numpy, its backward through the
explicit Jacobian matrix diag(s) - s s^T; cce_loss and cce_loss_grad with numpy arrays (np.clip,
np.log), converted back to a float and a list. Everything else is the reference's.
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
