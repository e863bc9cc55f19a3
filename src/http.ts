// One HTTP exchange: a deadline that holds whatever fetch does, a body read up to a size limit,
// and turning a response that is not the documented success into a LoginError.
import type { Validator } from "../generated/validators.js";
import type { DocumentedResponse, DocumentedResponses } from "../generated/client-responses.js";
import { isJsonMediaType } from "../lib/media-type.ts";
import { nestsDeeperThan } from "../lib/json-depth.ts";
import { adoptOnce, startDeadline, throwIfAborted } from "./deadline.ts";
import { causeCode, isLoginError, LoginError, sanitizeCause, type LoginErrorDetail } from "./errors.ts";
import { redactServerTexts, tokensIn } from "./redact.ts";
import { check, summarize } from "./validation.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { readRefusal, type Refusal } from "./refusal.ts";
import { bearerRule, isUsableBearer } from "./bearer.ts";

export type FetchFunction = (input: Request) => Promise<Response>;

/** What came back, with the body read as far as it could be. */
export interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: ResponseBody;
}

export type ResponseBody = { readonly type: "empty" } | { readonly type: "json"; readonly value: unknown } | { readonly type: "not-json" };

/** Which call this is, for messages, and what to keep out of them. */
export interface ExchangeContext {
  /** e.g. "login" or "client token request". */
  readonly operation: string;
  /** Known secrets of this exchange, removed from any server text we repeat. */
  readonly secrets: readonly (string | undefined)[];
  readonly validateResponses: boolean;
  /** The request was authenticated with a bearer: a 401 or 403 is read for whose credentials it refused. */
  readonly bearerAuth?: boolean;
  /**
   * The operation's documented responses (generated/client-responses.js, `<x-role>Responses`): which
   * statuses and bodies to expect, and what each status means.
   */
  readonly responses: DocumentedResponses;
  /** The validators of the schemas the operation's documented responses name, by schema name. */
  readonly schemaValidators: Readonly<Record<string, Validator>>;
  /** What was asked for, for messages: the request's URL and the client's `baseUrl` (neither holds a secret: see readBaseUrl). */
  readonly target?: { readonly url: string; readonly baseUrl: string };
}

export interface ExchangeLimits {
  /** The whole exchange, body included. */
  readonly timeoutMs: number;
  /** Decoded body bytes read at most. */
  readonly maxResponseBytes: number;
  /**
   * The platform fetch delivers no more than a Content-Length says (the HTTP parser stops there),
   * so an unencoded body within the limit is read whole; a custom fetch's Response is not trusted.
   */
  readonly platformFetch?: boolean;
  /**
   * What a system code of a network failure means (errors.ts's describeCode), from the entry that has
   * one: Node's codes (ECONNREFUSED, CERT_HAS_EXPIRED) never reach a browser's fetch, so the browser
   * entry leaves the table out of its bundle.
   */
  readonly describeCode?: ((code: string) => string | undefined) | undefined;
}

/**
 * Runs `send` under a deadline (`timeoutMs`, or the caller's signal) that settles the exchange on
 * time even when the fetch function ignores its AbortSignal, and reads the body, at most
 * `maxResponseBytes` of it, before the deadline is lifted (a slow body is a timeout too).
 */
