// Self-test targets for the conformance suite: ONE correct node:http implementation of the login
// contract (token endpoint, login endpoint, a real user store, its own HS256 JWTs bound to a scope and
// an account, 405 with Allow for other methods, Cache-Control: no-store), which answers
// `application/json; charset=utf-8` and adds an undocumented `scope` property, plus single-rule
// breakages selected by `break`. Each breakage exists to prove that one check fails on it.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { startHttpServer } from "./http-server.ts";
import { basicAuthorization } from "../../lib/basic-auth.ts";
import { validateAccountId, validateClientCredentialsTokenRequest, validateLoginCredentials, type ValidationError } from "../../generated/validators.js";

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
  payload_unchecked_under_known_signature: "a bearer whose signature is one the server issued is accepted whatever its payload (verification cached by signature)",
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
  echoes_basic_header: "the token endpoint echoes the request's Authorization header (Basic: the client secret, base64-encoded) in an x-debug-authorization header",
  echoes_password_encoded: "the wrong-credentials error message quotes the submitted password percent-encoded and \\u-escaped (advisory)",
  never_answers: "the login endpoint never answers",
  rate_limits_once: "the first login request is answered 429 with Retry-After: 0 (correct behaviour)",
  customer_token_opens_login: "a customer's own access token is accepted as the merchant's bearer (the scope is not checked)",
  serves_other_account: "the bearer's account is not compared with the path: a login on another account is served",
  ignores_path_account: "the bearer's account is not compared with the login path, though the body's audience is compared with the bearer's: another account's login with this account's audience is served",
  token_serves_other_account: "the token endpoint issues a token on another account's path (the client's own audience, or that account's) to the client's credentials",
  ignores_audience: "the body's audience is not compared with the client's",
  ignores_ident_type: "a login matches the ident value whatever its ident_type (an email logs in as a phone number)",
  serves_any_method: "PUT, PATCH, GET and DELETE are served like POST",
  retry_after_not_a_number: "the first login request is answered 429 with Retry-After: 1.5 (neither delay-seconds nor an HTTP-date; the login's 429 is curated: advisory)",
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
  alg_none_case_insensitive: "the alg check folds case: an unsigned JWT with alg \"NONE\" is accepted (\"none\" is refused)",
  weak_hmac_key: "bearers signed with jwt.io's example key \"your-256-bit-secret\" are accepted as well as the server's own",
  ident_password_not_checked: "the ident form (phone number and PIN) never compares the password",
  token_any_audience: "the token endpoint issues a token for any audience, another account's included",
  counts_password_bytes: "the password's minLength is counted in UTF-8 bytes (3 × é passes as 6)",
  counts_password_utf16_units: "the password's maxLength is counted in UTF-16 units (.length): 255 emoji are rejected as 510",
  ident_without_ident_type: "an ident without ident_type is accepted (its type is guessed)",
  login_always_429: "every login is answered 429 with Retry-After: 3600",
  enum_case_insensitive: "enum values (type, ident_type, grant_type) are compared case-insensitively: \"Customer\" passes as customer",
  token_ignores_oid: "the token endpoint does not check its path's oid (a malformed oid is served like the client's own)",
  token_ignores_content_type: "the token endpoint parses any Content-Type as JSON",
  token_429_long_once: "the first token request is answered 429 with Retry-After: 90 (longer than the suite waits): the run cannot get a bearer",
  ignores_user_type: "a login matches whatever the body's type (a customer logs in as a company)",
  conflicting_json_members: "token responses name expires_in twice, with different values (first-wins and last-wins parsers read different lifetimes)",
} as const;
export type Breakage = keyof typeof BREAKAGES;

/** Correct but different servers: each answers in a way the contract allows though the reference server
 * does not, and must pass at --fail-on contract (some are reported as advisory findings). */
