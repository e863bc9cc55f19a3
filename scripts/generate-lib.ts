// Builds every file of generated/ from openapi/login.yaml, in memory, deterministically.
import { bundle, createConfig } from "@redocly/openapi-core";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import ajvStandalone from "ajv/dist/standalone/index.js";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PROVENANCE_KEYWORDS } from "../lib/provenance.ts";
import { HEADER, typesModule } from "./generate-types.ts";
import { buildOperationsModel, operationsJson, operationsTypes, type OperationsModel } from "./generate-model.ts";

export { typesModule, withProvenanceInDescriptions } from "./generate-types.ts";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const specPath = (root = projectRoot) => path.join(root, "openapi", "login.yaml");
export const generatedDir = (root = projectRoot) => path.join(root, "generated");

// ajv-formats and ajv's standalone module are CommonJS with `exports.default`: unwrap for NodeNext.
const addFormats = ajvFormats.default;
const standaloneCode = ajvStandalone.default;

/** Keywords OpenAPI 3.1 (and this spec's provenance extensions) add to JSON Schema 2020-12 that Ajv must accept as annotations. */
const OPENAPI_KEYWORDS = ["example", "discriminator", "xml", "externalDocs", ...PROVENANCE_KEYWORDS];

type Json = Record<string, unknown>;

/** Load and bundle the spec: every external $ref is pulled in, internal refs stay refs. */
export async function bundleSpec(file: string): Promise<Json> {
  const config = await createConfig({});
  const result = await bundle({ ref: file, config, dereference: false });
  return result.bundle.parsed as Json;
}

/** One JSON Schema whose $defs are the spec's component schemas (and parameter schemas), refs rewritten. */
export function schemaBundle(spec: Json): Json {
  const components = (spec.components ?? {}) as Json;
  const defs: Json = { ...((components.schemas ?? {}) as Json) };
  for (const [name, param] of Object.entries((components.parameters ?? {}) as Record<string, Json>)) {
    if (param.schema) defs[name] = param.schema;
  }
  const rewritten = JSON.parse(JSON.stringify(defs).replaceAll('"#/components/schemas/', '"#/$defs/')) as Json;
  return { $id: "https://dintero-login-kit.local/schemas.json", $defs: rewritten };
}

/**
 * ucs2length inlined: Ajv's standalone ESM output would otherwise `require()` it (Ajv 8.20 emits
 * require("ajv/dist/runtime/ucs2length") even with esm: true). A string's iterator yields code points
 * (a surrogate pair once, a lone surrogate once), which is what Ajv's helper counts, in fewer bytes.
 */
const UCS2LENGTH = `function ucs2length(str) {
  let length = 0;
  for (const _ of str) length++;
  return length;
}`;

/**
 * Keywords that only annotate (JSON Schema 2020-12 §9 and OpenAPI 3.1's additions): they never change a
 * validation result, so they are dropped before compiling and the standalone code does not carry them.
 * Every `x-` extension (x-source, x-curated, ...) goes too.
 */
const ANNOTATIONS = new Set([
  "title",
  "description",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "examples",
  "$comment",
  "example",
  "discriminator",
  "xml",
  "externalDocs",
]);
// Where 2020-12 puts subschemas: a map of name → schema, an array of schemas, or one schema.
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_VALUES = new Set([
  "items",
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "contentSchema",
]);

/**
 * A copy of `schema` without annotation keywords and `x-` extensions, walking only schema positions:
 * a property *named* `description`, or an `enum`/`const` value, is data and stays.
 */
export function withoutAnnotations(schema: unknown): unknown {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema; // true/false schemas
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, withoutAnnotations(sub)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(withoutAnnotations);
    else if (SCHEMA_VALUES.has(key)) out[key] = withoutAnnotations(value);
    else out[key] = value;
  }
  return out;
}

/**
 * The validators the client imports, by schema name: generated/client-validators.js ships these and
 * nothing else (our decision, for the browser bundle); test/client/package/validators.test.ts fails when src/
 * imports another or stops using one of these.
 */
export const CLIENT_SCHEMAS = [
  "AccessToken",
  "AccountId",
  "Error",
  "LoginCredentials",
  "MfaChallenge",
  "MfaChallengeRequest",
  "MfaError",
  "MfaOobTokenRequest",
  "RefreshTokenRequest",
  "RevokeResult",
  "RevokeTokenRequest",
] as const;

