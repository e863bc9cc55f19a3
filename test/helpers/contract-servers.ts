// Self-test targets for the conformance suite: the project's one fake Dintero (testing/), bent by
// internal overrides (testing/overrides.ts). A breakage is one small override that breaks exactly one
// rule, to prove that one check fails on it; a variation is a correct but unusual answer the suite
// must pass. The fake unbent is the reference: it passes the suite at its strictest.
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, X509Certificate, type JsonWebKey, type KeyObject } from "node:crypto";
import { validateAccountId } from "../../generated/validators.js";
import { readBasicAuthorization } from "../../lib/basic-auth.ts";
import { encodeBase64url } from "../../lib/base64.ts";
import type { Answer } from "../../testing/fake.ts";
import type { BearerRecord, Override, OverrideContext } from "../../testing/overrides.ts";
import { startFakeServer } from "../../testing/internal.ts";
import type { FakeOperation, RunningFakeDintero } from "../../testing/types.ts";
import type { TargetControl } from "../../contract-tests/types.ts";

export const BREAKAGES = {
  expires_in_as_string: "login 200 carries expires_in as a string",
  token_expires_in_zero: "the token endpoint answers expires_in 0: the token has expired on arrival (Dintero sets no minimum; judged as token semantics)",
  validation_422: "invalid requests are answered 422, which the spec does not document",
  token_201_created: "the token endpoint answers 201 Created, which the spec does not document",
  content_type_text_plain: "JSON responses are labelled text/plain",
  truncated_json_errors: "error responses carry a truncated JSON body",
  crash_on_non_ascii: "a non-ASCII password crashes the login (500)",
  rejects_max_length_password: "a 255-character password (the documented maximum) is rejected as invalid",
  accepts_short_password: "the password minLength is not checked",
  ignores_type_enum: "type is not checked against its enum",
  ignores_content_type: "any Content-Type is parsed as JSON",
  accepts_any_bearer: "the bearer's signature is not verified",
  no_auth_required: "the login endpoint does not require a bearer",
  accepts_any_password: "the password is not compared",
  exp_mismatch: "exp in the issued JWT disagrees with expires_in by a day (the token lives a day longer than the response says)",
  echoes_password: "the wrong-credentials error message quotes the submitted password",
  signature_compared_as_prefix: "the bearer's signature is compared as a prefix of the expected one: an empty or cut signature passes",
  payload_unchecked_under_known_signature:
    "a bearer whose signature is one the server issued is accepted whatever its payload (verification cached by signature)",
  trusts_embedded_jwk: "a bearer carrying a jwk in its header is verified with that key",
  token_endpoint_accepts_bearer: "the token endpoint accepts the client's bearer instead of Basic credentials and issues a fresh one",
  issues_unsigned_tokens: "issued tokens are unsigned (alg none, empty signature), and the server accepts its own",
  token_on_wrong_password: "a wrong password gets 403, with a working customer token in the body",
  identity_in_errors: "every 403 names the known user's email and phone number, also to an unknown identity",
  stack_in_errors: "400 bodies carry a stack trace and an internal database URL (advisory)",
  bom_json: "every JSON body starts with a UTF-8 byte order mark",
  rejects_charset_param: "a login whose Content-Type carries a charset parameter is refused as invalid (400)",
  jwt_carries_password: "the customer token's JWS payload carries the submitted password",
  echoes_bearer: "the wrong-password 403 quotes the Authorization header it was sent (the live client bearer)",
  no_www_authenticate: "401 answers carry no WWW-Authenticate challenge (advisory)",
  cdn_cacheable_token: "token responses say CDN-Cache-Control: public, max-age=600 beside Cache-Control: no-store (advisory)",
  refresh_token_on_login: "the login hands a refresh_token to a client bearer whose scope lacks create:accounts:auth:refresh_token",
  echoes_basic_header:
    "the token endpoint echoes the request's Authorization header (Basic: the client secret, base64-encoded) in an x-debug-authorization header",
  echoes_password_encoded: "the wrong-credentials error message quotes the submitted password percent-encoded and \\u-escaped (advisory)",
  never_answers: "the login endpoint never answers",
  rate_limits_once: "the first login request is answered 429 with Retry-After: 0 (correct behaviour)",
  customer_token_opens_login: "a customer's own access token is accepted as the merchant's bearer (the scope is not checked)",
  serves_other_account: "the bearer's account is not compared with the path: a login on another account is served",
  ignores_path_account:
    "the bearer's account is not compared with the login path, though the body's audience is compared with the bearer's: another account's login with this account's audience is served",
  token_serves_other_account:
    "the token endpoint issues a token on another account's path (the client's own audience, or that account's) to the client's credentials",
  ignores_audience: "the body's audience is not compared with the client's",
  ignores_ident_type: "a login matches the ident value whatever its ident_type (an email logs in as a phone number)",
  serves_any_method: "PUT, PATCH, GET and DELETE are served like POST",
  retry_after_not_a_number:
    "the first login request is answered 429 with Retry-After: 1.5 (neither delay-seconds nor an HTTP-date; the login's 429 is curated: advisory)",
  token_retry_after_not_a_number: "the first token request is answered 429 with Retry-After: 1.5 (Dintero documents Retry-After in seconds there)",
  latin1_error_body: "error bodies are encoded as Latin-1, not UTF-8",
  duplicate_content_type: "responses carry two Content-Type header lines",
  method_405_without_allow: "other methods are answered 405 without an Allow header (advisory)",
  enumeration_leak: "an unknown identity gets a different error message from a wrong password (advisory)",
  token_cacheable: "token responses carry no Cache-Control: no-store (advisory)",
  refresh_token_on_client_credentials: "the client-credentials token response carries a refresh_token (advisory)",
  duplicate_json_members: "the login's token response names token_type twice (advisory)",
  accepts_lower_case_aid: "the account id is upper-cased before it is checked: t87654321 is served as T87654321",
  accepts_alg_none: "an unsigned JWT (alg none) is accepted as the bearer",
  alg_none_case_insensitive: 'the alg check folds case: an unsigned JWT with alg "NONE" is accepted ("none" is refused)',
  weak_hmac_key: "bearers signed with jwt.io's example key \"your-256-bit-secret\" are accepted as well as the server's own",
  ident_password_not_checked: "the ident form (phone number and PIN) never compares the password",
  token_any_audience: "the token endpoint issues a token for any audience, another account's included",
  counts_password_bytes: "the password's minLength is counted in UTF-8 bytes (3 × é passes as 6)",
  counts_password_utf16_units: "the password's maxLength is counted in UTF-16 units (.length): 255 emoji are rejected as 510",
  ident_without_ident_type: "an ident without ident_type is accepted (its type is guessed)",
  login_always_429: "every login is answered 429 with Retry-After: 3600",
  enum_case_insensitive: 'enum values (type, ident_type, grant_type) are compared case-insensitively: "Customer" passes as customer',
  token_ignores_oid: "the token endpoint does not check its path's oid (a malformed oid is served like the client's own)",
  token_ignores_content_type: "the token endpoint parses any Content-Type as JSON",
  token_429_long_once: "the first token request is answered 429 with Retry-After: 90 (longer than the suite waits): the run cannot get a bearer",
  ignores_user_type: "a login matches whatever the body's type (a customer logs in as a company)",
  conflicting_json_members: "token responses name expires_in twice, with different values (first-wins and last-wins parsers read different lifetimes)",
  fail_open_algorithms: "the bearer is verified only when its alg is the server's own (HS256): a JWT of any other algorithm is taken at its word",
  psychic_signatures: "ES256 bearers are checked by a verifier that accepts the signature r = s = 0 (CVE-2022-21449)",
  trusts_embedded_rsa_jwk: "an RS256 bearer carrying an RSA jwk in its header is verified with that key (CVE-2018-0114)",
  key_lookup_fails_open: "a bearer whose kid, jku or x5u names a key the server cannot find is accepted: the failed key lookup fails open",
  clock_an_hour_ahead: "issued tokens say iat, nbf and exp an hour ahead of the server's answer (exp - iat still equals expires_in)",
  wrong_iat_hides_wrong_exp: "issued tokens' exp lies a day late, and iat a day late with it, so exp - iat still equals expires_in",
  iat_disagrees_with_expires_in: "issued tokens' iat lies a day early while exp is right: exp - iat is a day longer than expires_in",
  token_storable_by_shared_caches:
    "token responses say Cache-Control: public, max-age=3600 and a Content-Location equal to the request URI (storable by a shared cache, RFC 9110 §9.3.3)",
  leaks_node_frame: "400 bodies carry a Node stack frame, and nothing else of the server's insides (advisory)",
  leaks_python_traceback: "400 bodies carry a Python traceback header, and nothing else of the server's insides (advisory)",
  leaks_jvm_frame: "400 bodies carry a JVM stack frame, and nothing else of the server's insides (advisory)",
  leaks_python_frame: "400 bodies carry a Python stack frame, and nothing else of the server's insides (advisory)",
  leaks_database_url: "400 bodies carry a database URL, and nothing else of the server's insides (advisory)",
  leaks_internal_host: "400 bodies carry an internal host name, and nothing else of the server's insides (advisory)",
  leaks_private_ip: "400 bodies carry a private IP address, and nothing else of the server's insides (advisory)",
  leaks_sql: "400 bodies carry SQL, and nothing else of the server's insides (advisory)",
  strips_password_whitespace:
    "the password's whitespace and zero-width characters are stripped before its length is checked (three spaces and a letter count as one character)",
  client_secret_prefix_match: "the token endpoint takes any non-empty prefix of the client secret (a truncated comparison)",
  client_secret_case_insensitive: "the token endpoint compares the client secret case-insensitively",
  signs_up_unknown_phone_numbers: "a login with an unknown phone number (ident form) signs it up on the spot and answers 200 with a customer token",
  aid_dollar_before_newline: "the account id is checked with a regex dialect whose $ matches before a final newline (T87654321 + newline is served)",
  aid_unicode_digits: "the account id's \\d takes any Unicode digit and the number is read as digits (Arabic-Indic T87654321 is served)",
  password_case_insensitive: "passwords are compared case-insensitively",
  password_trimmed: "passwords are compared after trimming whitespace",
  bearer_dies_early: "the server's token store drops a client bearer at its 40th use (whatever the machine's speed), though its expires_in says 14400 s",
  password_offbyone: "the password comparison skips the last character (a hand-written constant-time loop with an off-by-one)",
  invalid_token_on_wrong_password:
    'a wrong password or unknown identity is answered 401 with WWW-Authenticate: Bearer error="invalid_token", blaming the merchant\'s valid bearer',
  enum_by_errors_detail:
    "an unknown identity and a wrong password get the same status, code and message, but error.errors[0].path names email or password (advisory)",
  wrong_password_429: "every wrong password for a known identity is answered 429 with Retry-After: 3600 instead of a refusal",
  kid_lookup_yields_empty_key:
    'an HS256 bearer whose kid names no key of the server is verified with an empty key (the key read from the file the kid names, or a failed lookup, is "")',
  trusts_x5c_certificate: "an RS256 bearer carrying an x5c header is verified with the key of its first certificate, whose chain is never checked",
  account_compared_by_number:
    "accounts and audiences are compared by their digits only: the same number in the other environment (P87654321 for T87654321) is served, login and token",
  echoes_credentials_base64: "a successful login answers an x-auth-context header: Base64 of the identity and password it was sent (identity:password)",
  token_in_plain_cookie: "a successful login also sets the customer token in a cookie without Secure, HttpOnly or SameSite",
  // #26: the session after login
  refresh_token_any_client: "the refresh grant takes any client's bearer: it does not compare the refresh token's client with the bearer's",
  revoke_does_nothing: "revoke answers 200 {} but the refresh token keeps working",
  revoke_tells_unknown: "revoke answers 400 invalid_token for a token that is unknown or revoked already (200 {} for a live one)",
  refresh_token_on_mfa_grant: "the MFA grant answers a refresh_token to a client bearer whose scope lacks create:accounts:auth:refresh_token",
  mfa_token_reusable: "an mfa_token that logged in logs in again (the MFA grant never spends it)",
  mfa_token_never_expires: "an mfa_token never expires",
  binding_code_unchecked: "the MFA grant does not compare the binding code: any code logs in",
  binding_code_unbounded: "wrong binding codes are never counted: the right one logs in after any number of wrong ones",
  customer_token_opens_session_endpoints: "a customer's own access token is accepted as the client's bearer on revoke, the MFA challenge and the refresh grant",
  // #26: a documented operation of the session not served at all (a server written before it was in the spec)
  revoke_not_served: "revoke is not served: every request to its path is answered 404 Not Found",
  mfa_challenge_not_served: "the MFA challenge is not served: every request to its path is answered 404 Not Found",
  refresh_grant_not_served: "the token endpoint refuses every refresh grant with 400 unsupported_grant_type (RFC 6749 §5.2): it serves the other grants only",
} as const;
export type Breakage = keyof typeof BREAKAGES;

