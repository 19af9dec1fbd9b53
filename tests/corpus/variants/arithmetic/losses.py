"""Loss functions and their derivatives with respect to the prediction."""
import math


def mse_loss(y_true, y_pred):
    error = y_pred - y_true
    return error * error


def mse_loss_grad(y_true, y_pred):
    return 2.0 * (y_pred - y_true)


def _clip(p, eps):
    return eps if p < eps else 1 - eps if p > 1 - eps else p


def bce_loss(y_true, y_pred, eps=1e-8):
    p = _clip(y_pred, eps)
    return -(y_true * math.log(p) + (1 - y_true) * math.log1p(-p))


def bce_loss_grad(y_true, y_pred, eps=1e-8):
    p = _clip(y_pred, eps)
    return -y_true / p + (1 - y_true) / (1 - p)  # the same as (p - y) / (p (1 - p))


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
