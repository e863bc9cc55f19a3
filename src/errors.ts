// LoginError: the one error type the client rejects with, and the redaction rules it obeys.

/** Every way a login, a refresh, a revoke or an MFA step (or getting its bearer) can fail; `switch` on it exhaustively. */
export const loginErrorKinds = [
  "invalid_request",
  "bad_request",
  "unauthorized",
  "forbidden",
  "bearer_refused",
  "mfa_required",
  "rate_limited",
  "server_error",
  "timeout",
  "aborted",
  "network",
  "contract_violation",
  "client_token_failed",
  // The session after login (client.refresh, client.mfa): a refusal of what the customer's session holds.
  "refresh_token_invalid",
  "mfa_token_invalid",
  "mfa_code_invalid",
] as const;

export type LoginErrorKind = (typeof loginErrorKinds)[number];

/** Where and which rule: a JSON pointer into the checked value, never the value itself. */
export interface LoginErrorDetail {
  /** JSON pointer (RFC 6901) into the login body, the response body, or the createLoginClient options (`/baseUrl`); "" is the whole value. */
  readonly pointer: string;
  /** The rule that failed: a JSON Schema keyword (`minLength`, `anyOf`, ...) or `json`, `status`, `content-type`. */
  readonly rule: string;
  /** What is wrong, in words; never contains the offending value. */
  readonly message: string;
}

export interface LoginErrorInit {
  status?: number | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  details?: readonly LoginErrorDetail[] | undefined;
  retryAfterSeconds?: number | undefined;
  mfaToken?: string | undefined;
  refused?: "customer" | "unknown" | undefined;
  detailsOmitted?: number | undefined;
  causeKind?: Exclude<LoginErrorKind, "client_token_failed"> | undefined;
  cause?: unknown;
}

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

/**
 * The brand every copy of this package puts on its LoginErrors (two installed versions, or the
 * browser build next to the server build): `isLoginError` recognises any copy's errors by it.
 * Documented in docs/client.md; its value is the kind list's version, 1.
 */
export const loginErrorBrand = Symbol.for("dintero-login-kit.LoginError");

/**
 * What one error holds and prints is bounded by these constants, whatever a server sends:
 * at most `details` details (the rest counted in `detailsOmitted`), each field cut to its length.
 * Our own numbers: a 1 MiB hostile body must not become megabytes per error.
 */
export const errorBounds = { details: 5, pointer: 200, rule: 40, message: 300, errorMessage: 1000 } as const;

/**
 * Every LoginError this module made. A brand check that reads nothing from the value: `instanceof`
 * runs a Proxy's getPrototypeOf trap, which can throw (a revoked Proxy) or lie.
 */
const branded = new WeakSet<object>();

/**
 * The error `login()` rejects with. It never holds the request body, headers or the raw
 * Response, and its message is built from our own words plus server text that has had every
 * known secret removed (see `redactServerText` in redact.ts).
 */
export class LoginError extends Error {
  declare readonly name: "LoginError";
  readonly kind: LoginErrorKind;
  // `declare`: absent fields stay absent (no own `undefined` properties in util.inspect).
  /** HTTP status of the response, when there was one. */
  declare readonly status?: number;
  /** Dintero's `error.code`, when the response had one. */
  declare readonly code?: string;
  /** The response's `request-id` header: quote it to Dintero support. */
  declare readonly requestId?: string;
  /** For `invalid_request` and `contract_violation`: which rule failed where. */
  declare readonly details?: readonly LoginErrorDetail[];
  /** How many more details there were than `details` holds (at most 5 are kept). */
  declare readonly detailsOmitted?: number;
  /**
   * For `rate_limited`: the response's `Retry-After`, in seconds, clamped to at most
   * `maxRetryAfterSeconds` (3,600): a server cannot make a caller wait, or count, past an hour.
   * For `client_token_failed` while a failed token request backs off: the seconds until the next may be tried.
   */
  declare readonly retryAfterSeconds?: number;
  /**
   * For `unauthorized` and `forbidden` from the login: `customer` when the response says the
   * customer's credentials were refused (OAuth's `invalid_grant`), `unknown` when it does not say
   * whose were (the customer's or the bearer's; the client then refreshes its bearer within a
   * budget). A response that blames the bearer is kind `bearer_refused` instead.
   */
  declare readonly refused?: "customer" | "unknown";
  /**
   * For `client_token_failed`: the kind of the failure getting the bearer (`timeout`, `network`,
   * `rate_limited`, `unauthorized` for refused client credentials, ...), the `kind` of `cause`.
   * Absent only when your own `accessToken` function threw.
   */
  declare readonly causeKind?: Exclude<LoginErrorKind, "client_token_failed">;
  /**
   * For `mfa_required`: the token to continue the login with multi-factor authentication.
   * It is a credential, so it is not enumerable and is left out of `toJSON()` and `util.inspect`.
   */
  declare readonly mfaToken?: string;

