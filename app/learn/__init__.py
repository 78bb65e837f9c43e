"""/learn's server side: GET /api/learn, and the WebSocket whose lifetime is one training job's (docs/learn.md)."""
