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
    return -sum(t * math.log(min(max(p, eps), 1)) for t, p in zip(y_true, y_pred))


def cce_loss_grad(y_true: List[float], y_pred: List[float],
                  eps: float = 0.00000001) -> List[float]:
    return [-t / min(max(p, eps), 1) for t, p in zip(y_true, y_pred)]
