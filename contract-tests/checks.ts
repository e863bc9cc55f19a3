// The checks: each is one named function over one request/response exchange that returns what it
// found; CHECKS registers them all. A check that does not apply to an exchange is not recorded.
import type { Case } from "./cases.ts";
import type { SuiteConfig } from "./config.ts";
import { secretFieldNames } from "./config.ts";
import { MAX_RETRIES, MAX_RETRY_AFTER_S, RETRY_FALLBACK_S, type Exchange } from "./http.ts";
import { duplicateMembers, stringMembers } from "./json-members.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { curatedOnlyAlong, provenanceAt } from "../scripts/provenance.ts";
import { canonicalize } from "../src/redact.ts";
import { documented4xx, documentedStatuses, isJsonMediaType, mediaTypeOf, type Json, type OperationSpec, type SpecModel } from "./spec.ts";

/**
 * How much a finding hurts, which decides whether it fails a run. Who says so is another question, the
 * finding's `source` (a Dintero page, a spec pointer, an RFC or OWASP section, or this project's rule).
 * - contract: breaks a rule Dintero documents;
 * - standard: breaks an HTTP/JSON/OAuth/JWT standard or a security rule in a way that harms a correct
 *   consumer or exposes a secret;
 * - advisory: hygiene that harms no one on its own.
 */
export type Severity = "contract" | "standard" | "advisory";
/** Most severe first: `--fail-on S` fails the run on findings of S and of every severity before it. */
export const SEVERITIES: readonly Severity[] = ["contract", "standard", "advisory"];
/** What each severity means, for --help, the reports and the docs. */
export const SEVERITY_MEANING: Record<Severity, string> = {
  contract: "breaks a rule Dintero documents",
  standard: "breaks an HTTP/JSON/OAuth/JWT standard or a security rule in a way that harms a correct consumer or exposes a secret",
  advisory: "hygiene that harms no one on its own",
};

/** Whether a finding of this severity fails a run with this --fail-on. */
export function failsRun(severity: Severity, failOn: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn);
}

/** The less severe of two: a check may lower a finding below its own severity, never raise it. */
export function lowerOf(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
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
  /** inherited from the check when the runner records the finding; a check may lower it (never raise
   * it), and then says why in `severityReason` */
  severity?: Severity;
  /** why this finding has its severity: the check's reason, or the finding's own when the check lowered it */
  severityReason?: string;
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
  /** the live tokens taken from earlier exchanges (client bearer, customer token) */
  tokens?: string[];
  /** the final exchange of an earlier case of this run */
  earlier(caseId: string): Exchange | undefined;
}

export interface Check {
  name: string;
  /** the highest severity its findings have; a finding may be lowered with its own reason */
  severity: Severity;
  /** why: what a finding of this check harms (a correct consumer, a secret), or that it harms no one */
  severityReason: string;
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
/** A refusal: any 4xx but 429 (a 429 says "not now", not "no"). */
export const isRefusal = (status: number) => status >= 400 && status < 500 && status !== 429;
/** Cases whose request the server must refuse (as opposed to serve, or merely answer well). */
const REFUSAL_KINDS: ReadonlySet<Case["expect"]["kind"]> = new Set(["rejection", "auth_rejection", "credentials_rejection", "scope_rejection", "isolation_rejection", "identity_rejection", "method_rejection"]);
const expectsRefusal = (kase: Case) => REFUSAL_KINDS.has(kase.expect.kind);
/** The operation's documented responses describe its own method only, not the unsupported-method cases. */
const documentedMethod = (ctx: CheckContext) => ctx.kase.expect.kind !== "method_rejection";
const escapePointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** A case that must succeed whose final answer is a 429 the suite did not wait out (Retry-After too long,
 * or past the deadline): the server may be right to say "not now", so the case is not judged by itself. */
export const unwaitedRateLimit = (ex: Exchange, kase: Case) => ex.response?.status === 429 && !ex.retried && kase.expect.kind === "success";

const retryAfterText = (ex: Exchange) => {
  const v = ex.response?.headers["retry-after"];
  return v !== undefined ? `, Retry-After ${JSON.stringify(v)}` : "";
};

/** Why an unwaited 429 was not judged (the runner reports it not applicable). */
export function unwaitedReason(ex: Exchange): string {
  const why = ex.rateLimited.length >= MAX_RETRIES ? `still 429 after ${MAX_RETRIES} honoured retries` : `not waited out (the suite waits at most ${MAX_RETRY_AFTER_S} s, and never past the run's deadline)`;
  return `answered 429${retryAfterText(ex)}, ${why}: the server said "not now", so this case cannot be judged`;
}

/**
 * Rate limited throughout: a case that must succeed ended in an unwaited 429 and its operation answered
 * nothing but 429 in the whole run. A server that answers only 429 must not pass by never being judged;
 * the runner records this finding after the run, when it knows whether the operation ever answered.
 */
export function rateLimitedThroughout(ex: Exchange, op: OperationSpec): Finding {
  const what = op.key === "login" ? "login" : "token request";
  return { check: "server_answers", rule: "an operation that must succeed is not answered 429 throughout the run", expected: "a documented 2xx", actual: `429${retryAfterText(ex)} after ${ex.rateLimited.length} honoured ${ex.rateLimited.length === 1 ? "retry" : "retries"}`, message: `rate limited throughout: the known-good ${what} was never answered, and no ${what} of this run got any answer but 429 (429${retryAfterText(ex)}; the suite waits out a Retry-After of at most ${MAX_RETRY_AFTER_S} s, at most ${MAX_RETRIES} times per request)` };
}

const serverAnswers: Check = {
  name: "server_answers",
  severity: "contract",
  severityReason: "Dintero documents an answer to every request of both operations: a request left without one, or an operation that answers nothing but 429, breaks every consumer",
  source: specPointer("#/paths/~1accounts~1{aid}~1customers~1login/post/responses"),
  catches: "a request that gets no answer within the per-request timeout, a broken connection, or an operation rate limited throughout: a request that must succeed (the known-good token request and logins) ends in a 429 the suite did not wait out, and that operation got no answer but 429 in the whole run",
  appliesTo: () => true,
  run(ex, ctx) {
    // Not judged here: whether the operation was rate limited throughout is known only at the end of the
    // run, when the runner turns this into a rateLimitedThroughout finding if it never got another answer.
    if (unwaitedRateLimit(ex, ctx.kase)) return { notApplicable: unwaitedReason(ex) };
    if (!ex.error) return [];
    return [{ check: "server_answers", rule: ex.error.kind === "timeout" ? "answer within the per-request timeout" : "answer the request", expected: "an HTTP response", actual: ex.error.message, message: `no response: ${ex.error.message}` }];
  },
};

/** Why a finding under a node only this project states is advisory (see specRule). */
const CURATED_ONLY_REASON = "this project's rule alone (x-curated, no Dintero page): it is not Dintero's contract, and no standard says it";

/**
 * The source of a spec rule at a JSON pointer (a schema path appended works too): the pointer, and the
 * x-source pages / x-curated reason of its nearest annotated node (scripts/provenance.ts follows $refs).
 * A rule under a node that is this project's decision alone (x-curated, no x-source: e.g. the login's 429
 * and its headers) is not Dintero's contract: such a finding is advisory, whatever its check's severity.
 */
function specRule(doc: Json, pointer: string): Pick<Finding, "source" | "severity" | "severityReason"> {
  const p = provenanceAt(doc, pointer);
  const curatedOnly = curatedOnlyAlong(doc, pointer);
  if (!p) return { source: { ref: pointer } };
  const documented = p.sources.length ? `; documented by Dintero: ${p.sources.join(", ")}` : "";
  const curated = p.curated ? `; curated by this project: ${p.curated}` : "";
  const under = curatedOnly && curatedOnly.pointer !== p.pointer ? `; under #${curatedOnly.pointer}, this project's rule alone: ${curatedOnly.curated}` : "";
  const url = p.sources.find((u) => /^https?:\/\//.test(u));
  const source = { ref: `${pointer} (rule at #${p.pointer}${documented}${curated}${under})`, ...(url ? { url } : {}) };
  return curatedOnly ? { source, severity: "advisory", severityReason: CURATED_ONLY_REASON } : { source };
}

const responseSchemaConformance: Check = {
  name: "response_schema_conformance",
  severity: "contract",
  severityReason: "a body that does not match the schema Dintero documents for its status is misread by a typed consumer, or makes it throw; advisory under a node only this project states (the login's 429)",
  source: specPointer("#/components/schemas"),
  catches: "a response body that does not match the schema documented for its status (extra properties only with --strict)",
  appliesTo(ex, ctx) {
    const res = ex.response;
    const type = mediaTypeOf(res?.headers["content-type"]);
    return documentedMethod(ctx) && !!res && !!type && ctx.op.responses.get(res.status)?.content.get(type) !== undefined && parseBody(ex)?.ok === true;
  },
  run(ex, ctx) {
    const res = ex.response!;
    const type = mediaTypeOf(res.headers["content-type"])!;
    const schema = ctx.op.responses.get(res.status)!.content.get(type)! as Json;
    const schemaPointer = `${ctx.op.pointer}/responses/${res.status}/content/${escapePointer(type)}/schema`;
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
      ...specRule(ctx.spec.doc, `${schemaPointer}${e.schemaPath.replace(/^#/, "")}`),
    }));
  },
};

