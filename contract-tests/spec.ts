// What the suite judges against, derived from the bundled spec (generated/openapi.json): operations,
// documented statuses and media types, request and response schemas, examples. Nothing restated by hand.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { PROVENANCE_KEYWORDS } from "../lib/provenance.ts";

export type Json = Record<string, unknown>;
export type OperationKey = "login" | "token";

/** The operations the suite exercises, by operationId (identifiers, not rules). */
export const OPERATION_IDS: Record<OperationKey, string> = {
  login: "aid_customers_login_post",
  token: "aid_auths_oauth_token_post",
};

export interface ResponseSpec {
  status: number;
  description: string;
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
}

export interface SpecModel {
  doc: Json;
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

/** JSON pointer lookup inside the document ("#/components/schemas/X"). */
function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = (node as Json)[key];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return node;
}

/** Inline every local $ref (the spec has no recursive schemas; a cycle is an error). */
export function deref<T>(node: T, doc: Json, seen: string[] = []): T {
  if (Array.isArray(node)) return node.map((item) => deref(item, doc, seen)) as T;
  if (node === null || typeof node !== "object") return node;
  const obj = node as Json;
  if (typeof obj.$ref === "string") {
    const ref = obj.$ref;
    if (seen.includes(ref)) throw new Error(`recursive $ref ${ref}`);
    const { $ref: _ignored, ...siblings } = obj;
    const target = deref(resolvePointer(doc, ref), doc, [...seen, ref]) as Json;
    return { ...target, ...deref(siblings, doc, seen) } as T;
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = deref(v, doc, seen);
  return out as T;
}

/** Strict mode: every object schema that lists properties is closed. Branches of allOf/anyOf/oneOf
 * stay open (closing them would reject the other branches' properties); their parent is closed. */
export function closeObjects(schema: unknown, isBranch = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => closeObjects(s, isBranch));
  if (schema === null || typeof schema !== "object") return schema;
  const s = { ...(schema as Json) };
  if (s.properties && typeof s.properties === "object") {
    s.properties = Object.fromEntries(
      Object.entries(s.properties as Json).map(([k, v]) => [k, closeObjects(v)]),
    );
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

function buildOperation(doc: Json, key: OperationKey): OperationSpec {
  const operationId = OPERATION_IDS[key];
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const [pathTemplate, item] of Object.entries(paths)) {
    for (const [method, rawOp] of Object.entries(item)) {
      if (rawOp.operationId !== operationId) continue;
      const op = deref(rawOp, doc);
      const responses = new Map<number, ResponseSpec>();
      for (const [status, rawResponse] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        if (!/^\d{3}$/.test(status)) throw new Error(`${operationId}: response ${status} is not a status code`);
        const content = new Map<string, Json | undefined>();
        for (const [type, media] of Object.entries((rawResponse.content ?? {}) as Record<string, Json>)) {
          content.set(type.toLowerCase(), media.schema as Json | undefined);
        }
        const headers = new Map<string, { name: string; schema: Json | undefined; required: boolean }>();
        for (const [name, h] of Object.entries((rawResponse.headers ?? {}) as Record<string, Json>)) {
          headers.set(name.toLowerCase(), { name, schema: h.schema as Json | undefined, required: h.required === true });
        }
        responses.set(Number(status), { status: Number(status), description: String(rawResponse.description ?? ""), content, headers });
      }
      const body = (op.requestBody ?? {}) as Json;
      const bodyContent = (body.content ?? {}) as Record<string, Json>;
      const requestMediaTypes = Object.keys(bodyContent).map((t) => t.toLowerCase());
      const firstMedia = Object.values(bodyContent)[0] ?? {};
      const requestExamples: Record<string, unknown> = {};
      for (const [name, ex] of Object.entries((firstMedia.examples ?? {}) as Record<string, Json>)) {
        requestExamples[name] = ex.value;
      }
      const schemes = ((doc.components as Json).securitySchemes ?? {}) as Record<string, Json>;
      const security = ((op.security ?? []) as Array<Record<string, string[]>>).flatMap((req) =>
        Object.entries(req).map(([name, scopes]) => ({
          type: String(schemes[name]?.type),
          scheme: schemes[name]?.scheme as string | undefined,
          scopes,
        })),
      );
      const pathParams = new Map<string, { schema: Json; example: unknown }>();
      for (const p of (op.parameters ?? []) as Json[]) {
        if (p.in === "path") pathParams.set(String(p.name), { schema: p.schema as Json, example: p.example });
      }
      return {
        key, operationId, pointer: `#/paths/${pathTemplate.replaceAll("~", "~0").replaceAll("/", "~1")}/${method}`, method: method.toUpperCase(), pathTemplate, responses, requestMediaTypes,
        requestSchema: (firstMedia.schema ?? {}) as Json, requestExamples, security, pathParams,
      };
    }
  }
  throw new Error(`operation ${operationId} not found in ${bundledSpecPath}`);
}

const addFormats = ajvFormats.default;
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function extensionKeywords(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => extensionKeywords(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith("x-")) out.add(k);
      extensionKeywords(v, out);
    }
  }
  return out;
}


