// The session after login (server entry only): refresh a customer's tokens, revoke a refresh token, and
// continue an MFA login (challenge, then the code). Which credentials a token grant takes is the spec's
// (`x-grant-security`, generated/client-responses.js); what a status means is the model's.
import { mfa_challengeResponses, revokeResponses, tokenGrantSchemes, tokenResponses } from "../generated/client-responses.js";
import {
  validateAccessToken,
  validateError,
  validateMfaChallenge,
  validateMfaChallengeRequest,
  validateMfaError,
  validateMfaOobTokenRequest,
  validateRefreshTokenRequest,
  validateRevokeResult,
  validateRevokeTokenRequest,
  type Validator,
} from "../generated/client-validators.js";
import type { AccessToken, MfaChannel, MfaChallengeStep, MfaCodeStep, SessionCore, SessionMethods } from "./client.ts";
import { readSignal, trimSlash } from "./client.ts";
import { unusableTokenProblems } from "./bearer.ts";
import { raceAbort } from "./deadline.ts";
import { refuseInBrowser } from "./browser-refusal.ts";
import { copyLoginError, isLoginError, LoginError, sanitizeCause, type LoginErrorDetail, type LoginErrorKind } from "./errors.ts";
import {
  contractViolation,
  documentedResponse,
  exchange,
  failureToError,
  isDocumentedSuccess,
  readSuccessBody,
  refusalOf,
  serverTextSuffix,
  unreadResponse,
  type Exchange,
  type ExchangeContext,
} from "./http.ts";
import { basicCredentials } from "./token-provider.ts";
import { check, summarize } from "./validation.ts";
import type { DocumentedResponses } from "../generated/client-responses.js";
import type { components } from "../generated/schema.js";

/** The schemas the session operations' documented responses name (test/client/login/statuses.test.ts checks them against the spec). */
export const sessionSchemaValidators = {
  token: { AccessToken: validateAccessToken, Error: validateError, MfaError: validateMfaError },
  revoke: { RevokeResult: validateRevokeResult, Error: validateError },
  mfa_challenge: { MfaChallenge: validateMfaChallenge, Error: validateError },
} as const;

type Grant = keyof typeof tokenGrantSchemes;

/**
 * The MFA out-of-band grant's value. Dintero spells it two ways (`mfa-oob` on the token page, `mfa_oob`
 * on the challenge and recovery pages and in its generated model); the spec accepts both (a curated
 * choice, openapi/SOURCES.md) and names `mfa_oob` first: the client sends that one.
 */
const mfaGrant = "mfa_oob" satisfies Grant;

