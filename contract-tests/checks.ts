// The checks: each is one named function over one request/response exchange that returns what it
// found; CHECKS registers them all. A check that does not apply to an exchange is not recorded.
import type { Case } from "./cases.ts";
import type { SuiteConfig } from "./config.ts";
import { secretFieldNames } from "./config.ts";
import type { Exchange } from "./http.ts";
import { documented4xx, isJsonMediaType, mediaTypeOf, validationStatus, type Json, type OperationSpec, type SpecModel } from "./spec.ts";

/** contract: the spec or Dintero's docs say it, and a finding fails the run; advisory: best practice
 * or RFC text Dintero does not publish, reported and failing the run only with --fail-on advisory. */
export type Level = "contract" | "advisory";
export const LEVELS: readonly Level[] = ["contract", "advisory"];

/** --fail-on contract: only contract findings fail the run; --fail-on advisory: every finding does. */
export function failsRun(level: Level, failOn: Level): boolean {
  return LEVELS.indexOf(level) <= LEVELS.indexOf(failOn);
}

/** Where a rule comes from: a JSON pointer into generated/openapi.json, a Dintero docs page, an RFC or
 * OWASP section, or this project's own decision (then `ref` says so and why). `url` when linkable. */
export interface Source {
  ref: string;
  url?: string;
}