/** What each error_disclosure breakage leaks: one text per pattern of the check, each matching only that
 * pattern (a server leaking two at once hid a pattern that never matched). */
export const DISCLOSURE_LEAKS = {
  leaks_node_frame: "ValidationError: invalid body\n    at validate (/srv/auth-svc/src/login.js:42:11)",
  leaks_python_traceback: "Traceback (most recent call last):",
  leaks_jvm_frame: "java.lang.IllegalStateException: bad body\n\tat com.example.auth.Login.check(Login.java:42)",
  leaks_python_frame: '  File "/srv/auth/login.py", line 42, in check',
  leaks_database_url: "postgres://auth:hunter@db-primary:5432/users",
  leaks_internal_host: "upstream auth-db.internal refused the connection",
  leaks_private_ip: "upstream 10.20.30.40 refused the connection",
  leaks_sql: "SELECT id, password_hash FROM users WHERE email = $1",
} as const satisfies Partial<Record<Breakage, string>>;

/** Correct but different servers: each answers in a way the contract allows though the fake does not,
 * and must pass at --fail-on contract (some are reported as advisory findings). */
export const VARIATIONS = {
  undocumented_property: "token responses carry a property the spec does not document, x_conformance_selftest_extra (a name no spec would add)",
  rs256_with_kid: "access tokens are RS256 JWTs with a kid in their header (Dintero's own kind), verified by the server that issued them",
  short_lifetimes: "tokens live 60 s (expires_in 60, exp - iat 60)",
  json_escapes: "every character of every JSON string (keys included) is written as a \\uXXXX escape, and / as \\/ (RFC 8259 §7 allows both)",
  media_type_capitalised: "responses say Content-Type: Application/JSON; charset=UTF-8 (media types and charset names are case-insensitive, RFC 9110 §8.3.1)",
  quoted_charset: 'responses say Content-Type: application/json; charset="utf-8" (a quoted parameter value, RFC 9110 §5.6.6)',
  chunked_with_trailers: "every body is sent chunked, with a trailer field (RFC 9112 §7.1.2)",
  close_delimited: "every body is delimited by closing the connection, without Content-Length or chunking (RFC 9112 §6.3)",
  validates_identity_formats:
    "the ident and email are validated strictly (a Norwegian mobile number +47 4/9 and 7 digits; an email with a domain): 400 otherwise",
  rejects_made_up_identities: "an identity the server does not know is answered 400, as if invalid (its formats are prose at Dintero)",
  status_415_for_content_type: "a wrong request Content-Type is answered 415 Unsupported Media Type (undocumented 4xx)",
  status_404_for_bad_aid: "a malformed account id in the path is answered 404 (undocumented 4xx)",
  status_404_for_other_account: "another account's login path is answered 404 (undocumented 4xx)",
  jwt_without_exp: "issued JWTs carry no exp claim (RFC 7519 makes it optional)",
  jwe_tokens: "issued access tokens are JWEs (5 parts, claims encrypted)",
  exp_with_leeway: "exp lies 300 s after iat + expires_in",
  status_501_for_patch: "PATCH is answered 501 Not Implemented (RFC 9110 §15.6.2)",
  duplicate_identical_content_type: "every response repeats its Content-Type line identically",
  token_400_without_credentials: "a token request without client credentials is answered 400 invalid_client (RFC 6749 §5.2)",
  auth_400_for_malformed:
    "an empty or malformed bearer and a non-Bearer scheme are answered 400 invalid_request (RFC 6750 §3.1); a well-formed but never-issued JWT 401",
  login_429_long_once: "the first login is answered 429 with Retry-After: 90, longer than the suite waits; every other login is answered",
  unknown_identity_404: "an identity the server does not know is answered 404 Not Found with an Error body (undocumented 4xx); a wrong password 403",
  company_twin:
    'the known email also exists as a company user with the same password (Dintero: "users with different type can share email"): type company logs in too',
  framework_refusals:
    "undocumented refusals as web frameworks send them: a malformed account id is answered 404 text/html, a wrong request Content-Type 415 application/problem+json (RFC 9457)",
  small_clock_skew:
    "the server's clock runs 60 s ahead: iat, nbf and exp of issued tokens are 60 s later than the suite's clock (within the skew validators allow)",
  content_location_no_store: "token responses carry a Content-Location equal to the request URI beside Cache-Control: no-store (no cache may store them)",
  short_lived_bearer:
    "the client bearer is announced with expires_in 1 and dies 1 to 2 s after issue (exp from the fake's clock), and every answer takes 10 ms: the run outlives many bearers",
  request_id_in_error_body: "every error body carries a fresh request id and timestamp (error.request_id, error.timestamp), different in every answer",
  base64_identity_header: "a successful login answers an x-auth-context header: Base64 of the identity it was sent, never its password (no secret)",
  session_cookie_without_token: "every answer sets a session cookie of the server's own (a random id, no token) without Secure, HttpOnly or SameSite",
  token_cookie_protected:
    "a successful login also sets the customer token in a cookie with Secure, HttpOnly and SameSite=Lax (and a second cookie without a token)",
  // #26: the session after login
  mfa_single_wrong_code: "the first wrong binding code spends the mfa_token (a stricter bound than the fake's)",
  mfa_refusals_400: "the MFA grant refuses a wrong, spent or expired mfa_token with 400 invalid_grant instead of 403 (RFC 6749 §5.2's status)",
  refresh_refusals_401: "the refresh grant refuses another client's refresh token, and a revoked one, with 401 instead of 403",
} as const;
export type Variation = keyof typeof VARIATIONS;

