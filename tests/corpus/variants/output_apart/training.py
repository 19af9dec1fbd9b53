"""The article's training loop: one SGD step per sample."""


def train_model(model, loss_fn, loss_grad_fn, data, epochs=1000, print_every=100):
    """Train `model` on `data`, a list of (inputs, target) pairs."""
    for epoch in range(epochs):
        total_loss = 0.0
        for x, y in data:
            prediction = model.predict(x)
            total_loss += loss_fn(y, prediction)
            model.backward(loss_grad_fn(y, prediction))
        if epoch % print_every == 0:
            print(f'Epoch {epoch}: loss={total_loss / len(data)}')