/**
 * Properties the client checks on their own, before it has the body they go into (`audience` is an
 * option of createLoginClient): each gets a standalone validator of the property's own schema,
 * `validate<Schema><Property>` (validateLoginCredentialsAudience), so a new rule on another field of the
 * body (a `pattern` on `email`) cannot make the option check fail.
 */
export const CLIENT_PROPERTIES = [
  ["LoginCredentials", "audience"],
  ["ClientCredentialsTokenRequest", "audience"],
] as const;
export const propertyValidatorName = ([schema, property]: readonly [string, string]) => `${schema}${property.charAt(0).toUpperCase()}${property.slice(1)}`;

/**
 * Ajv standalone ESM code for `names` of the annotation-free schema bundle, with ucs2length inlined.
 * One set of options for every module, so the full and the client module report the same errors.
 */
function standaloneValidators(bundleSchema: Json, names: readonly string[], properties: readonly (readonly [string, string])[] = []): string {
  const defs = (bundleSchema.$defs ?? {}) as Record<string, Json>;
  const missing = [
    ...names.filter((name) => !(name in defs)),
    ...properties.filter(([schema, property]) => !(defs[schema]?.properties as Json | undefined)?.[property]).map((p) => p.join(".")),
  ];
  if (missing.length > 0) throw new Error(`the spec has no schema ${missing.join(", ")}`);
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    // `anyOf: [{required: [email]}, ...]` is the standard either/or idiom: the properties are defined beside it.
    strictRequired: false,
    code: { source: true, esm: true, lines: true },
  });
  // Ajv2020 always tracks which properties and items each validator evaluated, for
  // unevaluatedProperties/unevaluatedItems. No schema here uses them, so that tracking is dead code,
  // and its `validateN.evaluated = ...` statements keep bundlers from dropping validators a bundle does
  // not use (the browser entry uses four of the client's six). Off, and refused if a schema needs it.
  const text = JSON.stringify(bundleSchema);
  if (/"unevaluated(Properties|Items)":/.test(text)) throw new Error("a schema uses unevaluatedProperties/Items: turn Ajv's `unevaluated` tracking back on");
  (ajv.opts as { unevaluated?: boolean }).unevaluated = false;
  addFormats(ajv);
  ajv.addVocabulary(OPENAPI_KEYWORDS);
  ajv.addSchema(bundleSchema);
  const exports: Record<string, string> = {};
  for (const name of names) exports[`validate${name}`] = `${bundleSchema.$id}#/$defs/${name}`;
  for (const p of properties) exports[`validate${propertyValidatorName(p)}`] = `${bundleSchema.$id}#/$defs/${p[0]}/properties/${p[1]}`;
  let js = standaloneCode(ajv, exports);
  const requireRe = /const (\w+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/g;
  js = js.replace(requireRe, (_m: string, id: string) => `const ${id} = ucs2length;`);
  if (/require\(/.test(js)) throw new Error("Ajv standalone output still calls require(): inline the helper");
  return `${UCS2LENGTH}\n${js}\n`;
}

function validatorsModule(bundleSchema: Json): { js: string; dts: string } {
  const names = Object.keys(bundleSchema.$defs as Json).sort();
  let js = `// ${HEADER}\n// Precompiled Ajv validators (JSON Schema 2020-12): no schema is compiled at run time.\n`;
  js += standaloneValidators(bundleSchema, names);
  js += `export const schemaNames = ${JSON.stringify(names)};\n`;

  const dts = [
    `// ${HEADER}`,
    `export interface ValidationError {`,
    `  instancePath: string;`,
    `  schemaPath: string;`,
    `  keyword: string;`,
    `  params: Record<string, unknown>;`,
    `  message?: string;`,
    `}`,
    `export interface Validator {`,
    `  (data: unknown): boolean;`,
    `  errors?: ValidationError[] | null;`,
    `}`,
    ...names.map((n) => `export declare const validate${n}: Validator;`),
    `export declare const schemaNames: readonly string[];`,
    "",
  ].join("\n");
  return { js, dts };
}

/** generated/client-validators.js: the same validators as validators.js, for CLIENT_SCHEMAS only. */
function clientValidatorsModule(bundleSchema: Json): { js: string; dts: string } {
  const js = `// ${HEADER}\n// The validators the client uses (CLIENT_SCHEMAS and CLIENT_PROPERTIES in scripts/generate-lib.ts), without annotations.\n${standaloneValidators(bundleSchema, CLIENT_SCHEMAS, CLIENT_PROPERTIES)}`;
  const dts = [
    `// ${HEADER}`,
    `import type { Validator } from "./validators.js";`,
    `export type { Validator, ValidationError } from "./validators.js";`,
    ...CLIENT_SCHEMAS.map((name) => `export declare const validate${name}: Validator;`),
    ...CLIENT_PROPERTIES.map((p) => `export declare const validate${propertyValidatorName(p)}: Validator;`),
    "",
  ].join("\n");
  return { js, dts };
}

/**
 * The operations the client calls, by role (`x-role` in openapi/login.yaml, the model's stable key):
 * an operation id may change in the spec with no code change. Their documented responses are what
 * generated/client-responses.js carries.
 */
export const CLIENT_ROLES = ["login", "token", "revoke", "mfa_challenge"] as const;

/** One documented response, as the client acts on it. */
export interface DocumentedResponse {
  /** The component schema its JSON body follows (`Error`, `MfaError`, `AccessToken`), or null when none is named. */
  schema: string | null;
  /** Its media types, as documented (`application/json`). */
  mediaTypes: string[];
  /** Its documented headers, lower-cased (`retry-after`, `request-id`). */
  headers: string[];
  /** What the status means by its RFC (the model's `meaning`: `auth_refusal` for 401, RFC 9110 §15.5.2). */
  meaning: string;
}

/**
 * role -> status key (`"200"`, `"4XX"`, `"default"`, as the spec writes it) -> the documented
 * response, read from the operations model. Refuses a spec without one of CLIENT_ROLES.
 */
export function documentedResponses(spec: Json, model: OperationsModel = buildOperationsModel(spec)): Record<string, Record<string, DocumentedResponse>> {
  const out: Record<string, Record<string, DocumentedResponse>> = {};
  for (const op of Object.values(model.operations)) {
    if (!(CLIENT_ROLES as readonly string[]).includes(op.role)) continue;
    out[op.role] = Object.fromEntries(
      op.responses.map((r) => [
        r.status,
        {
          schema: r.content.map((m) => m.schemaName).find((name) => name !== null) ?? null,
          mediaTypes: r.content.map((m) => m.mediaType).sort(),
          headers: r.headers.map((h) => h.name.toLowerCase()).sort(),
          meaning: r.meaning,
        },
      ]),
    );
  }
  const missing = CLIENT_ROLES.filter((role) => !(role in out));
  if (missing.length > 0) throw new Error(`the spec has no operation with x-role ${missing.join(", ")}, which the client calls`);
  return out;
}

/**
 * role -> grant (the value of a discriminated request body's property, `refresh_token`) -> the HTTP
 * schemes of its security (`x-grant-security` in the model), for the client's roles whose body is one.
 */
export function grantSchemes(model: OperationsModel): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const op of Object.values(model.operations)) {
    if (!(CLIENT_ROLES as readonly string[]).includes(op.role)) continue;
    const variants = op.request?.content.find((m) => m.discriminator)?.discriminator?.variants;
    if (!variants) continue;
    const byValue: Record<string, string[]> = {};
    for (const variant of variants) {
      const schemes = [...new Set(variant.security.map((s) => (s.scheme ?? s.type).toLowerCase()))].sort();
      for (const value of variant.values) byValue[value] = schemes;
    }
    out[op.role] = byValue;
  }
  return out;
}

