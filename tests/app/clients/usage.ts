// A program written against the types that clients/typescript/generate-types.mjs writes from the served
// OpenAPI document (./digit-reader.ts), calling the API with openapi-fetch. tests/app/test_openapi_clients.py
// type-checks it with tsc --strict (the @ts-expect-error lines must fail to type-check), then runs it
// against a live server: it prints what each call read, as JSON. Its arguments are the server's URL and a
// picture as a data: URL (so that it needs no Node typings).
import createClient from "openapi-fetch";
import type { components, paths } from "./digit-reader.js";

declare const process: { argv: string[] };

type Answer = components["schemas"]["PredictResponse"];

const [baseUrl, pictureUrl] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl });

const strokes: components["schemas"]["StrokesRequest"]["strokes"] = [
  [[120, 40], [150, 40], [150, 90], [150, 160]],
  [[110, 100], [170, 100]],
];
const pixels: number[][] = Array.from({ length: 28 }, (_, row) =>
  Array.from({ length: 28 }, (_, column) => (column >= 12 && column <= 15 && row >= 4 && row <= 23 ? 1 : 0)),
);

/** Return the answer of a call, or throw its error's detail (a string). */
function read(result: { data?: Answer; error?: { detail: string } }): Answer {
  if (result.error !== undefined) throw new Error(result.error.detail);
  if (result.data === undefined) throw new Error("no answer");
  return result.data;
}

async function main(): Promise<void> {
  const drawing = read(await client.POST("/predict", { body: { strokes } }));
  const fromPixels = read(await client.POST("/predict", { body: { pixels, explain: true, target: 3 } }));

  const image = await (await fetch(pictureUrl)).blob();
  const picture = read(
    await client.POST("/predict/image", {
      body: { image },
      bodySerializer(body) {
        const form = new FormData();
        form.append("image", body.image, "digit.jpg");
        return form;
      },
    }),
  );

  const refused = await client.POST("/predict", { body: { strokes: [] } });
  const model = await client.GET("/api/model");
  const neuron = await client.GET("/api/neurons/{layer}/{index}", { params: { path: { layer: 1, index: 0 } } });

  if (process.argv.length < 0) {
    // Never run: bodies that the types must refuse.
    // @ts-expect-error a drawing needs strokes or pixels
    await client.POST("/predict", { body: { explain: true } });
    // @ts-expect-error strokes are lists of [x, y] points
    await client.POST("/predict", { body: { strokes: "M 0 0 L 10 10" } });
    // @ts-expect-error the picture is a Blob, not a file name
    await client.POST("/predict/image", { body: { image: "seven.jpg" } });
  }

  console.log(
    JSON.stringify({
      drawing: { digit: drawing.digit, probabilities: drawing.probabilities.length },
      pixels: { digit: fromPixels.digit, target: fromPixels.target, saliency: fromPixels.saliency?.length },
      picture: { digit: picture.digit, input: picture.input?.length },
      refused: { status: refused.response.status, detail: refused.error?.detail },
      model: { sizes: model.data?.sizes, etag: model.response.headers.get("etag") },
      neuron: { weights: neuron.data?.weights.length },
    }),
  );
}

await main();