const UNDOCUMENTED_REFUSAL: Source = { ref: "OpenAPI 3.1 §4.8.16 (the Responses Object need not cover every possible status); an undocumented 4xx to a request that must be refused is this project's advisory finding", url: "https://spec.openapis.org/oas/v3.1.0#responses-object" };

/** Why a finding about an undocumented refusal is advisory (see undocumentedRefusal). */
const UNDOCUMENTED_REFUSAL_REASON = "a refusal all the same: a consumer that switches on the documented statuses still treats it as a refusal, and OpenAPI's responses need not list every status";

/**
 * Whether a status is an undocumented refusal: a 4xx (not 429) the operation does not document, to a
 * request the server may refuse. OpenAPI: the responses need not cover every possible status, and
 * Dintero does not say its list is complete. So a request the server must refuse may be refused with an
 * undocumented 4xx (415 for a wrong Content-Type, 404 for an account it cannot see): advisory. An
 * undocumented 2xx, 3xx or 5xx, and any undocumented status on a request that must succeed, are contract.
 */
function undocumentedRefusal(status: number, ctx: CheckContext): boolean {
  if (ctx.op.responses.has(status)) return false;
  // A generated body (valid, or with unusual identity values) logs in a made-up identity: refusing it is
  // right, with whatever 4xx the server gives an unknown user (which status is this project's curation,
  // not Dintero's: openapi/SOURCES.md).
  const mayBeRefused = expectsRefusal(ctx.kase) || ctx.kase.expect.kind === "valid_input" || ctx.kase.expect.kind === "well_formed";
  return mayBeRefused && isRefusal(status);
}

const statusCodeConformance: Check = {
  name: "status_code_conformance",
  severity: "contract",
  severityReason: "a consumer switches on the statuses Dintero documents: an undocumented 2xx, 3xx or 5xx, or any undocumented status to a request that must succeed, falls through its handling; advisory: an undocumented 4xx to a request that must be refused",
  source: dintero(DINTERO_LOGIN_DOCS, "the responses documented for each operation"),
  catches: "a status the operation does not document",
  appliesTo: (ex, ctx) => answered(ex) && documentedMethod(ctx),
  run(ex, ctx) {
    const status = ex.response!.status;
    if (ctx.op.responses.has(status)) return [];
    const documented = [...ctx.op.responses.keys()].join(", ");
    const finding: Finding = { check: "status_code_conformance", rule: `documented statuses of ${ctx.op.operationId}`, expected: documented, actual: String(status), message: `status ${status} is not documented (documented: ${documented})` };
    if (undocumentedRefusal(status, ctx)) {
      return [{ ...finding, severity: "advisory", severityReason: UNDOCUMENTED_REFUSAL_REASON, message: `${finding.message}; a refusal all the same, but clients that switch on the documented statuses do not know it`, source: UNDOCUMENTED_REFUSAL }];
    }
    return [finding];
  },
};

const contentTypeConformance: Check = {
  name: "content_type_conformance",
  severity: "contract",
  severityReason: "a consumer parses the media type Dintero documents: another one, or a body that does not parse as it, breaks its parse; advisory on an undocumented refusal, whose media type and body Dintero does not document",
  source: dintero(DINTERO_LOGIN_DOCS, "application/json responses"),
  catches: "an undocumented media type (parameters such as charset are fine), or a body that does not parse as its media type",
  appliesTo: (ex, ctx) => answered(ex) && documentedMethod(ctx),
  run(ex, ctx) {
    const res = ex.response!;
    const documented = ctx.op.responses.get(res.status);
    const allowed = documented ? [...documented.content.keys()] : [...new Set([...ctx.op.responses.values()].flatMap((r) => [...r.content.keys()]))];
    if (allowed.length === 0) return [];
    const header = res.headers["content-type"];
    const type = mediaTypeOf(header);
    // A status Dintero does not document has no documented media type or body: on an undocumented refusal
    // (advisory in status_code_conformance) everything about the body is advisory too (an HTML 404 from a
    // router, an empty 404, a problem+json 415 are common); elsewhere it keeps the check's severity.
    const lowered = undocumentedRefusal(res.status, ctx);
    const advisory = lowered ? { severity: "advisory" as const, severityReason: `${res.status} is not documented for this operation, so neither is its body`, source: { ...UNDOCUMENTED_REFUSAL, ref: `${UNDOCUMENTED_REFUSAL.ref}; Dintero documents no media type for status ${res.status}` } } : {};
    const why = lowered ? `; ${res.status} is not documented for this operation, so neither is its body (advisory)` : "";
    const base = { check: "content_type_conformance", pointer: "content-type (header)", expected: allowed.join(", "), ...advisory };
    if (!type || !allowed.includes(type)) {
      return [{ ...base, rule: "documented response media type", actual: header ?? "(none)", message: `media type ${header ?? "(none)"} is not documented for ${res.status} (documented: ${allowed.join(", ")})${why}` }];
    }
    const parsed = parseBody(ex);
    if (parsed && !parsed.ok) {
      return [{ ...base, rule: `body parses as ${type}`, pointer: "", actual: res.bodyText.slice(0, 120), message: `the ${type} body does not parse: ${parsed.error}${why}` }];
    }
    return [];
  },
};

const notAServerError: Check = {
  name: "not_a_server_error",
  // Dintero documents 500 "Unexpected Error" as a possible answer without saying when, so "never a 5xx" is
  // this project's rule (after Schemathesis' check of that name), not Dintero's; its severity follows the
  // harm. A 5xx where a documented answer is due is also a contract finding of positive_data_acceptance,
  // negative_data_rejection, wrong_credentials or unsupported_methods.
  severity: "standard",
  severityReason: "a 5xx says the server erred (RFC 9110 §15.6): a correct consumer cannot tell its own mistake from an outage, so it retries, alerts or gives up on a request that a working server answers",
  source: { ...project("a server error answers no request well (RFC 9110 §15.6.1: the server met an unexpected condition), after Schemathesis' not_a_server_error; Dintero documents 500 \"Unexpected Error\" without saying when"), url: "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1" },
  catches: "any 5xx",
  appliesTo: answered,
  run(ex, ctx) {
    const status = ex.response!.status;
    // RFC 9110 §15.6.2: 501 is the right answer to a method the server does not recognise.
    if (status === 501 && ctx.kase.expect.kind === "method_rejection") return [];
    return status >= 500 ? [{ check: "not_a_server_error", rule: "no 5xx", expected: "< 500", actual: String(status), message: `server error ${status}` }] : [];
  },
};