export async function exchange(
  context: ExchangeContext,
  limits: ExchangeLimits,
  callerSignal: AbortSignal | undefined,
  send: (signal: AbortSignal) => Promise<Response>,
): Promise<Exchange> {
  throwIfAborted(context.operation, callerSignal);
  const deadline = startDeadline(context.operation, limits.timeoutMs, callerSignal);
  let response: Response | undefined;
  const reading: { reader?: ReadableStreamDefaultReader<Uint8Array> } = {};
  // One race for the response and its body; whatever loses it goes on to cancel what it holds.
  const work = (async () => {
    response = await send(deadline.signal);
    if (typeof response?.status !== "number" || typeof response.headers?.get !== "function") {
      throw new TypeError("fetch did not resolve to a Response");
    }
    const length = limits.platformFetch && !response.headers.get("content-encoding") ? response.headers.get("content-length") : null;
    if (length !== null && Number(length) <= limits.maxResponseBytes) return response.text();
    return readBounded(response, limits.maxResponseBytes, deadline.signal, reading);
  })();
  try {
    const text = await deadline.race(work);
    const { status, headers } = response as unknown as Response;
    if (text === undefined) {
      const details = [
        {
          pointer: "",
          rule: "maxResponseBytes",
          message: `the body is larger than maxResponseBytes (${limits.maxResponseBytes} bytes); reading stopped there`,
        },
      ];
      throw contractViolation({ status, headers, body: { type: "not-json" } }, context, details);
    }
    const body = parseText(text);
    if (body === nestedTooDeep) {
      // Not parsed, so not searched for tokens: none of the response's text is repeated.
      const message = `the body is nested deeper than ${maxJsonDepth} levels; it was not parsed (this client's bound)`;
      const details = [{ pointer: "", rule: "maxJsonDepth", message }];
      throw new LoginError("contract_violation", `${context.operation}: the ${status} response broke the API contract: ${message}`, { status, details });
    }
    if (body === tooManyValues) {
      // Not searched for tokens, so none of the response's text (its request-id included) is repeated.
      const message = `the body holds more than ${maxJsonValues} JSON values; it was not read further (this client's bound)`;
      const details = [{ pointer: "", rule: "maxJsonValues", message }];
      throw new LoginError("contract_violation", `${context.operation}: the ${status} response broke the API contract: ${message}`, { status, details });
    }
    return { status, headers, body };
  } catch (error) {
    if (deadline.signal.aborted) cancel(reading.reader); // the deadline won: stop a body still streaming
    if (isLoginError(error)) throw error;
    const cause = sanitizeCause(error);
    const code = causeCode(cause);
    const meaning = code === undefined ? undefined : limits.describeCode?.(code);
    const host = context.target ? ` reaching ${hostOf(context.target.url)}` : "";
    throw new LoginError("network", `${context.operation} failed: network error${host} (${cause.message}${meaning ? `: ${meaning}` : ""})`, { cause });
  } finally {
    deadline.dispose();
  }
}

/**
 * The body as text, or undefined once more than `maxBytes` decoded bytes (what fetch hands over
 * after undoing Content-Encoding) have arrived: the stream is then cancelled, so neither a huge
 * body nor a gzip bomb is read past the limit. A response that arrives after the deadline
 * (`signal` aborted) is released unread; `reading.reader` lets the deadline cancel a read under way.
 */
async function readBounded(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  reading: { reader?: ReadableStreamDefaultReader<Uint8Array> },
): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  reading.reader = reader;
  if (signal.aborted) return cancel(reader);
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (let reads = 1; ; reads++) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    // A stream that always has another chunk ready (empty ones too) is read in microtasks alone, where
    // no timer can fire: hand control back to the event loop now and then, so the deadline can.
    if (reads % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    if (signal.aborted) return cancel(reader);
    bytes += value.byteLength;
    if (bytes > maxBytes) return cancel(reader);
    text += decoder.decode(value, { stream: true });
  }
}

function cancel(reader: ReadableStreamDefaultReader | undefined): undefined {
  reader?.cancel().catch(() => undefined);
  return undefined;
}

/**
 * Runs an openapi-fetch call and returns fetch's Response with its body unread, so that we read
 * it within the size limit (openapi-fetch reads an error body whole with `text()`). Only
 * openapi-fetch's public API is used: its `fetch` option is handed a function that keeps the real
 * Response and returns an empty `Response` of its own, which openapi-fetch may read as it likes.
 */
export async function unreadResponse(call: (fetch: FetchFunction) => Promise<unknown>, fetchFunction: FetchFunction): Promise<Response> {
  let response: Response | undefined;
  await call(async (request) => {
    response = await adoptOnce(fetchFunction(request));
    return new Response(null, { status: 204 });
  });
  if (response === undefined) throw new TypeError("openapi-fetch did not call fetch");
  return response;
}

/**
 * The most JSON values (members, items and the root) a response body may hold: this client's bound,
 * not Dintero's. Bytes read are bounded by maxResponseBytes, but what is built from them is not: a
 * 1 MiB body of 500,000 items that each break the schema costs about a second of validation and
 * redaction walks on the event loop. Every documented body is a small object; one past this bound
 * is refused as a contract_violation without being validated or searched.
 */
export const maxJsonValues = 10_000;

/**
 * The deepest nesting of arrays and objects a response body may have: this client's bound, not
 * Dintero's (every documented body nests 3 deep at most). A deeper body is refused, with that
 * reason, before it is parsed: parsing, validating and searching it recurse, and would fail at a
 * depth that depends on the stack size, reported as "not JSON".
 */
export const maxJsonDepth = 64;

const tooManyValues: ResponseBody = { type: "not-json" };
const nestedTooDeep: ResponseBody = { type: "not-json" };

