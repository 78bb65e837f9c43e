"""A small SVG writer on the standard library's ElementTree: elements, numbers, one file."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK = "#1b1d2a"
MUTED = "#5b5f73"
POSITIVE = "#0d9488"
NEGATIVE = "#e11d48"
ACCENT = "#5850e6"

ET.register_namespace("", SVG_NS)


def num(value: float, digits: int = 2) -> str:
    """Return `value` with at most `digits` decimals and no trailing zeros, for coordinates."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt(value: float, digits: int = 3) -> str:
    """Return `value` with `digits` decimals and a real minus sign, as the pages show numbers."""
    text = f"{abs(value):.{digits}f}"
    return ("−" if value < 0 and float(text) != 0 else "") + text


def document(
    *, name: str, width: float, height: float, title: str, desc: str, data: dict[str, str] | None = None
) -> ET.Element:
    """Return an <svg> root of that size (its viewBox too) holding the <title> and <desc> screen readers read.

    `name` ("pixels", ...) prefixes the ids of the title and description, so the figure can be put inline in a
    page; `data` are data-* attributes of the root (what the figure shows, for the page and the tests).
    """
    attrs = {
        "width": num(width),
        "height": num(height),
        "viewBox": f"0 0 {num(width)} {num(height)}",
        "role": "img",
        "aria-labelledby": f"{name}-title {name}-desc",
        "font-family": FONT,
        "fill": INK,
        "data-figure": name,
    }
    root = ET.Element(f"{{{SVG_NS}}}svg", {**attrs, **{f"data-{key}": value for key, value in (data or {}).items()}})
    add(root, "title", {"id": f"{name}-title"}, title)
    add(root, "desc", {"id": f"{name}-desc"}, desc)
    add(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    return root


def add(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    """Return a new child element `tag` of `parent`, with string attributes and optional text."""
    element = ET.SubElement(parent, f"{{{SVG_NS}}}{tag}", attrs or {})
    if text is not None:
        element.text = text
    elif tag == "g":
        element.text = "\n"
    if tag != "tspan":  # a line break after each element keeps the file readable; inside a <text> it would be a space
        element.tail = "\n"
    return element


def to_bytes(root: ET.Element) -> bytes:
    """Return the document as UTF-8 bytes with an XML declaration, the same bytes for the same figure.

    One element a line, as add() ends them (ET.indent would take longer than drawing the pixel grid).
    """
    root.text = "\n"
    content: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return content + b"\n"
