// The client both entry points build on: checks the options once, wires openapi-fetch with the auth
// middleware, and logs customers in; the entry (src/index.ts, src/browser.ts) says how client credentials are served.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";
import { escapePointerToken } from "../lib/json-pointer.ts";
import { isLoopbackHost } from "../lib/loopback.ts";
import { loginResponses } from "../generated/client-responses.js";
import { validateAccessToken, validateAccountId, validateError, validateLoginCredentials, validateMfaError } from "../generated/client-validators.js";
import { bearerRule, isUsableBearer, providedBearer, scopeRefusedInBrowser, unusableTokenProblems, type BearerSource } from "./bearer.ts";
import { throwIfAborted } from "./deadline.ts";
import { isLoginError, LoginError, sanitizeCause, type LoginErrorDetail } from "./errors.ts";
import {
  contractViolation,
  exchange,
  failureToError,
  isDocumentedSuccess,
  readSuccessBody,
  refusalOf,
  sendJsonAsString,
  unreadResponse,
  type ExchangeContext,
  type ExchangeLimits,
  type FetchFunction,
} from "./http.ts";
import type { ClientCredentials, TokenRetryPolicy } from "./token-provider.ts";
import { readChallenge } from "./refusal.ts";
import { check, summarize } from "./validation.ts";

type Schemas = components["schemas"];

/** Distributes over a union, so that the either/or of `LoginCredentials` survives. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The body of a login: the spec's `LoginCredentials`, with `audience` defaulting to the client's. */
export type LoginCredentials = DistributiveOmit<Schemas["LoginCredentials"], "audience"> & {
  audience?: Schemas["LoginCredentials"]["audience"];
};

export type AccessToken = Schemas["AccessToken"];

/** Client credentials (server side only), or a bearer you already have; never both (`never` makes the mix a type error). */
export type LoginClientAuth =
  | { clientId: string; clientSecret: string; accessToken?: never }
  | { accessToken: string | (() => string | Promise<string>); clientId?: never; clientSecret?: never };

export interface LoginClientOptions {
  /** The Dintero account, `^[PT]\d{8}$` (T: test, P: production). */
  accountId: string;
  auth: LoginClientAuth;
  /** Default `https://api.dintero.com/v1`. Must be `https:` unless the host is loopback; no credentials, query or fragment. */
  baseUrl?: string | URL;
  /** Default `https://api.dintero.com/v1/accounts/{accountId}`: the token's and the login's audience. */
  audience?: string;
  /** A Fetch API implementation; default `globalThis.fetch`. Deadlines hold even if it ignores `signal`. */
  fetch?: (input: Request) => Promise<Response>;
  /** Per request (each token attempt and the login, body included), default 10,000 ms. */
  timeoutMs?: number;
  /** Largest response body read, in decoded bytes; default 1 MiB. A larger one is a `contract_violation`. */
  maxResponseBytes?: number;
  /** Check responses against the spec; default true. */
  validateResponses?: boolean;
  /** Keep `refresh_token` in login results when running in a browser; default false. */
  allowRefreshTokenInBrowser?: boolean;
  /** Retries of the client-credentials token request; the login itself is never retried. */
  tokenRetry?: Partial<TokenRetryPolicy>;
}

export interface LoginOptions {
  /**
   * Aborting rejects the login with a LoginError of kind `aborted`; a signal that aborts with a
   * `TimeoutError` (`AbortSignal.timeout(ms)`) rejects it with kind `timeout`.
   */
  signal?: AbortSignal;
}

/** The channel the customer gets the MFA binding code by (the spec's `oob_channel`: `sms` or `email`). */
export type MfaChannel = NonNullable<Schemas["MfaChallengeRequest"]["oob_channel"]>;

/**
 * The first step of an MFA login, from the `mfa_required` LoginError (`client.mfa(error)`): ask
 * Dintero to send the customer a binding code. It has no `complete`: the code step comes from here.
 */
export interface MfaChallengeStep {
  /** Which step this is, to tell the steps apart when you keep either (`step.stage === "challenge"`). */
  readonly stage: "challenge";
  /**
   * Sends the customer a code by `channel` and resolves to the step that completes the login with it.
   * May be called again (a new code; the last one counts).
   */
  challenge(request: { channel: MfaChannel }, options?: LoginOptions): Promise<MfaCodeStep>;
}

