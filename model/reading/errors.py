"""What can go wrong when reading a drawing or a picture, shared by both paths."""


class NoInkError(ValueError):
    """The drawing or picture holds no ink, so there is nothing to read."""