const positiveDataAcceptance: Check = {
  name: "positive_data_acceptance",
  severity: "contract",
  severityReason: "Dintero documents the body schema and the 200: a known-good request refused, or a schema-valid body rejected as invalid, shuts out correct consumers; advisory when the identity, whose format Dintero states in prose only, may be what the server refused",
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
    const invalid = documentedStatuses(ctx.op, "invalid_request");
    if (!invalid.includes(status)) return [];
    const finding: Finding = { check: "positive_data_acceptance", rule: "a schema-valid body is not rejected as invalid", expected: `not ${invalid.join(" or ")}`, actual: statusText(ex), message: `a body the spec accepts was answered ${status}` };
    // The made-up identity is the only unusual value: Dintero states the email and ident formats in prose
    // only ("Email or phone_number"), so a server may validate them more strictly than the schema does.
    const { unusual, control } = ctx.kase.expect as Extract<Case["expect"], { kind: "valid_input" }>;
    const proseReason = "the server may be right: Dintero states the identity formats in prose only, so a stricter identity check than the schema's is the server's choice";
    const prose = dintero(DINTERO_LOGIN_DOCS, "ident: \"Email or phone_number, depending on the ident_type\" (prose, no schema rule): a stricter identity check is the server's choice");
    if (unusual && unusual.length === 0) {
      return [{ ...finding, severity: "advisory", severityReason: proseReason, message: `${finding.message}; its only unusual values are made-up identities, whose format Dintero states in prose only`, source: prose }];
    }
    // The control of this form (a made-up identity, a plain password) was refused as invalid too: the
    // server rejects made-up identities, so this 400 may be the identity's, not the tested value's.
    const controlStatus = control ? ctx.earlier(control)?.response?.status : undefined;
    if (controlStatus !== undefined && invalid.includes(controlStatus)) {
      return [{ ...finding, severity: "advisory", severityReason: proseReason, message: `${finding.message}; so was ${control} (a made-up identity with a plain password), so the ${controlStatus} may be the identity's`, source: prose }];
    }
    return [{ ...finding, ...(unusual?.length ? { message: `${finding.message} (the body tests ${unusual.join(", ")})` } : {}) }];
  },
};

const negativeDataRejection: Check = {
  name: "negative_data_rejection",
  severity: "contract",
  severityReason: "Dintero documents these rules and the 400 for a request that breaks them: a server that takes such a request lets a consumer's bug pass on staging that Dintero refuses in production",
  source: dintero(DINTERO_LOGIN_DOCS, "400 Bad / Invalid request"),
  catches: "a request breaking exactly one rule (required, enum and enum case, length, type, either/or, aid and oid, non-JSON, Content-Type) that is not rejected with a documented 4xx",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "rejection",
  run(ex, ctx) {
    const expect = ctx.kase.expect as Extract<Case["expect"], { kind: "rejection" }>;
    const status = ex.response!.status;
    // Body-schema breaks must get the status Dintero documents for invalid requests (400 "Bad / Invalid
    // request"); the others (aid, non-JSON, Content-Type) are refused with any 4xx: 404 for a malformed
    // path, 415 for a wrong media type are refusals (whether documented is status_code_conformance's).
    if (expect.status === "any_4xx" && isRefusal(status)) return [];
    const allowed = expect.status === "validation" ? documentedStatuses(ctx.op, "invalid_request") : [];
    if (allowed.includes(status)) return [];
    const expectedText = expect.status === "validation" ? allowed.join(" or ") : "a 4xx (not 429)";
    const what = status < 300 ? "accepted (ignores the rule)" : status >= 500 ? "crashed" : "not rejected as invalid";
    const where = expect.pointer ? ` at ${expect.pointer}` : "";
    return [{ check: "negative_data_rejection", rule: expect.rule, pointer: expect.pointer, expected: expectedText, actual: String(status), message: `${ctx.kase.title} (breaks "${expect.rule}"${where}): answered ${status}, expected ${expectedText}: ${what}` }];
  },
};

const ignoredAuth: Check = {
  name: "ignored_auth",
  severity: "contract",
  severityReason: "Dintero documents the bearer and the 401: a server that lets a missing, malformed, forged or unsigned credential in opens its logins to anyone",
  source: dintero(DINTERO_LOGIN_DOCS, "bearer JWT security; 401 Access forbidden, invalid JWT token was used"),
  catches: "a request without, with a malformed, or with a never-issued credential that is not refused: 401 (or a documented 403) for no credential or a never-issued JWT; any documented 4xx (400 invalid_request, RFC 6750 §3.1) for an empty or malformed bearer, another scheme, or a token request without client credentials",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "auth_rejection",
  run(ex, ctx) {
    const status = ex.response!.status;
    const expect = ctx.kase.expect as Extract<Case["expect"], { kind: "auth_rejection" }>;
    // A token request without client credentials may get 400 invalid_client (RFC 6749 §5.2; Dintero
    // documents 400, 401 and 403 on the token endpoint), and an empty or malformed bearer or another
    // scheme 400 invalid_request (RFC 6750 §3.1; Dintero documents 400 on the login): any documented
    // 4xx of the operation refuses those. The others (no header, a never-issued JWT) need 401 or 403.
    const allowed = expect.anyDocumented4xx ? documented4xx(ctx.op) : documentedStatuses(ctx.op, "auth_refused");
    if (allowed.includes(status)) return [];
    const rule = expect.rule;
    return [{ check: "ignored_auth", rule, pointer: "authorization (header)", expected: allowed.join(" or "), actual: String(status), message: `${rule}: answered ${status}${status < 300 ? " (authentication ignored)" : ""}` }];
  },
};

const wrongCredentials: Check = {
  name: "wrong_credentials",
  severity: "contract",
  severityReason: "a wrong password or an unknown identity that logs in hands a customer token to anyone (Dintero documents the 4xx answers); advisory: which 4xx and body a refusal carries, which Dintero does not document",
  source: dintero(DINTERO_LOGIN_DOCS, "documented 4xx responses with the Error body"),
  catches: "a wrong password or an unknown identity not refused (any 4xx but 429); advisory: refused with an undocumented 4xx, or without the documented Error body",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "credentials_rejection",
  run(ex, ctx) {
    const status = ex.response!.status;
    const rule = (ctx.kase.expect as { rule: string }).rule;
    const allowed = documented4xx(ctx.op);
    if (!isRefusal(status)) {
      return [{ check: "wrong_credentials", rule, expected: `a 4xx (documented: ${allowed.join(", ")})`, actual: String(status), message: `${rule}: answered ${status}${status < 300 ? " (logged in with wrong credentials)" : ""}` }];
    }
    // Refused. Which status and body a bad credential gets is this project's curation (openapi/SOURCES.md:
    // Dintero does not say 401 or 403), so how it is refused is advisory; that it is refused is contract.
    const advisory = { severity: "advisory" as const, severityReason: "refused all the same: which 4xx and body a bad credential gets is this project's curation, not Dintero's", source: project("which documented 4xx and body a wrong password or unknown identity gets (Dintero documents neither; openapi/SOURCES.md, curated)") };
    if (!allowed.includes(status)) {
      return [{ check: "wrong_credentials", ...advisory, rule: `${rule}: a documented 4xx`, expected: allowed.join(" or "), actual: String(status), message: `${rule}: refused with ${status}, which is not documented` }];
    }
    const schema = ctx.op.responses.get(status)?.content.get(mediaTypeOf(ex.response!.headers["content-type"]) ?? "");
    const parsed = parseBody(ex);
    const isDocumentedBody = schema !== undefined && parsed?.ok === true && ctx.spec.validator(schema)(parsed.value);
    if (!isDocumentedBody) {
      return [{ check: "wrong_credentials", ...advisory, rule: `${rule}: an Error body`, expected: "the documented error body", actual: ex.response!.bodyText.slice(0, 120), message: `${rule}: ${status} without the documented error body` }];
    }
    return [];
  },
};

interface JwtParts { header: Record<string, unknown>; payload: Record<string, unknown> }
/** A JWE's protected header: its claims are encrypted, so only the structure can be judged. */
interface JweParts { header: Record<string, unknown>; encrypted: true }

const B64URL = /^[A-Za-z0-9_-]*$/;
function jsonPart(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** A JWT in either compact form: a JWS (RFC 7515 §7.1: header.payload.signature) or a JWE (RFC 7516
 * §7.1: header.encrypted_key.iv.ciphertext.tag, the encrypted key empty with "dir"). A string says why not. */
export function decodeJwt(token: string): JwtParts | JweParts | string {
  const parts = token.split(".");
  if (parts.length !== 3 && parts.length !== 5) return `${parts.length} dot-separated parts instead of 3 (JWS) or 5 (JWE)`;
  if (!parts.every((p) => B64URL.test(p))) return "a part is not base64url";
  try {
    const header = jsonPart(parts[0]!) as Record<string, unknown>;
    if (!header || typeof header !== "object" || typeof header.alg !== "string") return "the header has no alg";
    if (parts.length === 5) {
      if (typeof header.enc !== "string") return "a 5-part token whose header has no enc is not a JWE";
      if (!parts[2] || !parts[3] || !parts[4]) return "a JWE needs an iv, a ciphertext and a tag";
      return { header, encrypted: true };
    }
    if (!parts[1]) return "the payload is empty";
    const payload = jsonPart(parts[1]) as Record<string, unknown>;
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) return "the payload is not a JSON object";
    return { header, payload };
  } catch {
    return "header or payload is not base64url JSON";
  }
}

