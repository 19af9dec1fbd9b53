"""The article's training loop: one SGD step per sample."""


def train_model(model, loss_fn, loss_grad_fn, data, epochs=1000, print_every=100):
    """Train `model` on `data`, a list of (inputs, target) pairs."""
    start = sum(loss_fn(y, model.predict(x)) for x, y in data) / len(data)
    print(f'Training {epochs} epochs on {len(data)} samples; loss before training: {start:.6f}')
    for epoch in range(epochs):
        total_loss = 0.0
        for x, y in data:
            prediction = model.predict(x)
            total_loss += loss_fn(y, prediction)
            model.backward(loss_grad_fn(y, prediction))
            print(f'  sample {x} -> {prediction} (target {y})')
        if epoch % print_every == 0:
            print(f'Epoch {epoch}: loss={total_loss / len(data)}')
    print(f'Training finished. Final epoch mean loss: {total_loss / len(data)}')
