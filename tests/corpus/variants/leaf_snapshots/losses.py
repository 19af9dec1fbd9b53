"""Loss functions and their derivatives with respect to the prediction."""
import math


def mse_loss(y_true, y_pred):
    return (y_true - y_pred) ** 2


def mse_loss_grad(y_true, y_pred):
    return -2 * (y_true - y_pred)


def bce_loss(y_true, y_pred, eps=0.00000001):
    y_pred = min(max(y_pred, eps), 1 - eps)
    return -y_true * math.log(y_pred) - (1 - y_true) * math.log(1 - y_pred)


def bce_loss_grad(y_true, y_pred, eps=0.00000001):
    y_pred = min(max(y_pred, eps), 1 - eps)
    return (y_pred - y_true) / (y_pred * (1 - y_pred))


def _same_length(y_true, y_pred):
    if len(y_true) != len(y_pred):
        raise ValueError(f'y_true has {len(y_true)} values but y_pred has {len(y_pred)}')


def cce_loss(y_true, y_pred, eps=0.00000001):
    """Categorical cross-entropy (exercise 5): -sum_i t_i log(p_i), p clipped to [eps, 1]."""
    _same_length(y_true, y_pred)
    return -sum(t * math.log(min(max(p, eps), 1.0)) for t, p in zip(y_true, y_pred))


def cce_loss_grad(y_true, y_pred, eps=0.00000001):
    """d cce_loss / d p_i = -t_i / p_i, for each prediction p_i (clipped as in cce_loss)."""
    _same_length(y_true, y_pred)
    return [-t / min(max(p, eps), 1.0) for t, p in zip(y_true, y_pred)]