/** Disagreement between exp and iat + expires_in (or response time + expires_in) that is no finding at
 * all, seconds: the time a response takes, and rounding. */
export const EXP_TOLERANCE_S = 120;
/** Disagreement beyond which the claims contradict expires_in (standard), seconds: the 5 minutes of clock
 * skew JWT validators commonly allow (.NET's TokenValidationParameters.DefaultClockSkew is 300 s). Within
 * it a validator and a consumer that trusts expires_in still agree whether the token is live (advisory). */
export const EXP_CONTRADICTION_S = 300;

/** exp is optional (RFC 7519 §4.1.4) and Dintero publishes no claim rules: whether the claims agree with
 * expires_in is this project's rule, after RFC 6749 §5.1 (expires_in is the token's lifetime). */
const CLAIM_SOURCE: Source = { ref: "this project's rule: exp agrees with expires_in (RFC 6749 §5.1: expires_in is the lifetime of the access token; RFC 7519 §4.1.4: exp is optional; Dintero publishes no claim rules)", url: "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4" };
const LIFETIME_SOURCE: Source = { ref: "this project's rule: expires_in > 0 (RFC 6749 §5.1: \"the lifetime in seconds of the access token\"; Dintero: \"The lifetime in seconds of the access token\", no minimum)", url: "https://www.rfc-editor.org/rfc/rfc6749#section-5.1" };

const tokenSemantics: Check = {
  name: "token_semantics",
  severity: "contract",
  severityReason: "Dintero documents \"A JWT access token\": a token that is not one breaks a consumer that reads it; standard: a lifetime that is not positive, or exp claims that contradict expires_in beyond clock skew, make a correct consumer use a dead token or trust one longer than it was told; advisory: a JWS without exp (optional, RFC 7519 §4.1.4), or exp off by less than clock skew",
  source: dintero(DINTERO_TOKEN_DOCS, "access_token \"A JWT access token\", expires_in \"The lifetime in seconds of the access token\""),
  catches: `an access_token that is not a JWT (JWS or JWE compact form); standard: an expires_in that is not positive, a JWS whose exp differs from iat + expires_in and from response time + expires_in by more than ${EXP_CONTRADICTION_S} s, or (live) has passed; advisory: a JWS without exp, or whose exp differs by more than ${EXP_TOLERANCE_S} s`,
  appliesTo(ex) {
    const parsed = parseBody(ex);
    const status = ex.response?.status ?? 0;
    return status >= 200 && status < 300 && parsed?.ok === true && typeof (parsed.value as Json)?.access_token === "string";
  },
  run(ex, ctx) {
    const body = (parseBody(ex) as { value: Json }).value;
    const fail = (rule: string, expected: string, actual: string, message: string): Finding[] => [{ check: "token_semantics", rule, pointer: "/access_token", expected, actual, message }];
    const claim = (severity: Severity, severityReason: string) => (rule: string, expected: string, actual: string, message: string): Finding[] => [{ check: "token_semantics", severity, severityReason, source: CLAIM_SOURCE, rule, pointer: "/access_token", expected, actual, message }];
    const contradict = claim("standard", "the token's claims contradict its expires_in beyond clock skew: a consumer that trusts expires_in (as Dintero's SDKs do) uses a token its exp declares dead, or is told a shorter life than the token has");
    const advise = claim("advisory", `exp is optional (RFC 7519 §4.1.4), and within ${EXP_CONTRADICTION_S} s of clock skew a validator and a consumer that trusts expires_in still agree`);
    const jwt = decodeJwt(String(body.access_token));
    if (typeof jwt === "string") return fail("access_token is a JWT", "a JWS (header.payload.signature) or JWE (5 parts), base64url", jwt, `access_token is not a JWT: ${jwt}`);
    const expiresIn = body.expires_in;
    if (typeof expiresIn !== "number") return []; // the schema check reports it
    // Dintero publishes no minimum; a token that has expired on arrival cannot be used (this project's rule).
    if (expiresIn <= 0) {
      return [{ check: "token_semantics", severity: "standard", severityReason: "a token that has expired on arrival cannot be used by any consumer", source: LIFETIME_SOURCE, rule: "expires_in is positive: a token must be usable when it is issued", pointer: "/expires_in", expected: "> 0", actual: String(expiresIn), message: `expires_in ${expiresIn}: the token has expired on arrival` }];
    }
    if ("encrypted" in jwt) return []; // a JWE's claims are not readable by its holder: nothing more to judge
    // An issued token nobody signed (alg "none" in any case, or an empty signature) can be minted by anyone
    // who reads one: RFC 8725 §3.1/§3.2.
    const signature = String(body.access_token).split(".")[2] ?? "";
    if (String(jwt.header.alg).toLowerCase() === "none" || signature === "") {
      return [{ check: "token_semantics", severity: "standard", severityReason: "a token without a signature can be forged by anyone who has seen one: every consumer relying on it is exposed", source: rfc(8725, "3.1", "reject unsigned JWTs; issue none"), rule: "an issued JWS is signed", pointer: "/access_token", expected: "a signed JWS (alg other than none, a signature)", actual: `alg ${JSON.stringify(jwt.header.alg)}, signature ${signature ? "present" : "empty"}`, message: "the issued access_token is not signed" }];
    }
    const { exp, iat } = jwt.payload;
    if (typeof exp !== "number") return advise("the JWT carries a numeric exp", "number", JSON.stringify(exp) ?? "undefined", "the JWT has no numeric exp claim, so its holder learns its expiry only from expires_in");
    const receivedS = ex.response!.receivedAt / 1000;
    const byIat = typeof iat === "number" ? Math.abs(exp - (iat + expiresIn)) : Infinity;
    const byResponse = Math.abs(exp - (receivedS + expiresIn));
    const off = Math.min(byIat, byResponse);
    if (off > EXP_TOLERANCE_S) {
      const expected = `exp ≈ ${typeof iat === "number" ? iat + expiresIn : Math.round(receivedS + expiresIn)}`;
      const message = `exp ${exp} disagrees with expires_in ${expiresIn} by ${Math.round(off)} s`;
      return (off > EXP_CONTRADICTION_S ? contradict : advise)(`exp = iat + expires_in or response time + expires_in (±${off > EXP_CONTRADICTION_S ? EXP_CONTRADICTION_S : EXP_TOLERANCE_S} s)`, expected, String(exp), message);
    }
    // A mock replays the spec's example token, issued at a fixed time: freshness is judged on live targets only.
    if (ctx.config.target.kind === "live" && exp <= receivedS) {
      return contradict("the token has not expired when it is issued", `exp > ${Math.round(receivedS)}`, String(exp), "the issued token has already expired by its exp claim");
    }
    return [];
  },
};

/** Secrets shorter than this are looked for as whole values only: a 4-digit PIN is found by chance in any token. */
const MIN_SUBSTRING_SECRET = 6;
/** Nor are secrets of fewer distinct characters than this (a made-up "      " or "000000"): a repetitive
 * string turns up by chance in any longer text, and a false alarm here fails a correct server's run. */
const MIN_SUBSTRING_DISTINCT = 4;
const searchableInside = (secret: string) => secret.length >= MIN_SUBSTRING_SECRET && new Set(secret).size >= MIN_SUBSTRING_DISTINCT;

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => (out.push(k), stringsIn(v, out)));
  return out;
}

