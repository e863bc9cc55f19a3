// ignored_auth: a request without, or with a bad, credential is refused.
import type { Case } from "../case-types.ts";
import { documented4xx, documentedStatuses } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { judgeable } from "./support/exchange.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

export const ignoredAuth = defineCheck({
  name: "ignored_auth",
  severity: "contract",
  severityReason:
    "Dintero documents the bearer and the 401: a server that lets a missing, malformed, forged or unsigned credential in opens its logins to anyone",
  source: dintero(DINTERO_LOGIN_DOCS, "bearer JWT security; 401 Access forbidden, invalid JWT token was used"),
  catches:
    "a request without, with a malformed, or with a never-issued credential that is not refused: 401 (or " +
    "a documented 403) for no credential or a never-issued JWT; any documented 4xx (400 invalid_request, " +
    "RFC 6750 §3.1) for an empty or malformed bearer, another scheme, or a token request without client " +
    "credentials",
  judges: ["auth_rejection"],
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "auth_rejection",
  run(ex, ctx) {
    const status = ex.response!.status;
    const expect = ctx.kase.expect as Extract<Case["expect"], { kind: "auth_rejection" }>;
    // A token request without client credentials may get 400 invalid_client (RFC 6749 §5.2; Dintero
    // documents 400, 401 and 403 on the token endpoint), and an empty or malformed bearer or another
    // scheme 400 invalid_request (RFC 6750 §3.1; Dintero documents 400 on the login): any documented
    // 4xx of the operation refuses those. The others (no header, a never-issued JWT) need 401 or 403.
    const allowed = expect.anyDocumented4xx ? documented4xx(ctx.op) : documentedStatuses(ctx.op, "auth_refused");
    if (allowed.includes(status)) return [];
    const rule = expect.rule;
    return [
      {
        rule,
        pointer: "authorization (header)",
        expected: allowed.join(" or "),
        actual: String(status),
        message: `${rule}: answered ${status}${status < 300 ? " (authentication ignored)" : ""}`,
      },
    ];
  },
});
