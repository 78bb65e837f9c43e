"""Server settings read from the environment: the figures' frame ancestors and MNIST folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import Settings
from tests.server import REPO


def test_frame_ancestors_are_origins_separated_by_spaces_or_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "DIGITS_FRAME_ANCESTORS", "https://blog.example.org, http://localhost:1313/  https://*.example.com"
    )
    assert Settings().frame_ancestors == ("https://blog.example.org", "http://localhost:1313", "https://*.example.com")
    monkeypatch.setenv("DIGITS_FRAME_ANCESTORS", "")
    assert Settings().frame_ancestors == ()


@pytest.mark.parametrize(
    "value",
    ["https://a.org; script-src *", "'unsafe-inline'", "*", "blog.example.org", "https://a.org/path", "javascript:x"],
)
def test_anything_but_an_origin_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match=r"is not an origin like https://blog\.example\.org"):
        Settings(frame_ancestors=value)  # type: ignore[arg-type]


def test_the_mnist_folder_is_also_read_from_mnist_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGITS_MNIST_DIR", raising=False)
    monkeypatch.setenv("MNIST_DIR", "/data/mnist")
    assert Settings().mnist_dir == Path("/data/mnist")
    monkeypatch.setenv("DIGITS_MNIST_DIR", "/elsewhere")
    assert Settings().mnist_dir == Path("/elsewhere")


def test_the_list_form_of_frame_ancestors_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITS_FRAME_ANCESTORS", '["https://x.org", "http://localhost:1313/"]')
    assert Settings().frame_ancestors == ("https://x.org", "http://localhost:1313")


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("DIGITS_PORT", "eighty", "DIGITS_PORT='eighty': Input should be a valid integer"),
        ("DIGITS_FRAME_ANCESTORS", '["https://x.org"', "must be JSON"),
        ("WEB_CONCURRENCY", "0", "DIGITS_WORKERS or WEB_CONCURRENCY='0'"),
    ],
)
def test_a_bad_setting_stops_the_server_with_one_line(variable: str, value: str, named: str) -> None:
    env = {**os.environ, variable: value}
    run = subprocess.run([sys.executable, "-m", "app"], env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bad setting: ") and named in lines[0], run.stderr
