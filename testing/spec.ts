// What the fake takes from the spec: a view over the generated operations model (generated/operations.json,
// bundled into dist/testing.js): the operations' paths and methods, their documented statuses with their
// meanings, error bodies and headers, the lifetimes and defaults of the examples, the login's scope.
// Nothing here walks the OpenAPI document; a spec change that removes something the fake relies on throws
// when this module loads, naming what is missing.
import modelJson from "../generated/operations.json" with { type: "json" };
import type { OperationModel as GeneratedOperation, OperationRole, OperationsModel, ResponseModel } from "../generated/operations.js";

type Json = Record<string, unknown>;

const model = modelJson as unknown as OperationsModel;

/** An operation's role key (`x-role` in the spec): `login`, `token`. */
export type OperationKey = OperationRole;

function missing(what: string): never {
  throw new Error(`dintero-login-kit/testing: generated/operations.json has no ${what}`);
}

export interface DocumentedResponse {
  status: number;
  /** example bodies by name */
  examples: Record<string, unknown>;
  /** documented header names, as the spec spells them */
  headers: string[];
  /** The response as the generated model has it (meaning, media types, schemas, header examples). */
  model: ResponseModel;
}

export interface OperationModel {
  key: OperationKey;
  method: string;
  pathTemplate: string;
  /** matches a URL path ending in this operation's path (any base path before it); group 1: the id */
  pathPattern: RegExp;
  responses: Map<number, DocumentedResponse>;
  requestExamples: Record<string, Json>;
  /** the documented request media types, lower case (application/json) */
  requestMediaTypes: string[];
  /** scopes any one of which the operation's bearer must carry (empty for HTTP Basic) */
  scopes: string[];
  /** The operation as the generated model has it. */
  model: GeneratedOperation;
}

function operation(op: GeneratedOperation): OperationModel {
  const responses = new Map<number, DocumentedResponse>();
  for (const r of op.responses) {
    if (r.code === null) continue; // a class or `default`: the fake answers with documented codes only
    responses.set(r.code, { status: r.code, examples: { ...(r.content[0]?.examples ?? {}) }, headers: r.headers.map((h) => h.name), model: r });
  }
  const media = op.request?.content[0];
  const escaped = op.pathTemplate.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/, "([^/]*)");
  return {
    key: op.role,
    method: op.method,
    pathTemplate: op.pathTemplate,
    pathPattern: new RegExp(`${escaped}$`),
    responses,
    requestExamples: { ...(media?.examples ?? {}) } as Record<string, Json>,
    requestMediaTypes: (op.request?.content ?? []).map((m) => m.mediaType),
    scopes: op.security.flatMap((s) => s.scopes),
    model: op,
  };
}

export const operations = Object.fromEntries(Object.values(model.operations).map((op) => [op.role, operation(op)])) as Record<OperationKey, OperationModel>;

/** The methods the spec documents for an operation's path, upper case (for 405's Allow). */
export function methodsOf(op: OperationModel): string[] {
  return [...op.model.methodsOnPath];
}

function documented(op: OperationModel, status: number): DocumentedResponse {
  return op.responses.get(status) ?? missing(`${status} response for ${op.model.operationId}`);
}

/** The lowest documented status of an operation with one of these meanings (the model's RFC 9110 vocabulary). */
function statusMeaning(op: OperationModel, what: string, test: (r: DocumentedResponse) => boolean): number {
  const found = [...op.responses.values()]
    .filter(test)
    .map((r) => r.status)
    .sort((a, b) => a - b)[0];
  return found ?? missing(`${what} response for ${op.model.operationId}`);
}
const meaning =
  (...meanings: string[]) =>
  (r: DocumentedResponse) =>
    meanings.includes(r.model.meaning);

/** The statuses the fake answers with, chosen by their meaning. */
export const STATUS = {
  /** the lowest documented invalid-request status (400 Bad Request, else 422), as the conformance suite and Prism read it */
  invalid: (op: OperationModel) => statusMeaning(op, "invalid-request", meaning("invalid_request")),
  /** the documented 2xx */
  success: (op: OperationModel) => statusMeaning(op, "success", meaning("success")),
  /** the documented rate limit, which carries Retry-After */
  rateLimited: (op: OperationModel) =>
    statusMeaning(op, "rate-limit", (r) => r.model.meaning === "rate_limit" && r.headers.some((h) => h.toLowerCase() === "retry-after")),
  /** the documented 5xx */
  serverError: (op: OperationModel) => statusMeaning(op, "server-error", meaning("server_error", "unavailable")),
  /** RFC 9110 §15.5.2 / §15.5.4; required to be documented for both operations */
  unauthorized: (op: OperationModel) => statusMeaning(op, "auth-refusal (401)", meaning("auth_refusal")),
  forbidden: (op: OperationModel) => statusMeaning(op, "forbidden (403)", meaning("forbidden")),
};

