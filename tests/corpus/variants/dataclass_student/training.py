"""The article's training loop: one SGD step per sample."""
from typing import Callable, List, Tuple

from .nodes import Operation


def train_model(model: Operation, loss_fn: Callable[[float, float], float],
                loss_grad_fn: Callable[[float, float], float],
                data: List[Tuple[List[float], float]], epochs: int = 1000, print_every: int = 100):
    """Train the given model on the given data"""
    for epoch in range(epochs):
        total_loss = 0.0
        for x, y in data:
            prediction = model.predict(x)
            total_loss += loss_fn(y, prediction)
            model.backward(loss_grad_fn(y, prediction))
        if epoch % print_every == 0:
            print(f'Epoch {epoch}: loss={total_loss / len(data)}')
