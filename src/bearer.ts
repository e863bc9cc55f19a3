// The bearer for the login call, and the one every entry point has: an access token the caller provides.
import { adoptOnce, startDeadline } from "./deadline.ts";
import { isLoginError, LoginError, sanitizeCause, type LoginErrorDetail } from "./errors.ts";
import { jwtScopes } from "../lib/jwt.ts";
import type { BearerEvidence } from "./refusal.ts";

export interface BearerSource {
  /** Resolves to the bearer, or rejects with a LoginError (`client_token_failed` or `aborted`). */
  get(signal?: AbortSignal): Promise<string>;
  /**
   * A request with `bearer` was refused (401 or 403) with this evidence against the bearer
   * (src/refusal.ts): replace it, or refresh it within the budget, unless a newer one replaced it already.
   */
  invalidate(bearer: string, evidence: BearerEvidence): void;
}

export const operation = "login";

/**
 * A bearer the caller provides: a string, or a function called before every request. Waiting for
 * the function counts against `timeoutMs` like a request does, and the caller's signal ends it.
 */
export function providedBearer(accessToken: string | (() => string | Promise<string>), timeoutMs?: number): BearerSource {
  return {
    async get(signal) {
      if (typeof accessToken === "string") return accessToken;
      let bearer: unknown;
      const deadline = startDeadline("the accessToken function", timeoutMs, signal);
      try {
        bearer = await deadline.race(Promise.resolve().then(() => adoptOnce(accessToken())));
      } catch (error) {
        if (isLoginError(error) && (error.kind === "aborted" || error.kind === "timeout")) throw error;
        // The caller's error may quote the token it failed to get: keep only its name and code.
        throw new LoginError("client_token_failed", `${operation}: the accessToken function failed`, { cause: sanitizeCause(error) });
      } finally {
        deadline.dispose();
      }
      if (!isUsableBearer(bearer)) {
        const cause = new LoginError("invalid_request", "the accessToken function must return a bearer token (RFC 6750 b64token)", {
          details: [{ pointer: "/auth/accessToken", rule: "b64token", message: bearerRule }],
        });
        throw new LoginError("client_token_failed", `${operation}: the provided access token is not usable`, { cause, causeKind: "invalid_request" });
      }
      return bearer;
    },
    invalidate() {
      // The caller owns this bearer; a function is asked again on the next call anyway.
    },
  };
}

/**
 * RFC 6750 §2.1: the credentials of `Authorization: Bearer` are a b64token. Anything else (empty,
 * spaces, a newline) cannot be sent as a header or would be sent as something else.
 */
export function isUsableBearer(bearer: unknown): bearer is string {
  return typeof bearer === "string" && /^[A-Za-z0-9\-._~+/]+=*$/.test(bearer);
}

/**
 * What makes an AccessToken unusable, the client's bearer and the customer's alike: an
 * `access_token` that is not a b64token, or an `expires_in` that is not a positive safe integer.
 * This project's rules, not Dintero's (Dintero sets no bounds on expires_in; see openapi/SOURCES.md):
 * a token whose lifetime is not positive has expired on arrival, and one past 2^53 s is not a
 * number JSON carries exactly (RFC 8259 §6).
 */
export function unusableTokenProblems(token: unknown): LoginErrorDetail[] {
  if (typeof token !== "object" || token === null || Array.isArray(token)) {
    return [{ pointer: "", rule: "type", message: "must be an object (an AccessToken)" }];
  }
  const { access_token: accessToken, expires_in: expiresIn } = token as { access_token?: unknown; expires_in?: unknown };
  const problems: LoginErrorDetail[] = [];
  if (!isUsableBearer(accessToken)) problems.push({ pointer: "/access_token", rule: "b64token", message: bearerRule });
  if (!(Number.isSafeInteger(expiresIn) && (expiresIn as number) > 0)) {
    problems.push({
      pointer: "/expires_in",
      rule: "positive_lifetime",
      message:
        "must be a whole number of seconds from 1 to 2^53-1 (this client's rule: otherwise the token has expired on arrival, or its lifetime is not a number JSON carries exactly)",
    });
  }
  return problems;
}

export const bearerRule = "must be a non-empty RFC 6750 b64token (letters, digits, -._~+/, then = padding)";

/**
 * This project's tripwire, not Dintero's rule and not a security boundary: in a browser, a bearer
 * whose JWT grants what a page must never hold. A page's bearer is public (any visitor can read
 * it and use it directly), so Dintero's login-client pattern (docs.dintero.com/docs/auth-service)
 * limits such a client's grants to login. Read from the standard `scope` claim (RFC 9068 §2.2.3,
 * space-separated) or `scp` (a string or an array): a scope ending in `/no-mfa` (logins that skip
 * the second factor, Dintero's login reference) and, unless refresh tokens are allowed in the
 * browser, `create:accounts:auth:refresh_token` (Dintero: "A Single-Page Application should not
 * ever receive a Refresh Token"). A bearer that is not a JWT, or names its scopes otherwise,
 * passes: the guard judges only what it can read. Returns the scope that fails, or undefined.
 */
export function scopeRefusedInBrowser(bearer: string, allowRefreshToken: boolean): string | undefined {
  // A payload past 16 KiB is not decoded: the guard stays cheap whatever a server issues.
  const scopes = (bearer.split(".")[1]?.length ?? 0) > 16_384 ? [] : jwtScopes(bearer);
  return scopes.find((scope) => /[/:]no-mfa$/.test(scope) || (!allowRefreshToken && scope === "create:accounts:auth:refresh_token"));
}
