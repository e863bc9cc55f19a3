// LoginError: the one error type the client rejects with, and the redaction rules it obeys.

/** Every way a login (or getting its bearer) can fail; `switch` on it exhaustively. */
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
  causeKind?: Exclude<LoginErrorKind, "client_token_failed"> | undefined;
  cause?: unknown;
}

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

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
  /** For `rate_limited`: the response's `Retry-After`, in seconds. */
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
    super(message);
    branded.add(this);
    this.kind = kind;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.details !== undefined) this.details = Object.freeze([...init.details]);
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
// A minifier renames the class; `err.constructor.name` still says LoginError.
Object.defineProperty(LoginError, "name", { value: "LoginError" });

/** True for a LoginError made by this module; never throws, whatever `value` is (a Proxy included). */
export function isLoginError(value: unknown): value is LoginError {
  return (typeof value === "object" || typeof value === "function") && value !== null && branded.has(value);
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

const systemCodes: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
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
const tlsCode = /^(?:(?:CERT|CRL|UNABLE_TO|ERROR_IN)_[A-Z_]{2,40}|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|INVALID_(?:CA|PURPOSE)|PATH_LENGTH_EXCEEDED)$/;

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