  constructor(kind: LoginErrorKind, message: string, init: LoginErrorInit = {}) {
    super(cutText(message, errorBounds.errorMessage));
    branded.add(this);
    this.kind = kind;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.details !== undefined) {
      const kept = init.details.slice(0, errorBounds.details).map(boundDetail);
      this.details = Object.freeze(kept);
      const omitted = (init.detailsOmitted ?? 0) + init.details.length - kept.length;
      if (omitted > 0) this.detailsOmitted = omitted;
    }
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.refused !== undefined) this.refused = init.refused;
    if (init.causeKind !== undefined) this.causeKind = init.causeKind;
    // Non-enumerable: JSON.stringify and util.inspect's property listing skip them.
    if (init.mfaToken !== undefined) {
      Object.defineProperty(this, "mfaToken", { value: init.mfaToken, enumerable: false });
    }
    if (init.cause !== undefined) {
      Object.defineProperty(this, "cause", { value: init.cause, enumerable: false, writable: true, configurable: true });
    }
  }

  /** A plain, secret-free object for logs. `cause` is included only when it is itself a LoginError. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, kind: this.kind, message: this.message };
    if (this.status !== undefined) json.status = this.status;
    if (this.code !== undefined) json.code = this.code;
    if (this.requestId !== undefined) json.requestId = this.requestId;
    if (this.details !== undefined) json.details = this.details;
    if (this.detailsOmitted !== undefined) json.detailsOmitted = this.detailsOmitted;
    if (this.retryAfterSeconds !== undefined) json.retryAfterSeconds = this.retryAfterSeconds;
    if (this.refused !== undefined) json.refused = this.refused;
    if (this.causeKind !== undefined) json.causeKind = this.causeKind;
    if (isLoginError(this.cause)) json.cause = this.cause.toJSON();
    return json;
  }

  override toString(): string {
    return `${this.name} [${this.kind}]: ${this.message}`;
  }

  /** Node's util.inspect: the stack (our message + frames) and the safe fields only. */
  [inspectCustom](): string {
    const { name: _name, kind: _kind, message: _message, ...fields } = this.toJSON();
    const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    return `${this.stack ?? this.toString()}${extra}`.replace(/^LoginError:/, `LoginError [${this.kind}]:`);
  }
}

Object.defineProperty(LoginError.prototype, "name", { value: "LoginError", enumerable: false });
Object.defineProperty(LoginError.prototype, loginErrorBrand, { value: 1, enumerable: false });
// A minifier renames the class; `err.constructor.name` still says LoginError.
Object.defineProperty(LoginError, "name", { value: "LoginError" });

/**
 * True for a LoginError made by this module or by any other copy of this package (its
 * `Symbol.for("dintero-login-kit.LoginError")` brand); never throws, whatever `value` is (a Proxy included).
 */
export function isLoginError(value: unknown): value is LoginError {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  if (branded.has(value)) return true;
  try {
    return (value as Record<symbol, unknown>)[loginErrorBrand] === 1 && value instanceof Error;
  } catch {
    return false; // a revoked Proxy, a throwing trap
  }
}

/** A detail within `errorBounds`: each string cut (with "…") to its bound. */
function boundDetail(detail: LoginErrorDetail): LoginErrorDetail {
  return {
    pointer: cutText(detail.pointer, errorBounds.pointer),
    rule: cutText(detail.rule, errorBounds.rule),
    message: cutText(detail.message, errorBounds.message),
  };
}

