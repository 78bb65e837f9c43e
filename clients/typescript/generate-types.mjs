// Write TypeScript types for the digit reader's API, from its OpenAPI document, for openapi-fetch.
//
//   npm ci
//   node clients/typescript/generate-types.mjs [DOCUMENT] [OUTPUT]
//
// DOCUMENT is a URL or a file (default http://127.0.0.1:8000/openapi.json); OUTPUT a .ts file
// (default digit-reader.ts). This is openapi-typescript with one change: a file field
// (format: binary, the `image` of POST /predict/image) is typed Blob, which fetch() sends, instead
// of string.
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const [source = "http://127.0.0.1:8000/openapi.json", output = "digit-reader.ts"] = process.argv.slice(2);
const document = /^https?:\/\//.test(source) ? new URL(source) : pathToFileURL(source);
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));

const ast = await openapiTS(document, {
  transform(schema) {
    if (schema.format === "binary") return BLOB;
    return undefined;
  },
});
fs.writeFileSync(output, astToString(ast));
console.log(`${output}: types of ${source}`);
