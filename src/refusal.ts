// Whose credentials a 401 or 403 refused, as far as the response says: the customer's, or the bearer's.
// Dintero documents 401 for an invalid bearer and does not say what a wrong password gets, so the
// status alone says nothing; only standard signs in the response are read.
import { bearerChallengeErrors } from "../lib/www-authenticate.ts";

/**
 * `bearer`: the response says the bearer is at fault; `customer`: it says the customer's
 * credentials are; `unknown`: it says neither (then both are possible).
 */
export type Refused = "customer" | "bearer" | "unknown";

/**
 * What a refusal means for a cached bearer. `rejected`: the server says the bearer is invalid
 * (RFC 6750 `invalid_token`): replace it. `suspect`: it may be at fault (no sign either way, or
 * RFC 6750 `insufficient_scope`, which a new bearer fixes only if the client's grants changed):
 * a refresh is allowed within a budget. `undefined`: the customer was refused; the bearer is fine.
 */
export type BearerEvidence = "rejected" | "suspect";

export interface Refusal {
  readonly refused: Refused;
  readonly evidence: BearerEvidence | undefined;
}

/**
 * Reads a 401 or 403 to a request made with a bearer. Signs, each a registered meaning, read from
 * the `WWW-Authenticate` Bearer challenge's `error` (RFC 6750 §3) or, failing that, from the
 * body's `error.code` (Dintero's error format; the same registered codes, any case):
 * - `invalid_token` (RFC 6750 §3.1: "expired, revoked, malformed, or invalid"): the bearer, replace it;
 * - `insufficient_scope` (RFC 6750 §3.1): the bearer's grants, a suspect;
 * - `invalid_grant` (RFC 6749 §5.2: "the provided authorization grant (e.g. ... resource owner
 *   credentials) is invalid"): the customer's credentials;
 * - `mfa_required` (Dintero's MfaError): the customer must take a second factor.
 * Anything else says nothing: `unknown`, a suspect.
 */
export function readRefusal(headers: Headers, bodyCode: string | undefined): Refusal {
  const challenge = bearerChallengeErrors(headers.get("www-authenticate"));
  const code = challenge.find((error) => error in registeredCodes) ?? bodyCode?.toLowerCase();
  return (code !== undefined && registeredCodes[code]) || unknownRefusal;
}

const unknownRefusal: Refusal = { refused: "unknown", evidence: "suspect" };

const registeredCodes: Record<string, Refusal> = Object.assign(Object.create(null) as Record<string, Refusal>, {
  invalid_token: { refused: "bearer", evidence: "rejected" },
  insufficient_scope: { refused: "bearer", evidence: "suspect" },
  invalid_grant: { refused: "customer", evidence: undefined },
  mfa_required: { refused: "customer", evidence: undefined },
});

/** The headers of a bearer challenge alone (what `raw`'s middleware can read without taking the body). */
export function readChallenge(headers: Headers): Refusal {
  return readRefusal(headers, undefined);
}

/** The `error` of every Bearer challenge (lib/www-authenticate.ts), kept exported here for callers. */
export { bearerChallengeErrors };