/** The server entry's session methods. */
export function sessionMethods(core: SessionCore): SessionMethods {
  const { settings, limits } = core;
  const { accountId, validateResponses } = settings;
  const base = trimSlash(settings.baseUrl);
  /** Refreshes under way, by refresh token: concurrent callers share one request. */
  const refreshing = new Map<string, Promise<AccessToken>>();

  /** The Authorization a token grant takes, by the spec's x-grant-security: the client's bearer, or its Basic credentials. */
  async function grantAuthorization(operation: string, grant: Grant, signal: AbortSignal | undefined): Promise<{ header: string; bearer?: string }> {
    const schemes: readonly string[] = tokenGrantSchemes[grant];
    if (schemes.includes("bearer")) {
      const bearer = await core.bearerSource.get(signal);
      return { header: `Bearer ${bearer}`, bearer };
    }
    const { auth } = settings;
    if (schemes.includes("basic") && "clientId" in auth) return { header: `Basic ${basicCredentials(auth)}` };
    throw new LoginError(
      "invalid_request",
      `${operation}: the spec's security for the ${grant} grant (${schemes.join(", ") || "none"}) is not one this client holds`,
    );
  }

  /**
   * One POST under the exchange's deadline, and the refusal of a bearer reported to its source (as
   * login() does). Resolves to the exchange when it is the documented success, else throws its error,
   * refined by `refine` (the session kinds).
   */
  async function post(
    context: ExchangeContext,
    signal: AbortSignal | undefined,
    bearer: string | undefined,
    call: (fetch: (request: Request) => Promise<Response>, combined: AbortSignal) => Promise<unknown>,
    refine: (error: LoginError, ex: Exchange) => LoginError = (error) => error,
  ): Promise<Exchange> {
    const ex = await exchange(context, limits, signal, (combined) => unreadResponse((fetch) => call(fetch, combined), core.fetch));
    const evidence = bearer === undefined ? undefined : refusalOf(ex, context)?.evidence;
    if (bearer !== undefined && evidence) core.bearerSource.invalidate(bearer, evidence);
    if (!isDocumentedSuccess(ex, context)) throw refine(failureToError(ex, context), ex);
    return ex;
  }

  function contextFor(
    operation: string,
    responses: DocumentedResponses,
    schemaValidators: Readonly<Record<string, Validator>>,
    path: string,
    secrets: (string | undefined)[],
  ): ExchangeContext {
    return {
      operation,
      responses,
      schemaValidators,
      secrets: [...secrets, ...core.clientSecrets],
      validateResponses,
      bearerAuth: true,
      target: { url: `${base}/accounts/${accountId}${path}`, baseUrl: settings.baseUrl },
    };
  }

  /** A token grant's success: an AccessToken the client can use (src/bearer.ts rules, validation on or off). */
  function readToken(ex: Exchange, context: ExchangeContext): AccessToken {
    const token = readSuccessBody(ex, context) as AccessToken;
    const problems = unusableTokenProblems(token);
    if (problems.length > 0) throw contractViolation(ex, context, problems);
    return token;
  }

  /**
   * A token grant (the refresh and the MFA grants): its body sent with the credentials the spec's
   * x-grant-security names, a documented refusal of the grant refined to `refusedKind`, the AccessToken read.
   */
  async function tokenGrant(
    operation: string,
    body: components["schemas"]["RefreshTokenRequest"] | components["schemas"]["MfaOobTokenRequest"],
    secrets: string[],
    signal: AbortSignal | undefined,
    refusedKind: LoginErrorKind,
    refusedMeaning: string,
  ): Promise<AccessToken> {
    const { header, bearer } = await grantAuthorization(operation, body.grant_type, signal);
    const context = contextFor(operation, tokenResponses, sessionSchemaValidators.token, "/auth/token", [...secrets, bearer]);
    const ex = await post(
      context,
      signal,
      bearer,
      (fetch, combined) =>
        core.client.POST("/accounts/{oid}/auth/token", {
          params: { path: { oid: accountId } },
          body,
          headers: { Authorization: header },
          signal: combined,
          fetch,
        }),
      (error, ex) => (grantRefused(error, ex, context) ? refined(error, refusedKind, refusedMeaning, ex, context) : error),
    );
    return readToken(ex, context);
  }

  // The shared request runs under its own deadline (timeoutMs): no caller's signal cancels it for the others.
  const refreshOnce = (refreshToken: string): Promise<AccessToken> =>
    tokenGrant(
      "refresh",
      { grant_type: "refresh_token", refresh_token: refreshToken },
      [refreshToken],
      undefined,
      "refresh_token_invalid",
      "refresh: the server refused the refresh token (unknown, expired, revoked, or another client's): log the customer in again",
    );

  async function mfaChallenge(mfaToken: string, channel: MfaChannel, signal: AbortSignal | undefined): Promise<string> {
    const operation = "MFA challenge";
    const bearer = await core.bearerSource.get(signal);
    const context = contextFor(operation, mfa_challengeResponses, sessionSchemaValidators.mfa_challenge, "/auth/mfa/challenge", [mfaToken, bearer]);
    const ex = await post(
      context,
      signal,
      bearer,
      (fetch, combined) =>
        core.client.POST("/accounts/{aid}/auth/mfa/challenge", {
          params: { path: { aid: accountId } },
          body: { challenge_type: "oob", mfa_token: mfaToken, oob_channel: channel },
          headers: { Authorization: `Bearer ${bearer}` },
          signal: combined,
          fetch,
        }),
      (error, ex) =>
        grantRefused(error, ex, context) || meaningOf(ex, context) === "not_found"
          ? refined(
              error,
              "mfa_token_invalid",
              "MFA challenge: the server refused the mfa_token (expired, used, or another client's): log the customer in again",
              ex,
              context,
            )
          : error,
    );
    const oobCode = (readSuccessBody(ex, context) as { oob_code?: unknown } | undefined)?.oob_code;
    // Needed for the next step whether or not responses are validated.
    if (typeof oobCode !== "string" || oobCode === "") {
      throw contractViolation(ex, context, [{ pointer: "/oob_code", rule: "required", message: "must be a non-empty string (the MFA grant needs it)" }]);
    }
    return oobCode;
  }

  const mfaComplete = (mfaToken: string, oobCode: string, bindingCode: string, signal: AbortSignal | undefined): Promise<AccessToken> =>
    tokenGrant(
      "MFA completion",
      { grant_type: mfaGrant, mfa_token: mfaToken, oob_code: oobCode, binding_code: bindingCode },
      [mfaToken, oobCode, bindingCode],
      signal,
      "mfa_code_invalid",
      "MFA completion: the server refused the code (wrong, or the mfa_token is spent or expired: the response does not say which): ask for the code again, or log in again after a few tries",
    );

  const methods: SessionMethods = {
    refresh: guarded("refresh", async (refreshToken: unknown, options: unknown) => {
      const signal = readSignal(options, "refresh");
      const token = readInput("refresh", validateRefreshTokenRequest, { grant_type: "refresh_token", refresh_token: refreshToken }, "/refresh_token");
      let shared = refreshing.get(token);
      if (!shared) {
        shared = refreshOnce(token).finally(() => refreshing.delete(token));
        refreshing.set(token, shared);
        shared.catch(() => undefined);
      }
      // Each caller gets its own copy of the token or of the error; a caller that gives up only stops waiting.
      return raceAbort(
        "refresh",
        shared.then(
          (result) => structuredClone(result),
          (error: unknown) => {
            throw copyLoginError(error);
          },
        ),
        signal,
      );
    }),
    revoke: guarded("revoke", async (refreshToken: unknown, options: unknown) => {
      const operation = "revoke";
      const signal = readSignal(options, operation);
      const token = readInput(operation, validateRevokeTokenRequest, { token: refreshToken }, "/token");
      const bearer = await core.bearerSource.get(signal);
      const context = contextFor(operation, revokeResponses, sessionSchemaValidators.revoke, "/auth/revoke", [token, bearer]);
      const ex = await post(context, signal, bearer, (fetch, combined) =>
        core.client.POST("/accounts/{oid}/auth/revoke", {
          params: { path: { oid: accountId } },
          body: { token },
          headers: { Authorization: `Bearer ${bearer}` },
          signal: combined,
          fetch,
        }),
      );
      readSuccessBody(ex, context);
    }),
    mfa(error) {
      const mfaToken = isLoginError(error) && error.kind === "mfa_required" ? error.mfaToken : undefined;
      if (typeof mfaToken !== "string") {
        const message = "expects the LoginError of kind mfa_required that login() rejected with, holding an mfa_token";
        throw new LoginError("invalid_request", `mfa: ${message}`, { details: [{ pointer: "", rule: "mfa_required", message }] });
      }
      return mfaSteps(mfaToken, mfaChallenge, mfaComplete);
    },
  };
  if (!settings.browser) return methods;
  // The default entry in a page or a browser worker refuses as the browser entry does.
  return refuseInBrowser;
}