/** generated/client-responses.js: the documented responses of the operations the client calls, by role. */
function clientResponsesModule(spec: Json, model: OperationsModel): { js: string; dts: string } {
  const table = documentedResponses(spec, model);
  // Each distinct list of media types or headers is written once and shared (the browser bundle carries this table).
  const lists = new Map<string, string>();
  const shared = (list: string[]) => {
    const text = JSON.stringify(list);
    if (!lists.has(text)) lists.set(text, `list${lists.size}`);
    return lists.get(text)!;
  };
  // One export per role (`loginResponses`): a bundle that calls only the login (the browser entry) drops the others.
  const body = Object.entries(table).map(([role, statuses]) => {
    const rows = Object.entries(statuses).map(
      ([status, r]) =>
        `  ${JSON.stringify(status)}: { schema: ${JSON.stringify(r.schema)}, mediaTypes: ${shared(r.mediaTypes)}, headers: ${shared(r.headers)}, meaning: ${JSON.stringify(r.meaning)} },`,
    );
    return [`export const ${role}Responses = {`, ...rows, "};"].join("\n");
  });
  // The HTTP authentication scheme each grant of a discriminated request body takes (`x-grant-security`:
  // `tokenGrantSchemes.refresh_token` is `["bearer"]`), so that the client sends the credentials the spec
  // names for a grant instead of a hand-written choice.
  const grants = grantSchemes(model);
  const grantBody = Object.entries(grants).map(([role, byValue]) => `export const ${role}GrantSchemes = ${JSON.stringify(byValue)};`);
  const js = [
    `// ${HEADER}`,
    "// The documented responses of the operations the client calls (CLIENT_ROLES in scripts/generate-lib.ts), read",
    "// from the operations model: x-role -> status as the spec writes it -> { schema, mediaTypes, headers, meaning }.",
    "// src/http.ts maps them to kinds.",
    ...[...lists].map(([text, name]) => `const ${name} = ${text};`),
    ...body,
    ...grantBody,
    `export const documentedResponses = { ${Object.keys(table)
      .map((role) => `${JSON.stringify(role)}: ${role}Responses`)
      .join(", ")} };`,
    "",
  ].join("\n");
  const dts = [
    `// ${HEADER}`,
    "export interface DocumentedResponse {",
    "  readonly schema: string | null;",
    "  readonly mediaTypes: readonly string[];",
    "  readonly headers: readonly string[];",
    "  /** The model's meaning of the status (generated/operations.json, `meanings`). */",
    "  readonly meaning: string;",
    "}",
    "export type DocumentedResponses = Readonly<Record<string, DocumentedResponse>>;",
    ...CLIENT_ROLES.map((role) => `export declare const ${role}Responses: DocumentedResponses;`),
    "/** Grant (discriminator value) -> the HTTP authentication schemes it takes, lower-cased (`basic`, `bearer`). */",
    ...Object.entries(grants).map(
      ([role, byValue]) =>
        `export declare const ${role}GrantSchemes: Readonly<{ ${Object.keys(byValue)
          .map((v) => `${JSON.stringify(v)}: readonly string[]`)
          .join("; ")} }>;`,
    ),
    `export declare const documentedResponses: Readonly<Record<${CLIENT_ROLES.map((id) => JSON.stringify(id)).join(" | ")}, DocumentedResponses>>;`,
    "",
  ].join("\n");
  return { js, dts };
}

