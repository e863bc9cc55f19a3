// What the suite judges against: a view over the generated operations model (generated/operations.json,
// built by `npm run generate`) and the bundled spec (generated/openapi.json, for provenance pointers).
// Nothing here walks the OpenAPI document: operations, statuses and their meanings, media types, schemas
// and examples all come from the model.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import type { OperationModel, OperationRole, OperationsModel, StatusMeaning as ModelMeaning } from "../generated/operations.js";

export type Json = Record<string, unknown>;
/** An operation's role key (`x-role` in the spec): `login`, `token`. */
export type OperationKey = OperationRole;

export interface ResponseSpec {
  status: number;
  description: string;
  /** What the status means (RFC 9110), from the model. */
  meaning: ModelMeaning;
  /** media type (no parameters) → dereferenced schema */
  content: Map<string, Json | undefined>;
  /** documented response headers by lower-case name */
  headers: Map<string, { name: string; schema: Json | undefined; required: boolean }>;
}

export interface OperationSpec {
  key: OperationKey;
  operationId: string;
  /** JSON pointer of the operation in generated/openapi.json */
  pointer: string;
  method: string;
  pathTemplate: string;
  responses: Map<number, ResponseSpec>;
  requestMediaTypes: string[];
  requestSchema: Json;
  /** named request-body examples from the spec */
  requestExamples: Record<string, unknown>;
  /** security scheme types, e.g. [{ type: "http", scheme: "bearer" }] */
  security: Array<{ type: string; scheme: string | undefined; scopes: string[] }>;
  /** schemas of the path parameters, by name */
  pathParams: Map<string, { schema: Json; example: unknown }>;
  /** The operation as the generated model has it. */
  model: OperationModel;
}

export interface SpecModel {
  doc: Json;
  /** generated/operations.json */
  model: OperationsModel;
  operations: Record<OperationKey, OperationSpec>;
  /** the HTTP methods the spec documents for a path template, upper case */
  methodsOf(pathTemplate: string): string[];
  /** validator for a dereferenced schema; `strict` closes every object (unevaluatedProperties: false) */
  validator(schema: Json, strict?: boolean): ValidateFunction;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, "..");
export const bundledSpecPath = path.join(projectRoot, "generated", "openapi.json");
export const sourceSpecPath = path.join(projectRoot, "openapi", "login.yaml");
/** The operations model that sits beside a bundled spec (generated/operations.json beside generated/openapi.json). */
export const modelPathFor = (bundledSpec: string) => path.join(path.dirname(bundledSpec), "operations.json");

/** Strict mode: every object schema that lists properties is closed. Branches of allOf/anyOf/oneOf
 * stay open (closing them would reject the other branches' properties); their parent is closed. */
export function closeObjects(schema: unknown, isBranch = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => closeObjects(s, isBranch));
  if (schema === null || typeof schema !== "object") return schema;
  const s = { ...(schema as Json) };
  if (s.properties && typeof s.properties === "object") {
    s.properties = Object.fromEntries(Object.entries(s.properties as Json).map(([k, v]) => [k, closeObjects(v)]));
  }
  if (s.items) s.items = closeObjects(s.items);
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((b) => closeObjects(b, true));
  }
  const describesObject = s.properties !== undefined || s.allOf !== undefined || s.anyOf !== undefined;
  if (!isBranch && describesObject && s.additionalProperties === undefined && s.unevaluatedProperties === undefined) {
    s.unevaluatedProperties = false;
  }
  return s;
}

/** Media types are read by lib/media-type.ts (kept exported here for the checks). */
export { isJsonMediaType, mediaTypeOf } from "../lib/media-type.ts";

/** The suite's shape of one operation of the model (maps by status and media type for its checks). */
function operationSpec(op: OperationModel): OperationSpec {
  const responses = new Map<number, ResponseSpec>();
  for (const r of op.responses) {
    if (r.code === null) throw new Error(`${op.operationId}: response ${r.status} is not a status code`);
    responses.set(r.code, {
      status: r.code,
      description: r.description,
      meaning: r.meaning,
      content: new Map(r.content.map((m) => [m.mediaType, m.schema as Json | undefined])),
      headers: new Map(r.headers.map((h) => [h.name.toLowerCase(), { name: h.name, schema: h.schema as Json | undefined, required: h.required }])),
    });
  }
  const firstMedia = op.request?.content[0];
  return {
    key: op.role,
    operationId: op.operationId,
    pointer: `#${op.pointer}`,
    method: op.method,
    pathTemplate: op.pathTemplate,
    responses,
    requestMediaTypes: (op.request?.content ?? []).map((m) => m.mediaType),
    requestSchema: (firstMedia?.schema ?? {}) as Json,
    requestExamples: { ...(firstMedia?.examples ?? {}) },
    security: op.security.map((s) => ({ type: s.type, scheme: s.scheme, scopes: [...s.scopes] })),
    pathParams: new Map(op.parameters.filter((p) => p.in === "path").map((p) => [p.name, { schema: p.schema as Json, example: p.example }])),
    model: op,
  };
}

