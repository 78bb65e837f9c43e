"""The /model page of the shipped model: its Training table shows what `make train` runs and the total time."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def make_train_commands() -> list[list[str]]:
    """Return the commands `make train` runs (read with make -n), as words, with `python` for the venv's."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-C", str(REPO), "-o", ".venv/.installed-dev", "train", "MNIST_DIR="],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout.replace("\\\n", " ").replace(".venv/bin/python", "python")
    return [line.split() for line in text.splitlines() if "-m model.training" in line]


def training_table() -> str:
    with TestClient(create_app(Settings())) as client:  # the shipped weights and report
        page = client.get("/model").text
    match = re.search(r'data-testid="training">(.*?)</table>', page, re.S)
    assert match, "the /model page has no Training table"
    return match.group(1)


def test_the_training_table_shows_make_train_and_its_commands_and_the_total_time() -> None:
    table = training_table()
    rows = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    assert any(row.startswith("Recipe make train") for row in rows), rows
    runs = [row for row in rows if row.startswith("Run ")]
    commands = make_train_commands()
    assert len(runs) == len(commands) == 2, (runs, commands)
    for row, words in zip(runs, commands, strict=True):
        assert " ".join(words) in row, (row, words)  # word for word what make train runs, with its time after it
    # The total is the sum of the runs: the README's 48 + 44 minutes.
    total = next(row for row in rows if row.startswith("Total time"))
    assert total == "Total time 92 min (48 min + 44 min)", total


def test_no_run_folder_outside_make_train_and_no_word_broken_across_lines() -> None:
    table = training_table()
    folders = set(re.findall(r"runs/[\w./-]+", table))
    assert folders and all(folder.startswith("runs/train/") for folder in folders), folders
    # Every word of a command is one unbreakable span: the line wraps between words, never inside one.
    for code in re.findall(r'<code class="command">(.*?)</code>', table, re.S):
        words = re.findall(r'<span class="word">([^<]*)</span>', code)
        assert words and re.sub(r'<span class="word">[^<]*</span>|\s', "", code) == "", code
