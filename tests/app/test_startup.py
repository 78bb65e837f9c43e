"""The lifespan's work beyond loading the weights (loading and its errors: tests/app/test_api.py)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from app.startup import YOUNG_COLLECTION_THRESHOLD


def test_startup_freezes_what_lives_as_long_as_the_server(settings: Settings) -> None:
    # What is frozen is out of every collection's walk: the loaded network among it.
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with TestClient(create_app(settings)) as client:
        runtime = client.app.state.runtime  # type: ignore[attr-defined]
        assert gc.get_freeze_count() > 10_000
        oldest = {id(item) for item in gc.get_objects(generation=2)}
        assert id(runtime) not in oldest
        assert id(runtime.model.network.weights) not in oldest


def test_while_serving_the_youngest_generation_is_collected_less_often(settings: Settings) -> None:
    # Another app of this test process may be serving (a module's client) and have raised it already: start from
    # Python's default, and leave the threshold as it was found.
    found = gc.get_threshold()
    gc.set_threshold(700, *found[1:])
    try:
        with TestClient(create_app(settings)):
            assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, *found[1:])
        assert gc.get_threshold() == (700, *found[1:])
    finally:
        gc.set_threshold(*found)