/** The first example body of a documented status (optionally the one whose error.code is `code`). */
export function exampleBody(op: OperationModel, status: number, code?: string): Json {
  const examples = Object.values(documented(op, status).examples) as Json[];
  const found = code === undefined ? examples[0] : examples.find((e) => (e?.error as Json | undefined)?.code === code);
  return structuredClone(found ?? missing(`example${code ? ` with error.code ${code}` : ""} for ${status} of ${op.model.operationId}`));
}

/** The documented MFA body (error.code mfa_required with an mfa_token), wherever the spec documents it. */
export function mfaExample(): { status: number; body: Json } {
  for (const op of Object.values(operations)) {
    for (const response of op.responses.values()) {
      for (const value of Object.values(response.examples) as Json[]) {
        if ((value?.error as Json | undefined)?.code === "mfa_required" && typeof value.mfa_token === "string")
          return { status: response.status, body: structuredClone(value) };
      }
    }
  }
  return missing("example of an mfa_required error with an mfa_token");
}

/** The documented Retry-After header's name and example seconds. */
export function retryAfterExample(op: OperationModel): { name: string; seconds: number } {
  const response = documented(op, STATUS.rateLimited(op));
  const header =
    response.model.headers.find((h) => h.name.toLowerCase() === "retry-after") ?? missing(`Retry-After on ${response.status} of ${op.model.operationId}`);
  const seconds = Number(header.example);
  return { name: header.name, seconds: Number.isInteger(seconds) && seconds >= 0 ? seconds : missing(`integer example for ${header.name}`) };
}

/** expires_in of the documented success example (client token: 14400; customer token: 86400 today). */
export function exampleLifetime(op: OperationModel): number {
  const body = exampleBody(op, STATUS.success(op));
  const value = body.expires_in;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : missing(`positive integer expires_in example for ${op.model.operationId}`);
}

/** The first server URL (https://api.dintero.com/v1): audiences are `${it}/accounts/{aid}`. */
export const serverUrl = model.servers[0]?.url ?? missing("servers");

/** The login's path parameter's example (T12345678). */
export const exampleAccountId = String(
  operations.login.model.parameters.find((p) => p.in === "path")?.example ?? missing("example of the login's path parameter"),
);

/** The values the login body's `ident_type` may take (phone_number, email). */
export const identTypes = (() => {
  const schema = operations.login.model.request?.content[0]?.schema;
  const identType = (schema?.properties as Record<string, Json> | undefined)?.ident_type;
  return (identType?.enum as string[] | undefined) ?? missing("enum of the login body's ident_type");
})();

/** A branch of a discriminated request body (the token endpoint's grants), as the model has it. */
export type RequestVariant = NonNullable<GeneratedOperation["request"]>["content"][number] extends infer M
  ? M extends { discriminator?: infer D }
    ? D extends { variants: ReadonlyArray<infer V> }
      ? V
      : never
    : never
  : never;

/** The request's discriminator (`grant_type`) and its branches, each with the values that select it
 * and the security it takes (`x-grant-security`), or undefined when the body is not discriminated. */
export function requestVariants(op: OperationModel): { propertyName: string; variants: readonly RequestVariant[] } | undefined {
  return op.model.request?.content[0]?.discriminator as { propertyName: string; variants: readonly RequestVariant[] } | undefined;
}

/** The branch a body's discriminator value selects (`{ grant_type: "mfa-oob" }` → the MFA grant's). */
export function variantOf(op: OperationModel, body: unknown): RequestVariant | undefined {
  const d = requestVariants(op);
  if (!d || !body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const value = (body as Json)[d.propertyName];
  return typeof value === "string" ? d.variants.find((v) => v.values.includes(value)) : undefined;
}

/** The branch selected by this discriminator value; a spec without it throws when the fake loads. */
export function variantFor(op: OperationModel, value: string): RequestVariant {
  return variantOf(op, { [requestVariants(op)?.propertyName ?? ""]: value }) ?? missing(`request branch for ${value} of ${op.model.operationId}`);
}

/** Every scope any operation documents (what a fake client's `scopes` may name). */
export const documentedScopes: readonly string[] = [...new Set(Object.values(operations).flatMap((op) => op.scopes))];

/** The schema name of the documented success body of an operation (`AccessToken`, `RevokeResult`, `MfaChallenge`). */
export function successSchemaName(op: OperationModel): string {
  const response = documented(op, STATUS.success(op));
  return response.model.content.map((m) => m.schemaName).find((n) => n !== null) ?? missing(`named schema of the success response of ${op.model.operationId}`);
}