function bundledJson(spec: Json): string {
  const withHeader = { "x-generated": HEADER, ...spec };
  const text = JSON.stringify(withHeader, null, 2);
  // Put the marker on the first line so that every generated file starts with it.
  return text.replace(/^\{\n\s+/, "{ ") + "\n";
}

/** Every file of generated/, keyed by its name. */
export async function generateAll(file = specPath()): Promise<Map<string, string>> {
  const spec = await bundleSpec(file);
  // Ajv's standalone code embeds the schemas it compiles; descriptions and provenance only add weight there.
  const bundleSchema = withoutAnnotations(schemaBundle(spec)) as Json;
  const { js, dts } = validatorsModule(bundleSchema);
  const client = clientValidatorsModule(bundleSchema);
  const model = buildOperationsModel(spec);
  const responses = clientResponsesModule(spec, model);
  return new Map([
    ["client-responses.js", responses.js],
    ["client-responses.d.ts", responses.dts],
    ["client-validators.js", client.js],
    ["client-validators.d.ts", client.dts],
    ["openapi.json", bundledJson(spec)],
    ["operations.json", operationsJson(model)],
    ["operations.d.ts", operationsTypes(model)],
    ["schema.d.ts", await typesModule(spec)],
    ["validators.js", js],
    ["validators.d.ts", dts],
  ]);
}

/** What `npm run generate:check` reports for the project at `root`: each generated file that is missing,
 * stale or not produced by the spec (empty when generated/ matches openapi/login.yaml). */
export async function generatedProblems(root = projectRoot): Promise<string[]> {
  const outDir = generatedDir(root);
  const expected = await generateAll(specPath(root));
  const present = new Set(await readdir(outDir).catch(() => [] as string[]));
  const problems: string[] = [];
  for (const [name, text] of expected) {
    if (!present.has(name)) problems.push(`generated/${name} is missing`);
    else if ((await readFile(path.join(outDir, name), "utf8")) !== text) problems.push(`generated/${name} is stale`);
  }
  for (const name of present) if (!expected.has(name)) problems.push(`generated/${name} is not produced by the spec`);
  return problems;
}
