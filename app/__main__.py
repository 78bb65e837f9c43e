"""`python -m app`: serve app.main:app with uvicorn on DIGITS_HOST:DIGITS_PORT, without a Server header."""

from __future__ import annotations

import uvicorn

from app.settings import Settings


def main() -> None:
    """Run the server until it is stopped; exits non-zero when the weights cannot be loaded."""
    settings = Settings()
    uvicorn.run("app.main:app", host=settings.host, port=settings.port, server_header=False, workers=1)


if __name__ == "__main__":
    main()