export interface ContractServerOptions {
  break?: Breakage;
  vary?: Variation;
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  email?: string;
  password?: string;
  identType?: string;
  ident?: string;
  identPassword?: string;
  /** another client of the account (its bearer must not use the first client's refresh tokens) */
  otherClientId?: string;
  otherClientSecret?: string;
  /** a user with MFA on */
  mfaEmail?: string;
  mfaPassword?: string;
}

export interface ContractServer {
  /** base URL including /v1 */
  baseUrl: string;
  options: Required<Omit<ContractServerOptions, "break" | "vary">> & { break?: Breakage; vary?: Variation };
  /** every token the server issued (to prove none leaks) */
  issuedTokens: readonly string[];
  requestCount(): number;
  /** what the suite may do to this server beyond HTTP: read the MFA user's binding code, move its clock */
  control: TargetControl;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Creds = { type?: string; email?: string; ident_type?: string; ident?: string; password?: string };
/** `scopes`: the first client's scopes, where a breakage needs a bearer without one of them */
type Bend = Override & { setup?(fake: RunningFakeDintero): void; scopes?: string[] };

/** The grant a token request's JSON body names, or undefined. */
const grantOf = (body: string): string | undefined => {
  try {
    const grant = (JSON.parse(body) as { grant_type?: unknown }).grant_type;
    return typeof grant === "string" ? grant : undefined;
  } catch {
    return undefined;
  }
};
const isMfaGrant = (body: string) => /^mfa[-_]oob$/.test(grantOf(body) ?? "");
/** The MFA test user of every contract server (ContractServerOptions.mfaEmail's default). */
const MFA_EMAIL = "mfa-user@example.com";

/** The self-test client's scopes: the login's, the MFA challenge's and the refresh scope (refresh tokens, revoke). */
const LOGIN_SCOPE = "write:accounts:/auth/users";
const MFA_SCOPE = "write:accounts:/auth/mfa";
const REFRESH_SCOPE = "create:accounts:auth:refresh_token";
const CLIENT_SCOPES = [LOGIN_SCOPE, MFA_SCOPE, REFRESH_SCOPE];

const b64 = (v: unknown) => encodeBase64url(JSON.stringify(v));
const creds = (ctx: OverrideContext) => (ctx.body ?? {}) as Creds;
/** The login's identity field and value (email, or the ident under its ident_type). */
const identityOf = (c: Creds): ["email" | "phone", string | undefined] =>
  c.email !== undefined ? ["email", c.email] : [c.ident_type === "email" ? "email" : "phone", c.ident];
/** A user with the login's identity, whatever the password or type. */
const knownUser = (ctx: OverrideContext) => {
  const [field, value] = identityOf(creds(ctx));
  return ctx.users.find((u) => value !== undefined && u[field] === value);
};
/** The client bearer a bent verification lets in: the first client's, for this account. */
const clientBearer = (ctx: OverrideContext): BearerRecord => ({
  kind: "client",
  clientId: ctx.clients[0]!.clientId,
  aud: ctx.audienceOf(ctx.accountId),
  revoked: false,
});
/** Verifies a bearer with a key of the breakage's choosing; trusts its claims when the signature holds. */
const signedWith = (ctx: OverrideContext, key: Buffer | string): BearerRecord | undefined => {
  const jwt = ctx.decode(ctx.bearer ?? "");
  if (!jwt) return undefined;
  const expected = createHmacSync(key, `${jwt.parts[0]}.${jwt.parts[1]}`);
  const given = Buffer.from(jwt.parts[2], "base64url");
  return given.length === expected.length && given.equals(expected) ? ctx.trust(jwt.payload) : undefined;
};
/** A bent bearer verification: the fake's verdict, else what `lenient` lets in. */
const bearerAlso = (lenient: (ctx: OverrideContext, jwt: NonNullable<ReturnType<OverrideContext["decode"]>>) => BearerRecord | undefined): Override => ({
  bearer: (record, ctx) => {
    if (record || ctx.op !== "login") return record;
    const jwt = ctx.decode(ctx.bearer ?? "");
    return jwt ? lenient(ctx, jwt) : undefined;
  },
});
/** Rewrites a text answer's JSON. */
const editJson = (answer: Answer, edit: (body: Json) => Json): Answer =>
  typeof answer.body === "string" ? { ...answer, body: JSON.stringify(edit(JSON.parse(answer.body) as Json)) } : answer;
const editText = (answer: Answer, edit: (text: string) => string | Uint8Array): Answer =>
  typeof answer.body === "string" ? { ...answer, body: edit(answer.body) } : answer;
const withHeaders = (answer: Answer, edit: (headers: Answer["headers"]) => Answer["headers"]): Answer => ({ ...answer, headers: edit({ ...answer.headers }) });
const without = (name: string) => (headers: Answer["headers"]) => {
  delete headers[name];
  return headers;
};
/** The first request of an operation is answered 429 with this Retry-After; the rest as usual. */
const firstAnswered429 = (op: "login" | "token", retryAfter: string): Override => {
  let seen = 0;
  return {
    intercept: (_req, ctx) => (ctx.operation === op && ++seen === 1 ? { delayMs: 0, answer: ctx.answers(op, 429, { "retry-after": retryAfter }) } : undefined),
  };
};
const rateLimited = (options: { operation?: "login" | "token"; retryAfterSeconds: number; times?: number }): Bend => ({
  setup: (fake) => fake.scenario("rate_limited", options),
});
/** A wrong-credentials refusal of the breakage's making (the fake's: its 403 example). */
const refuseCredentials = (refuse: (ctx: OverrideContext) => Answer | undefined): Override => ({ user: (user, ctx) => user ?? refuse(ctx) });
/** A user the bent comparison lets in when the fake's found none. */
const userAlso = (lenient: (ctx: OverrideContext, c: Creds) => ReturnType<typeof knownUser>): Override => ({
  user: (user, ctx) => user ?? lenient(ctx, creds(ctx)),
});
const loginOnly = <K extends keyof Override>(point: K, hook: NonNullable<Override[K]>): Override =>
  ({
    [point]: (verdict: unknown, ctx: OverrideContext) => (ctx.op === "login" ? (hook as (v: unknown, c: OverrideContext) => unknown)(verdict, ctx) : verdict),
  }) as Override;
const tokenOnly = <K extends keyof Override>(point: K, hook: NonNullable<Override[K]>): Override =>
  ({
    [point]: (verdict: unknown, ctx: OverrideContext) => (ctx.op === "token" ? (hook as (v: unknown, c: OverrideContext) => unknown)(verdict, ctx) : verdict),
  }) as Override;
const filterErrors = (drop: (e: { keyword: string; instancePath: string }, c: Creds) => boolean): Override =>
  loginOnly("validation", (errors, ctx) => errors.filter((e) => !drop(e, creds(ctx))));
/** After the schema passed: a refusal of the breakage's making. */
const afterValid = (refuse: (ctx: OverrideContext, c: Creds) => Answer | undefined): Override =>
  loginOnly("validation", (errors, ctx) => (errors.length ? errors : (refuse(ctx, creds(ctx)) ?? errors)));
/** 400 bodies carry `leak` in their error object, beside the fake's own message. */
const leaking = (leak: string): Override => ({
  answer: (a) => (a.status === 400 ? editJson(a, (b) => ({ ...b, error: { ...(b.error as Json), detail: leak } })) : a),
});
/** The client a lax secret comparison lets in: the Basic user-id's, when `matches(given, real)`. */
const secretCompared = (ctx: OverrideContext, matches: (given: string, real: string) => boolean) => {
  const basic = readBasicAuthorization(ctx.request.header("authorization"));
  const client = ctx.clients.find((c) => c.clientId === basic?.userId);
  return basic && client && matches(basic.password, client.clientSecret) ? client : undefined;
};
/** Digits of the Unicode blocks a Unicode-aware \\d takes (Arabic-Indic, Extended Arabic-Indic, Devanagari, fullwidth) as ASCII. */
const asciiDigits = (text: string) =>
  text.replace(/\p{Nd}/gu, (d) => {
    const cp = d.codePointAt(0)!;
    const zero = [0x30, 0x660, 0x6f0, 0x966, 0xff10].find((z) => cp >= z && cp < z + 10);
    return zero === undefined ? d : String(cp - zero);
  });
/** A successful login answers an x-auth-context header: Base64 of what `context` makes of the credentials it was sent. */
const loginContext = (context: (c: Creds) => string): Override => ({
  answer: (a, ctx) =>
    ctx.operation === "login" && a.status === 200
      ? withHeaders(a, (h) => ({ ...h, "x-auth-context": Buffer.from(context(JSON.parse(ctx.request.body) as Creds)).toString("base64") }))
      : a,
});
/** A successful login also sets its customer token in a cookie with these attributes (and any further cookies). */
const tokenCookie = (attributes: () => string, ...others: string[]): Override => ({
  answer: (a, ctx) => {
    if (ctx.operation !== "login" || a.status !== 200 || typeof a.body !== "string") return a;
    const token = (JSON.parse(a.body) as { access_token: string }).access_token;
    return withHeaders(a, (h) => ({ ...h, "set-cookie": [`dintero_session=${token}; ${attributes()}`, ...others] }));
  },
});
/** An account id, or an audience ending in one, without the letters before its number. */
const digitsOf = (id: string) => id.replace(/[A-Za-z]+(\d+)$/, "$1");
const notFound = (ctx: OverrideContext, message: string) => ctx.json(404, { error: { code: "NOT_FOUND", message } });
/** Rewrites every JSON string of a body with escapes only: \\/ for /, \\uXXXX for every other character. */
const escapeJsonStrings = (text: string) =>
  text.replace(
    /"(?:[^"\\]|\\.)*"/g,
    (literal) =>
      `"${[...(JSON.parse(literal) as string)].map((c) => (c === "/" ? "\\/" : [...c].map((_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""))).join("")}"`,
  );