/** The second step of an MFA login: the code the customer received. */
export interface MfaCodeStep {
  readonly stage: "code";
  /**
   * Resolves to the customer's AccessToken. A wrong code rejects with `mfa_code_invalid` and this step
   * may be tried again (the server bounds the attempts); once it has resolved, it refuses to run again.
   */
  complete(bindingCode: string, options?: LoginOptions): Promise<AccessToken>;
}

export interface LoginClient {
  /** Resolves to the customer's AccessToken, or rejects with a LoginError. Never retried. */
  login(credentials: LoginCredentials, options?: LoginOptions): Promise<AccessToken>;
  /**
   * New tokens for the customer from the `refresh_token` of an earlier login, sent with this client's
   * bearer (a refresh token works only with a bearer of the client that created it). Concurrent calls
   * with the same refresh token share one request. Server side only: the browser build refuses it.
   */
  refresh(refreshToken: string, options?: LoginOptions): Promise<AccessToken>;
  /**
   * Revokes a refresh token (on logout, or when it may have leaked). Resolves whether or not the server
   * knew it (Dintero answers 200 `{}` either way). Server side only: the browser build refuses it.
   */
  revoke(refreshToken: string, options?: LoginOptions): Promise<void>;
  /**
   * The MFA login that the `mfa_required` LoginError of `login()` continues: first `challenge()`,
   * then `complete(code)`. Throws `invalid_request` for any other value. Server side only.
   */
  mfa(error: LoginError): MfaChallengeStep;
  /**
   * The openapi-fetch client for the spec's paths, with the auth middleware installed. It returns
   * what the server sent: no size limit, and no `refresh_token` removal in browsers.
   */
  readonly raw: Client<paths>;
}

export const defaultBaseUrl = "https://api.dintero.com/v1";
/** The schemas the login's documented responses name (test/client/login/statuses.test.ts checks the list against the spec). */
export const loginSchemaValidators = { AccessToken: validateAccessToken, Error: validateError, MfaError: validateMfaError };
const defaultTimeoutMs = 10_000;
/** Request Header Fields Too Large (RFC 6585 §5) and Content Too Large (RFC 9110 §15.5.14). */
const headersTooLarge = new Set([431, 413]);
const defaultMaxResponseBytes = 1024 * 1024;

/** What an entry point (src/index.ts, src/browser.ts) adds to the core. */
export interface EntryWiring {
  /** The browser entry: a browser whatever the global scope looks like (a Web Worker has no `document`). */
  browser?: true;
  /** The problems with `audience`, judged by the schema of each request body it goes into. */
  checkAudience(audience: unknown): LoginErrorDetail[];
  /**
   * Checks `tokenRetry` (already read once, an object or undefined), the one option only client
   * credentials use, into `problems`, and returns how they are served.
   * Absent in the browser entry, which refuses `{ clientId, clientSecret }`.
   */
  clientCredentials?: (tokenRetry: Partial<TokenRetryPolicy> | undefined, problems: LoginErrorDetail[]) => ClientCredentialsBearer;
  /** Words for a network failure's system code (src/errors.ts describeCode); the browser entry has none to meet. */
  describeCode?: (code: string) => string | undefined;
  /** `refresh`, `revoke` and `mfa` (src/session.ts); the browser entry's refuse before sending. */
  session(core: SessionCore): SessionMethods;
}

export type SessionMethods = Pick<LoginClient, "refresh" | "revoke" | "mfa">;

/** What the session methods share with login(): the settings, the plain client, the bearer and its secrets. */
export interface SessionCore {
  readonly settings: Settings;
  readonly limits: ExchangeLimits;
  readonly client: Client<paths>;
  readonly fetch: FetchFunction;
  readonly bearerSource: BearerSource;
  /** The client-credentials secrets, redacted from every exchange. */
  readonly clientSecrets: readonly string[];
}

/** The client-credentials bearer for these settings, and the secrets it adds to every exchange. */
export type ClientCredentialsBearer = (
  credentials: ClientCredentials,
  settings: Settings,
  tokenClient: Client<paths>,
  fetch: FetchFunction,
) => { bearerSource: BearerSource; secrets: string[] };

