// token_scope: a customer's token never opens a merchant operation.
import { documentedStatuses } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { refusal } from "./support/refusal.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

export const tokenScope = defineCheck({
  name: "token_scope",
  severity: "contract",
  severityReason:
    "Dintero documents the scope the caller needs, and 401/403: a customer's own token that opens a merchant operation lets any " +
    "customer log in others, or end and renew sessions",
  source: dintero(DINTERO_LOGIN_DOCS, "the caller must have scope write:accounts:/auth/users; 401 invalid JWT, 403 Forbidden"),
  catches:
    "the customer access token from the known-good login, used as the client's bearer of a login, the refresh grant, revoke or " +
    "the MFA challenge, is not refused with 401 or 403 (or 404: the operation is not served)",
  // A 404 grants the customer token nothing either: a target that does not serve the operation at all (a mock
  // that predates revoke and the MFA challenge) is not the scope break this check is about; the status is
  // status_code_conformance's to judge (an undocumented 404 is its advisory finding).
  ...refusal("scope_rejection", (ctx) => [...documentedStatuses(ctx.op, "auth_refused"), 404], "a customer token opened a merchant operation"),
});
