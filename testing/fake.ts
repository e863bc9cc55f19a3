// The fake's state and rules, transport-free: `answer()` turns one request into what to send (or that
// nothing is sent) and when; fetch.ts and server.ts carry it over a Fetch function or node:http.
// Every rule here is one the conformance suite judges (contract-tests/checks.ts), with the status and
// body the spec documents for it (spec.ts); docs/testing.md lists them.
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import {
  validateAccessToken,
  validateAccountId,
  validateClientCredentialsTokenRequest,
  validateError,
  validateLoginCredentials,
  validateMfaError,
  validateOwnerId,
  type ValidationError,
  type Validator,
} from "../generated/validators.js";
import * as validators from "../generated/validators.js";
import { readBasicAuthorization } from "../lib/basic-auth.ts";
import { mediaTypeOf } from "../lib/media-type.ts";
import { createSigner, decodePart, sameSecret, type Claims } from "./jwt.ts";
import {
  isAnswer,
  type Answer,
  type BearerRecord,
  type IncomingRequest,
  type MfaRules,
  type Override,
  type OverrideContext,
  type Plan,
  type ResolvedClient,
  type SchemaError,
} from "./overrides.ts";
import {
  exampleAccountId,
  exampleBody,
  exampleLifetime,
  identTypes,
  methodsOf,
  mfaExample,
  operations,
  documentedScopes,
  requestVariants,
  retryAfterExample,
  serverUrl,
  STATUS,
  successSchemaName,
  variantFor,
  variantOf,
  type OperationModel,
  type RequestVariant,
} from "./spec.ts";
import type { ActiveScenario, FakeClient, FakeDintero, FakeDinteroOptions, FakeExchange, FakeOperation, FakeUser, ScenarioName } from "./types.ts";

type Json = Record<string, unknown>;

// The request and answer vocabulary lives with the override points (one direction of imports).
export type { Answer, IncomingRequest, Plan } from "./overrides.ts";

export interface FakeCore extends Omit<FakeDintero, "fetch"> {
  answer(request: IncomingRequest): Plan;
  /** Internal (not exported by the package): bends rules of this fake for the suite's self-test. */
  readonly internals: FakeInternals;
}

/** Internal controls for this project's own tests; never part of dintero-login-kit/testing. */
export interface FakeInternals {
  /** Adds overrides (applied in order, after those already in use). */
  use(...overrides: Override[]): void;
  /** Removes every override. */
  resetOverrides(): void;
  /** Every access token issued so far, oldest first. */
  readonly issuedTokens: readonly string[];
  /** How many requests were answered (or left unanswered). */
  requestCount(): number;
}

const login = operations.login;
const token = operations.token;
const revoke = operations.revoke;
const mfaChallenge = operations.mfa_challenge;

/** The validator of a component schema the model names (`validateRefreshTokenRequest`). */
function validatorNamed(name: string | null): Validator {
  const found = name ? (validators as unknown as Record<string, Validator | undefined>)[`validate${name}`] : undefined;
  if (!found) throw new Error(`dintero-login-kit/testing: generated/validators.js has no validator for ${name ?? "an unnamed schema"}`);
  return found;
}

/** The token endpoint's grants by the value that selects them (the model's discriminator branches). */
const CLIENT_CREDENTIALS = variantFor(token, "client_credentials");
const REFRESH_GRANT = variantFor(token, "refresh_token");
const MFA_GRANT = variantFor(token, "mfa_oob");

/** D1: a login answers a refresh token only to a bearer with this scope; revoke documents it too. */
const REFRESH_TOKEN_SCOPE = "create:accounts:auth:refresh_token";
if (!documentedScopes.includes(REFRESH_TOKEN_SCOPE)) throw new Error(`dintero-login-kit/testing: the spec documents no scope ${REFRESH_TOKEN_SCOPE}`);
/** D1: "If MFA is enabled on account, use write:accounts:/auth/users/no-mfa to skip MFA": the login's scope that skips it. */
const NO_MFA_SCOPE = login.scopes.find((scope) => scope.endsWith("/no-mfa")) ?? "";
/** The default client's scopes: the login's first, and the MFA challenge's most specific (the longest). */
const DEFAULT_SCOPES = [login.scopes[0]!, [...mfaChallenge.scopes].sort((a, b) => b.length - a.length)[0]!];

/** This fake's own bounds (Dintero publishes none; docs/testing.md): an mfa_token's lifetime, and the
 * wrong binding codes after which it is spent. */
export const MFA_TOKEN_LIFETIME_S = 300;
export const MFA_MAX_WRONG_CODES = 3;

/** How the user option fields map to the spec's ident_type values. */
const IDENT_FIELDS: Record<string, "email" | "phone"> = { email: "email", phone_number: "phone" };
for (const t of identTypes) if (!IDENT_FIELDS[t]) throw new Error(`dintero-login-kit/testing: no user field for ident_type ${t}`);

/** The defaults, from the spec's examples (the users) and this package's own fake client. */
export function defaultOptions(): Required<FakeDinteroOptions> {
  const users: FakeUser[] = Object.values(login.requestExamples).map((ex) => {
    const user: FakeUser = { type: ex.type as FakeUser["type"], password: String(ex.password) };
    if (typeof ex.email === "string") user.email = ex.email;
    if (typeof ex.ident_type === "string" && typeof ex.ident === "string") user[IDENT_FIELDS[ex.ident_type]!] = ex.ident;
    return user;
  });
  return {
    accountId: exampleAccountId,
    clients: [{ clientId: "fake-client-id", clientSecret: "fake-client-secret" }],
    users,
    now: Date.now,
  };
}

export const audienceOf = (accountId: string) => `${serverUrl}/accounts/${accountId}`;