const secretReflection: Check = {
  name: "secret_reflection",
  // Dintero does not publish "never echo the password" (writeOnly on password is this spec's annotation):
  // the rule is this project's, after OWASP; its severity follows the harm, an exposed secret.
  severity: "standard",
  severityReason: "an echoed password or client secret is exposed to every log, cache, proxy and error tracker that sees the response, whatever the consumer does",
  source: { ref: "this project's rule (Dintero does not publish it), after OWASP ASVS 4.0 V8.3; the spec marks password writeOnly (#/components/schemas/LoginCredentials/properties/password/writeOnly)", url: "https://owasp.org/www-project-application-security-verification-standard/" },
  catches: "a response body or header that echoes the submitted password, the client secret (also base64 as in Basic), or a live bearer (the client's, the customer's) anywhere but the response that issues it; JWS payloads in the response are decoded and searched too",
  appliesTo: answered,
  run(ex, ctx) {
    const res = ex.response!;
    const submitted = new Set(ctx.secrets);
    const body = ctx.kase.body as Record<string, unknown> | undefined;
    for (const name of secretFieldNames(ctx.op.requestSchema)) {
      const v = body && typeof body === "object" ? body[name] : undefined;
      if (typeof v === "string") submitted.add(v);
    }
    // The live bearers (the client's, the customer's) are secrets too, anywhere but where they are issued.
    const issuedHere = new Set(parsedTokens(ex));
    for (const token of ctx.tokens ?? []) if (!issuedHere.has(token)) submitted.add(token);
    const parsed = parseBody(ex);
    const bodyStrings = parsed?.ok ? stringsIn(parsed.value) : [];
    const findings: Finding[] = [];
    // A JWS payload is only base64url: what it carries is readable by everyone who holds the token.
    const jwsPayloads = (text: string) => [...text.matchAll(JWS_SHAPE)].map((m) => { try { return Buffer.from(m[2]!, "base64url").toString("utf8"); } catch { return ""; } });
    // The body also decoded as the client decodes server text (JSON escapes of any style, percent-encoding):
    // decoded once per response, then searched for every secret.
    const places: Array<[string, string[]]> = [["body", [res.bodyText, ...bodyStrings, canonicalize(res.bodyText), ...jwsPayloads(res.bodyText)]], ...Object.entries(res.headers).map(([k, v]): [string, string[]] => [`${k} (header)`, [v, canonicalize(v), ...jwsPayloads(v)]])];
    for (const secret of submitted) {
      if (!secret) continue;
      for (const [where, texts] of places) {
        const hit = searchableInside(secret)
          ? texts.some((t) => t.includes(secret) || t.includes(JSON.stringify(secret).slice(1, -1)))
          : texts.slice(where === "body" ? 1 : 0).some((t) => t === secret);
        if (hit) findings.push({ check: "secret_reflection", rule: "never echo a submitted secret", pointer: where, expected: "no secret", actual: "[REDACTED]", message: `the response ${where} echoes a submitted secret` });
      }
    }
    return findings;
  },
};

/** Every 4xx but 429 (a 429 is not an answer to the question): a refusal, documented or not. */
const any4xx = (): number[] => Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 429);

/** A check that a case of one expectation kind is refused with one of `allowed(ctx)`. */
function refusal(name: string, kind: Case["expect"]["kind"], allowed: (ctx: CheckContext) => number[], what: string): Pick<Check, "appliesTo" | "run"> {
  return {
    appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === kind,
    run(ex, ctx) {
      const status = ex.response!.status;
      const ok = allowed(ctx);
      if (ok.includes(status)) return [];
      const expected = ok.length > 10 ? "a 4xx" : ok.join(" or ");
      const rule = (ctx.kase.expect as { rule: string }).rule;
      return [{ check: name, rule, expected, actual: String(status), message: `${ctx.kase.title}: answered ${status}${status >= 200 && status < 300 ? ` (${what})` : ""}, expected ${expected}` }];
    },
  };
}

const tokenScope: Check = {
  name: "token_scope",
  severity: "contract",
  severityReason: "Dintero documents the scope the caller needs, and 401/403: a customer's own token that opens a merchant operation lets any customer log in others",
  source: dintero(DINTERO_LOGIN_DOCS, "the caller must have scope write:accounts:/auth/users; 401 invalid JWT, 403 Forbidden"),
  catches: "the customer access token from the known-good login, used as the bearer of a login, is not refused with 401 or 403",
  ...refusal("token_scope", "scope_rejection", (ctx) => documentedStatuses(ctx.op, "auth_refused"), "a customer token opened a merchant operation"),
};

const accountIsolation: Check = {
  name: "account_isolation",
  severity: "contract",
  severityReason: "Dintero documents that the audience must be a grant of the client: a bearer that opens another account's logins, or a token for another account's audience, crosses merchants",
  source: dintero(DINTERO_LOGIN_DOCS, "\"The audience must be a grant associated with the client used when calling this resource\""),
  catches: "the client bearer on another account's login path, a login whose audience is another account's, or a client-credentials token request for another account's audience (Dintero, get token: \"The audience must be a grant associated with the client\"), is not refused (any 4xx; whether that status is documented is status_code_conformance's to judge)",
  ...refusal("account_isolation", "isolation_rejection", any4xx, "served another account"),
};

const identityRefusal = refusal("identity_binding", "identity_rejection", any4xx, "logged in under the wrong ident_type or user type");

const identityBinding: Check = {
  name: "identity_binding",
  severity: "contract",
  severityReason: "Dintero documents that ident is read by its ident_type: an identity that logs in as another ident_type logs in a user the caller did not name; advisory: under another user type, since Dintero says users of different types can share an email",
  source: dintero(DINTERO_LOGIN_DOCS, "ident: \"Email or phone_number, depending on the ident_type\"; type: \"user type to login, required as users with different type can share email\""),
  catches: "the known identity under the other ident_type (the email as a phone number, the phone number as an email), with its right password, is not refused (any 4xx); advisory: the same under another user type (customer as company)",
  ...identityRefusal,
  run(ex, ctx) {
    const found = identityRefusal.run(ex, ctx);
    // "users with different type can share email" (Dintero): a company user with the same email and
    // password may exist, so a 200 for type company may be right. Only the ident_type binding is contract.
    if (!Array.isArray(found) || !(ctx.kase.expect as { userType?: true }).userType) return found;
    return found.map((f) => ({ ...f, severity: "advisory" as const, severityReason: "the server may be right: a user of the other type with the same email and password may exist", message: `${f.message}; advisory: a ${String((ctx.kase.body as { type?: unknown })?.type)} user with the same email and password may exist ("users with different type can share email")`, source: dintero(DINTERO_LOGIN_DOCS, "type: \"users with different type can share email\": a twin of another type may log in, so this binding is this project's advisory rule") }));
  },
};

