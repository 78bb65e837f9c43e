"""Request and response models: the contract of the JSON API, as shown in /docs and /openapi.json.

POST /predict is checked by app.parsing (faster than building these models for thousands of floats)
and answered with orjson; StrokesRequest, PixelsRequest (together PREDICT_REQUEST), PredictUpload and
PredictResponse document exactly what those accept and produce, and the tests hold them together.
Optional request fields are typed without null: a client that sends null anyway is understood
(NULL_IS_ABSENT), but the document shows the one way to leave a field out.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.json_schema import SkipJsonSchema

from app.limits import Limits
from model.constants import IMAGE_SIDE, NUM_CLASSES

Digit = Annotated[int, Field(ge=0, le=NUM_CLASSES - 1)]
Point = Annotated[
    list[Annotated[float, Field(allow_inf_nan=False)]],
    Field(min_length=2, max_length=2, description="[x, y] in canvas pixels, y down, any scale and offset."),
]
Stroke = Annotated[list[Point], Field(description="The points of one pen stroke; a single point is a dot.")]
Row = Annotated[list[Annotated[float, Field(ge=0, le=1)]], Field(min_length=IMAGE_SIDE, max_length=IMAGE_SIDE)]
Image = Annotated[list[Row], Field(min_length=IMAGE_SIDE, max_length=IMAGE_SIDE)]

_LAYERS = "false: leave every layer's z and a out of the answer, about 4 KB instead of 40 (default true)."
_DISPLAY = (
    "true: answer what a page draws, packed (`display`), instead of `input`, `layers` and `saliency` "
    "(about 6 KB); the page of this app asks for it (default false)."
)

_EXAMPLE_STROKES: JsonValue = [[[120, 40], [150, 40], [150, 90], [150, 160]], [[110, 100], [170, 100]]]


NULL_IS_ABSENT = (
    "A field sent as null counts as not sent: `explain: null` is false, `target: null` the predicted digit, and "
    '`{"strokes": ..., "pixels": null}` a strokes request.'
)
"""The one rule for null in a request, shown in the schema and followed by app.parsing and app.uploads."""

_EXPLAIN = "Also return the saliency map for `target` (default false)."
_TARGET = "The digit the saliency map explains (only with `explain`; 422 without it); default: the predicted digit."


class _Options(BaseModel):
    """The optional fields of every request: `explain`, `target`, `layers` and `display`."""

    model_config = ConfigDict(extra="forbid")

    explain: bool = Field(False, description=_EXPLAIN)
    target: Digit | SkipJsonSchema[None] = Field(None, description=_TARGET)
    layers: bool = Field(True, description=_LAYERS)
    display: bool = Field(False, description=_DISPLAY)


class StrokesRequest(_Options):
    """A drawing as pen strokes."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"strokes": _EXAMPLE_STROKES}]})

    strokes: list[Stroke] = Field(
        description=(
            "Raw pen strokes, rendered to 28x28 the way MNIST was made (scaled to a 20x20 box, centred "
            "by mass). At most $max_strokes strokes and $max_points points in all (413 beyond); "
            "coordinates finite with |x|, |y| <= $max_coordinate (422 otherwise). "
            "No point at all is answered 422 'no ink'."
        ),
    )


class PixelsRequest(_Options):
    """A drawing as a ready 28x28 image."""

    pixels: Image = Field(
        description="A ready 28x28 image, rows top to bottom, 0 background and 1 ink; fed to the network as-is.",
    )


PREDICT_REQUEST = {
    "title": "PredictRequest",
    "description": f"A drawing to read: exactly one of `strokes` and `pixels`. {NULL_IS_ABSENT}",
    "oneOf": [{"$ref": "#/components/schemas/StrokesRequest"}, {"$ref": "#/components/schemas/PixelsRequest"}],
    "examples": [
        {"strokes": _EXAMPLE_STROKES},
        {"strokes": _EXAMPLE_STROKES, "explain": True, "target": 4},
        {"strokes": _EXAMPLE_STROKES, "layers": False},
    ],
}
"""The JSON body of POST /predict, as the OpenAPI document shows it (app/openapi.py adds the two schemas)."""


class PredictUpload(BaseModel):
    """A picture to read, sent as multipart/form-data: the same answer as a drawing gets.

    An empty field, or one that says null, counts as not sent.
    """

    model_config = ConfigDict(extra="forbid")  # another field is refused (422), as in the JSON body

    image: bytes = Field(
        description=(
            "The picture file: PNG, JPEG, WebP, GIF (first frame) or BMP, recognised from its bytes; a photo, a "
            "scan or an image file of one handwritten digit, dark on light or light on dark. At most "
            "$max_upload_bytes bytes and $max_image_pixels pixels (413 beyond)."
        ),
        json_schema_extra={"format": "binary"},
    )
    explain: bool = Field(
        False, description=f"{_EXPLAIN} true or false; 1/0, on/off and yes/no are read too, in any case"
    )
    target: Digit | SkipJsonSchema[None] = Field(None, description=_TARGET)
    layers: bool = Field(True, description=f"{_LAYERS} true or false, read as `explain` is")
    display: bool = Field(False, description=f"{_DISPLAY} true or false, read as `explain` is")


