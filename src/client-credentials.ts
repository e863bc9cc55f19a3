// How the default (server) entry serves `{ clientId, clientSecret }`: it checks `tokenRetry` and the
// token request's `audience`, and wires the token provider. The browser entry has none of this.
import { validateClientCredentialsTokenRequestAudience } from "../generated/client-validators.js";
import { checkRange, maxTimerMs, type EntryWiring } from "./client.ts";
import { describeCode } from "./errors.ts";
import { basicSecrets, clientCredentialsBearer, defaultTokenRetryPolicy, fetchClientToken } from "./token-provider.ts";
import { check } from "./validation.ts";
import { sessionMethods } from "./session.ts";

export const clientCredentialsWiring: EntryWiring = {
  describeCode,
  session: sessionMethods,
  // The token request body is built from `audience`: the schema of that body's `audience` property judges it, alone.
  checkAudience: (audience) => check(validateClientCredentialsTokenRequestAudience, audience, "/audience"),
  clientCredentials(given, problems) {
    const tokenRetry = { ...defaultTokenRetryPolicy, ...given };
    if (![1, 2, 3].includes(tokenRetry.maxAttempts)) {
      problems.push({ pointer: "/tokenRetry/maxAttempts", rule: "range", message: "must be 1, 2 or 3" });
    }
    for (const key of ["baseDelayMs", "maxDelayMs"] as const) {
      checkRange(problems, `/tokenRetry/${key}`, tokenRetry[key], 0, maxTimerMs);
    }
    if (tokenRetry.maxDelayMs < tokenRetry.baseDelayMs) {
      problems.push({ pointer: "/tokenRetry/maxDelayMs", rule: "range", message: "must not be below tokenRetry.baseDelayMs" });
    }
    return (credentials, settings, tokenClient, fetch) => ({
      bearerSource: clientCredentialsBearer(() => fetchClientToken({ ...settings, tokenClient, fetch, credentials }), tokenRetry),
      // The client secret and its Basic credentials, redacted from every exchange.
      secrets: basicSecrets(credentials),
    });
  },
};