export const VARIATIONS = {
  validates_identity_formats: "the ident and email are validated strictly (a Norwegian mobile number +47 4/9 and 7 digits; an email with a domain): 400 otherwise",
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
  auth_400_for_malformed: "an empty or malformed bearer and a non-Bearer scheme are answered 400 invalid_request (RFC 6750 §3.1); a well-formed but never-issued JWT 401",
  login_429_long_once: "the first login is answered 429 with Retry-After: 90, longer than the suite waits; every other login is answered",
  unknown_identity_404: "an identity the server does not know is answered 404 Not Found with an Error body (undocumented 4xx); a wrong password 403",
  company_twin: "the known email also exists as a company user with the same password (Dintero: \"users with different type can share email\"): type company logs in too",
  framework_refusals: "undocumented refusals as web frameworks send them: a malformed account id is answered 404 text/html, a wrong request Content-Type 415 application/problem+json (RFC 9457)",
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
}

export interface ContractServer {
  /** base URL including /v1 */
  baseUrl: string;
  options: Required<Omit<ContractServerOptions, "break" | "vary">> & { break?: Breakage; vary?: Variation };
  /** every token the server issued (to prove none leaks) */
  issuedTokens: string[];
  requestCount(): number;
  close(): Promise<void>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (data += c));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

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
    ...opts,
  };
  const broken = options.break;
  const vary = options.vary;
  /** JWE tokens are opaque to their holder: the server remembers what it issued */
  const jweClaims = new Map<string, { aud: string; scope: string; exp: number }>();
  const key = randomBytes(32);
  const audience = `https://api.dintero.com/v1/accounts/${options.accountId}`;
  const issuedTokens: string[] = [];
  let requests = 0;
  let loginRequests = 0;
  let tokenRequests = 0;

  const issuedSignatures = new Set<string>();
  const sign = (payload: Record<string, unknown>) => {
    const head = b64({ alg: broken === "issues_unsigned_tokens" ? "none" : "HS256", typ: "JWT" });
    const body = b64(payload);
    const signature = broken === "issues_unsigned_tokens" ? "" : createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
    issuedSignatures.add(signature);
    const token = `${head}.${body}.${signature}`;
    issuedTokens.push(token);
    return token;
  };
  const issue = (sub: string, expiresIn: number, scope: string, aud = audience, extra: Record<string, unknown> = {}) => {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + expiresIn + (broken === "exp_mismatch" ? 86400 : 0) + (vary === "exp_with_leeway" ? 300 : 0);
    if (vary === "jwe_tokens") {
      const r = (n: number) => randomBytes(n).toString("base64url");
      const token = `${b64({ alg: "dir", enc: "A256GCM", typ: "JWT" })}..${r(12)}.${r(96)}.${r(16)}`;
      jweClaims.set(token, { aud, scope, exp });
      issuedTokens.push(token);
      return { access_token: token, token_type: "Bearer", expires_in: expiresIn, scope };
    }
    const claims = { iss: `${aud}/auth/token`, aud, sub, iat, ...(vary === "jwt_without_exp" ? {} : { exp }), scope, ...extra };
    return { access_token: sign(claims), token_type: "Bearer", expires_in: expiresIn, scope };
  };
  const CLIENT_SCOPE = "write:accounts:/auth/users";
  const audienceOf = (aid: string) => `https://api.dintero.com/v1/accounts/${aid}`;
  /** The verified claims of the bearer, or undefined when it is not one this server issued to a client. */
  const bearerClaims = (header: string | undefined): { aud?: string; scope?: string } | undefined => {
    if (vary === "jwe_tokens") {
      const claims = jweClaims.get(/^Bearer (\S+)$/.exec(header ?? "")?.[1] ?? "");
      return claims && claims.exp > Date.now() / 1000 && claims.scope.split(" ").includes(CLIENT_SCOPE) ? claims : undefined;
    }
    const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/.exec(header ?? "");
    if (!m) return undefined;
    let head: { alg?: unknown };
    let payload: { exp?: number; iat?: number; aud?: string; scope?: string };
    try {
      head = JSON.parse(Buffer.from(m[1]!, "base64url").toString());
      payload = JSON.parse(Buffer.from(m[2]!, "base64url").toString());
    } catch {
      return undefined;
    }
    if (broken === "accepts_any_bearer") return { aud: audience, scope: CLIENT_SCOPE };
    // broken: the classic JWT flaw, an unsigned token (alg none) taken at its word
    const unsignedAccepted = (broken === "accepts_alg_none" && head.alg === "none") || (broken === "alg_none_case_insensitive" && typeof head.alg === "string" && head.alg !== "none" && head.alg.toLowerCase() === "none");
    const given = Buffer.from(m[3]!, "base64url");
    const signedWith = (k: string | Buffer) => {
      const expected = createHmac("sha256", k).update(`${m[1]}.${m[2]}`).digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    const expected = createHmac("sha256", key).update(`${m[1]}.${m[2]}`).digest("base64url");
    const lenient =
      (broken === "signature_compared_as_prefix" && expected.startsWith(m[3]!)) ||
      (broken === "payload_unchecked_under_known_signature" && issuedSignatures.has(m[3]!)) ||
      (broken === "trusts_embedded_jwk" && typeof (head as { jwk?: { k?: unknown } }).jwk?.k === "string" && signedWith(Buffer.from(String((head as { jwk: { k: string } }).jwk.k), "base64url"))) ||
      (broken === "issues_unsigned_tokens" && head.alg === "none" && m[3] === "" && issuedSignatures.has(""));
    if (!unsignedAccepted && !lenient && !signedWith(key) && !(broken === "weak_hmac_key" && signedWith("your-256-bit-secret"))) return undefined;
    // Without exp (a variation), the server's own lifetime from iat applies.
    const expiry = vary === "jwt_without_exp" ? (payload.iat ?? 0) + 14400 : payload.exp;
    if (typeof expiry !== "number" || expiry <= Date.now() / 1000) return undefined;
    // Only a client token opens the login: a customer's own token has another scope.
    if (broken !== "customer_token_opens_login" && !(payload.scope ?? "").split(" ").includes(CLIENT_SCOPE)) return undefined;
    return payload;
  };

  function send(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}) {
    const isError = status >= 400;
    const type = broken === "content_type_text_plain" ? "text/plain" : "application/json; charset=utf-8";
    let text = JSON.stringify(body);
    if (isError && broken === "truncated_json_errors") text = text.slice(0, -3);
    if (!isError && broken === "duplicate_json_members") text = text.replace(/"token_type":"Bearer",/, '"token_type":"Bearer","token_type":"Bearer",');
    if (!isError && broken === "conflicting_json_members") text = text.replace(/"expires_in":(\d+)/, '"expires_in":60,"expires_in":$1');
    const headers: Array<[string, string]> = [["Content-Type", type], ["request-id", randomBytes(8).toString("hex")], ...Object.entries(extraHeaders)];
    if (broken === "duplicate_content_type") headers.push(["Content-Type", "text/plain"]);
    if (vary === "duplicate_identical_content_type") headers.push(["Content-Type", type]);
    // RFC 6749 §5.1: a response that carries a token must not be stored by a cache.
    if (broken !== "token_cacheable") headers.push(["Cache-Control", "no-store"]);
    if (broken === "cdn_cacheable_token" && !isError) headers.push(["CDN-Cache-Control", "public, max-age=600"]);
    if (isError && broken === "stack_in_errors" && status === 400) text = text.replace(/}}$/, ',"stack":"ValidationError: invalid body\\n    at validate (/srv/auth-svc/src/login.js:42:11)","upstream":"postgres://auth-db.internal:5432/users"}}');
    if (broken === "identity_in_errors" && status === 403) text = text.replace(/}}$/, `,"user":{"email":"${options.email}","phone_number":"${options.ident}"}}}`);
    const body0 = isError && broken === "latin1_error_body" ? Buffer.from(text.replace('"message":"', '"message":"Ugyldig forespørsel: '), "latin1") : Buffer.from(text);
    const bytes = broken === "bom_json" ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body0]) : body0;
    headers.push(["Content-Length", String(bytes.length)]);
    res.writeHead(status, headers.flat());
    res.end(bytes);
  }
  // RFC 9110 §11.6.1: every 401 carries a challenge (broken: none)
  const challenge = (status: number, message: string): Record<string, string> =>
    status !== 401 || broken === "no_www_authenticate" ? {} : { "WWW-Authenticate": /client credentials/.test(message) ? 'Basic realm="dintero"' : 'Bearer realm="dintero", error="invalid_token"' };
  const error = (res: ServerResponse, status: number, code: string, message: string, errors?: ValidationError[]) =>
    send(res, status, { error: { code, message, ...(errors ? { errors: errors.map((e) => ({ path: e.instancePath, message: e.message })) } : {}) } }, challenge(status, message));
  const invalid = (res: ServerResponse, message: string, errors?: ValidationError[]) =>
    error(res, broken === "validation_422" ? 422 : 400, "INVALID_REQUEST_PARAMETERS", message, errors);

  /** Shared request parsing: media type, JSON, aid. Returns the body or undefined (answered). */
  async function parse(req: IncomingMessage, res: ServerResponse, aid: string, op: "token" | "login" = "login"): Promise<unknown> {
    const raw = await readBody(req);
    if (broken === "rejects_charset_param" && op === "login" && (req.headers["content-type"] ?? "").includes(";")) return void invalid(res, "Content-Type must be application/json");
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const anyType = broken === "ignores_content_type" || (op === "token" && broken === "token_ignores_content_type");
    if (type !== "application/json" && !anyType && vary === "framework_refusals") {
      res.writeHead(415, { "content-type": "application/problem+json; charset=utf-8" });
      return void res.end(JSON.stringify({ type: "about:blank", title: "Unsupported Media Type", status: 415 }));
    }
    if (type !== "application/json" && !anyType) {
      return vary === "status_415_for_content_type" ? error(res, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json") : invalid(res, "Content-Type must be application/json");
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return invalid(res, "Invalid JSON");
    }
    // broken: the account id is upper-cased before it is checked (and served)
    if (!(op === "token" && broken === "token_ignores_oid") && !validateAccountId(broken === "accepts_lower_case_aid" ? aid.toUpperCase() : aid)) return invalid(res, "Invalid account id", validateAccountId.errors ?? []);
    // broken: enum values folded to lower case before validation
    if (broken === "enum_case_insensitive" && body && typeof body === "object" && !Array.isArray(body)) {
      const b = body as Record<string, unknown>;
      for (const k of ["type", "ident_type", "grant_type"]) if (typeof b[k] === "string") b[k] = (b[k] as string).toLowerCase();
    }
    return body;
  }

  async function token(req: IncomingMessage, res: ServerResponse, aid: string) {
    tokenRequests++;
    // broken: a debugging aid left on, echoing the Authorization header (HTTP Basic: the client secret, base64)
    if (broken === "echoes_basic_header" && req.headers.authorization) res.setHeader("x-debug-authorization", req.headers.authorization);
    if (broken === "token_retry_after_not_a_number" && tokenRequests === 1) {
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": "1.5" });
      return res.end(JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "Too Many Requests" } }));
    }
    if (broken === "token_429_long_once" && tokenRequests === 1) {
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": "90" });
      return res.end(JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "Too Many Requests" } }));
    }
    const expected = basicAuthorization(options.clientId, options.clientSecret);
    if (vary === "token_400_without_credentials" && !req.headers.authorization) return error(res, 400, "invalid_client", "Client authentication missing");
    const bearerInstead = broken === "token_endpoint_accepts_bearer" && bearerClaims(req.headers.authorization) !== undefined;
    if (req.headers.authorization !== expected && !bearerInstead) return error(res, 401, "UNAUTHORIZED", "Invalid client credentials");
    const body = await parse(req, res, aid, "token");
    if (body === undefined) return;
    if (!validateClientCredentialsTokenRequest(body)) return invalid(res, "Invalid request body", validateClientCredentialsTokenRequest.errors ?? []);
    // "The audience must be a grant associated with the client" (broken: any audience gets a token for it).
    const requested = (body as { audience: string }).audience;
    // broken token_serves_other_account: any valid account on the path is served, the audience may be its own
    const pathServed = broken === "token_serves_other_account" && validateAccountId(aid);
    if ((broken !== "token_any_audience" && requested !== audience && !(pathServed && requested === audienceOf(aid))) || (aid !== options.accountId && broken !== "token_ignores_oid" && !pathServed)) return error(res, 403, "FORBIDDEN", "Forbidden");
    const tok = issue(`${options.clientId}@clients`, broken === "token_expires_in_zero" ? 0 : 14400, CLIENT_SCOPE, requested);
    send(res, broken === "token_201_created" ? 201 : 200, broken === "refresh_token_on_client_credentials" ? { ...tok, refresh_token: `rt_${randomBytes(12).toString("hex")}` } : tok);
  }

  async function login(req: IncomingMessage, res: ServerResponse, aid: string) {
    loginRequests++;
    if (broken === "never_answers") return; // leave the request hanging
    if (broken === "login_always_429") {
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": "3600" });
      return res.end(JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "Too Many Requests" } }));
    }
    if (vary === "login_429_long_once" && loginRequests === 1) {
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": "90" });
      return res.end(JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "Too Many Requests" } }));
    }
    if ((broken === "rate_limits_once" || broken === "retry_after_not_a_number") && loginRequests === 1) {
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": broken === "rate_limits_once" ? "0" : "1.5" });
      return res.end(JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "Too Many Requests" } }));
    }
    // RFC 6750 §3.1: a malformed request (here: an Authorization header that is no Bearer JWT) is invalid_request, 400.
    const authorization = req.headers.authorization;
    if (vary === "auth_400_for_malformed" && authorization !== undefined && !/^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(authorization)) return error(res, 400, "invalid_request", "Malformed Authorization header");
    const claims = bearerClaims(req.headers.authorization);
    if (broken !== "no_auth_required" && !claims) {
      return error(res, 401, "UNAUTHORIZED", "Access forbidden, invalid JWT token was used");
    }
    // A client's bearer opens its own account only (broken: any account is served from one user store).
    const servedAccount = broken === "serves_other_account" ? aid : options.accountId;
    if (vary === "status_404_for_bad_aid" && !validateAccountId(aid)) return error(res, 404, "NOT_FOUND", "No such account");
    if (vary === "framework_refusals" && !validateAccountId(aid)) {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      return res.end("<!DOCTYPE html><html><body><pre>Cannot POST</pre></body></html>");
    }
    const pathAccount = broken === "accepts_lower_case_aid" ? aid.toUpperCase() : aid;
    if (broken !== "no_auth_required" && broken !== "serves_other_account" && broken !== "ignores_path_account" && claims?.aud !== audienceOf(pathAccount)) {
      return vary === "status_404_for_other_account" && validateAccountId(aid) ? error(res, 404, "NOT_FOUND", "No such account") : error(res, 403, "FORBIDDEN", "Forbidden");
    }
    let body = await parse(req, res, aid);
    if (body === undefined) return;
    const b = body as Record<string, unknown>;
    // broken: the missing ident_type is guessed from the ident
    if (broken === "ident_without_ident_type" && b && typeof b === "object" && typeof b.ident === "string" && b.ident_type === undefined && b.email === undefined) {
      body = { ...b, ident_type: b.ident.includes("@") ? "email" : "phone_number" };
    }
    const valid = validateLoginCredentials(body);
    const password = (body as { password?: unknown })?.password;
    const errors = (validateLoginCredentials.errors ?? []).filter(
      (e) =>
        !(broken === "accepts_short_password" && e.keyword === "minLength" && e.instancePath === "/password") &&
        !(broken === "counts_password_bytes" && e.keyword === "minLength" && e.instancePath === "/password" && typeof password === "string" && Buffer.byteLength(password) >= 4) &&
        !(broken === "ignores_type_enum" && e.keyword === "enum" && e.instancePath === "/type"),
    );
    if (!valid && errors.length) return invalid(res, "Invalid request body", errors);
    const creds = body as Record<string, string>;
    if (vary === "validates_identity_formats") {
      if (creds.ident_type === "phone_number" && !/^\+47[49]\d{7}$/.test(creds.ident!)) return invalid(res, "ident is not a valid phone number");
      const email = creds.email ?? (creds.ident_type === "email" ? creds.ident : undefined);
      if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(email)) return invalid(res, "not a valid email address");
    }
    if (broken === "rejects_max_length_password" && [...creds.password!].length >= 255) return invalid(res, "password too long");
    if (broken === "counts_password_utf16_units" && creds.password!.length > 255) return invalid(res, "password too long");
    if (broken === "crash_on_non_ascii" && /[^\x00-\x7f]/.test(creds.password! + (creds.email ?? "") + (creds.ident ?? ""))) {
      return error(res, 500, "INTERNAL_SERVER_ERROR", "Unexpected Error");
    }
    // "The audience must be a grant associated with the client" (broken: not compared).
    if ((broken !== "ignores_audience" && creds.audience !== audienceOf(servedAccount)) || (pathAccount !== servedAccount && broken !== "ignores_path_account")) return error(res, 403, "FORBIDDEN", "Forbidden");
    const byEmail = creds.email !== undefined && creds.email === options.email && creds.password === options.password;
    const identMatches = broken === "ignores_ident_type"
      ? (creds.ident === options.ident && creds.password === options.identPassword) || (creds.ident === options.email && creds.password === options.password)
      : creds.ident_type === options.identType && creds.ident === options.ident && (creds.password === options.identPassword || broken === "ident_password_not_checked");
    const byIdent = creds.email === undefined && identMatches;
    const knownIdentity = creds.email === options.email || (creds.ident_type === options.identType && creds.ident === options.ident);
    if (vary === "rejects_made_up_identities" && !knownIdentity) return invalid(res, "No such user");
    if (vary === "unknown_identity_404" && !knownIdentity) return error(res, 404, "NOT_FOUND", "No such user");
    const twin = vary === "company_twin" && creds.type === "company" && creds.email === options.email;
    const ok = (creds.type === "customer" || broken === "ignores_user_type" || twin) && (byEmail || byIdent || (broken === "accepts_any_password" && knownIdentity));
    const unknownMessage = broken === "enumeration_leak" && !knownIdentity ? "No user with this identity" : "Forbidden";
    if (!ok && broken === "token_on_wrong_password" && knownIdentity) return send(res, 403, { error: { code: "FORBIDDEN", message: "Forbidden" }, ...issue(`customer:${creds.email ?? creds.ident}`, 3600, "read:accounts:/customers") });
    if (!ok && broken === "echoes_bearer") return error(res, 403, "FORBIDDEN", `Forbidden for ${req.headers.authorization ?? ""}`);
    if (!ok) return error(res, 403, "FORBIDDEN", broken === "echoes_password" ? `Wrong password "${creds.password}"` : broken === "echoes_password_encoded" ? `Wrong password ${encodeURIComponent(creds.password!)} (${[...creds.password!].map((c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`).join("")})` : unknownMessage);
    const tok = issue(`customer:${creds.email ?? creds.ident}`, 3600, "read:accounts:/customers", undefined, broken === "jwt_carries_password" ? { pwd: creds.password } : {});
    send(res, 200, broken === "expires_in_as_string" ? { ...tok, expires_in: String(tok.expires_in) } : broken === "refresh_token_on_login" ? { ...tok, refresh_token: `rt_${randomBytes(12).toString("hex")}` } : tok);
  }

  const local = await startHttpServer((req, res) => {
    requests++;
    const m = /^\/v1\/accounts\/([^/]*)\/(customers\/login|auth\/token)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    if (m && req.method === "PATCH" && vary === "status_501_for_patch") return error(res, 501, "NOT_IMPLEMENTED", "Not Implemented");
    if (m && req.method !== "POST" && broken !== "serves_any_method") {
      // RFC 9110 §15.5.6: a 405 lists the methods the path serves (broken: without Allow).
      return send(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "Method Not Allowed" } }, broken === "method_405_without_allow" ? {} : { Allow: "POST" });
    }
    const handler = m ? (m[2] === "auth/token" ? token : login) : undefined;
    if (!handler) return error(res, 404, "NOT_FOUND", "No such endpoint");
    handler(req, res, decodeURIComponent(m![1]!)).catch(() => error(res, 500, "INTERNAL_SERVER_ERROR", "Unexpected Error"));
  });
  return {
    baseUrl: `${local.origin}/v1`,
    options,
    issuedTokens,
    requestCount: () => requests,
    close: local.close,
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
    ...extra,
  };
}
