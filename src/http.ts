// One HTTP exchange: deadline (timeout + caller's signal), body reading that never throws a
// SyntaxError, and turning a response that is not the documented success into a LoginError.
import type { Validator } from "../generated/validators.js";
import { validateError } from "../generated/client-validators.js";
import { LoginError, redactSecrets, sanitizeCause, type LoginErrorDetail } from "./errors.ts";
import { check, summarize } from "./validation.ts";

/** What came back, with the body read as far as it could be. */
export interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: ResponseBody;
}

export type ResponseBody =
  | { readonly type: "empty" }
  | { readonly type: "json"; readonly value: unknown }
  | { readonly type: "not-json" };

/** Which call this is, for messages, and what to keep out of them. */
export interface ExchangeContext {
  /** e.g. "login" or "client token request". */
  readonly operation: string;
  /** Known secrets of this exchange, removed from any server text we repeat. */
  readonly secrets: readonly (string | undefined)[];
  readonly validateResponses: boolean;
}

/** The result shape of an openapi-fetch call made with `parseAs: "text"`. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * Runs `send` with a signal that aborts after `timeoutMs` or when the caller's signal does, and
 * reads the body before the deadline is lifted (a slow body is a timeout too).
 */
export async function exchange(
  context: ExchangeContext,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  send: (signal: AbortSignal) => Promise<FetchResult>,
): Promise<Exchange> {
  throwIfAborted(context.operation, callerSignal);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`${context.operation} timed out after ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    const result = await send(controller.signal);
    return { status: result.response.status, headers: result.response.headers, body: readBody(result) };
  } catch (error) {
    if (error instanceof LoginError) throw error;
    if (callerSignal?.aborted) throw abortedError(context.operation, callerSignal);
    if (timedOut) throw new LoginError("timeout", `${context.operation} timed out after ${timeoutMs} ms`);
    const cause = sanitizeCause(error);
    throw new LoginError("network", `${context.operation} failed: network error (${cause.message})`, { cause });
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener("abort", onCallerAbort);
  }
}

export function throwIfAborted(operation: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(operation, signal);
}

/** The caller aborted: we reject with a LoginError too, keeping their reason as `cause`. */
export function abortedError(operation: string, signal: AbortSignal): LoginError {
  return new LoginError("aborted", `${operation} was aborted by the caller`, { cause: signal.reason });
}

/** Waits for `promise`, but gives up as soon as `signal` aborts. */
export function raceAbort<T>(operation: string, promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(operation, signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(operation, signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * openapi-fetch with `parseAs: "text"` hands over a success body as text, and an error body as
 * parsed JSON when it parses and as text when it does not. JSON.parse errors are swallowed here:
 * their messages quote the body, which may hold a token.
 */
function readBody(result: FetchResult): ResponseBody {
  if (result.response.ok) return parseText(result.data);
  const { error } = result;
  if (error === undefined) return { type: "empty" };
  if (typeof error === "string") return error.trim() === "" ? { type: "empty" } : { type: "not-json" };
  return { type: "json", value: error };
}

function parseText(text: unknown): ResponseBody {
  if (typeof text !== "string" || text.trim() === "") return { type: "empty" };
  try {
    return { type: "json", value: JSON.parse(text) as unknown };
  } catch {
    return { type: "not-json" };
  }
}

/** `application/json; charset=utf-8` is JSON: compare the media type without its parameters. */
export function isJsonMediaType(contentType: string | null): boolean {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || /^application\/[^/]+\+json$/.test(mediaType);
}

/**
 * The JSON body of a documented success response, checked against `validator` when
 * `validateResponses` is on. Anything else is a `contract_violation`.
 */
export function readSuccessBody(ex: Exchange, validator: Validator, context: ExchangeContext): unknown {
  const value = requireJson(ex, context, "Success");
  if (context.validateResponses) {
    const problems = check(validator, value);
    if (problems.length > 0) throw contractViolation(ex, context, problems);
  }
  return value;
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

function contractViolation(ex: Exchange, context: ExchangeContext, details: LoginErrorDetail[]): LoginError {
  return new LoginError(
    "contract_violation",
    `${context.operation}: the ${ex.status} response broke the API contract: ${summarize(details)}`,
    { status: ex.status, requestId: readRequestId(ex, context), details },
  );
}

/**
 * Any response but the documented success. 400/401/403/429 must carry the spec's error body;
 * a 5xx is a `server_error` whatever its body (proxies answer 502 with HTML); any other status
 * is not in the spec, so it is a `contract_violation`.
 * `errorValidator` is `validateError`, or `validateMfaError` where the spec documents it.
 */
export function failureToError(ex: Exchange, context: ExchangeContext, errorValidator: Validator = validateError): LoginError {
  const requestId = readRequestId(ex, context);
  const { status } = ex;
  const serverError = readServerError(ex.body, context);
  const suffix = `${serverError.message ? `: ${serverError.message}` : ""}${requestId ? ` (request-id ${requestId})` : ""}`;
  if (status >= 500) {
    return new LoginError("server_error", `${context.operation} failed: server error ${status}${suffix}`, {
      status,
      code: serverError.code,
      requestId,
    });
  }
  const kind = clientErrorKinds[status];
  if (!kind) {
    const details = [{ pointer: "", rule: "status", message: `status ${status} is not a documented response` }];
    return contractViolation(ex, context, details);
  }
  // With validation off we trust the status and read what we can of the body.
  const value = ex.body.type === "json" ? ex.body.value : undefined;
  if (context.validateResponses) {
    const problems = problemsWithJson(ex, "error") ?? check(errorValidator, value);
    if (problems.length > 0) return contractViolation(ex, context, problems);
  }
  const init = { status, code: serverError.code, requestId };
  switch (kind) {
    case "bad_request":
      return new LoginError(kind, `${context.operation} was rejected as a bad request (400)${suffix}`, init);
    case "unauthorized":
      return new LoginError(kind, `${context.operation} was not authorized (401)${suffix}`, init);
    case "forbidden": {
      if (serverError.code === "mfa_required") {
        const mfaToken = readString(value, "mfa_token");
        return new LoginError("mfa_required", `${context.operation} needs multi-factor authentication (403)${suffix}`, {
          ...init,
          mfaToken,
        });
      }
      return new LoginError(kind, `${context.operation} was forbidden (403)${suffix}`, init);
    }
    case "rate_limited": {
      const retryAfterSeconds = parseRetryAfter(ex.headers.get("retry-after"));
      const wait = retryAfterSeconds === undefined ? "" : `; retry after ${retryAfterSeconds} s`;
      return new LoginError(kind, `${context.operation} was rate limited (429)${wait}${suffix}`, {
        ...init,
        retryAfterSeconds,
      });
    }
  }
}

const clientErrorKinds: Partial<Record<number, "bad_request" | "unauthorized" | "forbidden" | "rate_limited">> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  429: "rate_limited",
};

/** Dintero's `error.code` and `error.message`, when present, with known secrets removed. */
function readServerError(body: ResponseBody, context: ExchangeContext): { code?: string; message?: string } {
  if (body.type !== "json") return {};
  const error = (body.value as { error?: unknown } | null)?.error;
  const secrets = [...context.secrets, ...tokensIn(body.value)];
  const code = readString(error, "code");
  const message = readString(error, "message");
  return {
    code: code === undefined ? undefined : clip(redactSecrets(code, secrets), 100),
    message: message === undefined ? undefined : clip(redactSecrets(message, secrets), 300),
  };
}

/** Tokens a response carries, to keep them out of any message built from the same response. */
function tokensIn(value: unknown): string[] {
  return ["access_token", "refresh_token", "mfa_token"].flatMap((key) => readString(value, key) ?? []);
}

function readRequestId(ex: Exchange, context: ExchangeContext): string | undefined {
  const id = ex.headers.get("request-id");
  return id ? clip(redactSecrets(id, context.secrets), 200) : undefined;
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `Retry-After` is delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Per-request `Request` and `fetch` options for openapi-fetch that send a JSON body as the string
 * it already is. openapi-fetch builds a `Request` and calls `fetch(request)`; a Request holding a
 * body costs a ReadableStream that undici then streams, and one that follows a signal costs
 * listeners and weak references: together about 15% of a loopback login (bench/, "client
 * overhead"). So the Request openapi-fetch builds carries neither, and when that very Request
 * reaches fetch, the platform fetch gets its URL, method, headers and redirect mode with the
 * serialised string and `signal`. Any other Request is sent as it is. Used only for login(), on a
 * client without middleware, and only with the platform fetch: a custom `fetch` option gets the
 * Request it was promised.
 */
export function sendJsonAsString(
  serialized: string,
  signal: AbortSignal,
): { Request: typeof Request; fetch: (request: Request) => Promise<Response> } {
  let built: Request | undefined;
  function BodylessRequest(input: RequestInfo | URL, init: RequestInit = {}): Request {
    const { body: _body, signal: _signal, ...rest } = init;
    built = new Request(input, rest);
    return built;
  }
  // openapi-fetch checks what middleware returns with `instanceof` this constructor.
  BodylessRequest.prototype = Request.prototype;
  return {
    Request: BodylessRequest as unknown as typeof Request,
    fetch(request: Request) {
      if (request !== built) return fetch(request);
      const { url, method, headers, redirect } = request;
      return fetch(url, { method, headers, body: serialized, signal, redirect });
    },
  };
}