export function loadSpec(file = bundledSpecPath): SpecModel {
  const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
  ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs", ...PROVENANCE_KEYWORDS]);
  // Any other OpenAPI extension (x-…) is an annotation too: registered, not a reason to drop strict mode.
  for (const keyword of extensionKeywords(doc)) if (!(PROVENANCE_KEYWORDS as readonly string[]).includes(keyword)) ajv.addKeyword({ keyword });
  addFormats(ajv);
  const cache = new Map<string, ValidateFunction>();
  return {
    doc,
    operations: { login: buildOperation(doc, "login"), token: buildOperation(doc, "token") },
    methodsOf(pathTemplate) {
      const item = ((doc.paths ?? {}) as Record<string, Json>)[pathTemplate] ?? {};
      return Object.keys(item).filter((m) => HTTP_METHODS.includes(m)).map((m) => m.toUpperCase());
    },
    validator(schema, strict = false) {
      const effective = (strict ? closeObjects(schema) : schema) as Json;
      const key = JSON.stringify(effective);
      let fn = cache.get(key);
      if (!fn) {
        fn = ajv.compile(effective);
        cache.set(key, fn);
      }
      return fn;
    },
  };
}

/** The status the spec documents for a request that breaks its rules: the lowest documented 4xx
 * (400 "Bad / Invalid request" here; the same choice Prism makes). */
/**
 * What a status means, by the standard that defines it (RFC 9110 §15; 429: RFC 6585 §4). The suite reads
 * which of these an operation documents: the statuses it expects are the spec's, the meaning is HTTP's.
 * So documenting 422 for invalid bodies needs no code change: 422 then refuses an invalid body.
 */
export const STATUS_MEANINGS = {
  /** the request content is invalid: 400 Bad Request (RFC 9110 §15.5.1), 422 Unprocessable Content (§15.5.21) */
  invalid_request: [400, 422],
  /** the request lacks valid authentication credentials (§15.5.2) or is refused for them (§15.5.4) */
  auth_refused: [401, 403],
} as const satisfies Record<string, readonly number[]>;
export type StatusMeaning = keyof typeof STATUS_MEANINGS;

/** The statuses an operation documents with this meaning; an operation that documents none is a spec the
 * suite cannot judge by, said at once rather than guessed. */
export function documentedStatuses(op: OperationSpec, meaning: StatusMeaning): number[] {
  const found = (STATUS_MEANINGS[meaning] as readonly number[]).filter((s) => op.responses.has(s));
  if (!found.length) throw new Error(`${op.operationId} documents no ${meaning.replace("_", " ")} status (any of ${STATUS_MEANINGS[meaning].join(", ")})`);
  return found;
}

export function documented4xx(op: OperationSpec): number[] {
  return [...op.responses.keys()].filter((s) => s >= 400 && s < 500 && s !== 429);
}

export type { ErrorObject, ValidateFunction };