const unsupportedMethods: Check = {
  name: "unsupported_methods",
  // Dintero documents POST on both paths, not what other methods get: refusing them is RFC 9110's rule.
  severity: "standard",
  severityReason: "a server that serves GET, PUT, PATCH or DELETE like POST takes passwords in requests that caches, proxies and browsers treat as safe to repeat or store (RFC 9110 §9.2), and a 3xx or 5xx there misleads a consumer about what happened",
  source: { ref: "RFC 9110 §15.5.6 (405 Method Not Allowed) and §15.6.2 (501 Not Implemented), for the methods a path does not document (#/paths)", url: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6" },
  catches: "GET, PUT, PATCH or DELETE on a documented path answered 2xx, 3xx or a 5xx other than 501 (any 4xx passes: 405 with Allow is best, 404 is common; 501 Not Implemented is right for a method the server does not recognise, RFC 9110 §15.6.2)",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "method_rejection",
  run(ex, ctx) {
    const status = ex.response!.status;
    if ((status >= 400 && status < 500) || status === 501) return [];
    const what = status < 300 ? "served" : status < 400 ? "redirected" : "crashed";
    return [{ check: "unsupported_methods", rule: (ctx.kase.expect as { rule: string }).rule, expected: "any 4xx (405 with Allow is best), or 501", actual: String(status), message: `${ex.request.method} ${new URL(ex.request.url).pathname}: answered ${status} (${what}), expected a 4xx` }];
  },
};

/** An advisory check that every answer of one status carries a header (live targets only). */
function statusCarriesHeader(spec: { name: string; status: number; header: string; shown: string; nonEmpty: boolean; severityReason: string; source: Source; catches: string; mockReason: string; expected: string }): Check {
  const shown = spec.shown;
  return {
    name: spec.name,
    severity: "advisory",
    severityReason: spec.severityReason,
    source: spec.source,
    catches: spec.catches,
    notApplicableTo: (config) => (config.target.kind === "mock" ? spec.mockReason : undefined),
    appliesTo: (ex, ctx) => ctx.config.target.kind !== "mock" && ex.response?.status === spec.status,
    run(ex) {
      if (ex.response!.rawHeaders.some(([k, v]) => k.toLowerCase() === spec.header && (!spec.nonEmpty || v.trim() !== ""))) return [];
      return [{ check: spec.name, rule: `${spec.status} carries ${shown}`, pointer: `${spec.header} (header)`, expected: spec.expected, actual: "(none)", message: `${ex.request.method} answered ${spec.status} without ${shown}` }];
    },
  };
}

const allowHeader = statusCarriesHeader({
  name: "allow_header",
  status: 405,
  header: "allow",
  shown: "Allow",
  nonEmpty: false, // an empty Allow is valid: the resource allows no method (RFC 9110 §10.2.1)
  severityReason: "the refusal is right without Allow; a consumer only loses the hint which method to use, and a correct consumer already uses POST",
  source: rfc(9110, "15.5.6", "a 405 response MUST carry Allow"),
  catches: "a 405 answer without an Allow header listing the path's methods",
  // Prism answers undocumented methods itself (405, no Allow): that is Prism's behaviour, not the spec's.
  mockReason: "a mock's 405 is the mock tool's own answer: the spec says nothing about it",
  expected: "Allow: <the path's methods>",
});

/** A header value as its schema's type: strict (an integer is digits only), undefined when it is not. */
function headerValue(raw: string, schema: Json | undefined): unknown {
  const types = schema ? (Array.isArray(schema.type) ? schema.type : [schema.type]) : [];
  if (types.includes("integer") && /^-?\d+$/.test(raw)) return Number(raw);
  if (types.includes("number") && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (types.includes("boolean") && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

const responseHeaders: Check = {
  name: "response_headers",
  severity: "contract",
  severityReason: "a consumer reads the headers Dintero documents (the token endpoint's Retry-After, in seconds): one that breaks its schema or is missing misleads it; standard: a Retry-After on a 429 or 503 that RFC 9110's grammar cannot read; advisory: a rule only this project states (the login's curated 429)",
  source: { ref: "each response's documented headers (#/components/headers); Retry-After: RFC 9110 §10.2.3", url: "https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3" },
  catches: "a documented response header that breaks its schema (Retry-After: an integer of delay-seconds), is missing though required, or a Retry-After that is neither delay-seconds nor an HTTP-date",
  appliesTo: (ex, ctx) => answered(ex) && documentedMethod(ctx),
  run(ex, ctx) {
    const res = ex.response!;
    const findings: Finding[] = [];
    const documented = ctx.op.responses.get(res.status)?.headers ?? new Map();
    const statusPointer = `${ctx.op.pointer}/responses/${res.status}/headers`;
    for (const [key, h] of documented) {
      const raw = res.headers[key];
      const base = { check: "response_headers", pointer: `${h.name} (header)`, ...specRule(ctx.spec.doc, `${statusPointer}/${escapePointer(h.name)}`) };
      if (raw === undefined) {
        if (h.required) findings.push({ ...base, rule: "required header", expected: "present", actual: "(none)", message: `${res.status} lacks the required ${h.name} header` });
        continue;
      }
      const lines = res.rawHeaders.filter(([k]) => k.toLowerCase() === key).length;
      const validate = h.schema ? ctx.spec.validator(h.schema) : undefined;
      if (validate && !validate(headerValue(raw, h.schema))) {
        const e = validate.errors?.[0];
        findings.push({ ...base, rule: `${e?.keyword ?? "schema"} (${e?.schemaPath ?? "#"})`, expected: `${e?.message ?? "its schema"} ${JSON.stringify(h.schema?.type ?? "")}`, actual: `${JSON.stringify(raw)}${lines > 1 ? ` (${lines} header lines, joined as a Fetch client sees them)` : ""}`, message: `${res.status} ${h.name}: ${JSON.stringify(raw)} ${e?.message ?? "breaks its schema"}` });
      }
    }
    // Retry-After is judged by RFC 9110's grammar wherever it appears, documented or not. Where Dintero
    // documents it on this response (the token endpoint's 429, as seconds) a schema finding above is the
    // contract one and says it all; elsewhere (the login's curated 429, any 503) the grammar is the
    // standard's: a consumer told to wait on a 429 or 503 (RFC 6585 §4, RFC 9110 §15.6.4) cannot read
    // for how long, which harms it; on other statuses Retry-After asks nothing of it (advisory).
    const retryAfter = res.headers["retry-after"];
    const judgedByContract = findings.some((f) => f.pointer?.toLowerCase() === "retry-after (header)" && f.severity === undefined);
    if (retryAfter !== undefined && !judgedByContract && parseRetryAfter(retryAfter).kind === "invalid") {
      const waits = res.status === 429 || res.status === 503;
      const severity: Pick<Finding, "severity" | "severityReason"> = waits
        ? { severity: "standard", severityReason: `a consumer told to wait (${res.status}) cannot read for how long: it retries too early, adding load to a server that asked for less, or gives up` }
        : { severity: "advisory", severityReason: `on a ${res.status} Retry-After asks nothing of a consumer` };
      findings.push({ check: "response_headers", rule: "Retry-After = HTTP-date / delay-seconds", pointer: "retry-after (header)", expected: "digits, or an IMF-fixdate such as Sun, 06 Nov 1994 08:49:37 GMT", actual: JSON.stringify(retryAfter), message: `${res.status} Retry-After ${JSON.stringify(retryAfter)} is neither delay-seconds nor an HTTP-date (the suite never reads that as 0: it waits ${RETRY_FALLBACK_S} s before a retry)`, ...severity, source: rfc(9110, "10.2.3", "Retry-After") });
    }
    return findings;
  },
};

/** The media type a Fetch-standard client extracts from a (possibly combined) Content-Type value: the
 * last comma-separated part that is a type/subtype (Fetch standard, "extract a MIME type"; simplified:
 * commas inside quoted parameters are not handled). */
export function fetchMediaType(value: string): string | undefined {
  let found: string | undefined;
  for (const part of value.split(",")) {
    const essence = part.split(";")[0]!.trim().toLowerCase();
    if (/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence)) found = essence;
  }
  return found;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  try {
    fatal.decode(bytes);
    return -1;
  } catch {
    // Where: walk the well-formed sequences of RFC 3629 §4 up to the first that is not one.
    for (let i = 0; i < bytes.length; ) {
      const c = bytes[i]!;
      if (c < 0x80) {
        i++;
        continue;
      }
      let more: number;
      let lo = 0x80;
      let hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) more = 1;
      else if (c >= 0xe0 && c <= 0xef) [more, lo, hi] = [2, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf];
      else if (c >= 0xf0 && c <= 0xf4) [more, lo, hi] = [3, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf];
      else return i;
      for (let k = 1; k <= more; k++) {
        const d = bytes[i + k];
        if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
      }
      i += more + 1;
    }
    return bytes.length;
  }
}

const encoding: Check = {
  name: "encoding",
  severity: "standard",
  severityReason: "a correct consumer reads something else than the server sent: invalid UTF-8 becomes U+FFFD in a Fetch client's text() and json() without an error, and Content-Type lines that a Fetch client reads as another media type break its parse; advisory: repeated lines it reads as the same media type",
  source: rfc(8259, "8.1", "JSON exchanged between systems MUST be UTF-8"),
  catches: "a JSON body that is not valid UTF-8, or a response with more than one Content-Type header line",
  appliesTo: answered,
  run(ex, ctx) {
    const res = ex.response!;
    const findings: Finding[] = [];
    const types = res.rawHeaders.filter(([k]) => k.toLowerCase() === "content-type").map(([, v]) => v);
    if (types.length > 1) {
      // Standard when a Fetch client reads another media type than the first line says, or one the
      // operation does not document; lines that only repeat each other (same media type) are advisory.
      const seen = fetchMediaType(res.headers["content-type"] ?? "");
      const first = mediaTypeOf(types[0]);
      const documented = new Set([...(ctx.op.responses.get(res.status) ?? { content: new Map() }).content.keys(), ...(ctx.op.responses.has(res.status) ? [] : [...ctx.op.responses.values()].flatMap((r) => [...r.content.keys()]))]);
      const misread = seen !== first || seen === undefined || (documented.size > 0 && !documented.has(seen));
      findings.push({ check: "encoding", ...(misread ? {} : { severity: "advisory" as const, severityReason: "every Fetch client reads the media type the first line says: the repeat breaks RFC 9110 §5.3 and harms no one" }), rule: "exactly one Content-Type (a singleton field)", pointer: "content-type (header)", expected: "one Content-Type header line", actual: `${types.length} lines: ${types.map((t) => JSON.stringify(t)).join(", ")}`, message: `${types.length} Content-Type header lines; a Fetch client sees one value, ${JSON.stringify(res.headers["content-type"])}, and reads its media type as ${seen ?? "none"}${misread ? "" : ", the same as the first line"}`, source: rfc(9110, "5.3", "a sender MUST NOT repeat a field that is not a list") });
    }
    if (types.some((t) => { const m = mediaTypeOf(t); return m !== undefined && isJsonMediaType(m); })) {
      // RFC 8259 §8.1: no byte order mark. Fetch's text() drops it, but JSON.parse of the bytes as UTF-8
      // (Node's Buffer, Python's json.loads on a str) fails on it.
      if (res.bodyBytes[0] === 0xef && res.bodyBytes[1] === 0xbb && res.bodyBytes[2] === 0xbf) {
        findings.push({ check: "encoding", rule: "no byte order mark before JSON", pointer: "", expected: "a body starting with the JSON text", actual: "EF BB BF", message: "the JSON body starts with a UTF-8 byte order mark, which JSON.parse of the decoded bytes rejects", source: rfc(8259, "8.1", "implementations MUST NOT add a byte order mark") });
      }
      const at = firstInvalidUtf8(res.bodyBytes);
      if (at >= 0) {
        findings.push({ check: "encoding", rule: "a JSON body is UTF-8", pointer: "", expected: "valid UTF-8", actual: `invalid byte 0x${res.bodyBytes[at]?.toString(16).padStart(2, "0")} at offset ${at}`, message: `the JSON body is not valid UTF-8 (offset ${at}); a Fetch client's text() and json() silently read U+FFFD there` });
      }
    }
    return findings;
  },
};

/** The error the documented body carries: status, code and message, for comparing two answers. */
function errorShape(ex: Exchange): { status: number; code: unknown; message: unknown } {
  const parsed = parseBody(ex);
  const error = parsed?.ok ? (parsed.value as { error?: { code?: unknown; message?: unknown } })?.error : undefined;
  return { status: ex.response!.status, code: error?.code, message: error?.message };
}

const accountEnumeration: Check = {
  name: "account_enumeration",
  severity: "advisory",
  severityReason: "it tells which identities exist, not how to log in as one: an attacker still needs each password, which rate limits and lockout guard",
  source: { ref: "OWASP Authentication Cheat Sheet: authentication and error messages (generic answers for unknown users and wrong passwords)", url: "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages" },
  catches: "the unknown identity and the wrong password get a different status, error.code or error.message, telling an attacker which identities exist",
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "credentials_rejection" && ctx.kase.expect.sameAnswerAs !== undefined,
  run(ex, ctx) {
    const otherId = (ctx.kase.expect as { sameAnswerAs: string }).sameAnswerAs;
    const other = ctx.earlier(otherId);
    if (!other?.response || other.response.status === 429) return { notApplicable: `needs the answer to ${otherId}, which did not come back` };
    const a = errorShape(other);
    const b = errorShape(ex);
    const differs = (["status", "code", "message"] as const).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    if (!differs.length) return [];
    const show = (x: typeof a) => differs.map((k) => `${k} ${JSON.stringify(x[k])}`).join(", ");
    return [{ check: "account_enumeration", rule: "the same answer for an unknown identity and a wrong password", expected: `as ${otherId}: ${show(a)}`, actual: show(b), message: `an unknown identity is told apart from a wrong password by its ${differs.join(", ")}` }];
  },
};

/** The strings a 2xx JSON response carries as tokens. */
function carriesToken(ex: Exchange): boolean {
  const status = ex.response?.status ?? 0;
  const parsed = parseBody(ex);
  if (status < 200 || status >= 300 || !parsed?.ok) return false;
  const body = parsed.value as Json;
  return body !== null && typeof body === "object" && ["access_token", "refresh_token", "id_token"].some((k) => typeof body[k] === "string");
}

const tokenCaching: Check = {
  name: "token_caching",
  severity: "advisory",
  severityReason: "a response to POST is stored by a cache only with explicit freshness and Content-Location (RFC 9110 §9.3.3): without no-store the token leaks only together with another mistake",
  source: rfc(6749, "5.1", "a response containing tokens MUST carry Cache-Control: no-store"),
  catches: "a response that carries a token without Cache-Control: no-store",
  notApplicableTo: (config) => (config.target.kind === "mock" ? "the spec documents no Cache-Control header, so a mock of it cannot send one" : undefined),
  appliesTo: (ex, ctx) => ctx.config.target.kind !== "mock" && carriesToken(ex),
  run(ex) {
    const value = ex.response!.headers["cache-control"];
    const directives = (v: string | undefined) => (v ?? "").split(",").map((d) => d.trim().toLowerCase().split("=")[0]);
    const found: Finding[] = [];
    if (!directives(value).includes("no-store")) found.push({ check: "token_caching", rule: "Cache-Control: no-store on a token response", pointer: "cache-control (header)", expected: "no-store", actual: value ?? "(none)", message: `a ${ex.response!.status} carrying a token ${value ? `says Cache-Control: ${value}` : "has no Cache-Control"}, so a cache may keep it` });
    // Targeted fields override Cache-Control for the caches they name (RFC 9213 §2.1): a CDN obeys its own.
    for (const name of TARGETED_CACHE_CONTROL) {
      const targeted = ex.response!.headers[name];
      if (targeted !== undefined && !directives(targeted).includes("no-store") && !directives(targeted).includes("private")) {
        found.push({ check: "token_caching", rule: `${name} does not let a shared cache store a token (RFC 9213 §2.1: it overrides Cache-Control there)`, pointer: `${name} (header)`, expected: "no-store, or absent", actual: targeted, message: `a ${ex.response!.status} carrying a token says ${name}: ${targeted}, so that CDN may keep it whatever Cache-Control says` });
      }
    }
    return found;
  },
};

/** Cache-Control fields that target one kind of cache and override Cache-Control there (RFC 9213). */
const TARGETED_CACHE_CONTROL = ["cdn-cache-control", "cloudflare-cdn-cache-control", "surrogate-control"];

const wwwAuthenticate = statusCarriesHeader({
  name: "www_authenticate",
  status: 401,
  header: "www-authenticate",
  shown: "WWW-Authenticate",
  nonEmpty: true,
  severityReason: "a consumer still sees the 401; without the challenge it cannot tell a refused bearer (RFC 6750 invalid_token) from refused customer credentials, and this project's client then bounds its bearer refreshes instead of replacing the bearer at once",
  source: rfc(9110, "11.6.1", "a server generating a 401 MUST send a WWW-Authenticate header field with at least one challenge"),
  catches: "a 401 answer without a WWW-Authenticate challenge",
  mockReason: "the spec documents no WWW-Authenticate header, so a mock of it cannot send one",
  expected: "WWW-Authenticate: <challenge>, e.g. Bearer error=\"invalid_token\"",
});

const refreshTokenOnClientCredentials: Check = {
  name: "refresh_token_on_client_credentials",
  severity: "advisory",
  severityReason: "a correct consumer ignores the member, and the refresh token gives its holder nothing the client secret it already holds does not (RFC 6749 §4.4.3: SHOULD NOT)",
  source: { ref: `Dintero (refresh_token only for the authorization_code and password grants) ${DINTERO_LOGIN_DOCS}; RFC 6749 §4.4.3 (a refresh token SHOULD NOT be included)`, url: "https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3" },
  catches: "a client-credentials token response that carries a refresh_token",
  appliesTo: (ex, ctx) => ctx.op.key === "token" && documentedMethod(ctx) && carriesToken(ex),
  run(ex) {
    const body = (parseBody(ex) as { value: Json }).value;
    if (body.refresh_token === undefined) return [];
    return [{ check: "refresh_token_on_client_credentials", rule: "no refresh_token for the client_credentials grant", pointer: "/refresh_token", expected: "absent", actual: "present", message: "the client-credentials token response carries a refresh_token" }];
  },
};

/** Dintero issues a login's refresh_token only to a caller holding this scope (D1). */
const REFRESH_SCOPE = "create:accounts:auth:refresh_token";

const refreshTokenWithoutScope: Check = {
  name: "refresh_token_without_scope",
  severity: "contract",
  severityReason: "Dintero documents the rule, and a refresh token (\"remain authenticated essentially forever\") handed to a caller that was not granted it, such as a browser's login client, is a long-lived secret where none belongs",
  source: dintero(DINTERO_LOGIN_DOCS, `refresh_token: issued only when the caller's token has scope ${REFRESH_SCOPE}`),
  catches: `a login answered with a refresh_token although the bearer's scope claim (a readable JWT) lacks ${REFRESH_SCOPE}`,
  appliesTo: (ex, ctx) => ctx.op.key === "login" && documentedMethod(ctx) && carriesToken(ex),
  run(ex) {
    const body = (parseBody(ex) as { value: Json }).value;
    if (body.refresh_token === undefined) return [];
    const bearer = /^Bearer\s+(\S+)$/i.exec(ex.request.headers.authorization ?? "")?.[1];
    const jwt = bearer ? decodeJwt(bearer) : undefined;
    const scope = jwt && typeof jwt === "object" && "payload" in jwt ? jwt.payload.scope ?? jwt.payload.scp : undefined;
    if (scope === undefined) return { notApplicable: "the bearer's scope cannot be read (not a JWS with a scope claim), so whether it may receive a refresh token is unknown" };
    const scopes = Array.isArray(scope) ? scope.map(String) : String(scope).split(/\s+/);
    if (scopes.includes(REFRESH_SCOPE)) return [];
    return [{ check: "refresh_token_without_scope", rule: `a refresh_token only for a caller with ${REFRESH_SCOPE}`, pointer: "/refresh_token", expected: "absent", actual: "present", message: `the login answered a refresh_token to a bearer whose scope lacks ${REFRESH_SCOPE}` }];
  },
};

const duplicateJsonMembers: Check = {
  name: "duplicate_json_members",
  severity: "standard",
  severityReason: "when the repeated members hold different values, first-wins and last-wins parsers read different values, so a correct consumer may act on another value than the server meant; advisory: repeats of one value, which every parser reads alike",
  source: rfc(8259, "4", "the names within an object SHOULD be unique"),
  catches: "a JSON response object that names a member twice (first-wins and last-wins parsers read different values)",
  appliesTo: (ex) => parseBody(ex)?.ok === true,
  run(ex) {
    const duplicates = duplicateMembers(ex.response!.bodyText);
    if (!duplicates) return { notApplicable: "the body nests too deep to scan for duplicate members" };
    return duplicates.map((d) => ({
      check: "duplicate_json_members",
      rule: "unique member names",
      pointer: `${d.pointer}/${escapePointer(d.name)}`,
      expected: "one member of each name",
      actual: `${d.count} members named ${JSON.stringify(d.name)}`,
      message: `${ex.response!.status} body names ${JSON.stringify(d.name)} ${d.count} times${d.pointer ? ` at ${d.pointer}` : ""}${d.sameValue ? " with the same value" : ": JSON.parse keeps the last value, first-wins parsers the first"}`,
      ...(d.sameValue ? { severity: "advisory" as const, severityReason: "every member of that name holds the same value: every parser reads it alike" } : {}),
    }));
  },
};

/** Every check, in report order. A new check is one function above plus one line here. */
const JWS_SHAPE = /\b(eyJ[A-Za-z0-9_-]*)\.(eyJ[A-Za-z0-9_-]*)\.[A-Za-z0-9_-]*/g;

/** The members that carry a token a server issues (mfa_token is left out: it is the documented answer to
 * mfa_required, a refusal that hands out no credential). */
const ISSUED_TOKEN_MEMBERS: ReadonlySet<string> = new Set(["access_token", "refresh_token", "id_token"]);

/** Every non-empty issued-token member of a response's JSON body, at any depth, duplicates included. */
const parsedTokens = (ex: Exchange): string[] => stringMembers(ex.response?.bodyText ?? "", ISSUED_TOKEN_MEMBERS).filter((t) => t !== "");

const tokenOnRefusal: Check = {
  name: "token_on_refusal",
  severity: "standard",
  severityReason: "a refusal that hands out a credential is no refusal: whoever was refused (a wrong password, another account's audience) holds a working token, and a consumer that trusts the status never knows",
  source: { ref: "this project's rule, after RESTler's leakage rule and OWASP API Security Top 10 2023 API2 (broken authentication)", url: "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/" },
  catches: "a response that is not 2xx whose JSON body carries an access_token, refresh_token or id_token",
  appliesTo: (ex) => answered(ex) && (ex.response!.status < 200 || ex.response!.status >= 300),
  run(ex) {
    const found = parsedTokens(ex);
    if (!found.length) return [];
    return [{ check: "token_on_refusal", rule: "no token in a response that is not a success", pointer: "", expected: "no access_token, refresh_token or id_token", actual: `${found.length} token member(s)`, message: `a ${ex.response!.status} carries a token: the request was refused, and answered with a credential all the same` }];
  },
};

const identityDisclosure: Check = {
  name: "identity_disclosure",
  severity: "standard",
  severityReason: "a response naming a user the request did not name discloses personal data (an email, a phone number) to whoever asked, e.g. to anyone trying made-up identities",
  source: { ref: "this project's rule, after OWASP API Security Top 10 2023 API3 (broken object property level authorization)", url: "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/" },
  catches: "a response carrying a configured test identity (its email, phone number or ident) that its request did not carry",
  notApplicableTo: (config) => (config.target.kind === "mock" ? "the mock's identities are the spec's examples, which its own example answers may contain" : undefined),
  appliesTo: (ex, ctx) => answered(ex) && ctx.config.target.kind !== "mock",
  run(ex, ctx) {
    const sent = `${ex.request.url} ${ex.request.body ?? ""}`;
    const res = ex.response!;
    const texts = [res.bodyText, canonicalize(res.bodyText), ...Object.values(res.headers)];
    const values = ctx.config.identities.flatMap((i) => Object.entries(i.fields).filter(([k]) => k !== "ident_type").map(([, v]) => v)).filter((v) => v.length >= 6);
    const leaked = values.filter((v) => !sent.includes(v) && !sent.includes(JSON.stringify(v).slice(1, -1)) && texts.some((t) => t.toLowerCase().includes(v.toLowerCase())));
    if (!leaked.length) return [];
    return [{ check: "identity_disclosure", rule: "a response names no user its request did not name", pointer: "", expected: "no configured identity", actual: `${leaked.length} identity value(s)`, message: `the ${res.status} answer names a configured test identity the request did not carry` }];
  },
};

/** What an error body should not show: stack frames, internal hosts and addresses, database URLs, SQL. */
const DISCLOSURES: Array<[string, RegExp]> = [
  ["a stack frame", /at [\w$.<>]+ \(?[^\s()]+:\d+:\d+\)?|Traceback \(most recent call last\)|\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)|\bFile "[^"]+", line \d+/],
  ["a database URL", /\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|jdbc:[a-z]+|mssql|amqp):\/\/\S+/i],
  ["an internal host name", /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|local|corp|lan|intranet)\b/i],
  ["a private IP address", /\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b/],
  ["SQL", /\b(?:SELECT\s+[\w*,\s]+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|syntax error at or near|ORA-\d{5}|SQLSTATE\[)/i],
];

