// Why a refused known-good request stops the run, and which variables most likely hold the mistake.
import type { Case } from "./case-types.ts";
import type { SpecModel } from "./spec.ts";
import type { SuiteConfig } from "./types.ts";

/**
 * Why a refused known-good request stops the run: what the configuration says is good was refused, so
 * every further request with the same identity or client would be refused too, and a real test user may
 * be locked out. The hint names the variables that most likely hold the mistake; never their values.
 */
export function knownGoodRefusal(kase: Case, status: number, config: SuiteConfig, spec: SpecModel): string {
  const stop = "the run stops before it sends the test identity or client credentials again";
  // A path the server does not know: most likely the base URL (Dintero's includes /v1), not a credential.
  if (status === 404)
    return (
      `the ${kase.title} was answered 404: ${stop}. Check DINTERO_BASE_URL (${config.target.baseUrl}: it ` +
      `must be the API's base including /v1, e.g. https://api.dintero.com/v1) and DINTERO_ACCOUNT_ID ` +
      `(${config.accountId})`
    );
  if (kase.operation === "token") {
    return (
      `the known-good token request was refused with ${status}: ${stop}. Check DINTERO_CLIENT_ID and ` +
      `DINTERO_CLIENT_SECRET, DINTERO_ACCOUNT_ID (${config.accountId}) and DINTERO_AUDIENCE ` +
      `(${config.audience}: it must be a grant of the client)`
    );
  }
  const form =
    kase.id.split(".")[1] === "ident"
      ? "DINTERO_LOGIN_IDENT_TYPE, DINTERO_LOGIN_IDENT and DINTERO_LOGIN_IDENT_PASSWORD"
      : "DINTERO_LOGIN_EMAIL and DINTERO_LOGIN_PASSWORD";
  const scopes = spec.operations.login.security.flatMap((s) => s.scopes);
  return (
    `the ${kase.title} was refused with ${status}: ${stop}. Check ${form}, DINTERO_LOGIN_TYPE ` +
    `(${config.loginType}: the user's type), that the user belongs to account ${config.accountId}, ` +
    `DINTERO_AUDIENCE (${config.audience})${scopes.length ? `, and that the client holds ${scopes.join(" or ")}` : ""}`
  );
}