/**
 * The two steps of an MFA login, in order. The mfa_token and the oob_code live in these closures only:
 * no property of a step holds them, so nothing enumerates, serialises or inspects them. JavaScript
 * callers that call the steps out of order get a LoginError (`invalid_request`), not a TypeError.
 */
function mfaSteps(
  mfaToken: string,
  challenge: (mfaToken: string, channel: MfaChannel, signal: AbortSignal | undefined) => Promise<string>,
  complete: (mfaToken: string, oobCode: string, bindingCode: string, signal: AbortSignal | undefined) => Promise<AccessToken>,
): MfaChallengeStep {
  let state: "open" | "completing" | "done" = "open";
  const outOfOrder = (operation: string, message: string) =>
    new LoginError("invalid_request", `${operation}: ${message}`, { details: [{ pointer: "", rule: "mfa_order", message }] });
  const refuseWhenDone = (operation: string) => {
    if (state === "done") throw outOfOrder(operation, "this MFA login is complete and its mfa_token spent: log in again for another");
  };
  const first: MfaChallengeStep = {
    stage: "challenge",
    challenge: guarded("MFA challenge", async (request: unknown, options: unknown) => {
      const signal = readSignal(options, "MFA challenge");
      refuseWhenDone("MFA challenge");
      const channel = readChannel(request, mfaToken);
      const oobCode = await challenge(mfaToken, channel, signal);
      const second: MfaCodeStep = {
        stage: "code",
        complete: guarded("MFA completion", async (bindingCode: unknown, completeOptions: unknown) => {
          const completeSignal = readSignal(completeOptions, "MFA completion");
          refuseWhenDone("MFA completion");
          if (state === "completing") throw outOfOrder("MFA completion", "a completion of this MFA login is under way: wait for it");
          const code = readInput(
            "MFA completion",
            validateMfaOobTokenRequest,
            { grant_type: mfaGrant, mfa_token: mfaToken, oob_code: oobCode, binding_code: bindingCode },
            "/binding_code",
          );
          state = "completing";
          try {
            const token = await complete(mfaToken, oobCode, code, completeSignal);
            state = "done";
            return token;
          } finally {
            if (state === "completing") state = "open";
          }
        }),
      };
      return Object.freeze(second);
    }),
  };
  // Not part of the type (a type error in TypeScript); a JavaScript caller skipping the challenge gets a
  // LoginError. So `"complete" in step` is true for both steps at run time: tell them apart by `stage`.
  Object.defineProperty(first, "complete", {
    value: () => Promise.reject(outOfOrder("MFA completion", "call challenge() first: complete(code) is the step it resolves to")),
    enumerable: false,
  });
  return Object.freeze(first);
}

