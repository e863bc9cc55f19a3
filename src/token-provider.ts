// The client-credentials bearer (server side only): a token that is fetched once for all concurrent
// callers, reused until half its lifetime, kept through a token outage while it is still valid,
// replaced when the server rejects it, and refreshed within a budget when a refusal does not say whose.
import type { Client } from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";
import { tokenResponses } from "../generated/client-responses.js";
import { validateAccessToken, validateError, validateMfaError } from "../generated/client-validators.js";
import { encodeBasicCredentials } from "../lib/basic-auth.ts";
import { operation, unusableTokenProblems, type BearerSource } from "./bearer.ts";
import { raceAbort } from "./deadline.ts";
import { copyLoginError, isLoginError, LoginError, sanitizeCause } from "./errors.ts";
import {
  contractViolation,
  exchange,
  failureToError,
  isDocumentedSuccess,
  readSuccessBody,
  unreadResponse,
  type ExchangeContext,
  type ExchangeLimits,
  type FetchFunction,
} from "./http.ts";

type AccessToken = components["schemas"]["AccessToken"];

/** How the token request is retried (on 429, 503 and network errors only). */
export interface TokenRetryPolicy {
  /** Attempts in all, including the first: 1 to 3. Default 3. */
  maxAttempts: number;
  /** Backoff before attempt n+1 is `baseDelayMs * 2^(n-1)`. Default 250. */
  baseDelayMs: number;
  /** Cap on any wait, including one asked for by `Retry-After`. Default 10,000. */
  maxDelayMs: number;
}

export const defaultTokenRetryPolicy: TokenRetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface ClientTokenRequestOptions {
  readonly tokenClient: Client<paths>;
  readonly fetch: FetchFunction;
  readonly accountId: string;
  readonly baseUrl: string;
  readonly audience: string;
  readonly credentials: ClientCredentials;
  readonly limits: ExchangeLimits;
  readonly validateResponses: boolean;
}

/** The schemas the token request's documented responses name (test/client/login/statuses.test.ts checks the list against the spec). */
export const tokenSchemaValidators = { AccessToken: validateAccessToken, Error: validateError, MfaError: validateMfaError };

/**
 * One attempt at `POST /accounts/{oid}/auth/token` with HTTP Basic client credentials, for the
 * login's account (`oid` = `aid`), under its own deadline (`timeoutMs`); `signal`, if given, ends it early.
 */
export async function fetchClientToken(options: ClientTokenRequestOptions, signal?: AbortSignal): Promise<AccessToken> {
  const { tokenClient, accountId, audience, credentials, limits } = options;
  const basic = basicCredentials(credentials);
  const context: ExchangeContext = {
    operation: "client token request",
    responses: tokenResponses,
    schemaValidators: tokenSchemaValidators,
    secrets: basicSecrets(credentials, basic),
    // The bearer must be usable (a string with a lifetime), so its response is always checked.
    validateResponses: true,
    target: { url: `${options.baseUrl.replace(/\/+$/, "")}/accounts/${accountId}/auth/token`, baseUrl: options.baseUrl },
  };
  const ex = await exchange(context, limits, signal, (combined) =>
    unreadResponse(
      (fetch) =>
        // A literal path, as openapi-fetch types calls by it: checked against generated/schema.d.ts (see client.ts).
        tokenClient.POST("/accounts/{oid}/auth/token", {
          params: { path: { oid: accountId } },
          body: { grant_type: "client_credentials", audience },
          headers: { Authorization: `Basic ${basic}` },
          signal: combined,
          fetch,
        }),
      options.fetch,
    ),
  );
  if (!isDocumentedSuccess(ex, context)) {
    throw failureToError(ex, { ...context, validateResponses: options.validateResponses });
  }
  const token = readSuccessBody(ex, context) as AccessToken;
  const problems = unusableTokenProblems(token);
  if (problems.length > 0) throw contractViolation(ex, context, problems);
  return token;
}

/** `base64(utf8(client_id:client_secret))` (lib/basic-auth.ts, RFC 7617). */
export function basicCredentials({ clientId, clientSecret }: ClientCredentials): string {
  return encodeBasicCredentials(clientId, clientSecret);
}

