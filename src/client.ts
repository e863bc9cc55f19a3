// createLoginClient: checks the options, wires openapi-fetch with the auth middleware, and logs customers in.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";
import {
  validateAccessToken,
  validateAccountId,
  validateClientCredentialsTokenRequest,
  validateLoginCredentials,
} from "../generated/client-validators.js";
import { LoginError, type LoginErrorDetail } from "./errors.ts";
import { exchange, failureToError, readSuccessBody, sendJsonAsString, throwIfAborted, type ExchangeContext } from "./http.ts";
import {
  clientCredentialsBearer,
  defaultTokenRetryPolicy,
  fetchClientToken,
  providedBearer,
  type BearerSource,
  type TokenRetryPolicy,
} from "./token-provider.ts";
import { check, summarize } from "./validation.ts";

type Schemas = components["schemas"];

/** Distributes over a union, so that the either/or of `LoginCredentials` survives. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The body of a login: the spec's `LoginCredentials`, with `audience` defaulting to the client's. */
export type LoginCredentials = DistributiveOmit<Schemas["LoginCredentials"], "audience"> & {
  audience?: Schemas["LoginCredentials"]["audience"];
};

export type AccessToken = Schemas["AccessToken"];

/** Client credentials (server side only), or a bearer you already have. */
export type LoginClientAuth =
  | { clientId: string; clientSecret: string }
  | { accessToken: string | (() => string | Promise<string>) };

export interface LoginClientOptions {
  /** The Dintero account, `^[PT]\d{8}$` (T: test, P: production). */
  accountId: string;
  auth: LoginClientAuth;
  /** Default `https://api.dintero.com/v1`. Must be `https:` unless the host is loopback. */
  baseUrl?: string;
  /** Default `https://api.dintero.com/v1/accounts/{accountId}`: the token's and the login's audience. */
  audience?: string;
  /** A Fetch API implementation; default `globalThis.fetch`. */
  fetch?: (input: Request) => Promise<Response>;
  /** Per request (each token attempt and the login), default 10,000 ms. */
  timeoutMs?: number;
  /** Check responses against the spec; default true. */
  validateResponses?: boolean;
  /** Keep `refresh_token` in login results when running in a browser; default false. */
  allowRefreshTokenInBrowser?: boolean;
  /** Retries of the client-credentials token request; the login itself is never retried. */
  tokenRetry?: Partial<TokenRetryPolicy>;
}

export interface LoginOptions {
  /** Aborting rejects the login with a LoginError of kind `aborted`. */
  signal?: AbortSignal;
}

export interface LoginClient {
  /** Resolves to the customer's AccessToken, or rejects with a LoginError. Never retried. */
  login(credentials: LoginCredentials, options?: LoginOptions): Promise<AccessToken>;
  /** The openapi-fetch client for the spec's paths, with the auth middleware installed. */
  readonly raw: Client<paths>;
}

export const defaultBaseUrl = "https://api.dintero.com/v1";
const defaultTimeoutMs = 10_000;

export function createLoginClient(options: LoginClientOptions): LoginClient {
  const settings = readOptions(options);
  const { accountId, audience, timeoutMs, validateResponses } = settings;
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  // `redirect: "manual"`: a password or secret is never re-sent to wherever a 3xx points.
  const clientInit = { baseUrl: settings.baseUrl, redirect: "manual" as const, ...fetchOption };

  // The token request and login() set their own Authorization and handle a 401 themselves, so they
  // share one client without middleware: no detour through the middleware chain on every call
  // (bench/, "client overhead"). `raw` is for callers, with the auth middleware.
  const plainClient = createClient<paths>(clientInit);
  const bearerSource = createBearerSource(options.auth, settings, plainClient);
  const raw = createClient<paths>(clientInit);
  raw.use(authMiddleware(bearerSource));

  async function login(credentials: LoginCredentials, loginOptions: LoginOptions = {}): Promise<AccessToken> {
    const body = withAudience(credentials, audience);
    const problems = check(validateLoginCredentials, body);
    if (problems.length > 0) {
      throw new LoginError("invalid_request", `login: the credentials are not valid: ${summarize(problems)}`, {
        details: problems,
      });
    }
    const { signal } = loginOptions;
    throwIfAborted("login", signal);
    const bearer = await bearerSource.get(signal);
    const context: ExchangeContext = {
      operation: "login",
      secrets: [body.password, bearer, clientSecretOf(options.auth)],
      validateResponses,
    };
    const serialized = JSON.stringify(body);
    const ex = await exchange(context, timeoutMs, signal, (combined) =>
      plainClient.POST("/accounts/{aid}/customers/login", {
        params: { path: { aid: accountId } },
        body,
        bodySerializer: () => serialized,
        headers: { Authorization: `Bearer ${bearer}` },
        signal: combined,
        parseAs: "text",
        ...(options.fetch ? {} : sendJsonAsString(serialized, combined)),
      }),
    );
    if (ex.status === 401) bearerSource.invalidate(bearer);
    if (ex.status !== 200) throw failureToError(ex, context);
    const token = readSuccessBody(ex, validateAccessToken, context) as AccessToken;
    if (inBrowser() && !options.allowRefreshTokenInBrowser && typeof token === "object" && token !== null) {
      // Dintero: "A Single-Page Application should not ever receive a Refresh Token".
      delete token.refresh_token;
    }
    return token;
  }

  return { login, raw };
}

