// The bearer for the login call, and the one every entry point has: an access token the caller provides.
import { raceAbort } from "./deadline.ts";
import { LoginError } from "./errors.ts";

export interface BearerSource {
  /** Resolves to the bearer, or rejects with a LoginError (`client_token_failed` or `aborted`). */
  get(signal?: AbortSignal): Promise<string>;
  /** A request with `bearer` was answered 401: forget it, unless a newer one replaced it already. */
  invalidate(bearer: string): void;
}

export const operation = "login";

/** A bearer the caller provides: a string, or a function called before every request. */
export function providedBearer(accessToken: string | (() => string | Promise<string>)): BearerSource {
  return {
    async get(signal) {
      let bearer: unknown;
      try {
        bearer = await raceAbort(operation, Promise.resolve().then(() => (typeof accessToken === "function" ? accessToken() : accessToken)), signal);
      } catch (error) {
        if (error instanceof LoginError && error.kind === "aborted") throw error;
        throw new LoginError("client_token_failed", `${operation}: the accessToken function failed`, { cause: error });
      }
      if (!isUsableBearer(bearer)) {
        const cause = new LoginError("invalid_request", "the accessToken function must return a bearer token (RFC 6750 b64token)", {
          details: [{ pointer: "/auth/accessToken", rule: "b64token", message: bearerRule }],
        });
        throw new LoginError("client_token_failed", `${operation}: the provided access token is not usable`, { cause });
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

export const bearerRule = "must be a non-empty RFC 6750 b64token (letters, digits, -._~+/, then = padding)";