class Layer(BaseModel):
    """One layer after the input: its weighted inputs z and activations a, one number per neuron."""

    name: str = Field(description='"hidden 1", "hidden 2", ... and "output".', examples=["hidden 1"])
    activation: Literal["sigmoid", "softmax"]
    z: list[float] = Field(description="Weighted inputs z^l = w^l a^{l-1} + b^l.")
    a: list[float] = Field(description="Activations a^l = sigma(z^l), or softmax(z^L) for the output.")


Base64 = Annotated[str, Field(description="Base64 of little-endian bytes.")]


class InkedImage(BaseModel):
    """The input image, only where it has ink."""

    pixels: int = Field(description="The number of pixels, row-major (784 for 28x28).")
    mask: Base64 = Field(
        description="One bit per pixel, row-major, 1 where the pixel is not 0: pixel i is bit i % 8 of byte i // 8."
    )
    values: Base64 = Field(description="The inked pixels' values x, in row-major order, as uint16 round(65535 x).")


class Display(BaseModel):
    """The answer as a page draws it: values quantised finer than the page shows them.

    A neuron's z is not sent: the page sums it from the neuron's weights (GET /api/neurons) and these
    activations, within about 1e-4 of the server's.
    """

    input: InkedImage
    activations: list[Base64] = Field(
        description="Every layer's a after the input, in order, as uint16 round(65535 a): within 7.7e-6 of a."
    )
    saliency: Base64 | SkipJsonSchema[None] = Field(
        None, description="Only with explain: the saliency map, row-major, as int8 round(127 s / saliency_scale)."
    )
    saliency_scale: float | SkipJsonSchema[None] = Field(None, description="Only with explain: the largest |s|.")


class PredictResponse(BaseModel):
    """What the network read, with everything it computed on the way."""

    digit: Digit = Field(description="The most probable digit.")
    probabilities: list[float] = Field(
        min_length=NUM_CLASSES, max_length=NUM_CLASSES, description="P(digit) for 0-9; they sum to 1."
    )
    input: Image | SkipJsonSchema[None] = Field(
        None, description="The 28x28 image exactly as the network received it (in `display` instead with display)."
    )
    layers: list[Layer] | SkipJsonSchema[None] = Field(
        None,
        description=(
            "Every layer after the input, in order; the last is the output. Left out with `layers` false or "
            "`display` true."
        ),
    )
    unsure: bool = Field(description="The top probability is below the 'unsure' threshold.")
    not_a_digit: bool = Field(description="The drawing looks like no digit (see GET /api/model's uncertainty).")
    top2: list[Digit] = Field(min_length=2, max_length=2, description="The two most probable digits, best first.")
    saliency: list[list[float]] | SkipJsonSchema[None] = Field(
        None, description="Only with explain: d z^L_target / d pixel, 28x28; positive where ink adds evidence."
    )
    target: Digit | SkipJsonSchema[None] = Field(None, description="Only with explain: the digit explained.")
    display: Display | SkipJsonSchema[None] = Field(None, description="Only with display: what a page draws.")


class ErrorResponse(BaseModel):
    """Every error: `detail` says what was wrong."""

    detail: str = Field(examples=["no ink: the drawing has no points"])


class UncertaintyInfo(BaseModel):
    """The thresholds behind `unsure` and `not_a_digit` (see model/serving/uncertainty.py)."""

    unsure_below: float
    not_a_digit_below: float
    min_top_z: float | None


class LayerInfo(BaseModel):
    """One layer's place in the network."""

    name: str = Field(examples=["input", "hidden 1", "output"])
    size: int
    activation: Literal["sigmoid", "softmax"] | None = Field(description="null for the input layer.")


class ModelInfo(BaseModel):
    """The network being served, how well it did, and the limits of this server."""

    sizes: list[int] = Field(examples=[[784, 100, 10]])
    activations: list[Literal["sigmoid", "softmax"]] = Field(examples=[["sigmoid", "softmax"]])
    layers: list[LayerInfo]
    num_parameters: int
    sha256: str = Field(description="SHA-256 of the weights file.")
    weights_file: str = Field(description="The weights file's name.")
    test_accuracy: float | None = Field(description="From the weights metadata, if recorded.")
    unipen_accuracy: float | None = Field(description="From the weights metadata, if recorded.")
    training: dict[str, Any] | None = Field(description="From the weights metadata, if recorded.")
    metadata: dict[str, Any] = Field(
        description="The rest of the metadata saved with the weights: what the fields above do not show already."
    )
    uncertainty: UncertaintyInfo
    limits: Limits = Field(description="The request limits in force (DIGITS_* settings).")


class Neuron(BaseModel):
    """One neuron: its bias, the weights into it, and the weights out of it."""

    layer: int = Field(description="1 = the first hidden layer, ..., L = the output layer.")
    index: int
    name: str = Field(examples=["hidden 1"])
    activation: Literal["sigmoid", "softmax"]
    bias: float
    weights: list[float] = Field(description="Incoming weights, one per neuron of the previous layer.")
    outgoing: list[float] | None = Field(description="Weights to each neuron of the next layer; null for outputs.")


class Health(BaseModel):
    """The server is up and the model is loaded."""

    status: Literal["ok"]