/** createLoginClient of an entry point. Throws only LoginError (`invalid_request`), whatever it is given. */
export function buildLoginClient(options: LoginClientOptions, wiring: EntryWiring): LoginClient {
  try {
    return buildClient(readOptions(options, wiring), wiring);
  } catch (error) {
    if (isLoginError(error)) throw error;
    throw new LoginError("invalid_request", "createLoginClient: the options could not be read", { cause: sanitizeCause(error) });
  }
}

function buildClient(settings: Settings, wiring: EntryWiring): LoginClient {
  const { accountId, audience, validateResponses } = settings;
  const customFetch = settings.fetch;
  const limits = { ...settings.limits, platformFetch: !customFetch, describeCode: wiring.describeCode };
  const fetchFunction: FetchFunction = customFetch ?? ((request) => fetch(request));
  // `redirect: "manual"`: a password or secret is never re-sent to wherever a 3xx points.
  const clientInit = { baseUrl: settings.baseUrl, redirect: "manual" as const, ...(customFetch ? { fetch: customFetch } : {}) };

  // The token request and login() set their own Authorization and handle a 401 themselves, so they
  // share one client without middleware: no detour through the middleware chain on every call
  // (bench/, "client overhead"). `raw` is for callers, with the auth middleware.
  const plainClient = createClient<paths>(clientInit);
  const { auth } = settings;
  const { bearerSource, secrets: clientSecrets } =
    "accessToken" in auth
      ? { bearerSource: providedBearer(auth.accessToken, settings.limits.timeoutMs), secrets: [] }
      : settings.clientCredentials!(auth, { ...settings, limits }, plainClient, fetchFunction);
  const raw = createClient<paths>(clientInit);
  raw.use(authMiddleware(bearerSource));
  const target = { url: `${trimSlash(settings.baseUrl)}/accounts/${accountId}/customers/login`, baseUrl: settings.baseUrl };

  async function loginOnce(credentials: LoginCredentials, loginOptions: LoginOptions | undefined): Promise<AccessToken> {
    const signal = readSignal(loginOptions);
    const { sent, serialized } = serializeCredentials(credentials, audience);
    throwIfAborted("login", signal);
    const bearer = await bearerSource.get(signal);
    if (settings.browser) refuseBroadBearer(bearer);
    const context: ExchangeContext = {
      operation: "login",
      responses: loginResponses,
      schemaValidators: loginSchemaValidators,
      secrets: [sent.password, bearer, ...clientSecrets],
      validateResponses,
      bearerAuth: true,
      target,
    };
    const ex = await exchange(context, limits, signal, (combined) =>
      unreadResponse(
        (fetch) =>
          // The path is written out because openapi-fetch types a call by its literal path: it is checked
          // against generated/schema.d.ts, so a path the spec changes fails `npm run typecheck`, naming it.
          plainClient.POST("/accounts/{aid}/customers/login", {
            params: { path: { aid: accountId } },
            body: sent,
            // A custom fetch gets a Request with the body that follows the deadline. For the platform
            // fetch, openapi-fetch's Request carries neither (sendJsonAsString sends both): a
            // bodySerializer that returns undefined leaves the Request without a body stream.
            ...(customFetch
              ? { bodySerializer: () => serialized, signal: combined, headers: { Authorization: `Bearer ${bearer}` } }
              : { bodySerializer: () => undefined as unknown as string, headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" } }),
            fetch,
          }),
        customFetch ?? sendJsonAsString(serialized, combined),
      ),
    );
    const evidence = refusalOf(ex, context)?.evidence ?? (headersTooLarge.has(ex.status) ? "rejected" : undefined);
    // A 431 or 413 to a login whose body is bounded by the spec: the bearer is what is too large
    // (RFC 6585 §5, RFC 9110 §15.5.14). It is replaced once (the budget of a sign, see invalidate).
    if (evidence) bearerSource.invalidate(bearer, evidence);
    if (!isDocumentedSuccess(ex, context)) throw failureToError(ex, context);
    const token = readSuccessBody(ex, context) as AccessToken;
    // The customer's token is judged by the rules the client's own bearer is (src/bearer.ts), with
    // validateResponses on or off: a token that cannot be sent or has expired on arrival is not a login.
    const problems = unusableTokenProblems(token);
    if (problems.length > 0) throw contractViolation(ex, context, problems);
    if (settings.browser && !settings.allowRefreshTokenInBrowser && typeof token === "object" && token !== null) {
      // Dintero: "A Single-Page Application should not ever receive a Refresh Token". Removed at any
      // depth: an open object may nest one where page code would still find it (JSON.stringify, a copy).
      withoutRefreshTokens(token, 0);
    }
    return token;
  }

  /** The last bearer the browser guard passed: a cached bearer is not decoded again on every login. */
  let passedBrowserGuard: string | undefined;
  function refuseBroadBearer(bearer: string): void {
    if (bearer === passedBrowserGuard) return;
    const scope = scopeRefusedInBrowser(bearer, settings.allowRefreshTokenInBrowser);
    if (scope === undefined) {
      passedBrowserGuard = bearer;
      return;
    }
    // The scope's name is public (a Dintero scope), but the claim is the caller's: shown only if short, printable ASCII.
    const named = /^[\x21-\x7e]{1,100}$/.test(scope) ? scope : scope.endsWith("no-mfa") ? "a …/no-mfa scope" : "refresh tokens";
    const message = `a bearer granting ${named} must not reach a browser: use a login client whose grants are limited to login, or log in from your server (docs/client.md, Browser posture)`;
    const cause = new LoginError("invalid_request", message, { details: [{ pointer: "/auth/accessToken", rule: "browser_scope", message }] });
    throw new LoginError("client_token_failed", `login: the bearer is refused in a browser: ${message}`, { cause, causeKind: "invalid_request" });
  }

  return {
    /** Rejects only with LoginError: anything unforeseen is wrapped (as `network`, its message dropped). */
    async login(credentials, loginOptions) {
      try {
        return await loginOnce(credentials, loginOptions);
      } catch (error) {
        if (isLoginError(error)) throw error;
        const cause = sanitizeCause(error);
        throw new LoginError("network", `login failed: unexpected error (${cause.message})`, { cause });
      }
    },
    raw,
    ...wiring.session({ settings, limits, client: plainClient, fetch: fetchFunction, bearerSource, clientSecrets }),
  };
}

/**
 * Serialises the credentials once, then validates what the server will receive (the parsed JSON,
 * after `toJSON`, getters and dropped properties) and sends exactly that string.
 */
function serializeCredentials(credentials: unknown, audience: string): { sent: Schemas["LoginCredentials"]; serialized: string } {
  let serialized: string | undefined;
  try {
    // The caller's value is serialised once, as they would serialise it (toJSON anywhere on its
    // prototype chain runs, each getter is read once); the default audience is added to the parsed
    // JSON, and the string sent is the one validated below.
    const json = JSON.stringify(credentials) as string | undefined;
    serialized = json === undefined ? undefined : (JSON.stringify(withAudience(JSON.parse(json), audience)) as string);
  } catch {
    // A BigInt, a cycle, or a getter or toJSON that throws; the error's message may quote values.
    throw invalidCredentials([{ pointer: "", rule: "json", message: "cannot be serialised as JSON" }]);
  }
  const sent: unknown = serialized === undefined ? undefined : JSON.parse(serialized);
  const problems = check(validateLoginCredentials, sent);
  // JSON.stringify escapes a lone surrogate as `\udXXX` and writes every other non-ASCII character raw.
  const lone = serialized?.includes("\\ud") ? loneSurrogateAt(sent, "") : undefined;
  // JSON.stringify writes a lone surrogate as `\udXXX`: not Unicode text, so a server decodes it
  // as U+FFFD or refuses it, and would check another password than the one typed.
  if (lone !== undefined) problems.push({ pointer: lone, rule: "unicode", message: "must not contain a lone UTF-16 surrogate" });
  if (problems.length > 0 || serialized === undefined) throw invalidCredentials(problems);
  return { sent: sent as Schemas["LoginCredentials"], serialized };
}

function invalidCredentials(problems: LoginErrorDetail[]): LoginError {
  return new LoginError("invalid_request", `login: the credentials are not valid: ${summarize(problems)}`, { details: problems });
}

/** The JSON pointer of the first string (or key) holding a lone surrogate, if any. */
function loneSurrogateAt(value: unknown, pointer: string): string | undefined {
  if (typeof value === "string") return /[\uD800-\uDFFF]/u.test(value) ? pointer : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, field] of Object.entries(value)) {
    const at = `${pointer}/${escapePointerToken(key)}`;
    const found = /[\uD800-\uDFFF]/u.test(key) ? at : loneSurrogateAt(field, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The login's options, read once: undefined or null (no options), or an object with only a
 * `signal`, which must be a real AbortSignal (checked by its internal slot, so a look-alike such
 * as `new EventTarget()` or a Proxy fails, and a signal from another realm passes). Anything else
 * is refused rather than half-used: a fake signal could never abort, or throw mid-login.
 */
export function readSignal(loginOptions: unknown, operation = "login"): AbortSignal | undefined {
  if (loginOptions === undefined || loginOptions === null) return undefined;
  const refuse = (pointer: string, message: string) =>
    new LoginError("invalid_request", `${operation}: options${pointer.replaceAll("/", ".")} ${message}`, { details: [{ pointer, rule: "type", message }] });
  if (typeof loginOptions !== "object") throw refuse("", "must be an object such as { signal }");
  let signal: unknown;
  try {
    const unknown = Object.keys(loginOptions).filter((key) => key !== "signal");
    if (unknown.length > 0) throw refuse(`/${keyName(unknown[0])}`, `is not an option of ${operation} (the only one is signal)`);
    signal = (loginOptions as { signal?: unknown }).signal;
  } catch (error) {
    if (isLoginError(error)) throw error;
    signal = null; // a getter or Proxy trap that throws: refused below
  }
  if (signal === undefined) return undefined;
  if (isAbortSignal(signal)) return signal;
  throw refuse("/signal", "must be an AbortSignal");
}

const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")?.get;

/** The WebIDL brand check: AbortSignal's own `aborted` getter throws for anything but an AbortSignal. */
function isAbortSignal(value: unknown): value is AbortSignal {
  try {
    return typeof abortedGetter?.call(value) === "boolean";
  } catch {
    return false;
  }
}

/** A key as it may appear in a pointer: a plain identifier of up to 40 characters, or nothing of it. */
function keyName(key: string | undefined): string {
  return typeof key === "string" && /^[A-Za-z_$][\w$]{0,39}$/.test(key) ? key : "(unknown key)";
}

/**
 * Sets `Authorization: Bearer` unless the request has one; reports a 401 or 403 to the bearer
 * source with what the `WWW-Authenticate` challenge says (the body is the caller's to read).
 */
function authMiddleware(bearerSource: BearerSource): Middleware {
  return {
    async onRequest({ request }) {
      if (!request.headers.has("authorization")) {
        request.headers.set("authorization", `Bearer ${await bearerSource.get(request.signal)}`);
      }
      return request;
    },
    onResponse({ request, response }) {
      const sent = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
      if ((response.status === 401 || response.status === 403) && sent) {
        const { evidence } = readChallenge(response.headers);
        if (evidence) bearerSource.invalidate(sent, evidence);
      }
      return undefined;
    },
  };
}

/** Every option the core reads, read exactly once (a getter is not asked twice). */
export interface Settings {
  accountId: string;
  baseUrl: string;
  audience: string;
  limits: ExchangeLimits;
  validateResponses: boolean;
  allowRefreshTokenInBrowser: boolean;
  /** The browser entry, or a page or Web Worker detected by the default entry (see `inBrowser`). */
  browser: boolean;
  fetch: FetchFunction | undefined;
  auth: ClientCredentials | { accessToken: string | (() => string | Promise<string>) };
  /** How the entry serves client credentials; set whenever `auth` holds them. */
  clientCredentials: ClientCredentialsBearer | undefined;
}

/** Every option is checked once, up front; a bad one throws `invalid_request` and nothing is sent. */
function readOptions(options: LoginClientOptions, wiring: EntryWiring): Settings {
  const problems: LoginErrorDetail[] = [];
  if (typeof options !== "object" || options === null) {
    throw invalidOptions([{ pointer: "", rule: "type", message: "options must be an object" }]);
  }
  const { accountId: rawAccountId, baseUrl: rawBaseUrl, audience: rawAudience, auth: rawAuth, fetch: rawFetch } = options;
  const { timeoutMs = defaultTimeoutMs, maxResponseBytes = defaultMaxResponseBytes } = options;
  const { validateResponses = true, allowRefreshTokenInBrowser = false, tokenRetry } = options;
  // Unknown keys are refused: a typo (`timeout`, `validateResponse`) would otherwise be a setting
  // silently not applied.
  for (const key of Object.keys(options)) {
    if (!optionKeys.has(key)) problems.push({ pointer: `/${keyName(key)}`, rule: "unknown", message: "is not an option of createLoginClient" });
  }
  for (const [key, value] of [
    ["validateResponses", validateResponses],
    ["allowRefreshTokenInBrowser", allowRefreshTokenInBrowser],
  ] as const) {
    if (typeof value !== "boolean") problems.push({ pointer: `/${key}`, rule: "type", message: "must be true or false" });
  }
  const tokenRetryOk = tokenRetry === undefined || (typeof tokenRetry === "object" && tokenRetry !== null && !Array.isArray(tokenRetry));
  if (!tokenRetryOk) problems.push({ pointer: "/tokenRetry", rule: "type", message: "must be an object { maxAttempts, baseDelayMs, maxDelayMs }" });
  else if (tokenRetry) {
    for (const key of Object.keys(tokenRetry)) {
      if (!tokenRetryKeys.has(key)) problems.push({ pointer: `/tokenRetry/${keyName(key)}`, rule: "unknown", message: "is not a tokenRetry option" });
    }
  }
  problems.push(...check(validateAccountId, rawAccountId, "/accountId"));
  const accountId = String(rawAccountId);
  const baseUrl = readBaseUrl(rawBaseUrl ?? defaultBaseUrl, problems);
  const audience = rawAudience ?? `${defaultBaseUrl}/accounts/${accountId}`;
  problems.push(...wiring.checkAudience(audience));
  const browser = wiring.browser === true || inBrowser();
  const auth = readAuth(rawAuth, problems, browser || !wiring.clientCredentials);
  if (rawFetch !== undefined && typeof rawFetch !== "function") {
    problems.push({ pointer: "/fetch", rule: "type", message: "must be a function" });
  }
  checkRange(problems, "/timeoutMs", timeoutMs, 1, maxTimerMs);
  checkRange(problems, "/maxResponseBytes", maxResponseBytes, 1, Number.MAX_SAFE_INTEGER, true);
  const clientCredentials = tokenRetryOk ? wiring.clientCredentials?.(tokenRetry, problems) : undefined;
  if (problems.length > 0 || !auth) throw invalidOptions(problems);
  return {
    accountId,
    baseUrl,
    audience: String(audience),
    limits: { timeoutMs, maxResponseBytes },
    validateResponses,
    allowRefreshTokenInBrowser,
    browser,
    fetch: rawFetch,
    auth,
    clientCredentials,
  };
}

const optionKeys = new Set([
  "accountId",
  "auth",
  "baseUrl",
  "audience",
  "fetch",
  "timeoutMs",
  "maxResponseBytes",
  "validateResponses",
  "allowRefreshTokenInBrowser",
  "tokenRetry",
]);
const tokenRetryKeys = new Set(["maxAttempts", "baseDelayMs", "maxDelayMs"]);

/** Timers hold at most 2^31-1 ms (a longer delay fires at once), so delays are checked against that. */
export const maxTimerMs = 2_147_483_647;

export function checkRange(problems: LoginErrorDetail[], pointer: string, value: unknown, min: number, max: number, integer = false): void {
  const ok = typeof value === "number" && value >= min && value <= max && (!integer || Number.isInteger(value));
  if (!ok) problems.push({ pointer, rule: "range", message: `must be a ${integer ? "whole " : ""}number from ${min} to ${max}` });
}

function invalidOptions(problems: LoginErrorDetail[]): LoginError {
  return new LoginError("invalid_request", `createLoginClient: invalid options: ${summarize(problems)}`, { details: problems });
}

/**
 * A string or URL. Credentials never travel in clear: `https:`, or plain `http:` to a loopback host
 * only. No user:password (fetch refuses a URL with credentials), no query or fragment (the
 * request path is appended to the base URL and would land inside them).
 */
function readBaseUrl(baseUrl: unknown, problems: LoginErrorDetail[]): string {
  let url: URL | undefined;
  try {
    if (typeof baseUrl === "string" || baseUrl instanceof URL) url = new URL(baseUrl);
  } catch {
    // reported below
  }
  const problem = (rule: string, message: string) => problems.push({ pointer: "/baseUrl", rule, message });
  if (!url) problem("format", "must be an absolute URL");
  else if (url.username || url.password) problem("credentials", "must not contain a user name or password");
  else if (url.search || url.hash || url.href.endsWith("?") || url.href.endsWith("#")) problem("format", "must not have a query or fragment");
  else if (!(url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname)))) {
    problem("https", "must use https: (plain http: is allowed for localhost, 127.0.0.0/8 and ::1 only)");
  }
  return url?.href ?? "";
}

/** A base URL as openapi-fetch joins it to a path: without trailing slashes. */
export function trimSlash(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

/** Whether a `URL` hostname is this machine (lib/loopback.ts). */
export const isLoopback = isLoopbackHost;

/** `refuseClientSecret`: in a browser, or in the browser entry, which has no token provider. */
function readAuth(auth: unknown, problems: LoginErrorDetail[], refuseClientSecret: boolean): Settings["auth"] | undefined {
  if (typeof auth !== "object" || auth === null) {
    problems.push({ pointer: "/auth", rule: "type", message: "must be { clientId, clientSecret } or { accessToken }" });
    return undefined;
  }
  const fields = auth as Record<string, unknown>;
  const keys = Object.keys(fields);
  for (const key of keys) {
    if (!["accessToken", "clientId", "clientSecret"].includes(key))
      problems.push({ pointer: `/auth/${keyName(key)}`, rule: "unknown", message: "is not an auth option" });
  }
  if ("accessToken" in fields && ("clientId" in fields || "clientSecret" in fields)) {
    // Which one would be used is a guess either way: refused.
    problems.push({ pointer: "/auth", rule: "oneOf", message: "must hold either { accessToken } or { clientId, clientSecret }, not both" });
    return undefined;
  }
  if ("accessToken" in fields) {
    const token = fields.accessToken;
    if (typeof token === "function") return { accessToken: token as () => string | Promise<string> };
    if (isUsableBearer(token)) return { accessToken: token };
    problems.push({ pointer: "/auth/accessToken", rule: "type", message: `must be a function, or a string that ${bearerRule}` });
    return undefined;
  }
  const { clientId, clientSecret } = fields;
  const before = problems.length;
  for (const [key, value] of [
    ["clientId", clientId],
    ["clientSecret", clientSecret],
  ] as const) {
    if (typeof value !== "string" || value === "") problems.push({ pointer: `/auth/${key}`, rule: "type", message: "must be a non-empty string" });
  }
  if (problems.length > before) return undefined;
  // RFC 7617 §2: the user-id of Basic credentials cannot contain a colon (it would be read as the
  // start of the secret).
  if ((clientId as string).includes(":")) problems.push({ pointer: "/auth/clientId", rule: "basic", message: "must not contain ':' (RFC 7617 §2)" });
  for (const [key, value] of [
    ["clientId", clientId],
    ["clientSecret", clientSecret],
  ] as const) {
    // TextEncoder would send U+FFFD in its place: another secret than the one given.
    if (/[\uD800-\uDFFF]/u.test(value as string))
      problems.push({ pointer: `/auth/${key}`, rule: "unicode", message: "must not contain a lone UTF-16 surrogate" });
  }
  if (problems.length > before) return undefined;
  if (refuseClientSecret) {
    problems.push({
      pointer: "/auth/clientSecret",
      rule: "browser",
      message: "a client secret must not ship to a browser: get the customer's token on your server, or pass { accessToken }",
    });
  }
  return { clientId: clientId as string, clientSecret: clientSecret as string };
}

/**
 * A page (`document` exists) or a browser's Web Worker or Service Worker (`importScripts`, which
 * only a browser worker's global scope has: Node, Deno, Bun and Cloudflare's workerd define
 * none), or something pretending to be one.
 */
function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; importScripts?: unknown };
  return typeof scope.document !== "undefined" || typeof scope.importScripts === "function";
}

/** Adds `audience` to parsed credentials that have none (anything else is left to the validator). */
function withAudience(parsed: unknown, audience: string): unknown {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return parsed;
  const fields = parsed as Record<string, unknown>;
  if (fields.audience === undefined) fields.audience = audience;
  return fields;
}

/** Deletes every `refresh_token` member of a parsed body, at any depth (bounded: parsed JSON, no cycles). */
function withoutRefreshTokens(value: unknown, depth: number): void {
  if (depth > 64 || value === null || typeof value !== "object") return;
  if (!Array.isArray(value)) delete (value as { refresh_token?: unknown }).refresh_token;
  for (const member of Object.values(value)) withoutRefreshTokens(member, depth + 1);
}
