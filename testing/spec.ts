// What the fake takes from the spec (generated/openapi.json, bundled into dist/testing.js): the two
// operations' paths and methods, their documented statuses, error bodies and headers, the lifetimes
// and defaults of the examples, the login's scope. Nothing here restates a rule by hand; a spec change
// that removes something the fake relies on throws when this module loads, naming what is missing.
import doc from "../generated/openapi.json" with { type: "json" };

type Json = Record<string, unknown>;

export type OperationKey = "login" | "token";

/** The operations the fake serves, by operationId (identifiers, not rules). */
const OPERATION_IDS: Record<OperationKey, string> = {
  login: "aid_customers_login_post",
  token: "aid_auths_oauth_token_post",
};

function missing(what: string): never {
  throw new Error(`dintero-login-kit/testing: generated/openapi.json has no ${what}`);
}

/** Follows local $refs until the node is not one. */
function resolve(node: unknown): Json {
  let current = node as Json;
  for (let hops = 0; typeof current?.$ref === "string"; hops++) {
    if (hops > 20) missing(`end to the $ref chain at ${String(current.$ref)}`);
    let next: unknown = doc;
    for (const raw of (current.$ref as string).replace(/^#\//, "").split("/")) {
      next = (next as Json)?.[raw.replaceAll("~1", "/").replaceAll("~0", "~")];
    }
    if (next === undefined) missing(`target for ${String(current.$ref)}`);
    current = next as Json;
  }
  return current;
}

export interface DocumentedResponse {
  status: number;
  /** example bodies by name */
  examples: Record<string, unknown>;
  /** documented header names, as the spec spells them */
  headers: string[];
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
}

const paths = (doc.paths ?? missing("paths")) as Record<string, Record<string, Json>>;

function operation(key: OperationKey): OperationModel {
  for (const [pathTemplate, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.operationId !== OPERATION_IDS[key]) continue;
      const responses = new Map<number, DocumentedResponse>();
      for (const [status, raw] of Object.entries((op.responses ?? {}) as Json)) {
        const response = resolve(raw);
        const media = Object.values((response.content ?? {}) as Record<string, Json>)[0] ?? {};
        const examples = Object.fromEntries(Object.entries((media.examples ?? {}) as Record<string, Json>).map(([name, ex]) => [name, resolve(ex).value]));
        responses.set(Number(status), { status: Number(status), examples, headers: Object.keys((response.headers ?? {}) as Json) });
      }
      const body = resolve(op.requestBody);
      const media = Object.values((body.content ?? {}) as Record<string, Json>)[0] ?? {};
      const requestExamples = Object.fromEntries(Object.entries((media.examples ?? {}) as Record<string, Json>).map(([name, ex]) => [name, resolve(ex).value as Json]));
      const requestMediaTypes = Object.keys((body.content ?? {}) as Json).map((t) => t.toLowerCase());
      const scopes = ((op.security ?? []) as Array<Record<string, string[]>>).flatMap((requirement) => Object.values(requirement).flat());
      const escaped = pathTemplate.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/, "([^/]*)");
      return { key, method: method.toUpperCase(), pathTemplate, pathPattern: new RegExp(`${escaped}$`), responses, requestExamples, requestMediaTypes, scopes };
    }
  }
  return missing(`operation ${OPERATION_IDS[key]}`);
}

export const operations: Record<OperationKey, OperationModel> = { login: operation("login"), token: operation("token") };