function optionError(message: string): never {
  throw new TypeError(`createFakeDintero: ${message}`);
}

function onlyKeys(value: unknown, where: string, allowed: string[]): Json {
  if (!value || typeof value !== "object" || Array.isArray(value)) optionError(`${where} must be an object`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) optionError(`${where} has an unknown key "${key}" (known: ${allowed.join(", ")})`);
  return value as Json;
}

interface Resolved {
  accountId: string;
  clients: Array<Required<FakeClient>>;
  users: Array<FakeUser & { id: string }>;
  now: () => number;
}

/** Checks the options (each problem throws a TypeError naming it, never a value) and fills in defaults. */
function resolveOptions(options: FakeDinteroOptions | undefined): Resolved {
  const given = onlyKeys(options ?? {}, "options", ["accountId", "clients", "users", "now"]) as FakeDinteroOptions;
  if (given.now !== undefined && typeof given.now !== "function") optionError("now must be a function returning milliseconds since the epoch");
  const defaults = defaultOptions();
  const accountId = given.accountId ?? defaults.accountId;
  if (!validateAccountId(accountId)) optionError(`accountId must match the spec's account id (T or P and 8 digits, e.g. ${exampleAccountId})`);
  const list = <T>(value: T[] | undefined, name: string, fallback: T[]): T[] => {
    if (value === undefined) return fallback;
    if (!Array.isArray(value) || value.length === 0) optionError(`${name} must be a non-empty array`);
    return value;
  };
  const clients = list(given.clients, "clients", defaults.clients).map((c, i) => {
    const client = onlyKeys(c, `clients[${i}]`, ["clientId", "clientSecret", "audiences", "scopes"]) as unknown as FakeClient;
    if (typeof client.clientId !== "string" || !client.clientId || client.clientId.includes(":"))
      optionError(`clients[${i}].clientId must be a non-empty string without ":" (RFC 7617 §2)`);
    if (typeof client.clientSecret !== "string" || !client.clientSecret) optionError(`clients[${i}].clientSecret must be a non-empty string`);
    const audiences = list(client.audiences, `clients[${i}].audiences`, [audienceOf(accountId)]);
    audiences.forEach((a, k) => {
      if (!validateClientCredentialsTokenRequest({ grant_type: "client_credentials", audience: a }))
        optionError(`clients[${i}].audiences[${k}] must be a string`);
    });
    const scopes = list(client.scopes, `clients[${i}].scopes`, DEFAULT_SCOPES);
    scopes.forEach((scope, k) => {
      if (typeof scope !== "string" || !documentedScopes.includes(scope))
        optionError(`clients[${i}].scopes[${k}] must be a scope the spec documents (${documentedScopes.join(", ")})`);
    });
    return { clientId: client.clientId, clientSecret: client.clientSecret, audiences: [...audiences], scopes: [...new Set(scopes)] };
  });
  const ids = clients.map((c) => c.clientId);
  if (new Set(ids).size !== ids.length) optionError("two clients have the same clientId");
  const users = list(given.users, "users", defaults.users).map((u, i) => {
    const user = onlyKeys(u, `users[${i}]`, ["type", "email", "phone", "password", "mfa"]) as unknown as FakeUser;
    if (user.mfa !== undefined && typeof user.mfa !== "boolean") optionError(`users[${i}].mfa must be true or false`);
    if (user.email === undefined && user.phone === undefined) optionError(`users[${i}] needs an email or a phone`);
    for (const field of ["email", "phone"] as const)
      if (user[field] !== undefined && (typeof user[field] !== "string" || !user[field])) optionError(`users[${i}].${field} must be a non-empty string`);
    // The user must be able to log in: its login body must pass the spec's schema (type enum, password 4–255).
    const body = {
      audience: audienceOf(accountId),
      type: user.type,
      password: user.password,
      ...(user.email !== undefined ? { email: user.email } : { ident_type: "phone_number", ident: user.phone }),
    };
    if (!validateLoginCredentials(body)) {
      const problems = (validateLoginCredentials.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`).join("; ");
      optionError(`users[${i}] cannot log in under the spec's rules (${problems.replace("/password", "password")})`);
    }
    return { ...user, id: randomUUID() };
  });
  // One identity, one user: two with the same type and email (or phone) would each log in with their
  // own password, which no account does.
  for (const field of ["email", "phone"] as const) {
    const seen = new Map<string, number>();
    users.forEach((u, i) => {
      if (u[field] === undefined) return;
      const key = `${u.type}\u0000${u[field]}`;
      const first = seen.get(key);
      if (first !== undefined) optionError(`users[${i}] has the same type and ${field} as users[${first}] (one identity, one user)`);
      seen.set(key, i);
    });
  }
  return { accountId, clients, users, now: given.now ?? defaults.now };
}

const SCENARIO_KEYS: Record<ScenarioName, string[]> = {
  rate_limited: ["operation", "retryAfterSeconds", "times"],
  token_outage: ["answer", "times"],
  slow: ["delayMs", "operation", "times"],
  mfa_required: ["operation", "times"],
  login_server_error: ["times"],
  invalid_token_challenge: ["times"],
};

function scenarioError(message: string): never {
  throw new TypeError(`scenario: ${message}`);
}

function checkScenario(name: string, options: unknown): ActiveScenario {
  if (!(name in SCENARIO_KEYS)) scenarioError(`unknown scenario "${name}" (known: normal, ${Object.keys(SCENARIO_KEYS).join(", ")})`);
  const o = options === undefined ? {} : (options as Json);
  if (!o || typeof o !== "object" || Array.isArray(o)) scenarioError(`${name}: options must be an object`);
  for (const key of Object.keys(o))
    if (!SCENARIO_KEYS[name as ScenarioName].includes(key))
      scenarioError(`${name}: unknown option "${key}" (known: ${SCENARIO_KEYS[name as ScenarioName].join(", ")})`);
  const whole = (key: string, min: number) => {
    const v = o[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= min)) scenarioError(`${name}: ${key} must be a whole number of at least ${min}`);
  };
  whole("times", 1);
  whole("retryAfterSeconds", 0);
  whole("delayMs", 0);
  if (name === "slow" && o.delayMs === undefined) scenarioError("slow: delayMs is required");
  if (o.operation !== undefined && !["login", "token", ...(name === "mfa_required" ? [] : ["both"])].includes(o.operation as string))
    scenarioError(`${name}: operation must be login${name === "mfa_required" ? " or token" : ", token or both"}`);
  if (o.answer !== undefined && !["server_error", "no_answer"].includes(o.answer as string)) scenarioError(`${name}: answer must be server_error or no_answer`);
  return { name, ...o } as ActiveScenario;
}