export const DINTERO_LOGIN_DOCS = "https://docs.dintero.com/api-reference/password/login-with-emailpassword";
export const DINTERO_TOKEN_DOCS = "https://docs.dintero.com/api-reference/authenticate/get-token";
const rfc = (n: number, section: string, title = ""): Source => ({ ref: `RFC ${n} §${section}${title ? ` (${title})` : ""}`, url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${section}` });
const dintero = (url: string, what: string): Source => ({ ref: `Dintero: ${what}`, url });
const specPointer = (pointer: string): Source => ({ ref: pointer });
const project = (why: string): Source => ({ ref: `this project's rule (Dintero does not publish it): ${why}` });

export interface Finding {
  check: string;
  /** inherited from the check when the runner records the finding */
  level?: Level;
  /** the check's source, or a more precise one (e.g. the violated schema node's x-source) */
  source?: Source;
  rule: string;
  /** JSON pointer into the response body (or a header / request location) */
  pointer?: string;
  expected?: string;
  actual?: string;
  message: string;
  /** for generated cases: what was unusual about the input, never the value */
  input?: string;
}

export interface CheckContext {
  spec: SpecModel;
  config: SuiteConfig;
  kase: Case;
  op: OperationSpec;
  /** configured secrets: passwords, client secret */
  secrets: string[];
  /** the final exchange of an earlier case of this run */
  earlier(caseId: string): Exchange | undefined;
}

export interface Check {
  name: string;
  level: Level;
  source: Source;
  /** what a failure of this check means, for the README, --help and reports */
  catches: string;
  /** a reason when this kind of target cannot judge the check at all (reported once, not sent) */
  notApplicableTo?(config: SuiteConfig): string | undefined;
  appliesTo(exchange: Exchange, ctx: CheckContext): boolean;
  /** what it found; `notApplicable` when what it compares with did not come back */
  run(exchange: Exchange, ctx: CheckContext): Finding[] | { notApplicable: string };
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function parseBody(exchange: Exchange): Parsed | undefined {
  const res = exchange.response;
  const type = mediaTypeOf(res?.headers["content-type"]);
  if (!res || !type || !isJsonMediaType(type)) return undefined;
  try {
    return { ok: true, value: JSON.parse(res.bodyText) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function valueAt(value: unknown, pointer: string): unknown {
  let node = value;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

const answered = (ex: Exchange) => ex.response !== undefined;
/** A 429 still standing after the honoured retries is reported, not judged against expectations. */
const judgeable = (ex: Exchange) => answered(ex) && ex.response!.status !== 429;
const statusText = (ex: Exchange) => String(ex.response?.status);

const serverAnswers: Check = {
  name: "server_answers",
  level: "contract",
  source: specPointer("#/paths/~1accounts~1{aid}~1customers~1login/post/responses"),
  catches: "a request that gets no answer within the per-request timeout, or a broken connection",
  appliesTo: () => true,
  run(ex) {
    if (!ex.error) return [];
    return [{ check: "server_answers", rule: ex.error.kind === "timeout" ? "answer within the per-request timeout" : "answer the request", expected: "an HTTP response", actual: ex.error.message, message: `no response: ${ex.error.message}` }];
  },
};

const responseSchemaConformance: Check = {
  name: "response_schema_conformance",
  level: "contract",
  source: specPointer("#/components/schemas"),
  catches: "a response body that does not match the schema documented for its status (extra properties only with --strict)",
  appliesTo(ex, ctx) {
    const res = ex.response;
    const type = mediaTypeOf(res?.headers["content-type"]);
    return !!res && !!type && ctx.op.responses.get(res.status)?.content.get(type) !== undefined && parseBody(ex)?.ok === true;
  },
  run(ex, ctx) {
    const res = ex.response!;
    const schema = ctx.op.responses.get(res.status)!.content.get(mediaTypeOf(res.headers["content-type"])!)! as Json;
    const body = (parseBody(ex) as { value: unknown }).value;
    const validate = ctx.spec.validator(schema, ctx.config.strict);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => ({
      check: "response_schema_conformance",
      rule: `${e.keyword} (${e.schemaPath})`,
      pointer: e.instancePath,
      expected: `${e.message ?? e.keyword}${Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`,
      actual: JSON.stringify(valueAt(body, e.instancePath)) ?? "undefined",
      message: `${res.status} body${e.instancePath ? ` at ${e.instancePath}` : ""} ${e.message ?? e.keyword}`,
    }));
  },
};

const statusCodeConformance: Check = {
  name: "status_code_conformance",
  level: "contract",
  source: dintero(DINTERO_LOGIN_DOCS, "the responses documented for each operation"),
  catches: "a status the operation does not document",
  appliesTo: answered,
  run(ex, ctx) {
    const status = ex.response!.status;
    if (ctx.op.responses.has(status)) return [];
    const documented = [...ctx.op.responses.keys()].join(", ");
    return [{ check: "status_code_conformance", rule: `documented statuses of ${ctx.op.operationId}`, expected: documented, actual: String(status), message: `status ${status} is not documented (documented: ${documented})` }];
  },
};

const contentTypeConformance: Check = {
  name: "content_type_conformance",
  level: "contract",
  source: dintero(DINTERO_LOGIN_DOCS, "application/json responses"),
  catches: "an undocumented media type (parameters such as charset are fine), or a body that does not parse as its media type",
  appliesTo: answered,
  run(ex, ctx) {
    const res = ex.response!;
    const documented = ctx.op.responses.get(res.status);
    const allowed = documented ? [...documented.content.keys()] : [...new Set([...ctx.op.responses.values()].flatMap((r) => [...r.content.keys()]))];
    if (allowed.length === 0) return [];
    const header = res.headers["content-type"];
    const type = mediaTypeOf(header);
    const base = { check: "content_type_conformance", pointer: "content-type (header)", expected: allowed.join(", ") };
    if (!type || !allowed.includes(type)) {
      return [{ ...base, rule: "documented response media type", actual: header ?? "(none)", message: `media type ${header ?? "(none)"} is not documented for ${res.status} (documented: ${allowed.join(", ")})` }];
    }
    const parsed = parseBody(ex);
    if (parsed && !parsed.ok) {
      return [{ ...base, rule: `body parses as ${type}`, pointer: "", actual: res.bodyText.slice(0, 120), message: `the ${type} body does not parse: ${parsed.error}` }];
    }
    return [];
  },
};

const notAServerError: Check = {
  name: "not_a_server_error",
  level: "contract",
  source: rfc(9110, "15.6.1", "500: the server could not fulfil a request it should have answered"),
  catches: "any 5xx",
  appliesTo: answered,
  run(ex) {
    const status = ex.response!.status;
    return status >= 500 ? [{ check: "not_a_server_error", rule: "no 5xx", expected: "< 500", actual: String(status), message: `server error ${status}` }] : [];
  },
};

const positiveDataAcceptance: Check = {
  name: "positive_data_acceptance",
  level: "contract",
  source: dintero(DINTERO_LOGIN_DOCS, "request body schema; 200 AccessToken"),
  catches: "a known-good request not answered with a documented 2xx, or a schema-valid body rejected as invalid",
  appliesTo: (ex, ctx) => judgeable(ex) && (ctx.kase.expect.kind === "success" || ctx.kase.expect.kind === "valid_input"),
  run(ex, ctx) {
    const status = ex.response!.status;
    if (ctx.kase.expect.kind === "success") {
      const ok = [...ctx.op.responses.keys()].filter((s) => s >= 200 && s < 300);
      if (ok.includes(status)) return [];
      return [{ check: "positive_data_acceptance", rule: "a known-good request succeeds", expected: ok.join(", "), actual: statusText(ex), message: `known-good request answered ${status}` }];
    }
    const invalid = validationStatus(ctx.op);
    if (status !== invalid) return [];
    return [{ check: "positive_data_acceptance", rule: "a schema-valid body is not rejected as invalid", expected: `not ${invalid}`, actual: statusText(ex), message: `a body the spec accepts was answered ${status}` }];
  },
};

const negativeDataRejection: Check = {
  name: "negative_data_rejection",
  level: "contract",
  source: dintero(DINTERO_LOGIN_DOCS, "400 Bad / Invalid request"),
  catches: "a request breaking exactly one rule (required, enum, length, type, either/or, aid, non-JSON, Content-Type) that is not rejected with a documented 4xx",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "rejection",
  run(ex, ctx) {
    const expect = ctx.kase.expect as Extract<Case["expect"], { kind: "rejection" }>;
    const status = ex.response!.status;
    const allowed = expect.status === "validation" ? [validationStatus(ctx.op)] : documented4xx(ctx.op);
    if (allowed.includes(status)) return [];
    const what = status < 300 ? "accepted (ignores the rule)" : status >= 500 ? "crashed" : "not rejected as invalid";
    const where = expect.pointer ? ` at ${expect.pointer}` : "";
    return [{ check: "negative_data_rejection", rule: expect.rule, pointer: expect.pointer, expected: allowed.join(" or "), actual: String(status), message: `${ctx.kase.title} (breaks "${expect.rule}"${where}): answered ${status}, expected ${allowed.join(" or ")}: ${what}` }];
  },
};

const ignoredAuth: Check = {
  name: "ignored_auth",
  level: "contract",
  source: dintero(DINTERO_LOGIN_DOCS, "bearer JWT security; 401 Access forbidden, invalid JWT token was used"),
  catches: "a request without, with a malformed, or with a never-issued credential that is not answered 401 (or a documented 403)",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "auth_rejection",
  run(ex, ctx) {
    const status = ex.response!.status;
    const allowed = [401, 403].filter((s) => ctx.op.responses.has(s));
    if (allowed.includes(status)) return [];
    const rule = (ctx.kase.expect as { rule: string }).rule;
    return [{ check: "ignored_auth", rule, pointer: "authorization (header)", expected: allowed.join(" or "), actual: String(status), message: `${rule}: answered ${status}${status < 300 ? " (authentication ignored)" : ""}` }];
  },
};

const wrongCredentials: Check = {
  name: "wrong_credentials",
  level: "contract",
  source: dintero(DINTERO_LOGIN_DOCS, "documented 4xx responses with the Error body"),
  catches: "a wrong password or an unknown identity not answered with a documented 4xx and an Error body",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "credentials_rejection",
  run(ex, ctx) {
    const status = ex.response!.status;
    const rule = (ctx.kase.expect as { rule: string }).rule;
    const allowed = documented4xx(ctx.op);
    if (!allowed.includes(status)) {
      return [{ check: "wrong_credentials", rule, expected: allowed.join(" or "), actual: String(status), message: `${rule}: answered ${status}${status < 300 ? " (logged in with wrong credentials)" : ""}` }];
    }
    const schema = ctx.op.responses.get(status)?.content.get(mediaTypeOf(ex.response!.headers["content-type"]) ?? "");
    const parsed = parseBody(ex);
    const isDocumentedBody = schema !== undefined && parsed?.ok === true && ctx.spec.validator(schema)(parsed.value);
    if (!isDocumentedBody) {
      return [{ check: "wrong_credentials", rule: `${rule}: an Error body`, expected: "the documented error body", actual: ex.response!.bodyText.slice(0, 120), message: `${rule}: ${status} without the documented error body` }];
    }
    return [];
  },
};

interface JwtParts { header: Record<string, unknown>; payload: Record<string, unknown> }
export function decodeJwt(token: string): JwtParts | string {
  const parts = token.split(".");
  if (parts.length !== 3) return `${parts.length} dot-separated parts instead of 3`;
  if (!parts.every((p, i) => /^[A-Za-z0-9_-]*$/.test(p) && (p.length > 0 || i === 2))) return "a part is not base64url";
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || typeof header.alg !== "string") return "the header has no alg";
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) return "the payload is not a JSON object";
    return { header, payload };
  } catch {
    return "header or payload is not base64url JSON";
  }
}

/** Allowed disagreement between exp and iat + expires_in (or response time + expires_in), seconds. */
export const EXP_TOLERANCE_S = 120;

const tokenSemantics: Check = {
  name: "token_semantics",
  level: "contract",
  source: { ...project("a token must be usable when it is issued: expires_in > 0 and exp agreeing with it (Dintero: access_token is \"A JWT access token\", expires_in \"The lifetime in seconds of the access token\")"), url: DINTERO_TOKEN_DOCS },
  catches: "an access_token that is not a structurally valid JWT, or whose exp disagrees with expires_in",
  appliesTo(ex) {
    const parsed = parseBody(ex);
    const status = ex.response?.status ?? 0;
    return status >= 200 && status < 300 && parsed?.ok === true && typeof (parsed.value as Json)?.access_token === "string";
  },
  run(ex, ctx) {
    const body = (parseBody(ex) as { value: Json }).value;
    const fail = (rule: string, expected: string, actual: string, message: string): Finding[] => [{ check: "token_semantics", rule, pointer: "/access_token", expected, actual, message }];
    const jwt = decodeJwt(String(body.access_token));
    if (typeof jwt === "string") return fail("access_token is a JWT", "header.payload.signature, base64url JSON", jwt, `access_token is not a JWT: ${jwt}`);
    const { exp, iat } = jwt.payload;
    if (typeof exp !== "number") return fail("JWT has a numeric exp", "number", JSON.stringify(exp), "the JWT has no numeric exp claim");
    const expiresIn = body.expires_in;
    if (typeof expiresIn !== "number") return []; // the schema check reports it
    const receivedS = ex.response!.receivedAt / 1000;
    const byIat = typeof iat === "number" ? Math.abs(exp - (iat + expiresIn)) : Infinity;
    const byResponse = Math.abs(exp - (receivedS + expiresIn));
    if (Math.min(byIat, byResponse) > EXP_TOLERANCE_S) {
      return fail(`exp = iat + expires_in (±${EXP_TOLERANCE_S} s) or response time + expires_in`, `exp ≈ ${typeof iat === "number" ? iat + expiresIn : Math.round(receivedS + expiresIn)}`, String(exp), `exp ${exp} disagrees with expires_in ${expiresIn} by ${Math.round(Math.min(byIat, byResponse))} s`);
    }
    // A mock replays the spec's example token, issued at a fixed time: freshness is judged on live targets only.
    if (ctx.config.target.kind === "live" && exp <= receivedS) {
      return fail("the token has not expired when it is issued", `exp > ${Math.round(receivedS)}`, String(exp), "the issued token has already expired");
    }
    return [];
  },
};

/** Secrets shorter than this are looked for as whole values only: a 4-digit PIN is found by chance in any token. */
const MIN_SUBSTRING_SECRET = 6;

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => (out.push(k), stringsIn(v, out)));
  return out;
}

const secretReflection: Check = {
  name: "secret_reflection",
  level: "contract",
  source: { ref: "#/components/schemas/LoginCredentials/properties/password/writeOnly (OpenAPI: not sent in responses); OWASP ASVS 4.0 V8.3", url: "https://owasp.org/www-project-application-security-verification-standard/" },
  catches: "a response body or header that echoes the submitted password or the client secret",
  appliesTo: answered,
  run(ex, ctx) {
    const res = ex.response!;
    const submitted = new Set(ctx.secrets);
    const body = ctx.kase.body as Record<string, unknown> | undefined;
    for (const name of secretFieldNames(ctx.op.requestSchema)) {
      const v = body && typeof body === "object" ? body[name] : undefined;
      if (typeof v === "string") submitted.add(v);
    }
    const parsed = parseBody(ex);
    const bodyStrings = parsed?.ok ? stringsIn(parsed.value) : [];
    const findings: Finding[] = [];
    for (const secret of submitted) {
      if (!secret) continue;
      const places: Array<[string, string[]]> = [["body", [res.bodyText, ...bodyStrings]], ...Object.entries(res.headers).map(([k, v]): [string, string[]] => [`${k} (header)`, [v]])];
      for (const [where, texts] of places) {
        const hit = secret.length >= MIN_SUBSTRING_SECRET
          ? texts.some((t) => t.includes(secret) || t.includes(JSON.stringify(secret).slice(1, -1)))
          : texts.slice(where === "body" ? 1 : 0).some((t) => t === secret);
        if (hit) findings.push({ check: "secret_reflection", rule: "never echo a submitted secret", pointer: where, expected: "no secret", actual: "[REDACTED]", message: `the response ${where} echoes a submitted secret` });
      }
    }
    return findings;
  },
};

/** Every check, in report order. A new check is one function above plus one line here. */
export const CHECKS: Check[] = [
  serverAnswers,
  responseSchemaConformance,
  statusCodeConformance,
  contentTypeConformance,
  notAServerError,
  positiveDataAcceptance,
  negativeDataRejection,
  ignoredAuth,
  wrongCredentials,
  tokenSemantics,
  secretReflection,
];