/** JSON.parse errors are swallowed here: their messages quote the body, which may hold a token. A
 * `__proto__` member is dropped: copied with Object.assign or a spread, it would set a prototype.
 * Past `maxJsonValues` values the walk stops (the reviver throws) and `tooManyValues` is returned. */
function parseText(text: string): ResponseBody {
  if (text.trim() === "") return { type: "empty" };
  if (nestsDeeperThan(text, maxJsonDepth)) return nestedTooDeep;
  let values = 0;
  try {
    return {
      type: "json",
      value: JSON.parse(text, (key, value: unknown) => {
        if (++values > maxJsonValues) throw tooManyValues;
        return key === "__proto__" ? undefined : value;
      }) as unknown,
    };
  } catch (error) {
    return error === tooManyValues ? tooManyValues : { type: "not-json" };
  }
}

/** `application/json; charset=utf-8` is JSON: compare the media type without its parameters (lib/media-type.ts). */
export { isJsonMediaType };

/** The documented response for `status`: the status itself, else its class (`4XX`), else `default`. */
export function documentedResponse(table: DocumentedResponses, status: number): DocumentedResponse | undefined {
  return table[String(status)] ?? table[`${Math.floor(status / 100)}XX`] ?? table.default;
}

/** A documented 2xx: the success the operation promises. */
export function isDocumentedSuccess(ex: Exchange, context: ExchangeContext): boolean {
  return ex.status >= 200 && ex.status <= 299 && documentedResponse(context.responses, ex.status) !== undefined;
}

/**
 * What an error status means, by HTTP's own definitions, as a kind: the statuses whose meaning
 * says what the caller should do. Which statuses the client acts on comes from the spec; every
 * status the spec documents for an operation the client calls must be here or be 5xx
 * (test/client/login/statuses.test.ts fails otherwise, naming it).
 */
export const statusMeanings: Readonly<Record<number, "bad_request" | "unauthorized" | "forbidden" | "rate_limited">> = {
  400: "bad_request", // RFC 9110 §15.5.1 Bad Request
  413: "bad_request", // §15.5.14 Content Too Large
  404: "bad_request", // §15.5.5 Not Found: documented for the MFA challenge (src/session.ts reads its meaning, not_found)
  414: "bad_request", // §15.5.15 URI Too Long
  415: "bad_request", // §15.5.16 Unsupported Media Type
  422: "bad_request", // §15.5.21 Unprocessable Content
  431: "bad_request", // RFC 6585 §5 Request Header Fields Too Large
  401: "unauthorized", // RFC 9110 §15.5.2
  403: "forbidden", // RFC 9110 §15.5.4
  429: "rate_limited", // RFC 6585 §4 Too Many Requests
};

/**
 * The largest `retryAfterSeconds` a LoginError carries (an hour; our own bound, documented in
 * docs/client.md): a Retry-After of days or 2^53 s is read as "an hour".
 */
export const maxRetryAfterSeconds = 3600;

/** The kind of an error status: its meaning, or `server_error` for any 5xx (RFC 9110 §15.6). */
export function kindOfStatus(status: number): "bad_request" | "unauthorized" | "forbidden" | "rate_limited" | "server_error" | undefined {
  return status >= 500 && status <= 599 ? "server_error" : statusMeanings[status];
}

/**
 * The JSON body of a documented success response, checked against the validator of the schema
 * the spec names for it when `validateResponses` is on. Anything else is a `contract_violation`.
 */
export function readSuccessBody(ex: Exchange, context: ExchangeContext): unknown {
  const value = requireJson(ex, context, "Success");
  // RFC 6749 §5.1: token_type is case-insensitive. "bearer" is the spec's "Bearer", not a broken answer.
  if (
    value &&
    typeof value === "object" &&
    typeof (value as { token_type?: unknown }).token_type === "string" &&
    (value as { token_type: string }).token_type.toLowerCase() === "bearer"
  ) {
    (value as { token_type: string }).token_type = "Bearer";
  }
  const validator = validatorFor(context, documentedResponse(context.responses, ex.status));
  if (context.validateResponses && validator) {
    const { problems, omitted } = checkBounded(validator, value);
    if (problems.length > 0) throw contractViolation(ex, context, problems, omitted);
  }
  return value;
}

/** The validator of the schema a documented response names, if the client has it (test/client/login/statuses.test.ts makes sure). */
function validatorFor(context: ExchangeContext, documented: DocumentedResponse | undefined): Validator | undefined {
  const name = documented?.schema;
  return name ? context.schemaValidators[name] : undefined;
}

