"""The student's engine: the article's tree framework, with its seven exercises still to solve.

Every name a grader or an example imports is here: `from exercises import Add, Parameter`.
Each unsolved exercise raises NotImplementedError('Exercise N: ...'); docs/contract.md says what
each must do. `python -m exercises.examples` shows how far the engine gets.
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
