// Builds generated/client-validators.js: only the validators src/ uses, compiled from schemas with every
// annotation removed, so the browser bundle carries rules and no prose, examples or x- extensions.

import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import ajvStandalone from "ajv/dist/standalone/index.js";

type Json = Record<string, unknown>;

// CommonJS with `exports.default`: unwrap for NodeNext (as in generate-lib.ts).
const addFormats = ajvFormats.default;
const standaloneCode = ajvStandalone.default;

/**
 * The validators src/ imports, by schema name. Our decision: the client ships these and nothing else;
 * test/client-validators.test.ts fails when src/ imports another or stops using one of these.
 */
export const CLIENT_SCHEMAS = ["AccessToken", "AccountId", "ClientCredentialsTokenRequest", "Error", "LoginCredentials", "MfaError"] as const;

/** Keywords that only annotate (JSON Schema 2020-12 §9 and OpenAPI 3.1's additions): no effect on validity. */
const ANNOTATIONS = new Set(["title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples", "$comment", "example", "discriminator", "xml", "externalDocs"]);

// Where 2020-12 puts subschemas: one schema, an array of schemas, or a map of name → schema.
const ONE_SCHEMA = ["items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains", "propertyNames", "not", "if", "then", "else", "contentSchema"];
const SCHEMA_ARRAYS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "dependentSchemas"];

/**
 * A copy of `schema` without annotation keywords and `x-` extensions, walking only schema positions:
 * a property named `description`, or an `enum`/`const` value, is data and stays.
 */
export function withoutAnnotations(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema; // true/false schemas
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
    if (ONE_SCHEMA.includes(key)) out[key] = withoutAnnotations(value);
    else if (SCHEMA_ARRAYS.includes(key) && Array.isArray(value)) out[key] = value.map(withoutAnnotations);
    else if (SCHEMA_MAPS.includes(key) && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, withoutAnnotations(sub)]));
    } else out[key] = value;
  }
  return out;
}

/**
 * The client's module and its declarations. `prelude` is the generated-file header plus the inlined
 * ucs2length helper (see generate-lib.ts), shared with generated/validators.js.
 */
export function clientValidatorsModule(bundleSchema: Json, prelude: string): { js: string; dts: string } {
  const stripped = withoutAnnotations(bundleSchema) as Json;
  const defs = (stripped.$defs ?? {}) as Json;
  const missing = CLIENT_SCHEMAS.filter((name) => !(name in defs));
  if (missing.length > 0) throw new Error(`the spec has no schema ${missing.join(", ")} that the client uses`);
  // The same options as generated/validators.js, so that both report the same errors.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, code: { source: true, esm: true, lines: true } });
  addFormats(ajv);
  ajv.addSchema(stripped);
  const exports = Object.fromEntries(CLIENT_SCHEMAS.map((name) => [`validate${name}`, `${String(stripped.$id)}#/$defs/${name}`]));
  let js = standaloneCode(ajv, exports);
  js = js.replace(/const (\w+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/g, (_m: string, id: string) => `const ${id} = ucs2length;`);
  if (/require\(/.test(js)) throw new Error("Ajv standalone output still calls require(): inline the helper");
  js = `${prelude}\n${js}\n`;
  const dts = [
    prelude.split("\n")[0],
    `import type { Validator } from "./validators.js";`,
    `export type { Validator, ValidationError } from "./validators.js";`,
    ...CLIENT_SCHEMAS.map((name) => `export declare const validate${name}: Validator;`),
    "",
  ].join("\n");
  return { js, dts };
}
