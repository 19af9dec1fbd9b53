"""Correct variant: extra helper methods and classes, nodes with __slots__.

Differs from the reference, written afresh: a generic `Node` base class with __slots__ below
NeuralNetNode (every node class declares __slots__), a `Graph` helper that does every traversal
(topological order, inputs, naming, backpropagation), extra methods (walk, depth, parameters,
count_nodes), two operations not in the contract (Sub, Neg), Add.op through math.fsum, and ReLU's
derivative 0.5 at exactly 0.
"""
from .exercise1 import build_linear_regression, sgd_by_hand
from .losses import bce_loss, bce_loss_grad, cce_loss, cce_loss_grad, mse_loss, mse_loss_grad
from .macros import Linear, Macro
from .nodes import Graph, Input, NeuralNetNode, Node, Operation, Parameter
from .operations import Add, Multiply, Neg, ReLU, Sigmoid, Sub
from .outputs import Output, SoftMax
from .training import train_model

__all__ = [
    'NeuralNetNode', 'Input', 'Parameter', 'Operation', 'Add', 'Multiply', 'ReLU', 'Sigmoid',
    'Macro', 'Linear', 'Output', 'SoftMax',
    'train_model', 'mse_loss', 'mse_loss_grad', 'bce_loss', 'bce_loss_grad', 'cce_loss',
    'cce_loss_grad', 'build_linear_regression', 'sgd_by_hand', 'Node', 'Graph', 'Sub', 'Neg',
]
