// The public types of dintero-login-kit/testing.

/** A client of the fake account: what `{ clientId, clientSecret }` of the login client must match. */
export interface FakeClient {
  clientId: string;
  clientSecret: string;
  /** The audiences the client may get a token for and name in a login body; default
   * `["https://api.dintero.com/v1/accounts/{accountId}"]`. */
  audiences?: string[];
  /** The scopes of the client's bearer (its `scope` claim). Default: the login's first documented scope and
   * the MFA challenge's most specific one (`write:accounts:/auth/users write:accounts:/auth/mfa`). Add
   * `create:accounts:auth:refresh_token` for logins that answer a refresh token (and to revoke one), or
   * `write:accounts:/auth/users/no-mfa` for logins that skip MFA. Each must be a scope the spec documents. */
  scopes?: string[];
}

/** A user of the fake account. One with both an email and a phone logs in by `email`, or by
 * `ident_type` + `ident` (`email` or `phone_number`), with the same password. */
export interface FakeUser {
  type: "customer" | "company";
  email?: string;
  phone?: string;
  password: string;
  /** Multi-factor authentication on: a login (without the `…/no-mfa` scope) is answered 403
   * `mfa_required` with an `mfa_token`, to continue through the MFA challenge and the MFA grant. */
  mfa?: boolean;
}

export interface FakeDinteroOptions {
  /** default `T12345678` (the spec's example) */
  accountId?: string;
  /** default: one client, `fake-client-id` / `fake-client-secret` */
  clients?: FakeClient[];
  /** default: the spec's two login examples, `john.doe@example.com` / `correct-horse-battery-staple`
   * and `+4799999999` / `1234`, both of type `customer` */
  users?: FakeUser[];
  /** The fake's clock, in milliseconds since the epoch (default `Date.now`): tokens' `iat`/`exp`, their
   * expiry and the `mfa_token`'s. Pass your own to test expiry without waiting. */
  now?: () => number;
}

/** The operations the fake serves, by their role in the spec (`x-role`). */
export type FakeOperation = "login" | "token" | "revoke" | "mfa_challenge";
/** The operations the scenarios bend. */
export type ScenarioOperation = "login" | "token";

/** Scenarios and their options. Each stays in force until `scenario("normal")` or `reset()`, or for its
 * next `times` answers when `times` is given. */
export interface ScenarioOptions {
  /** 429 with `Retry-After` (default: the spec's example, 30 s), before the credentials are looked at */
  rate_limited: { operation?: ScenarioOperation | "both"; retryAfterSeconds?: number; times?: number };
  /** the token endpoint answers 500 (`server_error`, the default) or never answers (`no_answer`: the
   * request hangs until the caller's signal aborts it or the server is closed) */
  token_outage: { answer?: "server_error" | "no_answer"; times?: number };
  /** every answer of the operation (default both) comes `delayMs` late */
  slow: { delayMs: number; operation?: ScenarioOperation | "both"; times?: number };
  /** a login with the right credentials is answered 403 `mfa_required` with an `mfa_token` (which
   * continues like an MFA user's); a token request too, with an `mfa_token` that continues nothing */
  mfa_required: { operation?: ScenarioOperation; times?: number };
  /** the login answers 500, whatever it is sent */
  login_server_error: { times?: number };
  /** a login's 401 to a bearer that was sent but is not valid (forged, expired, revoked) also says why,
   * RFC 6750's way: `WWW-Authenticate: Bearer realm="dintero", error="invalid_token"`. The spec does not
   * document it (Dintero may not send it), so by default the 401 carries only `Bearer realm="dintero"` */
  invalid_token_challenge: { times?: number };
}

export type ScenarioName = keyof ScenarioOptions;

export type ActiveScenario = { [N in ScenarioName]: { name: N } & ScenarioOptions[N] }[ScenarioName];

/** One request the fake received and what it answered. Never holds a password, secret or token. */
export interface FakeExchange {
  /** the operation's role; `null`: a path the fake does not serve (answered 404) */
  operation: FakeOperation | null;
  method: string;
  /** the account id in the path (`aid` of the login and the MFA challenge, `oid` of the token and revoke requests) */
  accountId?: string;
  /** `null`: not answered (`token_outage` with `no_answer`) */
  status: number | null;
  /** the configured client that authenticated (client credentials: HTTP Basic; otherwise its bearer's client) */
  clientId?: string;
  /** a token request's `grant_type`, when it names a grant the spec describes */
  grant?: string;
  /** the login body's user type and identity fields, when they are strings */
  identity?: { type?: string; email?: string; ident_type?: string; ident?: string };
  /** the scenario that shaped the answer, if one did */
  scenario?: ScenarioName;
}

export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface FakeDintero {
  /** A Fetch API function answering for any base URL: pass it as the login client's `fetch`. */
  readonly fetch: FetchFunction;
  readonly accountId: string;
  /** The first client's first audience: `https://api.dintero.com/v1/accounts/{accountId}` by default. */
  readonly audience: string;
  /** Every request so far, oldest first. */
  readonly exchanges: readonly FakeExchange[];
  /** The scenarios in force, newest first. */
  readonly scenarios: readonly ActiveScenario[];
  /** Puts a scenario in force (replacing one of the same name); `"normal"` ends them all. */
  scenario<N extends ScenarioName>(name: N, ...options: object extends ScenarioOptions[N] ? [ScenarioOptions[N]?] : [ScenarioOptions[N]]): void;
  scenario(name: "normal"): void;
  /** Revokes every client bearer issued so far: a login with one is answered 401 (with the spec's body
   * only; the invalid_token_challenge scenario adds RFC 6750's challenge); a new token request gets a
   * bearer that works. */
  revokeClientBearers(): void;
  /** The binding code the MFA challenge last sent to this user (`email` or `phone`, as configured), as
   * the customer would read it from the SMS or email; `undefined` before a challenge. */
  mfaCode(identity: string): string | undefined;
  /** Ends every scenario and empties the record. Issued bearers and refresh tokens stay valid. */
  reset(): void;
}

export interface RunningFakeDintero extends FakeDintero {
  /** `http://127.0.0.1:{port}/v1`: pass it as the login client's `baseUrl`. */
  readonly url: string;
  /** Stops the server, ending requests still waiting (slow or unanswered ones). */
  close(): Promise<void>;
}
