"""Training by mini-batch gradient descent and backpropagation: the trainer, its config, optimiser and data tricks."""
