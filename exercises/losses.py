"""Loss functions and their derivatives with respect to the prediction."""
import math
from typing import List


def mse_loss(y_true: float, y_pred: float) -> float:
    return (y_true - y_pred) ** 2


def mse_loss_grad(y_true: float, y_pred: float) -> float:
    return -2 * (y_true - y_pred)


def bce_loss(y_true: float, y_pred: float, eps: float = 0.00000001) -> float:
    y_pred = min(max(y_pred, eps), 1 - eps)
    return -y_true * math.log(y_pred) - (1 - y_true) * math.log(1 - y_pred)


def bce_loss_grad(y_true: float, y_pred: float, eps: float = 0.00000001) -> float:
    y_pred = min(max(y_pred, eps), 1 - eps)
    return (y_pred - y_true) / (y_pred * (1 - y_pred))


def cce_loss(y_true: List[float], y_pred: List[float], eps: float = 0.00000001) -> float:
    """Exercise 5: categorical cross-entropy, -sum_i t_i log(p_i), each p_i first clipped to
    [eps, 1]. y_true and y_pred are lists of equal length. Contract: docs/contract.md, exercise 5."""
    raise NotImplementedError('Exercise 5: cce_loss() is not written yet — see its docstring')


def cce_loss_grad(y_true: List[float], y_pred: List[float],
                  eps: float = 0.00000001) -> List[float]:
    """Exercise 5: the derivative of cce_loss with respect to each prediction, -t_i / p_i (p_i
    clipped as in cce_loss), as a list. Contract: docs/contract.md, exercise 5."""
    raise NotImplementedError('Exercise 5: cce_loss_grad() is not written yet — see its docstring')
