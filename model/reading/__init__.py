"""Anything a person gives us -> the 28x28 image MNIST was made of: pen strokes and framing here, pictures below."""
