// Internal to this project (not exported by dintero-login-kit/testing): the points where a test bends
// one rule of the fake, as MSW's server.use() or stripe-mock's fixtures do, instead of writing a second
// server. Each hook receives the fake's own verdict at one decision and returns it, bent or not, or an
// Answer that ends the request there. The conformance suite's self-test builds every broken server
// from these (test/helpers/contract-servers.ts); a breakage is one small Override.
import type { FakeOperation, FakeUser } from "./types.ts";

type Json = Record<string, unknown>;

export interface IncomingRequest {
  method: string;
  /** the URL's path, without query */
  pathname: string;
  header(name: string): string | undefined;
  body: string;
}

export interface Answer {
  status: number;
  /** an array value is sent as repeated header lines (only overrides do that) */
  headers: Record<string, string | string[]>;
  /** text is sent as UTF-8; bytes as they are (only overrides send bytes) */
  body: string | Uint8Array;
  /** How node:http frames the body (only overrides choose): with Content-Length (the default), chunked
   * with these trailer fields, or delimited by closing the connection. The Fetch transport ignores it. */
  framing?: { trailers: Record<string, string> } | "close";
}

/** What to do with a request: answer after `delayMs`, or (answer null) never answer. */
export interface Plan {
  delayMs: number;
  answer: Answer | null;
}

/** A schema error as Ajv reports it (the fields the fake reads). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  message?: string;
}

/** A client as the fake holds it (defaults filled in). */
export interface ResolvedClient {
  clientId: string;
  clientSecret: string;
  audiences: string[];
  /** the scopes of its bearer */
  scopes: string[];
}

/** What an access token opens: a client's bearer, or a customer's own token. */
export type BearerRecord = { kind: "client"; clientId: string; aud: string; revoked: boolean } | { kind: "customer" };

/** What a hook knows about the request it bends, and the fake's tools to answer. */
export interface OverrideContext {
  request: IncomingRequest;
  op: FakeOperation;
  /** the path's account id, decoded */
  id: string;
  accountId: string;
  clientScope: string;
  users: ReadonlyArray<FakeUser & { id: string }>;
  clients: readonly ResolvedClient[];
  audienceOf(accountId: string): string;
  /** the login's bearer as sent (bearer hook) */
  bearer?: string;
  /** the parsed body (validation, audienceGranted, user, claims and success hooks of the login) */
  body?: unknown;
  /** the requested audience (audienceGranted) */
  audience?: string;
  /** the claims about to be serialized (serialize) */
  claims?: Json;
  /** what a bearer opens, by the fake's own verification (clientAuth) */
  bearerOf?(bearer: string | undefined): BearerRecord | undefined;
  /** The spec's example answer of this operation for `status`, its error object patched. */
  fail(status: number, patch?: Json): Answer;
  /** The fake's 400 for these schema errors. */
  invalid(errors?: SchemaError[]): Answer;
  /** JSON as the fake sends it (content type, request id, no-store), not checked against the spec. */
  json(status: number, body: unknown, headers?: Record<string, string>): Answer;
  /** HMAC-SHA256 under the fake's signing key. */
  mac(input: string): Uint8Array;
  /** A compact JWS's header and payload, or undefined when it is not one. */
  decode(jwt: string): { header: Json; payload: Json; parts: [string, string, string] } | undefined;
  /** What a bearer with these claims opens when taken at its word (unexpired; its jti's record, or the
   * client scope's first client). */
  trust(claims: Json | undefined): BearerRecord | undefined;
  /** Issues a working customer token and returns its AccessToken body. */
  customerToken(sub: string): Json;
  readonly issuedTokens: readonly string[];
}

/** How the fake judges an mfa_token (see Override.mfaRules). */
export interface MfaRules {
  singleUse: boolean;
  expires: boolean;
  maxWrongCodes: number;
}

export interface Override {
  /** The request as the fake will read it (e.g. its path rewritten). */
  rewrite?(request: IncomingRequest): IncomingRequest;
  /** Before the fake looks at the request: a Plan answers in its place (`answer: null`: never). */
  intercept?(
    request: IncomingRequest,
    ctx: { operation: FakeOperation | null; answers(op: FakeOperation, status: number, headers?: Record<string, string>): Answer },
  ): Plan | undefined;
  /** Whether the operation serves this method (the spec's: POST). */
  methodAllowed?(allowed: boolean, ctx: OverrideContext): boolean | Answer;
  /** Whether the path's id is valid (the spec's pattern). */
  pathIdValid?(valid: boolean, ctx: OverrideContext): boolean | Answer;
  /** The token request's authenticated client (HTTP Basic), or undefined: 401. */
  clientAuth?(client: ResolvedClient | undefined, ctx: OverrideContext): ResolvedClient | undefined | Answer;
  /** What the login's bearer opens, or undefined: 401. */
  bearer?(record: BearerRecord | undefined, ctx: OverrideContext): BearerRecord | undefined | Answer;
  /** Whether the path's account is the caller's. */
  accountServed?(served: boolean, ctx: OverrideContext): boolean | Answer;
  /** Whether the request's media type is one the spec documents. */
  mediaType?(accepted: boolean, ctx: OverrideContext): boolean | Answer;
  /** The parsed JSON body, before it is validated. */
  body?(body: unknown, ctx: OverrideContext): unknown;
  /** The body's schema errors (none: valid). */
  validation?(errors: SchemaError[], ctx: OverrideContext): SchemaError[] | Answer;
  /** Whether the audience is one of the client's grants. */
  audienceGranted?(granted: boolean, ctx: OverrideContext): boolean | Answer;
  /** The user the login's credentials match, or undefined: 403. */
  user?(user: (FakeUser & { id: string }) | undefined, ctx: OverrideContext): (FakeUser & { id: string }) | undefined | Answer;
  /** The claims of a token being issued (iat, exp and jti set). */
  claims?(claims: Json, ctx: OverrideContext): Json;
  /** The token's serialization; undefined: the fake's HS256 JWS. The fake accepts what it serialized. */
  serialize?(token: string | undefined, ctx: OverrideContext): string | undefined;
  /** The 2xx body (already checked against the spec). */
  success?(body: Json, ctx: OverrideContext): Json | Answer;
  /** The rules an mfa_token is judged by (the MFA challenge and grant): single use, expiry, and the wrong
   * binding codes after which it is spent. */
  mfaRules?(rules: MfaRules, ctx: OverrideContext): MfaRules;
  /** Every answer, last: headers, bytes, encodings. */
  answer?(answer: Answer, ctx: { request: IncomingRequest; operation: FakeOperation | null; users: ReadonlyArray<FakeUser & { id: string }> }): Answer;
}

export function isAnswer(value: unknown): value is Answer {
  return typeof value === "object" && value !== null && typeof (value as Answer).status === "number" && "body" in value && "headers" in value;
}