let rsa: KeyObject | undefined;
/** One RSA key for every RS256 server of this process (made on first use: it takes a while). */
const rsaKey = () => (rsa ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
const createHmacSync = (key: Buffer | string, input: string): Buffer => createHmac("sha256", key).update(input).digest();

/** Each breakage and variation as overrides of the fake: the one rule it bends. Made afresh for each
 * server (some count requests). */
const bends = (): Record<Breakage | Variation, Bend[]> => ({
  expires_in_as_string: [loginOnly("success", (body) => ({ ...body, expires_in: String(body.expires_in) }))],
  token_expires_in_zero: [tokenOnly("claims", (claims) => ({ ...claims, exp: claims.iat })), tokenOnly("success", (body) => ({ ...body, expires_in: 0 }))],
  validation_422: [{ answer: (a) => (a.status === 400 ? { ...a, status: 422 } : a) }],
  token_201_created: [{ answer: (a, ctx) => (ctx.operation === "token" && a.status === 200 ? { ...a, status: 201 } : a) }],
  content_type_text_plain: [{ answer: (a) => withHeaders(a, (h) => ({ ...h, "content-type": "text/plain" })) }],
  truncated_json_errors: [{ answer: (a) => (a.status >= 400 ? editText(a, (t) => t.slice(0, -3)) : a) }],
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped range: everything outside ASCII
  crash_on_non_ascii: [afterValid((ctx, c) => (/[^\x00-\x7f]/.test(`${c.password ?? ""}${c.email ?? ""}${c.ident ?? ""}`) ? ctx.fail(500) : undefined))],
  rejects_max_length_password: [afterValid((ctx, c) => ([...(c.password ?? "")].length >= 255 ? ctx.invalid() : undefined))],
  accepts_short_password: [filterErrors((e) => e.keyword === "minLength" && e.instancePath === "/password")],
  ignores_type_enum: [filterErrors((e) => e.keyword === "enum" && e.instancePath === "/type")],
  ignores_content_type: [{ mediaType: () => true }],
  accepts_any_bearer: [bearerAlso((ctx) => clientBearer(ctx))],
  no_auth_required: [loginOnly("bearer", (record, ctx) => record ?? clientBearer(ctx))],
  accepts_any_password: [
    userAlso((ctx, c) => {
      const u = knownUser(ctx);
      return u?.type === c.type ? u : undefined;
    }),
  ],
  exp_mismatch: [{ claims: (claims) => ({ ...claims, exp: (claims.exp as number) + 86400 }) }],
  echoes_password: [refuseCredentials((ctx) => ctx.fail(403, { message: `Wrong password "${creds(ctx).password}"` }))],
  signature_compared_as_prefix: [
    bearerAlso((ctx, jwt) =>
      Buffer.from(ctx.mac(`${jwt.parts[0]}.${jwt.parts[1]}`))
        .toString("base64url")
        .startsWith(jwt.parts[2])
        ? ctx.trust(jwt.payload)
        : undefined,
    ),
  ],
  payload_unchecked_under_known_signature: [
    bearerAlso((ctx, jwt) => (jwt.parts[2] !== "" && ctx.issuedTokens.some((t) => t.endsWith(`.${jwt.parts[2]}`)) ? ctx.trust(jwt.payload) : undefined)),
  ],
  trusts_embedded_jwk: [
    bearerAlso((ctx, jwt) => {
      const k = (jwt.header.jwk as { k?: unknown } | undefined)?.k;
      return typeof k === "string" ? signedWith(ctx, Buffer.from(k, "base64url")) : undefined;
    }),
  ],
  token_endpoint_accepts_bearer: [
    {
      clientAuth: (client, ctx) => {
        if (client) return client;
        const bearer = /^Bearer (\S+)$/.exec(ctx.request.header("authorization") ?? "")?.[1];
        const record = ctx.bearerOf?.(bearer);
        return record?.kind === "client" ? ctx.clients.find((c) => c.clientId === record.clientId) : undefined;
      },
    },
  ],
  issues_unsigned_tokens: [
    { serialize: (_t, ctx) => `${b64({ alg: "none", typ: "JWT" })}.${b64(ctx.claims)}.` },
    bearerAlso((ctx, jwt) => (jwt.header.alg === "none" && jwt.parts[2] === "" ? ctx.trust(jwt.payload) : undefined)),
  ],
  token_on_wrong_password: [
    refuseCredentials((ctx) =>
      knownUser(ctx)
        ? ctx.json(403, { error: { code: "FORBIDDEN", message: "Forbidden" }, ...ctx.customerToken(`customer:${knownUser(ctx)!.id}`) })
        : undefined,
    ),
  ],
  identity_in_errors: [
    {
      answer: (a, ctx) =>
        a.status === 403
          ? editJson(a, (b) => ({
              ...b,
              error: { ...(b.error as Json), user: { email: ctx.users.find((u) => u.email)?.email, phone_number: ctx.users.find((u) => u.phone)?.phone } },
            }))
          : a,
    },
  ],
  stack_in_errors: [
    {
      answer: (a) =>
        a.status === 400
          ? editJson(a, (b) => ({
              ...b,
              error: {
                ...(b.error as Json),
                stack: "ValidationError: invalid body\n    at validate (/srv/auth-svc/src/login.js:42:11)",
                upstream: "postgres://auth-db.internal:5432/users",
              },
            }))
          : a,
    },
  ],
  bom_json: [{ answer: (a) => ({ ...a, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(a.body)]) }) }],
  rejects_charset_param: [loginOnly("mediaType", (accepted, ctx) => accepted && !(ctx.request.header("content-type") ?? "").includes(";"))],
  jwt_carries_password: [loginOnly("claims", (claims, ctx) => ({ ...claims, pwd: creds(ctx).password }))],
  echoes_bearer: [refuseCredentials((ctx) => ctx.fail(403, { message: `Forbidden for ${ctx.request.header("authorization") ?? ""}` }))],
  no_www_authenticate: [{ answer: (a) => withHeaders(a, without("www-authenticate")) }],
  cdn_cacheable_token: [{ answer: (a) => (a.status < 400 ? withHeaders(a, (h) => ({ ...h, "cdn-cache-control": "public, max-age=600" })) : a) }],
  refresh_token_on_login: [
    { ...loginOnly("success", (body) => ({ ...body, refresh_token: `rt_${randomBytes(12).toString("hex")}` })), scopes: [LOGIN_SCOPE, MFA_SCOPE] },
  ],
  echoes_basic_header: [
    {
      answer: (a, ctx) => {
        const auth = ctx.request.header("authorization");
        return ctx.operation === "token" && auth ? withHeaders(a, (h) => ({ ...h, "x-debug-authorization": auth })) : a;
      },
    },
  ],
  echoes_password_encoded: [
    refuseCredentials((ctx) => {
      const p = creds(ctx).password ?? "";
      return ctx.fail(403, {
        message: `Wrong password ${encodeURIComponent(p)} (${[...p].map((c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`).join("")})`,
      });
    }),
  ],
  never_answers: [{ intercept: (_req, ctx) => (ctx.operation === "login" ? { delayMs: 0, answer: null } : undefined) }],
  rate_limits_once: [rateLimited({ operation: "login", retryAfterSeconds: 0, times: 1 })],
  customer_token_opens_login: [loginOnly("bearer", (record, ctx) => (record?.kind === "customer" ? clientBearer(ctx) : record))],
  serves_other_account: [
    loginOnly("accountServed", () => true),
    loginOnly("audienceGranted", (granted, ctx) => granted || ctx.audience === ctx.audienceOf(ctx.id)),
  ],
  ignores_path_account: [loginOnly("accountServed", () => true)],
  token_serves_other_account: [
    tokenOnly("accountServed", (served, ctx) => served || validateAccountId(ctx.id)),
    tokenOnly("audienceGranted", (granted, ctx) => granted || ctx.audience === ctx.audienceOf(ctx.id)),
  ],
  ignores_audience: [loginOnly("audienceGranted", () => true)],
  ignores_ident_type: [
    userAlso((ctx, c) =>
      ctx.users.find(
        (u) => u.type === c.type && u.password === c.password && c.email === undefined && c.ident !== undefined && (u.email === c.ident || u.phone === c.ident),
      ),
    ),
  ],
  serves_any_method: [{ methodAllowed: () => true }],
  retry_after_not_a_number: [firstAnswered429("login", "1.5")],
  token_retry_after_not_a_number: [firstAnswered429("token", "1.5")],
  latin1_error_body: [
    { answer: (a) => (a.status >= 400 ? editText(a, (t) => Buffer.from(t.replace('"message":"', '"message":"Ugyldig forespørsel: '), "latin1")) : a) },
  ],
  duplicate_content_type: [{ answer: (a) => withHeaders(a, (h) => ({ ...h, "content-type": [String(h["content-type"]), "text/plain"] })) }],
  method_405_without_allow: [{ answer: (a) => (a.status === 405 ? withHeaders(a, without("allow")) : a) }],
  enumeration_leak: [refuseCredentials((ctx) => (knownUser(ctx) ? undefined : ctx.fail(403, { message: "No user with this identity" })))],
  token_cacheable: [{ answer: (a) => withHeaders(a, without("cache-control")) }],
  refresh_token_on_client_credentials: [tokenOnly("success", (body) => ({ ...body, refresh_token: `rt_${randomBytes(12).toString("hex")}` }))],
  duplicate_json_members: [
    { answer: (a) => (a.status < 400 ? editText(a, (t) => t.replace(/"token_type":"Bearer",/, '"token_type":"Bearer","token_type":"Bearer",')) : a) },
  ],
  accepts_lower_case_aid: [
    {
      pathIdValid: (valid, ctx) => valid || validateAccountId(ctx.id.toUpperCase()),
      accountServed: (served, ctx) => served || ctx.id.toUpperCase() === ctx.accountId,
    },
  ],
  accepts_alg_none: [bearerAlso((ctx, jwt) => (jwt.header.alg === "none" ? ctx.trust(jwt.payload) : undefined))],
  alg_none_case_insensitive: [
    bearerAlso((ctx, jwt) =>
      typeof jwt.header.alg === "string" && jwt.header.alg !== "none" && jwt.header.alg.toLowerCase() === "none" ? ctx.trust(jwt.payload) : undefined,
    ),
  ],
  weak_hmac_key: [bearerAlso((ctx) => signedWith(ctx, "your-256-bit-secret"))],
  ident_password_not_checked: [
    userAlso((ctx, c) => {
      const u = knownUser(ctx);
      return c.email === undefined && u?.type === c.type ? u : undefined;
    }),
  ],
  token_any_audience: [tokenOnly("audienceGranted", () => true)],
  counts_password_bytes: [
    filterErrors((e, c) => e.keyword === "minLength" && e.instancePath === "/password" && typeof c.password === "string" && Buffer.byteLength(c.password) >= 4),
  ],
  counts_password_utf16_units: [afterValid((ctx, c) => ((c.password ?? "").length > 255 ? ctx.invalid() : undefined))],
  ident_without_ident_type: [
    loginOnly("body", (body) => {
      const b = body as Creds;
      return b && typeof b === "object" && typeof b.ident === "string" && b.ident_type === undefined && b.email === undefined
        ? { ...b, ident_type: b.ident.includes("@") ? "email" : "phone_number" }
        : body;
    }),
  ],
  login_always_429: [rateLimited({ operation: "login", retryAfterSeconds: 3600 })],
  enum_case_insensitive: [
    {
      body: (body) => {
        if (!body || typeof body !== "object" || Array.isArray(body)) return body;
        const b = { ...(body as Json) };
        for (const k of ["type", "ident_type", "grant_type"]) if (typeof b[k] === "string") b[k] = (b[k] as string).toLowerCase();
        return b;
      },
    },
  ],
  token_ignores_oid: [tokenOnly("pathIdValid", () => true), tokenOnly("accountServed", () => true)],
  token_ignores_content_type: [tokenOnly("mediaType", () => true)],
  token_429_long_once: [rateLimited({ operation: "token", retryAfterSeconds: 90, times: 1 })],
  ignores_user_type: [
    userAlso((ctx, c) => {
      const u = knownUser(ctx);
      return u && u.password === c.password ? u : undefined;
    }),
  ],
  conflicting_json_members: [{ answer: (a) => (a.status < 400 ? editText(a, (t) => t.replace(/"expires_in":(\d+)/, '"expires_in":60,"expires_in":$1')) : a) }],
  fail_open_algorithms: [
    bearerAlso((ctx, jwt) =>
      typeof jwt.header.alg === "string" && jwt.header.alg !== "HS256" && jwt.header.alg.toLowerCase() !== "none" ? ctx.trust(jwt.payload) : undefined,
    ),
  ],
  psychic_signatures: [
    bearerAlso((ctx, jwt) =>
      jwt.header.alg === "ES256" && /^A+$/.test(jwt.parts[2]) && Buffer.from(jwt.parts[2], "base64url").length === 64 ? ctx.trust(jwt.payload) : undefined,
    ),
  ],
  trusts_embedded_rsa_jwk: [
    bearerAlso((ctx, jwt) => {
      const jwk = jwt.header.jwk as JsonWebKey | undefined;
      if (jwt.header.alg !== "RS256" || jwk?.kty !== "RSA") return undefined;
      const key = createPublicKey({ key: jwk, format: "jwk" });
      return verify("sha256", Buffer.from(`${jwt.parts[0]}.${jwt.parts[1]}`), key, Buffer.from(jwt.parts[2], "base64url")) ? ctx.trust(jwt.payload) : undefined;
    }),
  ],
  key_lookup_fails_open: [
    bearerAlso((ctx, jwt) => (["kid", "jku", "x5u"].some((name) => typeof jwt.header[name] === "string") ? ctx.trust(jwt.payload) : undefined)),
  ],
  clock_an_hour_ahead: [
    { claims: (claims) => ({ ...claims, iat: (claims.iat as number) + 3600, nbf: (claims.iat as number) + 3600, exp: (claims.exp as number) + 3600 }) },
  ],
  wrong_iat_hides_wrong_exp: [{ claims: (claims) => ({ ...claims, iat: (claims.iat as number) + 86400, exp: (claims.exp as number) + 86400 }) }],
  iat_disagrees_with_expires_in: [{ claims: (claims) => ({ ...claims, iat: (claims.iat as number) - 86400 }) }],
  token_storable_by_shared_caches: [
    {
      answer: (a, ctx) =>
        a.status < 300 && ctx.operation
          ? withHeaders(a, (h) => ({ ...h, "cache-control": "public, max-age=3600", "content-location": ctx.request.pathname }))
          : a,
    },
  ],
  leaks_node_frame: [leaking(DISCLOSURE_LEAKS.leaks_node_frame)],
  leaks_python_traceback: [leaking(DISCLOSURE_LEAKS.leaks_python_traceback)],
  leaks_jvm_frame: [leaking(DISCLOSURE_LEAKS.leaks_jvm_frame)],
  leaks_python_frame: [leaking(DISCLOSURE_LEAKS.leaks_python_frame)],
  leaks_database_url: [leaking(DISCLOSURE_LEAKS.leaks_database_url)],
  leaks_internal_host: [leaking(DISCLOSURE_LEAKS.leaks_internal_host)],
  leaks_private_ip: [leaking(DISCLOSURE_LEAKS.leaks_private_ip)],
  leaks_sql: [leaking(DISCLOSURE_LEAKS.leaks_sql)],
  strips_password_whitespace: [
    afterValid((ctx, c) => ([...(c.password ?? "").replace(/[\s\u200b-\u200d\u2060\ufeff]/gu, "")].length < 4 ? ctx.invalid() : undefined)),
  ],
  client_secret_prefix_match: [{ clientAuth: (client, ctx) => client ?? secretCompared(ctx, (given, real) => given !== "" && real.startsWith(given)) }],
  client_secret_case_insensitive: [{ clientAuth: (client, ctx) => client ?? secretCompared(ctx, (given, real) => given.toLowerCase() === real.toLowerCase()) }],
  signs_up_unknown_phone_numbers: [
    userAlso((ctx, c) =>
      c.ident_type === "phone_number" && c.ident && c.type && !ctx.users.some((u) => u.phone === c.ident)
        ? { id: `signup-${c.ident}`, type: c.type as "customer", phone: c.ident, password: c.password ?? "" }
        : undefined,
    ),
  ],
  aid_dollar_before_newline: [
    {
      pathIdValid: (valid, ctx) => valid || (ctx.id.endsWith("\n") && validateAccountId(ctx.id.slice(0, -1))),
      accountServed: (served, ctx) => served || ctx.id.replace(/\n$/, "") === ctx.accountId,
    },
  ],
  aid_unicode_digits: [
    {
      pathIdValid: (valid, ctx) => valid || validateAccountId(asciiDigits(ctx.id)),
      accountServed: (served, ctx) => served || asciiDigits(ctx.id) === ctx.accountId,
    },
  ],
  password_case_insensitive: [
    userAlso((ctx, c) => {
      const u = knownUser(ctx);
      return u && u.type === c.type && u.password.toLowerCase() === (c.password ?? "").toLowerCase() ? u : undefined;
    }),
  ],
  password_trimmed: [
    userAlso((ctx, c) => {
      const u = knownUser(ctx);
      return u && u.type === c.type && u.password.trim() === (c.password ?? "").trim() ? u : undefined;
    }),
  ],
  kid_lookup_yields_empty_key: [
    bearerAlso((ctx, jwt) => (jwt.header.alg === "HS256" && typeof jwt.header.kid === "string" ? signedWith(ctx, Buffer.alloc(0)) : undefined)),
  ],
  trusts_x5c_certificate: [
    bearerAlso((ctx, jwt) => {
      const [first] = Array.isArray(jwt.header.x5c) ? (jwt.header.x5c as unknown[]) : [];
      if (jwt.header.alg !== "RS256" || typeof first !== "string") return undefined;
      try {
        const key = new X509Certificate(Buffer.from(first, "base64")).publicKey;
        return verify("sha256", Buffer.from(`${jwt.parts[0]}.${jwt.parts[1]}`), key, Buffer.from(jwt.parts[2], "base64url"))
          ? ctx.trust(jwt.payload)
          : undefined;
      } catch {
        return undefined; // not a certificate: refused like any bearer the server cannot verify
      }
    }),
  ],
  account_compared_by_number: [
    {
      accountServed: (served, ctx) => served || digitsOf(ctx.id) === digitsOf(ctx.accountId),
      audienceGranted: (granted, ctx) => granted || digitsOf(ctx.audience ?? "") === digitsOf(ctx.audienceOf(ctx.accountId)),
    },
  ],
  echoes_credentials_base64: [loginContext((c) => `${c.email ?? c.ident}:${c.password}`)],
  token_in_plain_cookie: [tokenCookie(() => "Path=/; Max-Age=86400")],

  undocumented_property: [{ success: (body) => ({ ...body, x_conformance_selftest_extra: "a property no spec documents" }) }],
  rs256_with_kid: [
    {
      serialize: (_t, ctx) => {
        const input = `${b64({ alg: "RS256", typ: "JWT", kid: "selftest-key-1" })}.${b64(ctx.claims)}`;
        return `${input}.${sign("sha256", Buffer.from(input), rsaKey()).toString("base64url")}`;
      },
    },
  ],
  short_lifetimes: [{ claims: (claims) => ({ ...claims, exp: (claims.iat as number) + 60 }), success: (body) => ({ ...body, expires_in: 60 }) }],
  json_escapes: [{ answer: (a) => (String(a.headers["content-type"]).startsWith("application/json") ? editText(a, escapeJsonStrings) : a) }],
  media_type_capitalised: [{ answer: (a) => withHeaders(a, (h) => ({ ...h, "content-type": "Application/JSON; charset=UTF-8" })) }],
  quoted_charset: [{ answer: (a) => withHeaders(a, (h) => ({ ...h, "content-type": 'application/json; charset="utf-8"' })) }],
  chunked_with_trailers: [{ answer: (a) => ({ ...a, framing: { trailers: { "x-selftest-trailer": "1" } } }) }],
  close_delimited: [{ answer: (a) => ({ ...a, framing: "close" }) }],
  validates_identity_formats: [
    afterValid((ctx, c) => {
      if (c.ident_type === "phone_number" && !/^\+47[49]\d{7}$/.test(c.ident ?? "")) return ctx.invalid();
      const email = c.email ?? (c.ident_type === "email" ? c.ident : undefined);
      return email !== undefined && !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(email) ? ctx.invalid() : undefined;
    }),
  ],
  rejects_made_up_identities: [refuseCredentials((ctx) => (knownUser(ctx) ? undefined : ctx.invalid()))],
  status_415_for_content_type: [
    {
      mediaType: (accepted, ctx) => accepted || ctx.json(415, { error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Content-Type must be application/json" } }),
    },
  ],
  status_404_for_bad_aid: [loginOnly("pathIdValid", (valid, ctx) => valid || notFound(ctx, "No such account"))],
  status_404_for_other_account: [
    loginOnly("accountServed", (served, ctx) => served || (validateAccountId(ctx.id) ? notFound(ctx, "No such account") : served)),
  ],
  jwt_without_exp: [{ claims: ({ exp: _exp, ...claims }) => claims }],
  jwe_tokens: [
    {
      serialize: () =>
        `${b64({ alg: "dir", enc: "A256GCM", typ: "JWT" })}..${randomBytes(12).toString("base64url")}.${randomBytes(96).toString("base64url")}.${randomBytes(16).toString("base64url")}`,
    },
  ],
  exp_with_leeway: [{ claims: (claims) => ({ ...claims, exp: (claims.exp as number) + 300 }) }],
  status_501_for_patch: [
    {
      methodAllowed: (allowed, ctx) =>
        ctx.request.method.toUpperCase() === "PATCH" ? ctx.json(501, { error: { code: "NOT_IMPLEMENTED", message: "Not Implemented" } }) : allowed,
    },
  ],
  duplicate_identical_content_type: [
    { answer: (a) => withHeaders(a, (h) => ({ ...h, "content-type": [String(h["content-type"]), String(h["content-type"])] })) },
  ],
  token_400_without_credentials: [
    {
      clientAuth: (client, ctx) =>
        client ??
        (ctx.request.header("authorization") === undefined
          ? ctx.json(400, { error: { code: "invalid_client", message: "Client authentication missing" } })
          : undefined),
    },
  ],
  auth_400_for_malformed: [
    loginOnly("bearer", (record, ctx) => {
      const authorization = ctx.request.header("authorization");
      return authorization !== undefined && !/^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(authorization)
        ? ctx.json(400, { error: { code: "invalid_request", message: "Malformed Authorization header" } })
        : record;
    }),
  ],
  login_429_long_once: [rateLimited({ operation: "login", retryAfterSeconds: 90, times: 1 })],
  unknown_identity_404: [refuseCredentials((ctx) => (knownUser(ctx) ? undefined : notFound(ctx, "No such user")))],
  company_twin: [
    userAlso((ctx, c) => {
      const u = knownUser(ctx);
      return c.type === "company" && c.email !== undefined && u?.email === c.email && u.password === c.password ? u : undefined;
    }),
  ],
  framework_refusals: [
    loginOnly(
      "pathIdValid",
      (valid) =>
        valid || {
          status: 404,
          headers: { "content-type": "text/html; charset=utf-8" },
          body: "<!DOCTYPE html><html><body><pre>Cannot POST</pre></body></html>",
        },
    ),
    {
      mediaType: (accepted) =>
        accepted || {
          status: 415,
          headers: { "content-type": "application/problem+json; charset=utf-8" },
          body: JSON.stringify({ type: "about:blank", title: "Unsupported Media Type", status: 415 }),
        },
    },
  ],
  small_clock_skew: [
    { claims: (claims) => ({ ...claims, iat: (claims.iat as number) + 60, nbf: (claims.iat as number) + 60, exp: (claims.exp as number) + 60 }) },
  ],
  content_location_no_store: [
    { answer: (a, ctx) => (a.status < 300 && ctx.operation ? withHeaders(a, (h) => ({ ...h, "content-location": ctx.request.pathname })) : a) },
  ],
  bearer_dies_early: [bearerForgottenAfter(40)],
  password_offbyone: [
    userAlso((ctx, c) => {
      const u = knownUser(ctx);
      const given = c.password ?? "";
      return u && u.type === c.type && given.length === u.password.length && given.slice(0, -1) === u.password.slice(0, -1) ? u : undefined;
    }),
  ],
  invalid_token_on_wrong_password: [
    refuseCredentials((ctx) =>
      ctx.json(401, { error: { code: "UNAUTHORIZED", message: "Invalid credentials" } }, { "www-authenticate": 'Bearer error="invalid_token"' }),
    ),
  ],
  enum_by_errors_detail: [
    refuseCredentials((ctx) =>
      ctx.json(403, {
        error: {
          code: "FORBIDDEN",
          message: "Invalid credentials",
          // volatile members, different in every answer: no difference between two identities
          request_id: randomBytes(8).toString("hex"),
          timestamp: new Date().toISOString(),
          errors: [knownUser(ctx) ? { path: "password", message: "password does not match" } : { path: "email", message: "no user with this identity" }],
        },
      }),
    ),
  ],
  wrong_password_429: [refuseCredentials((ctx) => (knownUser(ctx) ? withHeaders(ctx.fail(429), (h) => ({ ...h, "retry-after": "3600" })) : undefined))],
  short_lived_bearer: [
    // exp from iat as the fake's clock gave it (the suite may move that clock on; iat is whole seconds, so
    // the bearer dies 1 to 2 s after issue: never before the expires_in of 1 s it is announced with)
    tokenOnly("claims", (claims) => ({ ...claims, exp: Number(claims.iat) + 2 })),
    tokenOnly("success", (body) => ({ ...body, expires_in: 1 })),
    { setup: (fake) => fake.scenario("slow", { delayMs: 10, operation: "both" }) },
  ],
  request_id_in_error_body: [
    {
      answer: (a) =>
        a.status >= 400 && String(a.headers["content-type"]).startsWith("application/json")
          ? editJson(a, (b) => ({ ...b, error: { ...(b.error as Json), request_id: randomBytes(8).toString("hex"), timestamp: new Date().toISOString() } }))
          : a,
    },
  ],
  base64_identity_header: [loginContext((c) => `${c.email ?? c.ident}`)],
  session_cookie_without_token: [{ answer: (a) => withHeaders(a, (h) => ({ ...h, "set-cookie": `sid=${randomBytes(24).toString("base64url")}; Path=/` })) }],
  token_cookie_protected: [tokenCookie(() => "Path=/; Max-Age=86400; secure; HTTPONLY; SameSite=Lax", `theme=dark; Path=/`)],
  mfa_single_wrong_code: [{ mfaRules: (rules) => ({ ...rules, maxWrongCodes: 1 }) }],
  mfa_refusals_400: [
    {
      answer: (a, ctx) =>
        ctx.operation === "token" && a.status === 403 && isMfaGrant(ctx.request.body)
          ? { ...a, body: JSON.stringify({ error: { code: "invalid_grant", message: "The MFA grant is not valid" } }), status: 400 }
          : a,
    },
  ],
  refresh_refusals_401: [
    {
      answer: (a, ctx) =>
        ctx.operation === "token" && a.status === 403 && grantOf(ctx.request.body) === "refresh_token"
          ? withHeaders({ ...a, status: 401 }, (h) => ({ ...h, "www-authenticate": 'Bearer realm="dintero"' }))
          : a,
    },
  ],
  // #26: the session after login, one rule each
  refresh_token_any_client: [
    {
      bearer: (record, ctx) => (ctx.op === "token" && grantOf(ctx.request.body) === "refresh_token" && record?.kind === "client" ? clientBearer(ctx) : record),
    },
  ],
  revoke_does_nothing: [
    {
      // the fake answers as ever (its checks included), about a token it never issued
      rewrite: (request) => (request.pathname.endsWith("/auth/revoke") ? { ...request, body: JSON.stringify({ token: `rt_${"0".repeat(32)}` }) } : request),
    },
  ],
  revoke_tells_unknown: (() => {
    const live = new Set<string>();
    const refreshTokenIn = (text: string) => {
      try {
        return (JSON.parse(text) as { refresh_token?: string; token?: string }) ?? {};
      } catch {
        return {};
      }
    };
    return [
      {
        answer: (a, ctx) => {
          const text = typeof a.body === "string" ? a.body : Buffer.from(a.body).toString("utf8");
          const issued = a.status === 200 ? refreshTokenIn(text).refresh_token : undefined;
          if (issued) live.add(issued);
          if (ctx.operation !== "revoke" || a.status !== 200) return a;
          const token = refreshTokenIn(ctx.request.body).token ?? "";
          if (live.delete(token)) return a;
          return { ...a, status: 400, body: JSON.stringify({ error: { code: "invalid_token", message: "The token is unknown or revoked" } }) };
        },
      },
    ];
  })(),
  refresh_token_on_mfa_grant: [
    {
      scopes: [LOGIN_SCOPE, MFA_SCOPE],
      success: (body, ctx) => (ctx.op === "token" && isMfaGrant(ctx.request.body) ? { ...body, refresh_token: `rt_${randomBytes(12).toString("hex")}` } : body),
    },
  ],
  mfa_token_reusable: [{ mfaRules: (rules) => ({ ...rules, singleUse: false }) }],
  mfa_token_never_expires: [{ mfaRules: (rules) => ({ ...rules, expires: false }) }],
  binding_code_unchecked: (() => {
    let fake: RunningFakeDintero | undefined;
    return [
      {
        setup: (f: RunningFakeDintero) => {
          fake = f;
        },
        // the code the customer received replaces whatever was sent: any code logs in
        rewrite: (request) => {
          if (!request.pathname.endsWith("/auth/token") || !isMfaGrant(request.body)) return request;
          const code = fake?.mfaCode(MFA_EMAIL);
          return code ? { ...request, body: JSON.stringify({ ...(JSON.parse(request.body) as Json), binding_code: code }) } : request;
        },
      },
    ];
  })(),
  binding_code_unbounded: [{ mfaRules: (rules) => ({ ...rules, maxWrongCodes: Number.POSITIVE_INFINITY }) }],
  customer_token_opens_session_endpoints: [{ bearer: (record, ctx) => (ctx.op !== "login" && record?.kind === "customer" ? clientBearer(ctx) : record) }],
  revoke_not_served: [notServed("revoke")],
  mfa_challenge_not_served: [notServed("mfa_challenge")],
  refresh_grant_not_served: [
    {
      intercept: (request, ctx) =>
        ctx.operation === "token" && grantOf(request.body) === "refresh_token"
          ? {
              delayMs: 0,
              answer: editJson(ctx.answers("token", 400), () => ({ error: { code: "unsupported_grant_type", message: "Unsupported grant type" } })),
            }
          : undefined,
    },
  ],
});

/** A server that does not serve an operation at all: every request to its path, whatever its method, gets the
 * fake's own 404 for a path it does not know (or `status`: 405, 501 from a router that knows the path only). */
export function notServed(operation: FakeOperation, status = 404): Override {
  return {
    intercept: (_request, ctx) =>
      ctx.operation === operation
        ? {
            delayMs: 0,
            answer: {
              status,
              headers: { "content-type": "application/json", "cache-control": "no-store", "request-id": randomBytes(8).toString("hex") },
              body: JSON.stringify({ error: { code: status === 404 ? "NOT_FOUND" : "NOT_IMPLEMENTED", message: status === 404 ? "Not Found" : "Not served" } }),
            },
          }
        : undefined,
  };
}

/** A server whose client bearers stop working `ms` after they were issued or at their `uses`th use, whatever
 * their expires_in says (the count makes it happen in every run, however fast the machine). */
function bearerForgottenAfter(uses: number): Override {
  const issued = new Map<string, number>();
  return {
    claims: (claims, ctx) => {
      if (ctx.op === "token") issued.set(String(claims.jti), 0);
      return claims;
    },
    bearer: (record, ctx) => {
      const jti = ctx.decode(ctx.bearer ?? "")?.payload.jti;
      const used = typeof jti === "string" ? issued.get(jti) : undefined;
      if (record?.kind !== "client" || used === undefined) return record;
      issued.set(jti as string, used + 1);
      return used + 1 >= uses ? undefined : record;
    },
  };
}

/** Starts the fake with the options' client and users, bent by the breakage and the variation given. */
export async function startContractServer(opts: ContractServerOptions = {}): Promise<ContractServer> {
  const options = {
    accountId: "T87654321",
    clientId: "selftest-client",
    clientSecret: `client-secret-${randomBytes(8).toString("hex")}`,
    email: "ada@example.com",
    password: `user-password-${randomBytes(8).toString("hex")}`,
    identType: "phone_number",
    ident: "+4790000000",
    identPassword: `ident-password-${randomBytes(8).toString("hex")}`,
    otherClientId: "selftest-other-client",
    otherClientSecret: `other-secret-${randomBytes(8).toString("hex")}`,
    mfaEmail: MFA_EMAIL,
    mfaPassword: `mfa-password-${randomBytes(8).toString("hex")}`,
    ...opts,
  };
  const identField = options.identType === "email" ? "email" : "phone";
  const table = bends();
  const chosenBends = [options.vary, options.break].flatMap((name) => (name === undefined ? [] : (table[name] ?? [])));
  const scopes = chosenBends.find((b) => b.scopes)?.scopes ?? CLIENT_SCOPES;
  let clockOffsetMs = 0;
  const { fake, internals } = await startFakeServer({
    accountId: options.accountId,
    clients: [
      { clientId: options.clientId, clientSecret: options.clientSecret, scopes },
      // another client of the account, which may log in but holds no sessions (no refresh scope)
      { clientId: options.otherClientId, clientSecret: options.otherClientSecret, scopes: [LOGIN_SCOPE, MFA_SCOPE] },
    ],
    users: [
      { type: "customer", email: options.email, password: options.password },
      { type: "customer", [identField]: options.ident, password: options.identPassword },
      { type: "customer", email: options.mfaEmail, password: options.mfaPassword, mfa: true },
    ],
    now: () => Date.now() + clockOffsetMs,
  });
  // the variation first: it shapes the correct server that the breakage then breaks
  for (const name of [options.vary, options.break]) {
    if (name === undefined) continue;
    const chosen = table[name];
    if (!chosen) throw new Error(`no such breakage or variation: ${name}`);
    for (const bend of chosen) {
      bend.setup?.(fake);
      internals.use(bend);
    }
  }
  const control: TargetControl = {
    mfaCode: (identity) => fake.mfaCode(identity),
    advanceClock: (seconds) => {
      clockOffsetMs += seconds * 1000;
    },
  };
  return { baseUrl: fake.url, options, issuedTokens: internals.issuedTokens, requestCount: internals.requestCount, control, close: fake.close };
}

/** The environment that points the suite at startFakeDintero() with its documented defaults (testing/types.ts:
 * one client, `fake-client-id`, and the spec's two login examples), as docs/conformance.md shows it. */
/** The least live configuration the suite accepts, at a loopback port nothing listens on: for tests that
 * resolve a configuration or build cases and send nothing. `overrides` adds or replaces variables. */
export function minimalLiveEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DINTERO_BASE_URL: "http://127.0.0.1:9/v1",
    DINTERO_ACCOUNT_ID: "T12345678",
    DINTERO_CLIENT_ID: "id",
    DINTERO_CLIENT_SECRET: "secret",
    DINTERO_LOGIN_EMAIL: "a@example.com",
    DINTERO_LOGIN_PASSWORD: "pw",
    ...overrides,
  };
}

export function fakeDefaultsEnv(baseUrl: string): Record<string, string> {
  return {
    DINTERO_BASE_URL: baseUrl,
    DINTERO_ACCOUNT_ID: "T12345678",
    DINTERO_CLIENT_ID: "fake-client-id",
    DINTERO_CLIENT_SECRET: "fake-client-secret",
    DINTERO_LOGIN_EMAIL: "john.doe@example.com",
    DINTERO_LOGIN_PASSWORD: "correct-horse-battery-staple",
    DINTERO_LOGIN_IDENT_TYPE: "phone_number",
    DINTERO_LOGIN_IDENT: "+4799999999",
    DINTERO_LOGIN_IDENT_PASSWORD: "1234",
  };
}

/** The environment that points the suite at a contract server. */
export function contractEnv(server: ContractServer, extra: Record<string, string> = {}): Record<string, string> {
  const o = server.options;
  return {
    DINTERO_BASE_URL: server.baseUrl,
    DINTERO_ACCOUNT_ID: o.accountId,
    DINTERO_CLIENT_ID: o.clientId,
    DINTERO_CLIENT_SECRET: o.clientSecret,
    DINTERO_LOGIN_EMAIL: o.email,
    DINTERO_LOGIN_PASSWORD: o.password,
    DINTERO_LOGIN_IDENT_TYPE: o.identType,
    DINTERO_LOGIN_IDENT: o.ident,
    DINTERO_LOGIN_IDENT_PASSWORD: o.identPassword,
    DINTERO_OTHER_CLIENT_ID: o.otherClientId,
    DINTERO_OTHER_CLIENT_SECRET: o.otherClientSecret,
    DINTERO_MFA_LOGIN_EMAIL: o.mfaEmail,
    DINTERO_MFA_LOGIN_PASSWORD: o.mfaPassword,
    ...extra,
  };
}