/**
 * What client credentials put at stake in an exchange: the secret, and the Basic credentials in
 * Base64 and in Base64url (a server may echo either; `id:secret` itself is not listed, since its
 * start is the public client id, which redaction would then hide wherever it appears).
 */
export function basicSecrets(credentials: ClientCredentials, basic = basicCredentials(credentials)): string[] {
  return [credentials.clientSecret, basic, basic.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")];
}

/**
 * Milliseconds since the clock was made, never behind the monotonic clock nor the wall clock, and
 * never going back. Each alone can make an expired bearer look fresh: the wall clock steps back
 * (NTP, a VM resumed with an old time), and the monotonic clock (`performance.now()`, Linux's
 * CLOCK_MONOTONIC) stands still while the machine or a browser tab is suspended. A wall clock that
 * steps forward costs at most one early token request.
 */
export function elapsedClock(): () => number {
  const wallStart = Date.now();
  const monoStart = performance.now();
  let last = 0;
  return () => (last = Math.max(last, performance.now() - monoStart, Date.now() - wallStart));
}

/**
 * How often a refusal may force a token request before the bearer's half-life (see `invalidate`).
 * Our own numbers, not Dintero's: a visitor typing wrong passwords (a 401 or 403 that does not say
 * whose credentials failed) costs at most one token request per `unsignedMs`, and a bearer the
 * server revoked without saying so is replaced within `unsignedMs`.
 */
export const forcedRefreshBudget = { unsignedMs: 30_000 } as const;

/**
 * Client-credentials bearer. One token request at a time however many callers wait (single
 * flight); the token is reused until half of `expires_in` has passed since it was requested,
 * as Dintero's own SDK does; a failed request is not cached. From then until it is no longer
 * valid (its expiry less a margin: the smaller of 60 s and a tenth of its lifetime), callers get
 * the cached bearer at once while a refresh runs in the background: a login never waits on the
 * token endpoint while a valid bearer is cached. A failed refresh backs off (1 s, doubling to 30 s,
 * or the endpoint's Retry-After) before the next is tried: a token outage does not fail logins
 * until the bearer itself runs out, and is not hammered once per login.
 *
 * A token request is never cancelled by its callers: it runs under its own deadline (`timeoutMs`
 * of each attempt) and its result is cached or recorded as a failure whoever still waits for it.
 * Callers that give up (abort, deadline) only stop waiting; a caller aborting cannot start another
 * request, so an abort storm costs no more token requests than patient callers would.
 */
export function clientCredentialsBearer(
  requestToken: () => Promise<AccessToken>,
  retry: TokenRetryPolicy = defaultTokenRetryPolicy,
  now: () => number = elapsedClock(),
): BearerSource {
  /** `signed`: obtained because the server said the bearer before it was invalid. */
  let cached: { bearer: string; refreshAt: number; usableUntil: number; obtainedAt: number; signed: boolean } | undefined;
  /** The refresh under way, and how many callers wait for it (its backoff timer holds the process only while someone does). */
  let inflight: Refresh | undefined;
  /** When a refusal last forced a refresh (any evidence), and whether the next refresh answers a sign. */
  let lastForcedAt = -Infinity;
  let nextIsSigned = false;
  /**
   * After a failed refresh, while the cached bearer is still usable, no other refresh is tried
   * before this: a token outage or rate limit is not hammered once per login.
   */
  let retryRefreshAt = -Infinity;
  let failedRefreshes = 0;
  /** The last failed token request's error, given (copied) to callers refused during its backoff. */
  let lastFailure: LoginError | undefined;
  /**
   * Counts refusals that rejected the bearer (`invalid_token`): a token request started before one
   * may return a bearer revoked with the one refused, so its result is not used (see startRefresh).
   */
  let rejections = 0;

  function startRefresh(): Refresh {
    const requestedAt = now();
    const signed = nextIsSigned;
    nextIsSigned = false;
    const startedAfter = rejections;
    const entry: Refresh = { waiters: 0, timer: undefined, promise: Promise.resolve("") };
    /** A refresh that a rejection overtook hands its callers to the refresh started since. */
    const overtaken = () => {
      if (startedAfter === rejections) return undefined;
      if (inflight && inflight !== entry) return inflight.promise;
      const at = now();
      if (cached && at < cached.usableUntil) return Promise.resolve(cached.bearer);
      // The newer refresh failed: its backoff holds for these callers too (no extra token request).
      if (at < retryRefreshAt && lastFailure) return Promise.reject(backingOff(lastFailure, retryRefreshAt - at));
      inflight = startRefresh();
      return inflight.promise;
    };
    entry.promise = withRetries(requestToken, retry, undefined, (timer) => {
      entry.timer = timer;
      holdProcess(timer, entry.waiters > 0);
    })
      .then(
        (token) => {
          const next = overtaken();
          if (next) return next;
          const lifetimeMs = token.expires_in * 1000;
          const marginMs = Math.min(60_000, lifetimeMs / 10);
          cached = {
            bearer: token.access_token,
            refreshAt: requestedAt + lifetimeMs / 2,
            usableUntil: requestedAt + lifetimeMs - marginMs,
            obtainedAt: requestedAt,
            signed,
          };
          failedRefreshes = 0;
          retryRefreshAt = -Infinity;
          lastFailure = undefined;
          return token.access_token;
        },
        (error: unknown) => {
          const next = overtaken();
          if (next) return next;
          // 1 s, doubling to 30 s, or the token endpoint's Retry-After if longer (our numbers), with
          // or without a cached bearer, whatever failed (refused client credentials do not fix
          // themselves either): at most one token request per backoff step.
          const backoffMs = Math.min(30_000, 1000 * 2 ** failedRefreshes++);
          const askedMs = isLoginError(error) && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : 0;
          retryRefreshAt = now() + Math.max(backoffMs, askedMs);
          lastFailure = clientTokenFailed(error);
          throw lastFailure;
        },
      )
      .finally(() => {
        if (inflight === entry) inflight = undefined;
      });
    // A background refresh may have nobody waiting for it when it fails.
    entry.promise.catch(() => undefined);
    return entry;
  }

  return {
    get(signal) {
      const current = cached;
      const at = now();
      if (current && at < current.usableUntil) {
        // Due for refresh (half-life passed, or a refusal forced it): refreshed in the background,
        // unless a failed refresh backs off; the caller gets the cached bearer now either way.
        if (at >= current.refreshAt && !inflight && at >= retryRefreshAt) inflight = startRefresh();
        return raceAbort(operation, Promise.resolve(current.bearer), signal);
      }
      // No valid bearer, and a failed token request backs off: refused at once, nothing sent.
      if (!inflight && at < retryRefreshAt && lastFailure) return Promise.reject(backingOff(lastFailure, retryRefreshAt - at));
      // No valid bearer: wait for the refresh (started by the first caller to need it).
      inflight ??= startRefresh();
      const entry = inflight;
      if (entry.waiters++ === 0) holdProcess(entry.timer, true);
      // Each caller gets its own error object: one shared instance would carry one caller's
      // changes (or log fields) into another's.
      const result = entry.promise.catch((error: unknown) => {
        throw copyLoginError(error);
      });
      // A caller that gives up stops waiting; the shared request carries on under its own deadline.
      return raceAbort(operation, result, signal).finally(() => {
        if (--entry.waiters === 0) holdProcess(entry.timer, false);
      });
    },
    /**
     * `rejected` (the server says the bearer is invalid) drops it now, so the next call fetches
     * another and never falls back to it; unless the server also rejected the bearer that an
     * earlier sign fetched, within `unsignedMs` of fetching it (a server that rejects every bearer
     * would otherwise cost a token request per login). `suspect` (no sign either way) makes the
     * bearer due for refresh, at most once per `unsignedMs` for all refusals together; it is still
     * served while that refresh runs, and stays the fallback should it fail. A refusal of a bearer
     * already replaced changes nothing.
     */
    invalidate(bearer, evidence) {
      const current = cached;
      if (current?.bearer !== bearer) return;
      const at = now();
      if (evidence === "suspect" && at >= current.refreshAt) return; // due anyway
      const allowed =
        evidence === "rejected"
          ? !(current.signed && at - current.obtainedAt < forcedRefreshBudget.unsignedMs)
          : at - lastForcedAt >= forcedRefreshBudget.unsignedMs;
      if (!allowed) return;
      lastForcedAt = at;
      if (evidence === "rejected") {
        cached = undefined;
        nextIsSigned = true;
        // A refresh already under way was asked for before this refusal: its bearer may be revoked
        // with this one, so it is not used: when it settles, startRefresh hands its callers to a
        // refresh started after the refusal.
        rejections++;
      } else cached = { ...current, refreshAt: at };
      // Forced (within the budget above): started now, not held back by an earlier failure's
      // backoff, so the replacement is usually ready before the next login asks.
      retryRefreshAt = -Infinity;
      if (!inflight) inflight = startRefresh();
    },
  };
}

interface Refresh {
  promise: Promise<string>;
  waiters: number;
  /** The backoff timer between attempts, if one is running. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A backoff timer keeps a Node process alive only while a caller waits for it: a refresh that
 * serves nobody (a background refresh, or one whose callers gave up) must not hold a CLI open.
 */
function holdProcess(timer: ReturnType<typeof setTimeout> | undefined, hold: boolean): void {
  const handle = timer as { ref?: () => void; unref?: () => void } | undefined;
  if (typeof handle !== "object" || handle === null) return; // browsers: a number
  if (hold) handle.ref?.();
  else handle.unref?.();
}

/**
 * While a failed token request backs off and no valid bearer is cached: the last failure, for this
 * caller (its own copy), with the seconds until the next token request may be tried.
 */
function backingOff(failure: LoginError, waitMs: number): LoginError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new LoginError("client_token_failed", `${failure.message}; no token request is tried again for ${seconds} s (backoff after a failed token request)`, {
    status: failure.status,
    code: failure.code,
    requestId: failure.requestId,
    causeKind: failure.causeKind,
    cause: failure.cause,
    retryAfterSeconds: seconds,
  });
}

function clientTokenFailed(error: unknown): LoginError {
  if (!isLoginError(error)) {
    const cause = sanitizeCause(error);
    return new LoginError("client_token_failed", `${operation}: could not get the client-credentials bearer (${cause.message})`, {
      causeKind: "network",
      cause,
    });
  }
  return new LoginError("client_token_failed", `${operation}: could not get the client-credentials bearer: ${error.message}`, {
    status: error.status,
    code: error.code,
    requestId: error.requestId,
    causeKind: error.kind === "client_token_failed" ? undefined : error.kind,
    cause: error,
  });
}

/**
 * Retries 429 (waiting `Retry-After`, capped), 503 and network errors, with exponential backoff.
 * Once `signal` aborts, no attempt is started and the backoff timer is cleared.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: TokenRetryPolicy,
  signal?: AbortSignal,
  onTimer?: (timer: ReturnType<typeof setTimeout>) => void,
): Promise<T> {
  const maxAttempts = Math.min(Math.max(1, Math.floor(policy.maxAttempts)), 3);
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= maxAttempts || !isRetryable(error) || signal?.aborted) throw error;
      await sleep(retryDelayMs(error as LoginError, n, policy), signal, onTimer);
      if (signal?.aborted) throw error;
    }
  }
}

function isRetryable(error: unknown): error is LoginError {
  if (!isLoginError(error)) return false;
  return error.kind === "network" || error.kind === "rate_limited" || (error.kind === "server_error" && error.status === 503);
}

function retryDelayMs(error: LoginError, attempt: number, policy: TokenRetryPolicy): number {
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  const asked = error.retryAfterSeconds === undefined ? backoff : error.retryAfterSeconds * 1000;
  return Math.max(0, Math.min(asked, policy.maxDelayMs));
}

/** Resolves after `ms`, or as soon as `signal` aborts (and then the timer is cleared). */
function sleep(ms: number, signal?: AbortSignal, onTimer?: (timer: ReturnType<typeof setTimeout>) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    onTimer?.(timer);
    signal?.addEventListener("abort", done, { once: true });
  });
}
