// account_isolation: a bearer or audience never opens another account's logins.
import { defineCheck } from "./check.ts";
import { any4xx, refusal } from "./support/refusal.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

export const accountIsolation = defineCheck({
  name: "account_isolation",
  severity: "contract",
  severityReason:
    "Dintero documents that the audience must be a grant of the client: a bearer that opens another " +
    "account's logins, or a token for another account's audience, crosses merchants",
  source: dintero(DINTERO_LOGIN_DOCS, '"The audience must be a grant associated with the client used when calling this resource"'),
  catches:
    "the client bearer on another account's login path, a login whose audience is another account's, or " +
    "a client-credentials token request for another account's path or audience, is not refused, also for " +
    "this account's number in the other environment (T test, P production) (Dintero, get token: \"The " +
    'audience must be a grant associated with the client"; any 4xx refuses; whether that ' +
    "status is documented is status_code_conformance's to judge)",
  ...refusal("isolation_rejection", any4xx, "served another account"),
});
