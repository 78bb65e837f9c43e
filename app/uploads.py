"""Parse and check a picture upload to POST /predict/image (or /predict): a multipart/form-data body with one file field `image`.

python-multipart does the parsing, over the whole body at once (its size was already bounded by
app.body_limit), in the worker thread that then decodes the picture, so the event loop only
receives the bytes. The form's fields are those of the JSON body: `explain`, `target`, `layers` and `display`, as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart import FormParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import Field, File, parse_options_header

from app.errors import MULTIPART, InputError
from app.parsing import check_target
from model.constants import NUM_CLASSES

FIELDS = ("image", "explain", "target", "layers", "display")
_DIGITS = frozenset(str(digit) for digit in range(NUM_CLASSES))
_TRUE = frozenset({"true", "1", "on", "yes"})
"""How forms say yes: an HTML checkbox sends "on", generated clients "true" or "True"; read in any case."""
_FALSE = frozenset({"false", "0", "off", "no"})


@dataclass(frozen=True)
class PictureInput:
    """A checked upload: the picture file's bytes, and the optional explain, target, layers and display."""

    data: bytes
    explain: bool
    target: int | None
    layers: bool = True
    display: bool = False


def _parts(body: bytes, boundary: bytes) -> dict[str, list[bytes]]:
    """Return the form's parts, by field name, each a list of the bytes sent under that name.

    python-multipart's FormParser gives a file part (one with a filename) as a File and any other as a
    Field; both count, since some clients send the picture without a filename.
    """
    fields: dict[str, list[bytes]] = {}

    def on_field(part: Field) -> None:
        fields.setdefault(_name(part.field_name), []).append(part.value or b"")

    def on_file(part: File) -> None:
        part.file_object.seek(0)
        fields.setdefault(_name(part.field_name), []).append(part.file_object.read())

    # The body is already in memory and bounded (app.body_limit): a file part never needs to go to disk.
    config = {"MAX_MEMORY_FILE_SIZE": len(body) + 1, "MAX_BODY_SIZE": len(body) + 1}
    parser = FormParser(MULTIPART, on_field, on_file, boundary=boundary, config=config)
    try:
        parser.write(body)
        parser.finalize()
    except FormParserError as error:
        raise InputError(f"malformed multipart body: {error}") from None
    return fields


def _name(field_name: bytes | None) -> str:
    """Return a part's field name as text ("" when it has none)."""
    return (field_name or b"").decode("latin-1")


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
        raise InputError(
            f"unknown form fields {unknown}: expected image, and optionally explain, target, layers and display"
        )
    images = fields.get("image", [])
    if not images:
        raise InputError("no image: send the picture as a file field named image")
    if len(images) > 1:
        raise InputError("send one image per request")

    explain, layers, display = (
        _flag(fields, name, default) for name, default in (("explain", False), ("layers", True), ("display", False))
    )
    target_text = _text(fields.get("target", []), "target")
    target = None
    if target_text is not None:
        if target_text not in _DIGITS:
            raise InputError(f"target must be an integer digit 0-{NUM_CLASSES - 1}, not {target_text[:20]!r}")
        target = int(target_text)
    check_target(explain=explain, target=target)
    return PictureInput(data=images[0], explain=explain, target=target, layers=layers, display=display)


def _flag(fields: dict[str, list[bytes]], name: str, default: bool) -> bool:
    """Return the form field `name` read as true or false (see _TRUE, _FALSE; `default` when absent); raise InputError otherwise."""
    text = _text(fields.get(name, []), name)
    if text is None:
        return default
    spelling = text.lower()
    if spelling not in _TRUE | _FALSE:
        raise InputError(f"{name} must be true or false (or 1/0, on/off, yes/no), not {text[:20]!r}")
    return spelling in _TRUE
