"""Parse and check a picture upload to POST /predict: a multipart/form-data body with one file field `image`.

python-multipart does the parsing, over the whole body at once (its size was already bounded by
app.body_limit), in the worker thread that then decodes the picture, so the event loop only
receives the bytes. The form's fields are those of the JSON body: `explain` and `target`, as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.errors import InputError
from model.constants import NUM_CLASSES

FIELDS = ("image", "explain", "target")
_DIGITS = frozenset(str(digit) for digit in range(NUM_CLASSES))


@dataclass(frozen=True)
class PictureInput:
    """A checked upload: the picture file's bytes, and the optional explain and target."""

    data: bytes
    explain: bool
    target: int | None


@dataclass
class _Part:
    """One part of the form as it is read: its headers, then its bytes."""

    headers: dict[bytes, bytes] = field(default_factory=dict)
    content: bytearray = field(default_factory=bytearray)
    header_name: bytes = b""
    header_value: bytes = b""


def _parts(body: bytes, boundary: bytes) -> dict[str, list[bytes]]:
    """Return the form's parts, by field name, each a list of the bytes sent under that name."""
    parts: list[_Part] = []

    def on_part_begin() -> None:
        parts.append(_Part())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        parts[-1].header_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        parts[-1].header_value += data[start:end]

    def on_header_end() -> None:
        part = parts[-1]
        part.headers[part.header_name.strip().lower()] = part.header_value.strip()
        part.header_name = part.header_value = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1].content += data[start:end]

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        parser.write(body)
        parser.finalize()
    except FormParserError as error:
        raise InputError(f"malformed multipart body: {error}") from None
    fields: dict[str, list[bytes]] = {}
    for part in parts:
        _, options = parse_options_header(part.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("latin-1")
        fields.setdefault(name, []).append(bytes(part.content))
    return fields


def _text(values: list[bytes], name: str) -> str | None:
    """Return the one text value of the field `name`, or None when it was not sent, sent empty or "null".

    An HTML form sends an option left unset as an empty field, and /docs as "null" (JSON's null, which
    the JSON body accepts too): both mean the default.
    """
    if not values:
        return None
    if len(values) > 1:
        raise InputError(f"send {name} once")
    text = values[0].decode("utf-8", errors="replace").strip()
    return None if text in ("", "null") else text


def parse_upload(body: bytes, content_type: str) -> PictureInput:
    """Return the checked upload in `body`; raise InputError (422) saying what is wrong otherwise."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise InputError("multipart/form-data needs a boundary in its Content-Type")
    fields = _parts(body, boundary)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise InputError(f"unknown form fields {unknown}: expected image, and optionally explain and target")
    images = fields.get("image", [])
    if not images:
        raise InputError("no image: send the picture as a file field named image")
    if len(images) > 1:
        raise InputError("send one image per request")

    explain_text = _text(fields.get("explain", []), "explain")
    if explain_text is not None and explain_text.lower() not in ("true", "false"):
        raise InputError(f"explain must be true or false, not {explain_text[:20]!r}")
    target_text = _text(fields.get("target", []), "target")
    target = None
    if target_text is not None:
        if target_text not in _DIGITS:
            raise InputError(f"target must be an integer digit 0-{NUM_CLASSES - 1}, not {target_text[:20]!r}")
        target = int(target_text)
    return PictureInput(
        data=images[0], explain=explain_text is not None and explain_text.lower() == "true", target=target
    )