/** `{ channel }` of challenge(), judged by the spec's MfaChallengeRequest (its `oob_channel` enum). */
function readChannel(request: unknown, mfaToken: string): MfaChannel {
  const refuse = (pointer: string, message: string) =>
    new LoginError("invalid_request", `MFA challenge: ${pointer.slice(1) || "the request"} ${message}`, { details: [{ pointer, rule: "type", message }] });
  if (typeof request !== "object" || request === null || Array.isArray(request)) throw refuse("", 'must be an object such as { channel: "sms" }');
  if (Object.keys(request).some((key) => key !== "channel")) throw refuse("/(unknown key)", "is not a challenge option (the only one is channel)");
  const channel = (request as { channel?: unknown }).channel;
  const problems = check(validateMfaChallengeRequest, { challenge_type: "oob", mfa_token: mfaToken, oob_channel: channel })
    .filter((problem) => problem.pointer === "/oob_channel")
    .map((problem) => ({ ...problem, pointer: "/channel" }));
  if (channel === undefined) problems.push({ pointer: "/channel", rule: "required", message: "is required (sms or email)" });
  if (problems.length > 0) throw invalidInput("MFA challenge", problems);
  return channel as MfaChannel;
}

/**
 * The caller's value at `pointer` of `body`, judged by the request schema it goes into, and not empty
 * (an empty token or code is never one). Details name the rule, never the value.
 */
function readInput(operation: string, validator: Validator, body: Record<string, unknown>, pointer: string): string {
  const problems = check(validator, body).filter((problem) => problem.pointer === pointer || problem.pointer === "");
  const value = body[pointer.slice(1)];
  if (problems.length === 0 && value === "") problems.push({ pointer, rule: "minLength", message: "must not be empty" });
  if (problems.length > 0 || typeof value !== "string") throw invalidInput(operation, problems);
  return value;
}

function invalidInput(operation: string, problems: LoginErrorDetail[]): LoginError {
  return new LoginError("invalid_request", `${operation}: ${summarize(problems)}`, { details: problems });
}

/** The model's meaning of the response's status (generated/client-responses.js). */
function meaningOf(ex: Exchange, context: ExchangeContext): string | undefined {
  return documentedResponse(context.responses, ex.status)?.meaning;
}

/**
 * The server refused what the request carried for the customer (a refresh token, an mfa_token, a code),
 * not this client's bearer: a status the spec documents as `forbidden` (Dintero's token endpoint
 * refuses a grant with 403) that the response does not blame on the bearer, or RFC 6749 §5.2's
 * `invalid_grant` ("the provided authorization grant ... is invalid, expired, revoked") on any
 * documented 4xx. A refusal of the bearer stays `bearer_refused`; a rate limit stays `rate_limited`.
 */
function grantRefused(error: LoginError, ex: Exchange, context: ExchangeContext): boolean {
  if (error.kind === "forbidden" && meaningOf(ex, context) === "forbidden") return true;
  return (error.kind === "bad_request" || error.kind === "unauthorized" || error.kind === "forbidden") && error.code?.toLowerCase() === "invalid_grant";
}

/** The error under its session kind: our words and the status, then what the server said (redacted), with its fields. */
function refined(error: LoginError, kind: LoginErrorKind, meaning: string, ex: Exchange, context: ExchangeContext): LoginError {
  return new LoginError(kind, `${meaning}; status ${ex.status}${serverTextSuffix(ex, context)}`, {
    status: error.status,
    code: error.code,
    requestId: error.requestId,
  });
}

/** Rejects only with LoginError: anything unforeseen is wrapped (as `network`, its message dropped). */
function guarded<A extends unknown[], R>(operation: string, run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await run(...args);
    } catch (error) {
      if (isLoginError(error)) throw error;
      const cause = sanitizeCause(error);
      throw new LoginError("network", `${operation} failed: unexpected error (${cause.message})`, { cause });
    }
  };
}