const addFormats = ajvFormats.default;

/**
 * The compiled validators of one spec (by its text): compiling is most of the cost of loading a spec, and a
 * process that runs the suite many times (the self-test, a proxy) loads the same spec for each run.
 * Compiled validators are pure functions of their schema; the last few specs are kept.
 */
const compiled = new Map<string, { ajv: Ajv2020; cache: Map<string, ValidateFunction> }>();
function validatorsFor(specText: string, model: OperationsModel): { ajv: Ajv2020; cache: Map<string, ValidateFunction> } {
  let entry = compiled.get(specText);
  if (!entry) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
    ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs"]);
    // Every OpenAPI extension (x-source, x-curated, …) is an annotation: registered, not a reason to drop strict mode.
    for (const keyword of model.extensionKeywords) ajv.addKeyword({ keyword });
    addFormats(ajv);
    entry = { ajv, cache: new Map() };
    if (compiled.size >= 4) compiled.delete(compiled.keys().next().value!);
    compiled.set(specText, entry);
  }
  return entry;
}

/** The bundled spec at `file` and the operations model beside it (both written by `npm run generate`). */
export function loadSpec(file = bundledSpecPath): SpecModel {
  const docText = readFileSync(file, "utf8");
  const modelText = readFileSync(modelPathFor(file), "utf8");
  const doc = JSON.parse(docText) as Json;
  const model = JSON.parse(modelText) as OperationsModel;
  const { cache, ajv } = validatorsFor(`${docText}\0${modelText}`, model);
  const operations = Object.fromEntries(Object.values(model.operations).map((op) => [op.role, operationSpec(op)])) as Record<OperationKey, OperationSpec>;
  const bySchema = new WeakMap<object, ValidateFunction>();
  const strictBySchema = new WeakMap<object, ValidateFunction>();
  return {
    doc,
    model,
    operations,
    methodsOf(pathTemplate) {
      return [...(Object.values(model.operations).find((op) => op.pathTemplate === pathTemplate)?.methodsOnPath ?? [])];
    },
    validator(schema, strict = false) {
      // The same schema object of this model asks again for every answer of a run: found by identity first
      // (the model's schemas are not changed once loaded), by content otherwise.
      const known = schema !== null && typeof schema === "object" ? (strict ? strictBySchema : bySchema).get(schema) : undefined;
      if (known) return known;
      const effective = (strict ? closeObjects(schema) : schema) as Json;
      const key = JSON.stringify(effective);
      let fn = cache.get(key);
      if (!fn) {
        fn = ajv.compile(effective);
        cache.set(key, fn);
      }
      if (schema !== null && typeof schema === "object") (strict ? strictBySchema : bySchema).set(schema, fn);
      return fn;
    },
  };
}

/**
 * The meanings the suite asks about, in the model's vocabulary (RFC 9110 §15; 429: RFC 6585 §4). The suite
 * reads which statuses of these meanings an operation documents: the statuses it expects are the spec's,
 * the meaning is HTTP's. So documenting 422 for invalid bodies needs no code change.
 */
const SUITE_MEANINGS = {
  /** the request content is invalid (400, 422) */
  invalid_request: ["invalid_request"],
  /** the request lacks valid authentication credentials (401) or is refused for them (403) */
  auth_refused: ["auth_refusal", "forbidden"],
} as const satisfies Record<string, readonly ModelMeaning[]>;
export type StatusMeaning = keyof typeof SUITE_MEANINGS;

const vocabulary = (JSON.parse(readFileSync(modelPathFor(bundledSpecPath), "utf8")) as OperationsModel).meanings;
/** The status codes of each meaning the suite asks about, from the model's vocabulary (e.g. invalid_request: [400, 422]). */
export const STATUS_MEANINGS = Object.fromEntries(
  Object.entries(SUITE_MEANINGS).map(([name, meanings]) => [name, meanings.flatMap((m) => vocabulary[m].codes).sort((a, b) => a - b)]),
) as unknown as Record<StatusMeaning, readonly number[]>;

/** The statuses an operation documents with this meaning; an operation that documents none is a spec the
 * suite cannot judge by, said at once rather than guessed. */
export function documentedStatuses(op: OperationSpec, meaning: StatusMeaning): number[] {
  const wanted: readonly ModelMeaning[] = SUITE_MEANINGS[meaning];
  const found = [...op.responses.values()]
    .filter((r) => wanted.includes(r.meaning))
    .map((r) => r.status)
    .sort((a, b) => a - b);
  if (!found.length) throw new Error(`${op.operationId} documents no ${meaning.replace("_", " ")} status (any of ${STATUS_MEANINGS[meaning].join(", ")})`);
  return found;
}

/** The documented client errors other than a rate limit: what a refused request may get. */
export function documented4xx(op: OperationSpec): number[] {
  return [...op.responses.values()].filter((r) => r.status >= 400 && r.status < 500 && r.meaning !== "rate_limit").map((r) => r.status);
}

export type { ErrorObject, ValidateFunction };