function requireJson(ex: Exchange, context: ExchangeContext, what: string): unknown {
  const problems = ex.body.type === "json" && !context.validateResponses ? undefined : problemsWithJson(ex, what);
  if (problems) throw contractViolation(ex, context, problems);
  return ex.body.type === "json" ? ex.body.value : undefined;
}

/** A JSON body with a JSON media type, or the rule it breaks. */
function problemsWithJson(ex: Exchange, what: string): LoginErrorDetail[] | undefined {
  if (ex.body.type !== "json") {
    const was = ex.body.type === "empty" ? "empty" : "not JSON";
    return [{ pointer: "", rule: "json", message: `the ${what} body must be JSON but was ${was}` }];
  }
  if (!isJsonMediaType(ex.headers.get("content-type"))) {
    return [{ pointer: "", rule: "content-type", message: "the response's Content-Type must be application/json" }];
  }
  return undefined;
}

export function contractViolation(ex: Exchange, context: ExchangeContext, details: LoginErrorDetail[], omitted = 0): LoginError {
  // The first problem, and how many more (LoginError keeps the first few and counts the rest).
  const more = details.length - 1 + omitted;
  return new LoginError(
    "contract_violation",
    `${context.operation}: the ${ex.status} response broke the API contract: ${summarize(details.slice(0, 1))}${more > 0 ? ` (and ${more} more)` : ""}`,
    { status: ex.status, requestId: shownServerText(ex, context).requestId, details, detailsOmitted: omitted },
  );
}

/**
 * At most this many validation errors are turned into details (the rest only counted): a hostile
 * body of 500,000 failing items must not become 500,000 details. Our own number.
 */
const validationErrorsRead = 20;

/**
 * `check` of src/validation.ts, reading only the first `validationErrorsRead` of the validator's
 * errors, and releasing the validator's error list (it is shared and would keep them all alive).
 */
function checkBounded(validator: Validator, value: unknown): { problems: LoginErrorDetail[]; omitted: number } {
  let total = 0;
  const bounded: Validator = (data) => {
    const valid = validator(data);
    const errors = validator.errors ?? [];
    total = errors.length;
    bounded.errors = errors.length > validationErrorsRead ? errors.slice(0, validationErrorsRead) : errors;
    validator.errors = null;
    return valid;
  };
  const problems = check(bounded, value);
  bounded.errors = null;
  return { problems, omitted: Math.max(0, total - validationErrorsRead) };
}

/**
 * Any response but the documented success. A 5xx is a `server_error` whatever its body (proxies
 * answer 502 with HTML; RFC 9110 §15.6); a status the spec documents gets the kind of its meaning
 * (`statusMeanings`), and its body must be what the spec documents (JSON, with its schema) when
 * `validateResponses` is on; any other status is a `contract_violation`, and so is a status outside
 * 100-599, which HTTP does not define (RFC 9110 §15) but fetch hands over.
 */