/** The methods the spec documents for an operation's path, upper case (for 405's Allow). */
export function methodsOf(op: OperationModel): string[] {
  const item = paths[op.pathTemplate] ?? {};
  return Object.keys(item).filter((m) => ["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(m)).map((m) => m.toUpperCase());
}

function documented(op: OperationModel, status: number): DocumentedResponse {
  return op.responses.get(status) ?? missing(`${status} response for ${OPERATION_IDS[op.key]}`);
}

/** The statuses the fake answers with, each documented for both operations, chosen by meaning. */
function statusWhere(op: OperationModel, what: string, test: (r: DocumentedResponse) => boolean): number {
  const found = [...op.responses.values()].filter(test).map((r) => r.status).sort((a, b) => a - b)[0];
  return found ?? missing(`${what} response for ${OPERATION_IDS[op.key]}`);
}

export const STATUS = {
  /** the lowest documented 4xx: "Bad / Invalid request" (as the conformance suite and Prism read it) */
  invalid: (op: OperationModel) => statusWhere(op, "4xx", (r) => r.status >= 400 && r.status < 500),
  /** the documented 2xx */
  success: (op: OperationModel) => statusWhere(op, "2xx", (r) => r.status >= 200 && r.status < 300),
  /** the documented response that carries Retry-After */
  rateLimited: (op: OperationModel) => statusWhere(op, "Retry-After", (r) => r.headers.some((h) => h.toLowerCase() === "retry-after")),
  /** the documented 5xx */
  serverError: (op: OperationModel) => statusWhere(op, "5xx", (r) => r.status >= 500),
  /** RFC 9110 §15.5.2 / §15.5.4; required to be documented for both operations */
  unauthorized: (op: OperationModel) => documented(op, 401).status,
  forbidden: (op: OperationModel) => documented(op, 403).status,
};

/** The first example body of a documented status (optionally the one whose error.code is `code`). */
export function exampleBody(op: OperationModel, status: number, code?: string): Json {
  const examples = Object.values(documented(op, status).examples) as Json[];
  const found = code === undefined ? examples[0] : examples.find((e) => (e?.error as Json | undefined)?.code === code);
  return structuredClone(found ?? missing(`example${code ? ` with error.code ${code}` : ""} for ${status} of ${OPERATION_IDS[op.key]}`));
}

/** The documented MFA body (error.code mfa_required with an mfa_token), wherever the spec documents it. */
export function mfaExample(): { status: number; body: Json } {
  for (const op of Object.values(operations)) {
    for (const response of op.responses.values()) {
      for (const value of Object.values(response.examples) as Json[]) {
        if ((value?.error as Json | undefined)?.code === "mfa_required" && typeof value.mfa_token === "string") return { status: response.status, body: structuredClone(value) };
      }
    }
  }
  return missing("example of an mfa_required error with an mfa_token");
}

/** The documented Retry-After header's name and example seconds. */
export function retryAfterExample(op: OperationModel): { name: string; seconds: number } {
  const response = documented(op, STATUS.rateLimited(op));
  const name = response.headers.find((h) => h.toLowerCase() === "retry-after")!;
  const header = headerSpec(op, response.status, name);
  const seconds = Number(header.example ?? (header.schema as Json | undefined)?.example);
  return { name, seconds: Number.isInteger(seconds) && seconds >= 0 ? seconds : missing(`integer example for ${name}`) };
}

function headerSpec(op: OperationModel, status: number, name: string): Json {
  const item = paths[op.pathTemplate]![op.method.toLowerCase()]!;
  const response = resolve((item.responses as Json)[String(status)]);
  return resolve((response.headers as Json)[name]);
}

/** expires_in of the documented 200 example (client token: 14400; customer token: 86400 today). */
export function exampleLifetime(op: OperationModel): number {
  const body = exampleBody(op, STATUS.success(op));
  const value = body.expires_in;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : missing(`positive integer expires_in example for ${OPERATION_IDS[op.key]}`);
}

/** The first server URL (https://api.dintero.com/v1): audiences are `${it}/accounts/{aid}`. */
export const serverUrl = String(((doc.servers as Json[] | undefined)?.[0]?.url) ?? missing("servers"));

/** The account id parameter's example (T12345678). */
export const exampleAccountId = (() => {
  const item = paths[operations.login.pathTemplate]![operations.login.method.toLowerCase()]!;
  const param = ((item.parameters ?? []) as unknown[]).map(resolve).find((p) => p.in === "path");
  return String(param?.example ?? missing("example of the login's path parameter"));
})();

/** The values of the IdentType enum (phone_number, email). */
export const identTypes = (() => {
  const schema = resolve((doc.components as Json & { schemas: Json }).schemas.IdentType);
  return (schema.enum as string[] | undefined) ?? missing("IdentType enum");
})();
