// negative_data_rejection: a request breaking exactly one rule is rejected.
import type { Case } from "../case-types.ts";
import { documentedStatuses } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { isRefusal, judgeable } from "./support/exchange.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

export const negativeDataRejection = defineCheck({
  name: "negative_data_rejection",
  severity: "contract",
  severityReason:
    "Dintero documents these rules and the 400 for a request that breaks them: a server that takes such " +
    "a request lets a consumer's bug pass on staging that Dintero refuses in production",
  source: dintero(DINTERO_LOGIN_DOCS, "400 Bad / Invalid request"),
  catches:
    "a request breaking exactly one rule (required, enum and enum case, length, type, either/or, aid and " +
    "oid, non-JSON, Content-Type) that is not rejected with a documented 4xx",
  judges: ["rejection"],
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "rejection",
  run(ex, ctx) {
    const expect = ctx.kase.expect as Extract<Case["expect"], { kind: "rejection" }>;
    const status = ex.response!.status;
    // Body-schema breaks must get the status Dintero documents for invalid requests (400 "Bad / Invalid
    // request"); the others (aid, non-JSON, Content-Type) are refused with any 4xx: 404 for a malformed
    // path, 415 for a wrong media type are refusals (whether documented is status_code_conformance's).
    if (expect.status === "any_4xx" && isRefusal(status)) return [];
    const allowed = expect.status === "validation" ? documentedStatuses(ctx.op, "invalid_request") : [];
    if (allowed.includes(status)) return [];
    const expectedText = expect.status === "validation" ? allowed.join(" or ") : "a 4xx (not 429)";
    const what = status < 300 ? "accepted (ignores the rule)" : status >= 500 ? "crashed" : "not rejected as invalid";
    const where = expect.pointer ? ` at ${expect.pointer}` : "";
    return [
      {
        rule: expect.rule,
        pointer: expect.pointer,
        expected: expectedText,
        actual: String(status),
        message: `${ctx.kase.title} (breaks "${expect.rule}"${where}): answered ${status}, expected ${expectedText}: ${what}`,
      },
    ];
  },
});