/** The operation a scenario applies to (login and token only: "both" is those two). */
function scenarioApplies(s: ActiveScenario, op: FakeOperation): boolean {
  if (op !== "login" && op !== "token") return false;
  switch (s.name) {
    case "rate_limited":
      return (s.operation ?? "login") === op || s.operation === "both";
    case "slow":
      return (s.operation ?? "both") === op || s.operation === "both" || s.operation === undefined;
    case "mfa_required":
      return (s.operation ?? "login") === op;
    case "token_outage":
      return op === "token";
    case "login_server_error":
      return op === "login";
    case "invalid_token_challenge":
      return op === "login";
  }
}

const JSON_TYPE = "application/json; charset=utf-8";

/** Throws when an answer the fake builds breaks the spec (a spec change the fake does not follow). */
function conform(validator: Validator, body: unknown, what: string): void {
  if (!validator(body)) throw new Error(`dintero-login-kit/testing: the fake's ${what} breaks the spec: ${JSON.stringify(validator.errors?.[0])}`);
}

export function createCore(options?: FakeDinteroOptions): FakeCore {
  const config = resolveOptions(options);
  const signer = createSigner();
  /** what the fake issued, by jti: a client's bearer (live until revoked) or a customer's token */
  const issued = new Map<string, BearerRecord>();
  /** tokens whose serialization an override chose (not this signer's JWS): their jti by the token */
  const serializedByOverride = new Map<string, string>();
  const issuedTokens: string[] = [];
  const exchanges: FakeExchange[] = [];
  let overrides: Override[] = [];
  let requests = 0;
  let active: Array<ActiveScenario & { remaining?: number }> = [];
  const clientLifetime = exampleLifetime(token);
  const customerLifetime = exampleLifetime(login);
  const clientScope =
    login.scopes[0] ??
    (() => {
      throw new Error("dintero-login-kit/testing: the login documents no scope");
    })();
  const mfa = mfaExample();
  const issuer = `${audienceOf(config.accountId)}/auth/token`;
  const now = config.now;
  /** Refresh tokens by value: whose, for which client (D2: only that client's bearer may use one). They work
   * until revoked (D1, D7: no rotation is documented). */
  const refreshTokens = new Map<string, { userId: string; clientId: string; aud: string; revoked: boolean }>();
  /** MFA continuations by mfa_token: single-use, expiring, bound to the client that started the login. */
  const mfaTokens = new Map<
    string,
    {
      userId: string;
      clientId: string;
      aud: string;
      expiresAt: number;
      /** it logged in once */
      spent: boolean;
      wrongCodes: number;
      challenge?: { oobCode: string; bindingCode: string };
    }
  >();
  /** The binding code last sent to each user (by user id): what the customer "received". */
  const codesSent = new Map<string, string>();
  const scopesOf = (clientId: string) => config.clients.find((c) => c.clientId === clientId)?.scopes ?? [];
  /** The spec's server base path (/v1): the fake serves its operations only under it, as Dintero does. */
  const basePath = new URL(serverUrl).pathname.replace(/\/+$/, "");

  /** The scenario in force for this operation, counting one use of it. */
  const take = (name: ScenarioName, op: FakeOperation): ActiveScenario | undefined => {
    const found = active.find((s) => s.name === name && scenarioApplies(s, op));
    if (found?.remaining !== undefined && --found.remaining <= 0) active = active.filter((s) => s !== found);
    return found;
  };

  const send = (status: number, body: Json, headers: Record<string, string> = {}, successSchema: Validator = validateAccessToken): Answer => {
    if (status >= 200 && status < 300) conform(successSchema, body, `${status} answer`);
    else if (body.mfa_token !== undefined) conform(validateMfaError, body, `${status} MFA error`);
    else conform(validateError, body, `${status} error`);
    // Cache-Control: no-store on every answer of these operations (RFC 6749 §5.1 for tokens).
    return {
      status,
      headers: { "content-type": JSON_TYPE, "cache-control": "no-store", "request-id": randomBytes(8).toString("hex"), ...headers },
      body: JSON.stringify(body),
    };
  };
  const fail = (op: OperationModel, status: number, headers: Record<string, string> = {}) => send(status, exampleBody(op, status), headers);
  /** 400 with the spec's example code and message, and where the request broke which rule (`at`: the
   * path parameter the errors are about; else they are the body's). Never a value that was sent. */
  const invalid = (op: OperationModel, errors: SchemaError[] = [], at?: string) => {
    const status = STATUS.invalid(op);
    const example = exampleBody(op, status) as { error: Json };
    const list = errors.map((e) => {
      const path = at ?? e.instancePath.slice(1).replaceAll("/", ".");
      return { path, message: `${path || "body"} ${e.message ?? e.keyword}` };
    });
    const { errors: _example, ...error } = example.error;
    return send(status, { error: list.length ? { ...error, errors: list } : error });
  };
  /** 401 with the challenge RFC 9110 §11.6.1 requires (the scheme alone). RFC 6750's `error="invalid_token"`
   * is not documented by the spec: only the invalid_token_challenge scenario adds it. */
  const unauthorized = (op: OperationModel, scheme: "Bearer" | "Basic", presented: boolean) => {
    const signed = scheme === "Bearer" && presented && take("invalid_token_challenge", "login") !== undefined;
    return fail(op, STATUS.unauthorized(op), { "www-authenticate": signed ? 'Bearer realm="dintero", error="invalid_token"' : `${scheme} realm="dintero"` });
  };

  /** Passes a verdict of the fake through every override of that decision, in order. An override may
   * answer instead (an Answer), which ends the request. */
  function bend<K extends keyof Override, V>(point: K, verdict: V, ctx: OverrideContext): V | Answer {
    let current: V | Answer = verdict;
    for (const o of overrides) {
      const hook = o[point] as ((v: unknown, c: OverrideContext) => unknown) | undefined;
      if (!hook || isAnswer(current)) continue;
      current = hook(current, ctx) as V | Answer;
    }
    return current;
  }

  /** The record of a bearer's claims taken at their word (the claims of a token that no verification
   * vouched for): what a bent verification lets in. */
  const trust = (claims: Record<string, unknown> | undefined): BearerRecord | undefined => {
    if (!claims) return undefined;
    if (typeof claims.exp === "number" && claims.exp <= now() / 1000) return undefined;
    const known = typeof claims.jti === "string" ? issued.get(claims.jti) : undefined;
    if (known) return known;
    const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
    if (!scopes.includes(clientScope)) return typeof claims.sub === "string" ? { kind: "customer" } : undefined;
    return {
      kind: "client",
      clientId: config.clients[0]!.clientId,
      aud: typeof claims.aud === "string" ? claims.aud : config.clients[0]!.audiences[0]!,
      revoked: false,
    };
  };

  function context(request: IncomingRequest, op: OperationModel, id: string): OverrideContext {
    return {
      request,
      op: op.key,
      id,
      accountId: config.accountId,
      clientScope,
      users: config.users,
      clients: config.clients,
      audienceOf,
      fail: (status, patch) => {
        const body = exampleBody(op, status) as { error: Json };
        return send(status, patch ? { ...body, error: { ...body.error, ...patch } } : body);
      },
      invalid: (errors) => invalid(op, errors ?? []),
      json: (status, body, headers) => ({
        status,
        headers: { "content-type": JSON_TYPE, "cache-control": "no-store", "request-id": randomBytes(8).toString("hex"), ...headers },
        body: JSON.stringify(body),
      }),
      mac: (input) => signer.mac(input),
      decode: (jwt) => {
        const parts = jwt.split(".");
        if (parts.length !== 3 || !parts.slice(0, 2).every((p) => /^[A-Za-z0-9_-]+$/.test(p)) || !/^[A-Za-z0-9_-]*$/.test(parts[2]!)) return undefined;
        const header = decodePart(parts[0]!);
        const payload = decodePart(parts[1]!);
        return header && payload ? { header, payload, parts: parts as [string, string, string] } : undefined;
      },
      trust,
      issuedTokens,
      customerToken: (sub) =>
        issueToken(context(request, login, id), { iss: issuer, sub, aud: audienceOf(config.accountId), scope: "read:accounts:/customers" }, customerLifetime, {
          kind: "customer",
        }),
    };
  }

  /** Signs and records a token, and builds the 2xx body (each step an override may bend). */
  function issueToken(ctx: OverrideContext, claims: Record<string, unknown>, lifetime: number, record: BearerRecord): Json {
    const full = bend("claims", signer.claims(claims, lifetime, now()), ctx) as Claims;
    const serialized = bend("serialize", undefined as string | undefined, { ...ctx, claims: full });
    const accessToken = typeof serialized === "string" ? serialized : signer.serialize(full);
    if (typeof serialized === "string") serializedByOverride.set(serialized, full.jti);
    issued.set(full.jti, record);
    issuedTokens.push(accessToken);
    return { access_token: accessToken, token_type: "Bearer", expires_in: lifetime };
  }

  /** The 2xx answer: the fake's body checked against the spec, then as overrides bend it. */
  function success(ctx: OverrideContext, op: OperationModel, body: Json): Answer {
    conform(validateAccessToken, body, `${STATUS.success(op)} token`);
    const bent = bend("success", body, ctx);
    if (isAnswer(bent)) return bent;
    return { ...send(STATUS.success(op), body), body: JSON.stringify(bent) };
  }

  /** The request's JSON body if its media type and syntax are right, else the 400 to send. */
  const jsonBody = (op: OperationModel, request: IncomingRequest, ctx: OverrideContext): { value: unknown } | Answer => {
    const type = mediaTypeOf(request.header("content-type"));
    const accepted = bend("mediaType", type !== undefined && op.requestMediaTypes.includes(type), ctx);
    if (isAnswer(accepted)) return accepted;
    if (!accepted) return invalid(op);
    try {
      const value = bend("body", JSON.parse(request.body) as unknown, ctx);
      return isAnswer(value) ? value : { value };
    } catch {
      return invalid(op);
    }
  };

  /** The body's schema errors after overrides (an empty list: valid). */
  const schemaErrors = (validator: Validator, body: unknown, ctx: OverrideContext): ValidationError[] | Answer => {
    const errors = validator(body) ? [] : [...(validator.errors ?? [])];
    return bend("validation", errors, { ...ctx, body });
  };

  /** The grant a token request names (the model's branch for its grant_type); for a body that names none,
   * the grant whose scheme the request's Authorization uses, else client credentials: it decides which
   * credentials are asked for before the body is judged. */
  function grantOf(request: IncomingRequest): { variant: RequestVariant; named: boolean } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body);
    } catch {
      parsed = undefined;
    }
    const named = variantOf(token, parsed);
    if (named) return { variant: named, named: true };
    const scheme = /^(\S+)/.exec(request.header("authorization") ?? "")?.[1]?.toLowerCase();
    const bySchema = requestVariants(token)?.variants.find((v) => v.security.some((s) => s.scheme === scheme));
    return { variant: bySchema ?? CLIENT_CREDENTIALS, named: false };
  }

  /** A request's client bearer (RFC 6750), or the answer that refuses it: 401 when it is missing or not
   * valid, 403 for a customer's own token or a bearer whose scopes include none of `scopes`. */
  function clientBearer(request: IncomingRequest, op: OperationModel, ctx: OverrideContext, scopes: readonly string[]): { clientId: string } | Answer {
    const authorization = request.header("authorization");
    const bearer = /^bearer +([^\s]+) *$/i.exec(authorization ?? "")?.[1];
    const known = bend("bearer", verifyBearer(bearer), { ...ctx, bearer });
    if (isAnswer(known)) return known;
    if (!known) return unauthorized(op, "Bearer", authorization !== undefined);
    // A customer's own token, or a client without the operation's scope: 403 (RFC 6750 §3.1 insufficient_scope).
    if (known.kind !== "client") return fail(op, STATUS.forbidden(op));
    if (scopes.length && !scopesOf(known.clientId).some((s) => scopes.includes(s))) return fail(op, STATUS.forbidden(op));
    return { clientId: known.clientId };
  }

  function answerToken(request: IncomingRequest, oid: string, record: FakeExchange): Answer {
    const ctx = context(request, token, oid);
    const idValid = bend("pathIdValid", validateOwnerId(oid), ctx);
    if (isAnswer(idValid)) return idValid;
    if (!idValid) return invalid(token, validateOwnerId.errors ?? [], "oid");
    // Which credentials the grant takes is the spec's (x-grant-security): Basic for client credentials,
    // the client's bearer for the refresh and MFA grants (D2).
    const { variant, named } = grantOf(request);
    if (named) record.grant = variant.values[0];
    let client: ResolvedClient;
    if (variant.security.some((s) => s.scheme === "basic")) {
      const basic = readBasicAuthorization(request.header("authorization"));
      const found = basic?.userId ? config.clients.find((c) => c.clientId === basic.userId) : undefined;
      // Compare with every client's secret, so the time taken does not tell which ids exist.
      const secretMatches = !!basic?.userId && config.clients.map((c) => sameSecret(basic.password, c.clientSecret) && c === found).some(Boolean);
      const authed = bend("clientAuth", found && secretMatches ? (found as ResolvedClient) : undefined, { ...ctx, bearerOf: verifyBearer });
      if (isAnswer(authed)) return authed;
      if (!authed) return unauthorized(token, "Basic", basic !== undefined);
      client = authed;
    } else {
      const bearer = clientBearer(request, token, ctx, []);
      if (isAnswer(bearer)) return bearer;
      client = config.clients.find((c) => c.clientId === bearer.clientId)!;
    }
    record.clientId = client.clientId;
    const served = bend("accountServed", oid === config.accountId, ctx);
    if (isAnswer(served)) return served;
    if (!served) return fail(token, STATUS.forbidden(token));
    const parsed = jsonBody(token, request, ctx);
    if (!("value" in parsed)) return parsed;
    // A body that names no grant is judged by the whole request schema (its oneOf); one that does, by its branch.
    const errors = schemaErrors(
      named ? validatorNamed(variant.schemaName) : validatorNamed(token.model.request?.content[0]?.schemaName ?? null),
      parsed.value,
      ctx,
    );
    if (isAnswer(errors)) return errors;
    if (errors.length) return invalid(token, errors);
    if (variant === REFRESH_GRANT) return refreshGrant(ctx, client, parsed.value as { refresh_token: string });
    if (variant === MFA_GRANT) return mfaGrant(ctx, client, parsed.value as { mfa_token: string; oob_code: string; binding_code: string });
    // "The audience must be a grant associated with the client."
    const { audience } = parsed.value as { audience: string };
    const granted = bend("audienceGranted", client.audiences.includes(audience), { ...ctx, audience });
    if (isAnswer(granted)) return granted;
    if (!granted) return fail(token, STATUS.forbidden(token));
    const mfaScenario = take("mfa_required", "token");
    if (mfaScenario) return mfaAnswer(token, record, mfaScenario);
    const body = issueToken(ctx, { iss: issuer, sub: `${client.clientId}@clients`, aud: audience, scope: client.scopes.join(" ") }, clientLifetime, {
      kind: "client",
      clientId: client.clientId,
      aud: audience,
      revoked: false,
    });
    return success(ctx, token, body);
  }

  /** A customer's tokens: an access token, and a refresh token when the client's scope allows one and
   * the grant may carry one (D1: a login's, an MFA login's; never a refresh grant's). */
  function customerTokens(ctx: OverrideContext, userId: string, clientId: string, aud: string, withRefresh: boolean): Json {
    const body = issueToken(ctx, { iss: issuer, sub: userId, aud, scope: `read:accounts:/customers/${userId}` }, customerLifetime, { kind: "customer" });
    if (withRefresh && scopesOf(clientId).includes(REFRESH_TOKEN_SCOPE)) {
      const refresh = `rt_${randomBytes(24).toString("hex")}`;
      refreshTokens.set(refresh, { userId, clientId, aud, revoked: false });
      body.refresh_token = refresh;
    }
    return body;
  }

  /** The refresh grant: a live refresh token of this client (one 403 for unknown, revoked or another
   * client's, so the answer does not tell which). It keeps working until revoked. */
  function refreshGrant(ctx: OverrideContext, client: ResolvedClient, body: { refresh_token: string }): Answer {
    const found = refreshTokens.get(body.refresh_token);
    const user = found ? config.users.find((u) => u.id === found.userId) : undefined;
    if (!found || found.revoked || found.clientId !== client.clientId || !user) return fail(token, STATUS.forbidden(token));
    return success(ctx, token, customerTokens(ctx, user.id, client.clientId, found.aud, false));
  }

  /** Whether an mfa_token still continues its login: not used, not expired, fewer wrong codes than the bound. */
  function mfaLive(found: { expiresAt: number; spent: boolean; wrongCodes: number }, ctx: OverrideContext): boolean {
    const rules = bend("mfaRules", { singleUse: true, expires: true, maxWrongCodes: MFA_MAX_WRONG_CODES }, ctx) as MfaRules;
    return !(rules.singleUse && found.spent) && !(rules.expires && found.expiresAt <= now()) && found.wrongCodes < rules.maxWrongCodes;
  }

  /** The MFA grant: an unspent, unexpired mfa_token of this client, the oob_code of its last challenge and
   * the binding code sent with it. A wrong code counts; the MFA_MAX_WRONG_CODES-th spends the mfa_token. */
  function mfaGrant(ctx: OverrideContext, client: ResolvedClient, body: { mfa_token: string; oob_code: string; binding_code: string }): Answer {
    const found = mfaTokens.get(body.mfa_token);
    const refused = () => fail(token, STATUS.forbidden(token));
    if (!found || !mfaLive(found, ctx) || found.clientId !== client.clientId || !found.challenge) return refused();
    if (!sameSecret(body.oob_code, found.challenge.oobCode)) return refused();
    if (!sameSecret(body.binding_code, found.challenge.bindingCode)) {
      found.wrongCodes++;
      return refused();
    }
    found.spent = true;
    const user = config.users.find((u) => u.id === found.userId);
    if (!user) return refused();
    return success(ctx, token, customerTokens(ctx, user.id, client.clientId, found.aud, true));
  }

  /** Revoke: 200 `{}` for any well-formed request of a client that may revoke (D7), whether the token was
   * this client's live refresh token (now revoked), unknown, revoked already or another client's. */
  function answerRevoke(request: IncomingRequest, oid: string, record: FakeExchange): Answer {
    const ctx = context(request, revoke, oid);
    const bearer = clientBearer(request, revoke, ctx, revoke.scopes);
    if (isAnswer(bearer)) return bearer;
    record.clientId = bearer.clientId;
    const idValid = bend("pathIdValid", validateOwnerId(oid), ctx);
    if (isAnswer(idValid)) return idValid;
    if (!idValid) return invalid(revoke, validateOwnerId.errors ?? [], "oid");
    const served = bend("accountServed", oid === config.accountId, ctx);
    if (isAnswer(served)) return served;
    if (!served) return fail(revoke, STATUS.forbidden(revoke));
    const parsed = jsonBody(revoke, request, ctx);
    if (!("value" in parsed)) return parsed;
    const errors = schemaErrors(validatorNamed(revoke.model.request?.content[0]?.schemaName ?? null), parsed.value, ctx);
    if (isAnswer(errors)) return errors;
    if (errors.length) return invalid(revoke, errors);
    const found = refreshTokens.get((parsed.value as { token: string }).token);
    if (found && found.clientId === bearer.clientId) found.revoked = true;
    const status = STATUS.success(revoke);
    return send(status, exampleBody(revoke, status), {}, validatorNamed(successSchemaName(revoke)));
  }

  /** The MFA challenge (D8): for an unspent, unexpired mfa_token of this client, sends a new binding code
   * over the channel (sms: the user's phone, email: their email) and answers the oob_code to send with it. */
  function answerChallenge(request: IncomingRequest, aid: string, record: FakeExchange): Answer {
    const ctx = context(request, mfaChallenge, aid);
    const bearer = clientBearer(request, mfaChallenge, ctx, mfaChallenge.scopes);
    if (isAnswer(bearer)) return bearer;
    record.clientId = bearer.clientId;
    const idValid = bend("pathIdValid", validateAccountId(aid), ctx);
    if (isAnswer(idValid)) return idValid;
    if (!idValid) return invalid(mfaChallenge, validateAccountId.errors ?? [], "aid");
    const served = bend("accountServed", aid === config.accountId, ctx);
    if (isAnswer(served)) return served;
    if (!served) return fail(mfaChallenge, STATUS.forbidden(mfaChallenge));
    const parsed = jsonBody(mfaChallenge, request, ctx);
    if (!("value" in parsed)) return parsed;
    const schema = mfaChallenge.model.request?.content[0];
    const errors = schemaErrors(validatorNamed(schema?.schemaName ?? null), parsed.value, ctx);
    if (isAnswer(errors)) return errors;
    if (errors.length) return invalid(mfaChallenge, errors);
    const body = parsed.value as { mfa_token: string; oob_channel?: string };
    const found = mfaTokens.get(body.mfa_token);
    const user = found ? config.users.find((u) => u.id === found.userId) : undefined;
    if (!found || !mfaLive(found, ctx) || found.clientId !== bearer.clientId || !user) return fail(mfaChallenge, STATUS.forbidden(mfaChallenge));
    // The channel's default is the spec's (sms).
    const channelSchema = (schema?.schema?.properties as Record<string, Json> | undefined)?.oob_channel;
    const channel = body.oob_channel ?? String(channelSchema?.default);
    if ((channel === "sms" && user.phone === undefined) || (channel === "email" && user.email === undefined))
      return invalid(mfaChallenge, [
        { keyword: "oob_channel", instancePath: "/oob_channel", message: `is not a channel of this user (no ${channel === "sms" ? "phone" : "email"})` },
      ]);
    const oobCode = `oob_${randomBytes(16).toString("hex")}`;
    const bindingCode = String(randomInt(0, 1_000_000)).padStart(6, "0");
    found.challenge = { oobCode, bindingCode };
    codesSent.set(user.id, bindingCode);
    const status = STATUS.success(mfaChallenge);
    return send(status, { ...exampleBody(mfaChallenge, status), oob_code: oobCode }, {}, validatorNamed(successSchemaName(mfaChallenge)));
  }

  /** 403 mfa_required with a fresh mfa_token; for a login (a user and a client known), one that continues
   * through the challenge and the MFA grant. */
  function mfaAnswer(op: OperationModel, record: FakeExchange, scenario?: ActiveScenario, login?: { userId: string; clientId: string; aud: string }): Answer {
    if (scenario) record.scenario = scenario.name;
    const body = structuredClone(mfa.body) as Json;
    body.mfa_token = `mfa_${randomBytes(16).toString("hex")}`;
    if (login) mfaTokens.set(body.mfa_token as string, { ...login, expiresAt: now() + MFA_TOKEN_LIFETIME_S * 1000, spent: false, wrongCodes: 0 });
    // the status the spec documents the MFA body with, where this operation documents it too
    return send(op.responses.has(mfa.status) ? mfa.status : STATUS.forbidden(op), body);
  }

  /** What a bearer opens: a live record of a token this fake issued, or undefined. */
  function verifyBearer(bearer: string | undefined): BearerRecord | undefined {
    if (bearer === undefined) return undefined;
    const jti = signer.verify(bearer)?.jti ?? serializedByOverride.get(bearer);
    const claims = signer.verify(bearer) ?? (jti ? { exp: Infinity } : undefined);
    const known = typeof jti === "string" ? issued.get(jti) : undefined;
    if (!claims || !known || (typeof claims.exp === "number" && claims.exp <= now() / 1000) || (known.kind === "client" && known.revoked)) return undefined;
    return known;
  }

  function answerLogin(request: IncomingRequest, aid: string, record: FakeExchange): Answer {
    const ctx = context(request, login, aid);
    const authorization = request.header("authorization");
    const bearer = /^bearer +([^\s]+) *$/i.exec(authorization ?? "")?.[1];
    const known = bend("bearer", verifyBearer(bearer), { ...ctx, bearer });
    if (isAnswer(known)) return known;
    if (!known) return unauthorized(login, "Bearer", authorization !== undefined);
    // A customer's own token, or a client without the login's scope: 403 (RFC 6750 §3.1 insufficient_scope).
    if (known.kind !== "client") return fail(login, STATUS.forbidden(login));
    if (!scopesOf(known.clientId).some((scope) => login.scopes.includes(scope))) return fail(login, STATUS.forbidden(login));
    record.clientId = known.clientId;
    const client = config.clients.find((c) => c.clientId === known.clientId)!;
    const idValid = bend("pathIdValid", validateAccountId(aid), ctx);
    if (isAnswer(idValid)) return idValid;
    if (!idValid) return invalid(login, validateAccountId.errors ?? [], "aid");
    // The fake holds one account: a bearer opens no other.
    const served = bend("accountServed", aid === config.accountId, ctx);
    if (isAnswer(served)) return served;
    if (!served) return fail(login, STATUS.forbidden(login));
    const parsed = jsonBody(login, request, ctx);
    if (!("value" in parsed)) return parsed;
    const body = parsed.value as Record<string, unknown>;
    if (body && typeof body === "object" && !Array.isArray(body)) {
      const identity: FakeExchange["identity"] = {};
      for (const key of ["type", "email", "ident_type", "ident"] as const) {
        if (typeof body[key] === "string" && body[key] !== body.password) identity[key] = body[key] as string;
      }
      record.identity = identity;
    }
    const errors = schemaErrors(validateLoginCredentials, body, ctx);
    if (isAnswer(errors)) return errors;
    if (errors.length) return invalid(login, errors);
    const creds = body as { audience: string; type: string; password: string; email?: string; ident_type?: string; ident?: string };
    const credsCtx = { ...ctx, body: creds };
    // "The audience must be a grant associated with the client used when calling this resource."
    const granted = bend("audienceGranted", client.audiences.includes(creds.audience), { ...credsCtx, audience: creds.audience });
    if (isAnswer(granted)) return granted;
    if (!granted) return fail(login, STATUS.forbidden(login));
    const field = creds.email !== undefined ? "email" : IDENT_FIELDS[creds.ident_type!]!;
    const value = creds.email ?? creds.ident!;
    // Every user's password is compared, so the time taken does not tell which identities exist.
    const found = config.users
      .map((u) => (sameSecret(creds.password, u.password) && u.type === creds.type && u[field] === value ? u : undefined))
      .find(Boolean);
    const user = bend("user", found, credsCtx);
    if (isAnswer(user)) return user;
    // One answer for an unknown identity and a wrong password (no account enumeration).
    if (!user) return fail(login, STATUS.forbidden(login));
    const id = (user as { id?: string }).id ?? randomUUID();
    const continuation = { userId: id, clientId: client.clientId, aud: creds.audience };
    const mfaScenario = take("mfa_required", "login");
    if (mfaScenario) return mfaAnswer(login, record, mfaScenario, continuation);
    // A user with MFA logs in through the challenge, unless the bearer has the scope that skips it (D1).
    if ((user as FakeUser).mfa === true && !(NO_MFA_SCOPE && client.scopes.includes(NO_MFA_SCOPE))) return mfaAnswer(login, record, undefined, continuation);
    return success(credsCtx, login, customerTokens(credsCtx, id, client.clientId, creds.audience, true));
  }

  /** The operation a path names, under the spec's base path only (a baseUrl without /v1, with /v2, or
   * with /v1 twice gets 404, as at Dintero). */
  function route(pathname: string): { op: OperationModel; id: string } | undefined {
    if (!pathname.startsWith(`${basePath}/`)) return undefined;
    const rest = pathname.slice(basePath.length);
    for (const op of Object.values(operations) as OperationModel[]) {
      const m = op.pathPattern.exec(rest);
      if (m && m.index === 0) return { op, id: m[1]! };
    }
    return undefined;
  }

  function answer(incoming: IncomingRequest): Plan {
    requests++;
    let request = incoming;
    for (const o of overrides) if (o.rewrite) request = o.rewrite(request);
    const method = request.method.toUpperCase();
    const match = route(request.pathname);
    const record: FakeExchange = { operation: match?.op.key ?? null, method, status: null };
    exchanges.push(record);
    let plan: Plan | undefined;
    for (const o of overrides) {
      plan = o.intercept?.(request, { operation: match?.op.key ?? null, answers: (op, status, headers) => fail(operations[op], status, headers) });
      if (plan) break;
    }
    if (plan) {
      // an override answered in the fake's place
    } else if (!match) {
      plan = {
        delayMs: 0,
        answer: {
          status: 404,
          headers: { "content-type": JSON_TYPE, "cache-control": "no-store", "request-id": randomBytes(8).toString("hex") },
          body: JSON.stringify({ error: { code: "NOT_FOUND", message: "Not Found" } }),
        },
      };
    } else {
      const { op } = match;
      let id = match.id;
      try {
        id = decodeURIComponent(id);
      } catch {
        // left as sent: it fails the id's pattern
      }
      record.accountId = id;
      const allowed = bend("methodAllowed", method === op.method, context(request, op, id));
      if (isAnswer(allowed)) {
        plan = { delayMs: 0, answer: allowed };
      } else if (!allowed) {
        // RFC 9110 §15.5.6: 405 lists the path's methods in Allow. Not documented by the spec (a refusal).
        const allow = methodsOf(op).join(", ");
        plan = {
          delayMs: 0,
          answer: {
            status: 405,
            headers: { "content-type": JSON_TYPE, "cache-control": "no-store", allow, "request-id": randomBytes(8).toString("hex") },
            body: JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: "Method Not Allowed" } }),
          },
        };
      } else {
        const slow = take("slow", op.key) as (ActiveScenario & { name: "slow" }) | undefined;
        const delayMs = slow?.delayMs ?? 0;
        if (slow) record.scenario = "slow";
        const outage = (op.key === "login" ? take("login_server_error", "login") : op.key === "token" ? take("token_outage", "token") : undefined) as
          | ActiveScenario
          | undefined;
        const limited = outage ? undefined : (take("rate_limited", op.key) as (ActiveScenario & { name: "rate_limited" }) | undefined);
        if (outage) {
          record.scenario = outage.name;
          plan = { delayMs, answer: outage.name === "token_outage" && outage.answer === "no_answer" ? null : fail(op, STATUS.serverError(op)) };
        } else if (limited) {
          record.scenario = limited.name;
          const { name, seconds } = retryAfterExample(op);
          plan = { delayMs, answer: fail(op, STATUS.rateLimited(op), { [name.toLowerCase()]: String(limited.retryAfterSeconds ?? seconds) }) };
        } else {
          const handlers: Record<FakeOperation, (r: IncomingRequest, id: string, e: FakeExchange) => Answer> = {
            login: answerLogin,
            token: answerToken,
            revoke: answerRevoke,
            mfa_challenge: answerChallenge,
          };
          plan = { delayMs, answer: handlers[op.key](request, id, record) };
        }
      }
    }
    // Overrides see every answer last (wire-level bends: headers, bytes, encodings).
    if (plan.answer) {
      let final = plan.answer;
      for (const o of overrides) if (o.answer) final = o.answer(final, { request, operation: match?.op.key ?? null, users: config.users });
      plan = { ...plan, answer: final };
    }
    record.status = plan.answer?.status ?? null;
    return plan;
  }

  const internals: FakeInternals = {
    use: (...more) => {
      overrides = [...overrides, ...more];
    },
    resetOverrides: () => {
      overrides = [];
    },
    issuedTokens,
    requestCount: () => requests,
  };

  return {
    accountId: config.accountId,
    audience: config.clients[0]!.audiences[0]!,
    get exchanges() {
      return exchanges;
    },
    get scenarios() {
      return active.map(({ remaining: _r, ...s }) => s as ActiveScenario);
    },
    scenario(name: string, options?: unknown) {
      if (name === "normal") {
        if (options !== undefined) scenarioError("normal takes no options");
        active = [];
        return;
      }
      const s = checkScenario(name, options);
      active = [{ ...s, ...(s.times !== undefined ? { remaining: s.times } : {}) }, ...active.filter((a) => a.name !== s.name)];
    },
    revokeClientBearers() {
      for (const entry of issued.values()) if (entry.kind === "client") entry.revoked = true;
    },
    mfaCode(identity: string) {
      const user = config.users.find((u) => u.email === identity || u.phone === identity);
      return user ? codesSent.get(user.id) : undefined;
    },
    reset() {
      active = [];
      exchanges.length = 0;
    },
    answer,
    internals,
  } as FakeCore;
}