export function failureToError(ex: Exchange, context: ExchangeContext): LoginError {
  const { status } = ex;
  if (!(status >= 100 && status <= 599)) {
    return contractViolation(ex, context, [{ pointer: "", rule: "status", message: `status ${status} is outside HTTP's 100-599` }]);
  }
  // Decisions that read server text are made on the raw text; only what we repeat is redacted.
  const serverError = readServerError(ex.body);
  const { code, requestId } = shownServerText(ex, context);
  const suffix = serverTextSuffix(ex, context);
  const documented = documentedResponse(context.responses, status);
  const kind = kindOfStatus(status);
  if (kind === "server_error") {
    return new LoginError("server_error", `${context.operation} failed: server error ${status}${suffix}`, { status, code, requestId });
  }
  if (!documented || !kind) {
    const why = documented ? "is documented, but this client does not know what it means" : "is not a documented response";
    const details = [{ pointer: "", rule: "status", message: `status ${status} ${why}${undocumentedHint(status, context)}` }];
    return contractViolation(ex, context, details);
  }
  // With validation off we trust the status and read what we can of the body.
  const value = ex.body.type === "json" ? ex.body.value : undefined;
  if (context.validateResponses && documented.mediaTypes.some(isJsonMediaType)) {
    const validator = validatorFor(context, documented);
    const notJson = problemsWithJson(ex, "error");
    const { problems, omitted } = notJson ? { problems: notJson, omitted: 0 } : validator ? checkBounded(validator, value) : { problems: [], omitted: 0 };
    if (problems.length > 0) return contractViolation(ex, context, problems, omitted);
  }
  const init = { status, code, requestId };
  const refusal = context.bearerAuth ? refusalOf(ex, context) : undefined;
  if (refusal?.refused === "bearer") {
    return new LoginError(
      "bearer_refused",
      `${context.operation}: the server refused this client's bearer (${status}); the customer's credentials were not judged${suffix}`,
      init,
    );
  }
  const whose = refusal?.refused === "unknown" ? "; the response does not say whether the customer's credentials or the client's bearer" : "";
  switch (kind) {
    case "bad_request":
      return new LoginError(kind, `${context.operation} was rejected as a bad request (${status})${suffix}`, init);
    case "unauthorized":
      return new LoginError(kind, `${context.operation} was not authorized (${status}${whose})${suffix}`, { ...init, refused: refusal?.refused });
    case "forbidden": {
      if (serverError.code === "mfa_required") {
        const unusable = mfaTokenProblems(value);
        if (unusable.length > 0) return contractViolation(ex, context, unusable);
        const mfaToken = readString(value, "mfa_token");
        return new LoginError("mfa_required", `${context.operation} needs multi-factor authentication (${status})${suffix}`, {
          ...init,
          mfaToken,
        });
      }
      return new LoginError(kind, `${context.operation} was forbidden (${status}${whose})${suffix}`, { ...init, refused: refusal?.refused });
    }
    case "rate_limited": {
      // Read where the spec documents it (RFC 9110 §10.2.3 grammar).
      const parsed = documented.headers.includes("retry-after") ? parseRetryAfter(ex.headers.get("retry-after")) : undefined;
      // Clamped here, where the field is produced: a server cannot make a caller wait (or a
      // timer overflow) past `maxRetryAfterSeconds`.
      const retryAfterSeconds = parsed === undefined ? undefined : Math.min(parsed, maxRetryAfterSeconds);
      const wait = retryAfterSeconds === undefined ? "" : `; retry after ${retryAfterSeconds} s`;
      return new LoginError(kind, `${context.operation} was rate limited (${status})${wait}${suffix}`, {
        ...init,
        retryAfterSeconds,
      });
    }
  }
}

/** What a message repeats of the server's answer: `: <error.message> (request-id <id>)`, redacted (see shownServerText), or "". */
export function serverTextSuffix(ex: Exchange, context: ExchangeContext): string {
  const { message, requestId } = shownServerText(ex, context);
  return `${message ? `: ${message}` : ""}${requestId ? ` (request-id ${requestId})` : ""}`;
}

/** `host:port` of a URL, or the URL itself if it does not parse. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * What was asked for, for an undocumented status; for a 404, a hint at the usual cause: a
 * `baseUrl` without Dintero's `/v1` (`https://api.dintero.com` instead of `https://api.dintero.com/v1`).
 */
function undocumentedHint(status: number, context: ExchangeContext): string {
  if (!context.target) return "";
  const asked = ` (asked for ${context.target.url})`;
  if (status !== 404) return asked;
  let path = "";
  try {
    path = new URL(context.target.baseUrl).pathname;
  } catch {
    // readBaseUrl has parsed it already
  }
  const v1 = /\/v1\/?$/.test(path)
    ? "check baseUrl and accountId"
    : `baseUrl ${context.target.baseUrl} does not end in /v1, where Dintero's API is (https://api.dintero.com/v1)`;
  return `${asked}: no such path; ${v1}`;
}

/**
 * For a 401 or 403 to a request made with a bearer: whose credentials were refused. What the
 * response says (src/refusal.ts) comes first. Failing a sign, a status the spec documents for this
 * operation with the meaning `auth_refusal` (RFC 9110 §15.5.2: the request "lacks valid
 * authentication credentials", and the bearer is the only credential of the request itself) is the
 * bearer's refusal: the login's 401 is documented for an invalid bearer only (a wrong password is
 * its 403). A status not documented so (an undocumented 401, a 403) keeps saying nothing: a suspect.
 */
export function refusalOf(ex: Exchange, context: ExchangeContext): Refusal | undefined {
  if (ex.status !== 401 && ex.status !== 403) return undefined;
  const refusal = readRefusal(ex.headers, readServerError(ex.body).code);
  return refusal.refused === "unknown" && documentedResponse(context.responses, ex.status)?.meaning === "auth_refusal" ? bearerRejected : refusal;
}

const bearerRejected: Refusal = { refused: "bearer", evidence: "rejected" };