/** `text` cut to `max` UTF-16 units, ending in "…" when cut (never in the middle of a surrogate pair). */
function cutText(text: unknown, max: number): string {
  const value = typeof text === "string" ? text : String(text);
  if (value.length <= max) return value;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(value[end - 1] ?? "")) end--;
  return `${value.slice(0, end)}…`;
}

/**
 * A new LoginError with the same fields as `error` (its cause copied too when it is a LoginError):
 * what a shared failure gives each caller, so that no two callers hold the same object.
 */
export function copyLoginError(error: unknown): unknown {
  if (!isLoginError(error) || !(error instanceof LoginError)) return error;
  const cause = error.cause instanceof LoginError ? copyLoginError(error.cause) : error.cause;
  const copy = new LoginError(error.kind, error.message, {
    status: error.status,
    code: error.code,
    requestId: error.requestId,
    details: error.details,
    detailsOmitted: error.detailsOmitted,
    retryAfterSeconds: error.retryAfterSeconds,
    mfaToken: error.mfaToken,
    refused: error.refused,
    causeKind: error.causeKind,
    cause,
  });
  copy.stack = error.stack;
  return copy;
}

/**
 * A stand-in for a thrown value we did not make: an Error whose message is a safe `code` (or the
 * name) of the value or of its `cause`, never the value's own text, which we do not control. Every
 * read is guarded: a getter that throws, a revoked Proxy or a Symbol `name` yields "Error".
 */
export function sanitizeCause(error: unknown): Error {
  const inner = readField(error, "cause");
  const code = safeCode(inner) ?? safeCode(error);
  const name = safeName(inner) ?? safeName(error) ?? "Error";
  const safe = new Error(code ?? name);
  safe.name = name;
  if (code !== undefined) (safe as Error & { code?: string }).code = code;
  return safe;
}

/** The safe system code a `sanitizeCause` result carries, if any. */
export function causeCode(cause: Error): string | undefined {
  const { code } = cause as Error & { code?: unknown };
  return typeof code === "string" ? code : undefined;
}

/** What a system code means, in a few words, for the ones a misconfigured client meets first. */
export function describeCode(code: string): string | undefined {
  if (tlsCode.test(code) || /^ERR_(?:TLS|SSL)_/.test(code)) return "the server's TLS certificate was not accepted";
  return systemCodes[code];
}

// Pure: a bundle that never calls describeCode (the browser entry) drops the table.
const systemCodes: Record<string, string> = /* @__PURE__ */ Object.assign(Object.create(null) as Record<string, string>, {
  ECONNREFUSED: "connection refused: nothing listens there",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed for now",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPROTO: "protocol error (plain HTTP on an https: URL?)",
  UND_ERR_SOCKET: "the connection closed",
});

/**
 * OpenSSL's certificate verification errors as Node reports them (tls docs, "X509 certificate
 * error codes": CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, DEPTH_ZERO_SELF_SIGNED_CERT, ...).
 */
const tlsCode =
  /^(?:(?:CERT|CRL|UNABLE_TO|ERROR_IN)_[A-Z_]{2,40}|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|INVALID_(?:CA|PURPOSE)|PATH_LENGTH_EXCEEDED)$/;

/** `value[key]` for an Error (by instanceof, guarded), else undefined; never throws. */
function readField(value: unknown, key: "cause" | "name" | "code"): unknown {
  try {
    return value instanceof Error ? (value as unknown as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** A name such as `TypeError` or `AbortError`: letters only, so it cannot carry a secret's text. */
function safeName(error: unknown): string | undefined {
  const name = readField(error, "name");
  return typeof name === "string" && /^[A-Za-z]{1,40}$/.test(name) ? name : undefined;
}

/** A system or Node code such as `ECONNREFUSED`, `EAI_AGAIN`, `ERR_INVALID_URL`, `UND_ERR_SOCKET`, `HPE_INVALID_CHUNK_SIZE`
 * or a certificate error (`CERT_HAS_EXPIRED`): any other code of a thrown value (which a caller's function may fill with
 * anything) is dropped. */
function safeCode(error: unknown): string | undefined {
  const code = readField(error, "code");
  if (typeof code !== "string") return undefined;
  return /^(?:E[A-Z]{2,20}|EAI_[A-Z]{2,20}|(?:ERR|UND_ERR|HPE)_[A-Z0-9_]{1,36})$/.test(code) || tlsCode.test(code) ? code : undefined;
}
