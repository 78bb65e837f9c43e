"""A sigmoid feedforward network for handwritten digits, written from scratch in NumPy."""