/** Sets `Authorization: Bearer` unless the request has one; forgets a bearer answered with 401. */
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
      if (response.status === 401 && sent) bearerSource.invalidate(sent);
      return undefined;
    },
  };
}

interface Settings {
  accountId: string;
  baseUrl: string;
  audience: string;
  timeoutMs: number;
  validateResponses: boolean;
  tokenRetry: TokenRetryPolicy;
}

function createBearerSource(auth: LoginClientAuth, settings: Settings, tokenClient: Client<paths>): BearerSource {
  if ("accessToken" in auth) return providedBearer(auth.accessToken);
  const credentials = { clientId: auth.clientId, clientSecret: auth.clientSecret };
  return clientCredentialsBearer(
    () => fetchClientToken({ tokenClient, credentials, ...settings }),
    settings.tokenRetry,
  );
}

/** Every option is checked once, up front; a bad one throws `invalid_request` and nothing is sent. */
function readOptions(options: LoginClientOptions): Settings {
  const problems: LoginErrorDetail[] = [];
  if (typeof options !== "object" || options === null) {
    throw invalidOptions([{ pointer: "", rule: "type", message: "options must be an object" }]);
  }
  problems.push(...check(validateAccountId, options.accountId, "/accountId"));
  const accountId = String(options.accountId);
  const baseUrl = options.baseUrl ?? defaultBaseUrl;
  problems.push(...checkBaseUrl(baseUrl));
  const audience = options.audience ?? `${defaultBaseUrl}/accounts/${accountId}`;
  // The token request body is built from `audience`: let its generated schema judge it.
  problems.push(...check(validateClientCredentialsTokenRequest, { grant_type: "client_credentials", audience }));
  problems.push(...checkAuth(options.auth));
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
    problems.push({ pointer: "/timeoutMs", rule: "range", message: "must be a number of milliseconds above 0" });
  }
  const tokenRetry = { ...defaultTokenRetryPolicy, ...options.tokenRetry };
  if (![1, 2, 3].includes(tokenRetry.maxAttempts)) {
    problems.push({ pointer: "/tokenRetry/maxAttempts", rule: "range", message: "must be 1, 2 or 3" });
  }
  for (const key of ["baseDelayMs", "maxDelayMs"] as const) {
    if (!Number.isFinite(tokenRetry[key]) || tokenRetry[key] < 0) {
      problems.push({ pointer: `/tokenRetry/${key}`, rule: "range", message: "must be a number of milliseconds, 0 or more" });
    }
  }
  if (problems.length > 0) throw invalidOptions(problems);
  return { accountId, baseUrl, audience, timeoutMs, validateResponses: options.validateResponses ?? true, tokenRetry };
}

function invalidOptions(problems: LoginErrorDetail[]): LoginError {
  return new LoginError("invalid_request", `createLoginClient: invalid options: ${summarize(problems)}`, { details: problems });
}

/** Credentials never travel in clear: `https:`, or plain `http:` to a loopback host only. */
function checkBaseUrl(baseUrl: unknown): LoginErrorDetail[] {
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    return [{ pointer: "/baseUrl", rule: "format", message: "must be an absolute URL" }];
  }
  if (url.protocol === "https:") return [];
  if (url.protocol === "http:" && isLoopback(url.hostname)) return [];
  return [{ pointer: "/baseUrl", rule: "https", message: "must use https: (plain http: is allowed for localhost, 127.0.0.0/8 and ::1 only)" }];
}

export function isLoopback(hostname: string): boolean {
  // URL has already normalised IPv4 shorthands (127.1) and lower-cased the host.
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function checkAuth(auth: unknown): LoginErrorDetail[] {
  if (typeof auth !== "object" || auth === null) {
    return [{ pointer: "/auth", rule: "type", message: "must be { clientId, clientSecret } or { accessToken }" }];
  }
  const fields = auth as Record<string, unknown>;
  if ("accessToken" in fields) {
    const token = fields.accessToken;
    const ok = typeof token === "function" || (typeof token === "string" && token !== "");
    return ok ? [] : [{ pointer: "/auth/accessToken", rule: "type", message: "must be a non-empty string or a function" }];
  }
  const problems: LoginErrorDetail[] = [];
  for (const key of ["clientId", "clientSecret"] as const) {
    if (typeof fields[key] !== "string" || fields[key] === "") {
      problems.push({ pointer: `/auth/${key}`, rule: "type", message: "must be a non-empty string" });
    }
  }
  if (problems.length === 0 && inBrowser()) {
    problems.push({
      pointer: "/auth/clientSecret",
      rule: "browser",
      message: "a client secret must not ship to a browser: get the customer's token on your server, or pass { accessToken }",
    });
  }
  return problems;
}

function clientSecretOf(auth: LoginClientAuth): string | undefined {
  return "clientSecret" in auth ? auth.clientSecret : undefined;
}

/** A `document` exists: we are in a browser (or something pretending to be one). */
function inBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== "undefined";
}

function withAudience(credentials: LoginCredentials, audience: string): Schemas["LoginCredentials"] {
  if (typeof credentials !== "object" || credentials === null || Array.isArray(credentials)) {
    return credentials as unknown as Schemas["LoginCredentials"];
  }
  return { ...credentials, audience: credentials.audience === undefined ? audience : credentials.audience } as Schemas["LoginCredentials"];
}
