"""Photos, scans and image files -> 28x28: decode, paper, ink, pieces, thickness, then the shared framing."""
