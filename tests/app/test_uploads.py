"""Picture uploads parsed without HTTP: the image field, explain and target, and every refusal."""

from __future__ import annotations

import pytest

from app.errors import InputError, status_of
from app.uploads import parse_upload

BOUNDARY = "x-boundary-7"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def form(*parts: tuple[str, bytes, str | None]) -> bytes:
    """Return a multipart body of (name, value, filename or None) parts."""
    lines = b""
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        lines += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    return lines + f"--{BOUNDARY}--\r\n".encode()


def test_the_image_and_its_options_are_read() -> None:
    body = form(("image", b"\x89PNG...", "seven.png"), ("explain", b"true", None), ("target", b"7", None))
    upload = parse_upload(body, CONTENT_TYPE)
    assert upload.data == b"\x89PNG..." and upload.explain is True and upload.target == 7
    plain = parse_upload(form(("image", b"abc", "a.jpg")), CONTENT_TYPE)
    assert plain.explain is False and plain.target is None
    # An HTML form sends options left unset as empty fields, and /docs as null.
    for unset in (b"", b"null"):
        empty = parse_upload(
            form(("image", b"abc", "a.jpg"), ("explain", unset, None), ("target", unset, None)), CONTENT_TYPE
        )
        assert empty.explain is False and empty.target is None


@pytest.mark.parametrize(
    ("spelling", "explain"),
    [
        *[("true", True), ("True", True), ("1", True), ("on", True), ("YES", True)],
        *[("false", False), ("False", False), ("0", False), ("off", False), ("no", False)],
    ],
)
def test_explain_is_read_in_the_usual_boolean_spellings(spelling: str, explain: bool) -> None:
    """An HTML checkbox sends "on", generated Python clients "True"; all the usual spellings are read."""
    upload = parse_upload(form(("image", b"abc", "a.jpg"), ("explain", spelling.encode(), None)), CONTENT_TYPE)
    assert upload.explain is explain


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (form(("explain", b"true", None)), CONTENT_TYPE, "no image"),
        (form(("image", b"a", "a"), ("image", b"b", "b")), CONTENT_TYPE, "one image"),
        (form(("image", b"a", "a"), ("colour", b"red", None)), CONTENT_TYPE, "unknown form fields"),
        (form(("image", b"a", "a"), ("explain", b"maybe", None)), CONTENT_TYPE, "explain must be true or false"),
        (form(("image", b"a", "a"), ("explain", b"1", None), ("target", b"10", None)), CONTENT_TYPE, "integer digit"),
        (
            form(("image", b"a", "a"), ("explain", b"1", None), ("target", "²".encode(), None)),
            CONTENT_TYPE,
            "target must",
        ),
        (form(("image", b"a", "a"), ("target", b"3", None)), CONTENT_TYPE, "target is used only with explain: true"),
        (form(("image", b"a", "a")), "multipart/form-data", "boundary"),
        (b"--x-boundary-7\r\nthis is not a part", CONTENT_TYPE, "malformed multipart"),
    ],
    ids=[
        "no-image",
        "two-images",
        "unknown-field",
        "bad-explain",
        "bad-target",
        "unicode-digit",
        "target-without-explain",
        "no-boundary",
        "garbled",
    ],
)
def test_bad_forms_are_422_saying_why(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_upload(body, content_type)
    assert status_of(caught.value) == 422