const errorDisclosure: Check = {
  name: "error_disclosure",
  severity: "advisory",
  severityReason: "what an error body reveals of the server's insides (stack frames, internal hosts, SQL) harms no consumer by itself; it helps an attacker plan the next step",
  source: { ref: "OWASP API Security Top 10 2023 API8 (security misconfiguration); ASVS 4.0 V7.4.1; CWE-209", url: "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/" },
  catches: "an error response (4xx, 5xx) whose body shows a stack frame, a database URL, an internal host name, a private IP address or SQL",
  appliesTo: (ex) => answered(ex) && ex.response!.status >= 400,
  run(ex) {
    const text = ex.response!.bodyText.slice(0, 65_536);
    const shown = DISCLOSURES.filter(([, re]) => re.test(text)).map(([what]) => what);
    if (!shown.length) return [];
    return [{ check: "error_disclosure", rule: "an error body shows nothing of the server's insides", pointer: "", expected: "a message for the caller", actual: shown.join(", "), message: `the ${ex.response!.status} body shows ${shown.join(", ")}` }];
  },
};

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
  tokenScope,
  accountIsolation,
  identityBinding,
  unsupportedMethods,
  responseHeaders,
  encoding,
  accountEnumeration,
  tokenCaching,
  refreshTokenOnClientCredentials,
  refreshTokenWithoutScope,
  duplicateJsonMembers,
  allowHeader,
  wwwAuthenticate,
  tokenOnRefusal,
  identityDisclosure,
  errorDisclosure,
];