/** Dintero's `error.code` and `error.message`, when present, as the server sent them. */
function readServerError(body: ResponseBody): { code?: string | undefined; message?: string | undefined } {
  if (body.type !== "json") return {};
  const error = (body.value as { error?: unknown } | null)?.error;
  return { code: readString(error, "code"), message: readString(error, "message") };
}

/**
 * The exchange's own secrets and every token the response carries; undefined when the response
 * carries more than redact.ts's `tokenCaps` allow, and then none of its text is repeated.
 */
function secretsOf(ex: Exchange, context: ExchangeContext): string[] | undefined {
  const own = context.secrets.filter((secret): secret is string => typeof secret === "string");
  if (ex.body.type !== "json") return own;
  const tokens = tokensIn(ex.body.value);
  return tokens && [...own, ...tokens];
}

interface ShownServerText {
  readonly code: string | undefined;
  readonly message: string;
  readonly requestId: string | undefined;
}

const shownTexts = new WeakMap<Exchange, ShownServerText>();

/**
 * The server's `error.code` (100 characters shown at most), `error.message` (300) and `request-id`
 * header (200), redacted together (redact.ts builds the secrets' forms once per exchange), once
 * per exchange. Nothing is shown when the response carries more tokens than redact.ts's `tokenCaps`.
 * The request id is kept only if what is left is printable ASCII (a real one is a short hex id):
 * fetch reads header bytes as Latin-1, so anything else is mis-decoded text we would rather not repeat.
 */
function shownServerText(ex: Exchange, context: ExchangeContext): ShownServerText {
  const known = shownTexts.get(ex);
  if (known) return known;
  const { code, message } = readServerError(ex.body);
  const id = ex.headers.get("request-id") || undefined;
  const secrets = secretsOf(ex, context);
  let shown: ShownServerText = { code: undefined, message: "", requestId: undefined };
  if (secrets && (code !== undefined || message !== undefined || id !== undefined)) {
    const [c, m, r] = redactServerTexts(
      [
        [code ?? "", 100],
        [message ?? "", 300],
        [id ?? "", 200],
      ],
      secrets,
    );
    shown = {
      code: code === undefined ? undefined : c,
      message: message === undefined ? "" : m!,
      requestId: id !== undefined && /^[\x20-\x7e]+…?$/.test(r!) ? r : undefined,
    };
  }
  shownTexts.set(ex, shown);
  return shown;
}

/**
 * The longest `mfa_token` a LoginError keeps, in characters: this client's bound, not Dintero's
 * (Dintero documents no length; its example is 36 characters). What one error holds stays bounded.
 */
export const maxMfaTokenLength = 8192;

/**
 * An `mfa_token`, when the body has one, is judged like a token (src/bearer.ts, with
 * validateResponses on or off): a non-empty RFC 6750 b64token (no CR/LF, nothing a header or log
 * line could not carry as it is), at most `maxMfaTokenLength` characters. An unusable one is the
 * server's contract violation, never a token handed to the caller.
 */
function mfaTokenProblems(value: unknown): LoginErrorDetail[] {
  if (typeof value !== "object" || value === null || !("mfa_token" in value)) return [];
  const token = (value as { mfa_token?: unknown }).mfa_token;
  if (token === undefined) return [];
  if (typeof token === "string" && token.length > maxMfaTokenLength) {
    return [{ pointer: "/mfa_token", rule: "maxLength", message: `must be at most ${maxMfaTokenLength} characters (this client's bound)` }];
  }
  return isUsableBearer(token) ? [] : [{ pointer: "/mfa_token", rule: "b64token", message: bearerRule }];
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}

/**
 * A `fetch` for openapi-fetch's `fetch` option that sends a JSON body as the string it already
 * is. openapi-fetch builds a `Request` and calls `fetch(request)`; when that Request reaches the
 * platform fetch as it is, undici streams its body (a ReadableStream) and follows its signal
 * (listeners and weak references): together about 15% of a loopback login (bench/, "client
 * overhead"). So the platform fetch gets the Request's URL, method, headers and redirect mode with
 * the serialised string and `signal` instead. openapi-fetch is not given the signal: the deadline
 * is this function's. Used only for login(), and only with the platform fetch: a custom `fetch`
 * option gets the Request it was promised, following the deadline's signal.
 */
export function sendJsonAsString(serialized: string, signal: AbortSignal): (request: Request) => Promise<Response> {
  return (request) => {
    const { url, method, headers, redirect } = request;
    return fetch(url, { method, headers, body: serialized, signal, redirect });
  };
}
